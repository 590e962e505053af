import { afterEach, describe, expect, it } from 'vitest';
import type { SecurityAlertView } from '../../src/core/modules/audit/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS, T0 } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

const MIN = 60_000;
/** Small thresholds so that a test can cross them: more than 5 reads, or more than 30 listed rows, in 10 minutes. */
const accessAlerts = { bulkReads: 5, bulkRows: 30, windowMs: 10 * MIN };

// SPEC 10: unusual access (bulk reads, off-hours exports and audit reads) raises an alert.
describe.each(DIALECTS)('unusual-access alerts on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  /** useTokens (API tokens): for a test that moves the clock by hours, past a session's life; sessions otherwise (a portal login). */
  const open = async (useTokens = false) => {
    t = await makeTestApp(dialect, { caseHooks: [], useTokens, config: { accessAlerts } });
    return { clock: t.clock as ManualClock, customer: (await createCustomer(t.ctx, { name: '客户丙', email: 'c@example.com', phone: '13700001111' }, systemActor('test'))).id };
  };
  const alerts = async () => (await t.ctx.db.selectFrom('security_alerts').selectAll().orderBy('at').orderBy('id').execute()).map((a) => ({ ...a, details: JSON.parse(a.details) as Record<string, unknown> }));
  const read = async (who: string, url: string, times: number) => {
    for (let i = 0; i < times; i++) expect((await t.as(who, 'GET', url)).statusCode).toBe(200);
  };
  const alertMails = async () =>
    (await t.ctx.db.selectFrom('outbox').select('payload').where('topic', '=', 'notify').execute())
      .map((r) => JSON.parse(r.payload) as { kind: string; userIds: string[]; vars: Record<string, unknown> })
      .filter((p) => p.kind === 'security_alert');

  it('raises one alert per actor and window for bulk reads, none for normal use, and tells the director and admins', async () => {
    const { clock, customer } = await open();
    const c = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId: customer, contact: { name: '客户丙' }, subject: '咨询', description: '咨询保修期' });
    expect(c.statusCode).toBe(201);
    const caseId = (c.json() as { id: string }).id;
    // normal use: five reads of personal data, another agent's three, intake of cases: nothing
    await read('agent', `/api/v1/customers/${customer}`, 3);
    await read('agent', `/api/v1/cases/${caseId}`, 2);
    await read('agent2', `/api/v1/customers/${customer}`, 3);
    for (let i = 0; i < 8; i++)
      expect((await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: `来电${i}`, phone: `1380000${String(i).padStart(4, '0')}` }, subject: `来电${i}`, description: '咨询' })).statusCode).toBe(201);
    expect(await alerts()).toEqual([]);

    // the sixth read within ten minutes: one alert; more reads in the same window: no second one
    clock.advance(MIN);
    await read('agent', `/api/v1/customers/${customer}`, 1);
    let raised = await alerts();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      rule: 'bulk_read',
      actor_id: t.seed.users.agent!.id,
      at: T0 + MIN,
      acknowledged_at: null,
      details: { count: 6, threshold: 5, windowMs: 10 * MIN, byAction: { 'customer.read': 4, 'case.read': 2 }, actorRole: 'agent' },
    });
    await read('agent', `/api/v1/cases/${caseId}`, 10);
    expect(await alerts()).toHaveLength(1);

    // the alert is audited and mailed to the active directors and admins
    const audited = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'security.alert').execute();
    expect(audited.map((a) => [a.target_id, a.actor_kind])).toEqual([[raised[0]!.id, 'system']]);
    const mails = await alertMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.userIds.sort()).toEqual([t.seed.users.admin!.id, t.seed.users.director!.id].sort());
    expect(mails[0]!.vars).toMatchObject({ alertId: raised[0]!.id, rule: 'bulk_read', count: 6, threshold: 5, windowMinutes: 10 });

    // a window later, still reading in bulk: a second alert
    clock.advance(10 * MIN);
    await read('agent', `/api/v1/cases/${caseId}`, 5);
    expect(await alerts()).toHaveLength(1); // the older reads have left the window
    await read('agent', `/api/v1/cases/${caseId}`, 1);
    raised = await alerts();
    expect(raised.map((a) => [a.rule, a.actor_id])).toEqual([
      ['bulk_read', t.seed.users.agent!.id],
      ['bulk_read', t.seed.users.agent!.id],
    ]);
    expect(raised.filter((a) => a.actor_id !== t.seed.users.agent!.id)).toEqual([]); // agent2 never crossed it
  });

  it('counts the rows of lists and searches, and not a portal customer reading their own', async () => {
    const { customer } = await open();
    for (let i = 0; i < 20; i++) await createCustomer(t.ctx, { name: `批量客户${i}`, email: `bulk${i}@example.com` }, systemActor('test'));
    await createUser(t.ctx, { email: 'own@example.com', name: 'Portal', role: 'customer', customerId: customer, password: TEST_PASSWORD }, systemActor('test'));
    const own = await t.as('own@example.com', 'POST', '/api/v1/cases', { channel: 'web', contact: { name: '客户丙' }, subject: '我的问题', description: '请回电' });
    expect(own.statusCode, own.body).toBe(201);
    await read('own@example.com', `/api/v1/cases/${(own.json() as { id: string }).id}`, 10);
    await read('supervisor', '/api/v1/customers?limit=200', 1); // 21 rows
    expect(await alerts()).toEqual([]);
    await read('supervisor', '/api/v1/customers?limit=200', 1); // 42 rows within the window
    await read('supervisor', '/api/v1/customers?limit=200', 2);
    const raised = await alerts();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ rule: 'bulk_list', actor_id: t.seed.users.supervisor!.id, details: { rows: 42, lists: 2, threshold: 30 } });
  });

  it('raises one alert for an audit-log read or a data export outside working hours, and lets it be acknowledged (audited)', async () => {
    const { clock, customer } = await open(true);
    // Monday 10:00 in Shanghai: working hours
    await read('director', '/api/v1/audit?limit=5', 2);
    expect((await t.as('director', 'GET', `/api/v1/customers/${customer}/export`)).statusCode).toBe(200);
    expect(await alerts()).toEqual([]);
    // Monday 12:30, the lunch break of the standard calendar; then 21:00
    clock.advance(2.5 * 60 * MIN);
    await read('director', '/api/v1/audit?limit=5', 1);
    clock.advance(8.5 * 60 * MIN);
    await read('director', '/api/v1/audit?limit=5', 3);
    expect((await t.as('director', 'GET', `/api/v1/customers/${customer}/export`)).statusCode).toBe(200);
    const raised = await alerts();
    expect(raised.map((a) => [a.rule, a.actor_id, a.at])).toEqual([
      ['off_hours_audit', t.seed.users.director!.id, T0 + 2.5 * 60 * MIN],
      ['off_hours_audit', t.seed.users.director!.id, T0 + 11 * 60 * MIN],
      ['off_hours_export', t.seed.users.director!.id, T0 + 11 * 60 * MIN],
    ]);
    expect(raised[2]!.details).toMatchObject({ action: 'privacy.export', targetType: 'customer', targetId: customer, calendar: 'standard' });

    // the list: open first, newest first; the agent, the manager and the inspector may not see it
    for (const who of ['agent', 'manager', 'inspector']) expect((await t.as(who, 'GET', '/api/v1/security/alerts')).statusCode, who).toBe(403);
    expect((await t.as('manager', 'POST', `/api/v1/security/alerts/${raised[0]!.id}/acknowledge`, {})).statusCode).toBe(403);
    const ack = await t.as('admin', 'POST', `/api/v1/security/alerts/${raised[0]!.id}/acknowledge`, { note: '总监加班核对审计，已确认' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ id: raised[0]!.id, acknowledgedAt: T0 + 11 * 60 * MIN, acknowledgedBy: t.seed.users.admin!.id });
    const twice = await t.as('director', 'POST', `/api/v1/security/alerts/${raised[0]!.id}/acknowledge`, {});
    expect([twice.statusCode, (twice.json() as { error: { code: string } }).error.code]).toEqual([409, 'alert_already_acknowledged']);
    expect((await t.as('director', 'POST', '/api/v1/security/alerts/no-such-alert/acknowledge', {})).statusCode).toBe(404);

    const list = (await t.as('director', 'GET', '/api/v1/security/alerts')).json() as SecurityAlertView[];
    expect(list.map((a) => a.id)).toEqual([raised[2]!.id, raised[1]!.id, raised[0]!.id]);
    expect(list.map((a) => a.acknowledgedAt === null)).toEqual([true, true, false]);
    const open_ = (await t.as('director', 'GET', '/api/v1/security/alerts?acknowledged=false')).json() as SecurityAlertView[];
    expect(open_.map((a) => a.id).sort()).toEqual([raised[1]!.id, raised[2]!.id].sort());
    const done = (await t.as('admin', 'GET', '/api/v1/security/alerts?acknowledged=true')).json() as SecurityAlertView[];
    expect(done.map((a) => a.id)).toEqual([raised[0]!.id]);
    const audited = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'security.alert_acknowledge').execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actor_id: t.seed.users.admin!.id, target_type: 'security_alert', target_id: raised[0]!.id });
    expect(JSON.parse(audited[0]!.after!)).toMatchObject({ rule: 'off_hours_audit', note: '总监加班核对审计，已确认' });
    expect(((await t.as('director', 'GET', '/api/v1/audit/verify')).json() as { ok: boolean }).ok).toBe(true);
  });
});

// A data export is a read of everything about one customer: it counts toward bulk_read.
describe.each(DIALECTS)('data exports and bulk reads on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('raises bulk_read when one manager exports more than the threshold within the window', async () => {
    t = await makeTestApp(dialect, { caseHooks: [], config: { accessAlerts } });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await createCustomer(t.ctx, { name: `导出${i}`, email: `export${i}@example.com` }, systemActor('test'))).id);
    for (const id of ids.slice(0, 5)) expect((await t.as('manager', 'GET', `/api/v1/customers/${id}/export`)).statusCode).toBe(200);
    const bulk = async () => (await t.ctx.db.selectFrom('security_alerts').selectAll().where('rule', '=', 'bulk_read').execute()).map((a) => ({ ...a, details: JSON.parse(a.details) as Record<string, unknown> }));
    expect(await bulk()).toEqual([]);
    expect((await t.as('manager', 'GET', `/api/v1/customers/${ids[5]}/export`)).statusCode).toBe(200);
    const raised = await bulk();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ actor_id: t.seed.users.manager!.id, details: { count: 6, threshold: 5, byAction: { 'privacy.export': 6 } } });
  });
});
