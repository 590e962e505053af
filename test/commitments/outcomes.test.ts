import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { complianceBetween } from '../../src/core/modules/analytics/sla.ts';
import { SlaRollup } from '../../src/core/modules/analytics/metrics.ts';
import { complianceOver, sweepDueTimers } from '../../src/core/modules/commitments/index.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

// Shanghai wall time -> epoch ms
const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const DAY = 86_400_000;

interface Target {
  id: string;
  kind: string;
  calendarId: string;
  dueAt: number | null;
  state: string;
  elapsedMinutes: number;
  remainingMinutes: number;
  metAt: number | null;
  breachedAt: number | null;
}

/**
 * What a target's outcome is and when it counts (SPEC 4 and 8): breached only when its deadline
 * passed while it ran, whenever the timer worker runs; each on a fresh database, as compliance
 * figures are over all cases.
 */
describe.each(DIALECTS)('commitment outcomes on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeEach(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
  });
  afterEach(async () => t.close());

  const at = (iso: string) => clock.set(sh(iso));
  const create = async (body: Record<string, unknown>, who = 'agent') => {
    const r = await t.as(who, 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '李女士', phone: '13800138000' }, subject: '会员积分没有到账', description: '上周消费的积分一直没有到账', ...body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; priority: string };
  };
  const act = async (who: string, id: string, path: string, body: unknown = {}) => {
    const r = await t.as(who, 'POST', `/api/v1/cases/${id}/${path}`, body);
    expect(r.statusCode, r.body).toBe(200);
  };
  const commitments = async (id: string) => {
    const r = await t.as('supervisor', 'GET', `/api/v1/cases/${id}/commitments`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { escalationLevel: number; targets: Target[]; escalations: Array<{ level: number; reason: string; notified: string[] }> };
  };
  const target = async (id: string, kind: string) => (await commitments(id)).targets.find((x) => x.kind === kind)!;
  const events = async (id: string, type: string) =>
    (await t.ctx.db.selectFrom('case_events').select(['data']).where('case_id', '=', id).where('type', '=', type).execute()).map((e) => JSON.parse(e.data!) as Record<string, unknown>);
  const remedies = async (id: string) =>
    (await t.as('supervisor', 'GET', `/api/v1/remedies?caseId=${id}`)).json() as Array<{ targetId: string; status: string; proposal: { kind: string; amount?: number } }>;
  /** [kind, met, breached] over the last 30 days, by the commitments module and by analytics (sla_daily + raw), which must agree. */
  const compliance30 = async () => {
    const a = (await complianceOver(t.ctx, 30)).map((k) => [k.kind, k.met, k.breached]);
    const b = (await complianceBetween(t.ctx, clock.now() - 30 * DAY, clock.now())).map((k) => [k.kind, k.met, k.breached]);
    expect(b).toEqual(a);
    return a;
  };
  /** sla_daily holds what the targets add up to. */
  const expectSlaDailyInStep = async () => {
    const byKey = <T extends object>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
    const sla = (await t.ctx.db.selectFrom('sla_daily').selectAll().execute()).filter((r) => r.met || r.breached).map((r) => ({ ...r, day: Number(r.day) }));
    const targets = await t.ctx.db.selectFrom('case_targets').select(['kind', 'due_at', 'met_at', 'state']).execute();
    expect(byKey(sla)).toEqual(byKey(new SlaRollup().add(targets).rows()));
  };

  it('does not count a paused target as breached, nor one resolved while waiting on the customer', async () => {
    at('2026-11-23T10:00:00'); // Monday
    const c = await create({ teamId: t.seed.teams.frontline });
    await act('agent', c.id, 'take'); // reception met at 10:00 (due 10:15)
    at('2026-11-23T10:30:00'); // first response met (due 11:00); resolution paused after 30 of its 1440 minutes
    await act('agent', c.id, 'replies', { body: '请提供消费小票照片', setStatus: 'pending_customer' });
    const deadlineThen = (await t.ctx.db.selectFrom('case_targets').select('due_at').where('case_id', '=', c.id).where('kind', '=', 'resolution').executeTakeFirstOrThrow()).due_at;
    expect(Number(deadlineThen)).toBe(sh('2026-11-26T11:30:00')); // the deadline had it kept running: passed below

    at('2026-11-30T10:00:00'); // a week later, still waiting on the customer
    expect(await sweepDueTimers(t.ctx)).toMatchObject({ breaches: 0 });
    const paused = await target(c.id, 'resolution');
    // no deadline runs while paused: none shown, the business time left instead
    expect(paused).toMatchObject({ state: 'paused', dueAt: null, elapsedMinutes: 30, remainingMinutes: 1410 });
    expect((await target(c.id, 'next_response')).dueAt).toBeNull(); // started paused with the reply
    // reception and first response met; resolution and next response paused: not judged
    expect(await compliance30()).toEqual([
      ['reception', 1, 0],
      ['first_response', 1, 0],
    ]);

    await act('agent', c.id, 'resolve', { cause: '积分系统延迟', solution: '已补发积分' });
    const res = await target(c.id, 'resolution');
    // met after 30 business minutes; its deadline is where it stood: 1410 left from Mon 10:00 =
    // Mon 390 (10:00-12:00, 13:30-18:00), Tue 450, Wed 450 (1290), Thu 09:00-11:00 (120)
    expect(res).toMatchObject({ state: 'met', metAt: sh('2026-11-30T10:00:00'), elapsedMinutes: 30, dueAt: sh('2026-12-03T11:00:00'), breachedAt: null });
    expect(await compliance30()).toEqual([
      ['reception', 1, 0],
      ['first_response', 1, 0],
      ['next_response', 1, 0], // the resolution notice is staff speaking to the customer, while paused: met
      ['resolution', 1, 0], // met ahead of its deadline
    ]);
    await expectSlaDailyInStep();
  });

  it('carries the business time used, pauses excluded, when reclassification moves a timer to the 7x24 calendar', async () => {
    // paused: Mon 10:00-10:10 used (10 minutes), waiting on the customer since
    at('2026-11-23T10:00:00');
    const a = await create({ teamId: t.seed.teams.frontline });
    await act('agent', a.id, 'take');
    at('2026-11-23T10:10:00');
    await act('agent', a.id, 'replies', { body: '请提供小票照片', setStatus: 'pending_customer' });
    // running again: Mon 10:00-10:10 and Wed 09:00-10:00 used (70 minutes)
    at('2026-11-23T10:00:00');
    const b = await create({ teamId: t.seed.teams.frontline, contact: { name: '王先生', phone: '13900139000' } });
    await act('agent', b.id, 'take');
    at('2026-11-23T10:10:00');
    await act('agent', b.id, 'replies', { body: '请提供小票照片', setStatus: 'pending_customer' });
    at('2026-11-25T09:00:00');
    await act('agent', b.id, 'status', { status: 'open' });

    // running since Monday without a pause: its nights were not business time
    at('2026-11-23T10:00:00');
    const c = await create({ teamId: t.seed.teams.frontline, contact: { name: '李女士', phone: '13900139001' } });
    await act('agent', c.id, 'take');

    at('2026-11-25T10:00:00'); // Wednesday: all three become P1, 24 hours on the 7x24 calendar
    for (const id of [a.id, b.id, c.id]) await act('supervisor', id, 'classify', { impact: 1, urgency: 1, reason: '影响停产' });
    // c: Mon 10:00-12:00 and 13:30-18:00 (390), Tue (450), Wed 09:00-10:00 (60) on the standard
    // calendar: 900 used, not the 2880 wall minutes; 540 left from Wed 10:00 on 7x24 -> Wed 19:00
    expect(await target(c.id, 'resolution')).toMatchObject({ calendarId: '7x24', state: 'running', elapsedMinutes: 900, dueAt: sh('2026-11-25T19:00:00') });
    // a: 10 used (not the 2880 wall minutes since Monday 10:00), 1430 left, still paused
    expect(await target(a.id, 'resolution')).toMatchObject({ calendarId: '7x24', state: 'paused', dueAt: null, elapsedMinutes: 10, remainingMinutes: 1430 });
    // b: 10 + 60 on the running stretch; 1430 from Wed 09:00 on 7x24 (23 h 50 min) -> Thu 08:50
    expect(await target(b.id, 'resolution')).toMatchObject({ calendarId: '7x24', state: 'running', elapsedMinutes: 70, dueAt: sh('2026-11-26T08:50:00') });
    // the timeline's record of the change shows what the customer's deadline became: none while paused
    const recomputed = async (id: string) => ((await events(id, 'sla_recomputed'))[0]!.changes as Array<Record<string, unknown>>).find((x) => x.kind === 'resolution');
    expect(await recomputed(a.id)).toEqual({ kind: 'resolution', before: null, after: null, remainingMinutes: 1430 });
    expect(await recomputed(c.id)).toMatchObject({ kind: 'resolution', after: sh('2026-11-25T19:00:00') });

    at('2026-11-25T10:01:00');
    await act('agent', a.id, 'status', { status: 'open' });
    // a resumes with its 1430 minutes: Wed 10:01 + 23 h 50 min -> Thu 09:51
    expect(await target(a.id, 'resolution')).toMatchObject({ state: 'running', dueAt: sh('2026-11-26T09:51:00') });
    expect(await sweepDueTimers(t.ctx)).toMatchObject({ breaches: 0, escalations: 0 });
    // c's first response was due Monday 11:00 and is breached; its resolution is not
    expect(await target(c.id, 'resolution')).toMatchObject({ state: 'running' });
    for (const id of [a.id, b.id]) {
      expect(await events(id, 'sla_breach')).toEqual([]);
      expect((await commitments(id)).escalationLevel).toBe(1);
    }
  });

  it('breaches a target completed after its deadline before the timer worker saw it, with its breach event and remedy', async () => {
    at('2026-11-23T10:00:00');
    const c = await create({ teamId: t.seed.teams.frontline });
    at('2026-11-23T10:05:00');
    await act('agent', c.id, 'take'); // reception met (due 10:15)
    at('2026-11-23T11:20:00'); // first response was due at 11:00; no sweep has run
    await act('agent', c.id, 'replies', { body: '您好，我们正在核查积分记录' });
    const fr = await target(c.id, 'first_response');
    expect(fr).toMatchObject({ state: 'breached', metAt: sh('2026-11-23T11:20:00'), breachedAt: sh('2026-11-23T11:00:00'), elapsedMinutes: 80 });
    expect(await events(c.id, 'sla_breach')).toEqual([{ targetId: fr.id, kind: 'first_response', dueAt: sh('2026-11-23T11:00:00') }]);
    // the apology the sweep would have proposed (rule: resolution or first response, any case)
    expect(await remedies(c.id)).toEqual([expect.objectContaining({ targetId: fr.id, status: 'proposed', proposal: expect.objectContaining({ kind: 'apology' }) })]);
    // completed by the reply: no escalation (see escalateStillOpen in apply.ts)
    expect((await commitments(c.id)).escalations).toEqual([]);
    // the worker finds nothing left to do: no second breach
    expect(await sweepDueTimers(t.ctx)).toMatchObject({ breaches: 0, remedies: 0 });
    expect(await events(c.id, 'sla_breach')).toHaveLength(1);
    expect(await compliance30()).toEqual([
      ['reception', 1, 0],
      ['first_response', 0, 1],
    ]);
    await expectSlaDailyInStep();
  });

  it('escalates a target found late by a change that leaves it open, as the sweep would have', async () => {
    at('2026-11-23T10:00:00');
    const c = await create({ teamId: t.seed.teams.frontline });
    await act('agent', c.id, 'take');
    at('2026-11-23T11:20:00'); // first response overdue since 11:00; the agent parks the case without answering it
    await act('agent', c.id, 'status', { status: 'pending_internal' });
    expect(await target(c.id, 'first_response')).toMatchObject({ state: 'breached', metAt: null });
    const cm = await commitments(c.id);
    expect(cm.escalations).toEqual([expect.objectContaining({ level: 2, reason: 'first_response_breached', notified: [t.seed.users.supervisor!.id] })]);
    expect(await sweepDueTimers(t.ctx)).toMatchObject({ breaches: 0, escalations: 0 });
  });

  it('writes one breach per target when the sweep and completions race', async () => {
    at('2026-11-23T10:00:00');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const c = await create({ teamId: t.seed.teams.frontline, contact: { name: `客户${i}`, phone: `1380000100${i}` } });
      await act('agent', c.id, 'take');
      ids.push(c.id);
    }
    at('2026-11-23T11:30:00'); // every first response overdue: replies and the worker at once
    await Promise.all([sweepDueTimers(t.ctx, { batchSize: 3 }), ...ids.map((id) => act('agent', id, 'replies', { body: '您好' })), sweepDueTimers(t.ctx, { batchSize: 2 })]);
    for (const id of ids) {
      expect(await events(id, 'sla_breach')).toHaveLength(1);
      expect(await remedies(id)).toHaveLength(1);
      expect(await target(id, 'first_response')).toMatchObject({ state: 'breached', metAt: sh('2026-11-23T11:30:00') });
    }
  });

  it('proposes the remedy of each rule a breach answers, not one per case', async () => {
    const cu = await t.as('supervisor', 'POST', '/api/v1/customers', { name: '王先生', phone: '13900001111', tier: 'vip' });
    expect(cu.statusCode, cu.body).toBe(201);
    at('2026-11-23T10:00:00');
    const c = await create({ customerId: (cu.json() as { id: string }).id, type: 'complaint', complaintGrade: 'general', subject: '投诉：安装师傅迟到', description: '安装师傅迟到两小时', teamId: t.seed.teams.frontline });
    at('2026-11-23T11:00:00'); // reception (no rule) and first response (the apology rule) breached
    expect(await sweepDueTimers(t.ctx)).toMatchObject({ breaches: 2, remedies: 1 });
    at('2026-11-23T11:05:00');
    await act('agent', c.id, 'take');
    await act('agent', c.id, 'replies', { body: '正在核实' });
    // general complaint: 7 working days from Mon 11-23 -> Wed 12-02 18:00; a VIP's late complaint
    // result is owed the CNY 100 voucher (the first matching rule), beside the apology already proposed
    expect((await target(c.id, 'resolution')).dueAt).toBe(sh('2026-12-02T18:00:00'));
    at('2026-12-02T18:00:00');
    expect(await sweepDueTimers(t.ctx)).toMatchObject({ remedies: 1 });
    const fr = await target(c.id, 'first_response');
    const res = await target(c.id, 'resolution');
    const got = (await remedies(c.id)).map((r) => [r.targetId, r.proposal.kind, r.proposal.amount ?? null]).sort((x, y) => String(x[1]).localeCompare(String(y[1])));
    expect(got).toEqual([
      [fr.id, 'apology', null],
      [res.id, 'compensation', 100],
    ]);
  });

  it('tells the service director and senior management of an urgent complaint at once', async () => {
    at('2026-11-23T10:00:00');
    const c = await create({ subject: '投诉：要找媒体曝光', description: '要求公司给出处理结果', type: 'complaint', complaintGrade: 'urgent', teamId: t.seed.teams.frontline }, 'manager');
    const cm = await commitments(c.id);
    expect(cm.escalationLevel).toBe(3); // handled at manager level
    expect(cm.escalations).toEqual([expect.objectContaining({ level: 3, reason: 'urgent_complaint', notified: [t.seed.users.manager!.id, t.seed.users.director!.id] })]);
    const sent = await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', c.id).where('topic', '=', 'notify').execute();
    const esc = sent.map((s) => JSON.parse(s.payload) as { template: string; userIds: string[] }).filter((p) => p.template === 'escalation');
    expect(esc).toEqual([expect.objectContaining({ userIds: [t.seed.users.manager!.id, t.seed.users.director!.id] })]);
  });
});
