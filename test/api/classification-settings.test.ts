import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const DEFAULT = { priorityMatrix: [['P1', 'P2', 'P3'], ['P2', 'P3', 'P4'], ['P3', 'P4', 'P4']], repeatWindowDays: 180 };

// SPEC 2: the priority matrix and the repeat window are configurable.
describe.each(DIALECTS)('classification settings on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
  });
  afterAll(async () => t?.close());

  const put = (who: string, body: unknown) => t.as(who, 'PUT', '/api/v1/settings/classification', body);
  const complaint = async (phone: string, extra: Record<string, unknown> = {}) => {
    const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', type: 'complaint', contact: { name: '孙女士', phone }, subject: '热水器不出热水', description: '热水器又不出热水了', ...extra });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; priority: string; isRepeat: boolean };
  };

  it('starts from the defaults, which staff may read and only an admin change', async () => {
    const got = await t.as('agent', 'GET', '/api/v1/settings/classification');
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(DEFAULT);
    for (const who of ['agent', 'supervisor', 'director', 'inspector']) expect((await put(who, { repeatWindowDays: 30 })).statusCode).toBe(403);
    expect((await t.as(null, 'GET', '/api/v1/settings/classification')).statusCode).toBe(401);
  });

  it('refuses a matrix where a more serious or urgent case would get a lower priority, and values that are not priorities', async () => {
    // low impact × low urgency above medium impact × low urgency
    const bad = await put('admin', { priorityMatrix: [['P1', 'P2', 'P3'], ['P2', 'P3', 'P4'], ['P3', 'P4', 'P3']] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ error: { code: 'matrix_not_monotonic' } });
    expect((bad.json() as { error: { message: string } }).error.message).toContain('impact low × urgency low is P3');
    const notPriority = await put('admin', { priorityMatrix: [['P0', 'P2', 'P3'], ['P2', 'P3', 'P4'], ['P3', 'P4', 'P4']] });
    expect(notPriority.statusCode).toBe(400);
    expect((await put('admin', { repeatWindowDays: 0 })).statusCode).toBe(400);
    expect((await put('admin', { matrix: [] })).statusCode).toBe(400);
    expect((await t.as('agent', 'GET', '/api/v1/settings/classification')).json()).toEqual(DEFAULT);
  });

  it('prioritises new and reclassified cases by the matrix as changed, and keeps those classified before', async () => {
    clock.set(sh('2026-11-23T10:00:00'));
    const before = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '周先生', phone: '13500135001' }, subject: '咨询发票', description: '发票怎么开', impact: 2, urgency: 1 });
    expect(before.json()).toMatchObject({ priority: 'P2' });
    // medium impact × high urgency becomes P1
    const matrix = [['P1', 'P2', 'P3'], ['P1', 'P3', 'P4'], ['P3', 'P4', 'P4']];
    const ok = await put('admin', { priorityMatrix: matrix });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ priorityMatrix: matrix, repeatWindowDays: 180 });
    const after = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '吴女士', phone: '13500135002' }, subject: '咨询发票', description: '发票怎么开', impact: 2, urgency: 1 });
    expect(after.json()).toMatchObject({ priority: 'P1' });
    const priorityOf = async (id: string) => ((await t.as('agent', 'GET', `/api/v1/cases/${id}`)).json() as { case: { priority: string } }).case.priority;
    const beforeId = (before.json() as { id: string }).id;
    expect(await priorityOf(beforeId)).toBe('P2');
    const reclassified = await t.as('supervisor', 'POST', `/api/v1/cases/${beforeId}/classify`, { impact: 2, urgency: 1, reason: '按新矩阵重新评估' });
    expect(reclassified.statusCode, reclassified.body).toBe(200);
    expect(await priorityOf(beforeId)).toBe('P1');
    const audit = await t.ctx.db.selectFrom('audit_log').select(['before', 'after', 'actor_id']).where('action', '=', 'settings.update').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.before!)).toBeNull();
    expect(JSON.parse(audit[0]!.after!)).toEqual({ priorityMatrix: matrix, repeatWindowDays: 180 });
    expect(audit[0]!.actor_id).toBe(t.seed.users.admin!.id);
  });

  it('changes only what is sent, on the settings as stored, not as this node remembers them', async () => {
    expect((await t.as('agent', 'GET', '/api/v1/settings/classification')).statusCode).toBe(200); // remembered here now
    // another app node changes the matrix meanwhile (straight into the table, as its write would land)
    const other = [['P1', 'P1', 'P2'], ['P1', 'P2', 'P3'], ['P2', 'P3', 'P4']];
    const stored = JSON.parse((await t.ctx.db.selectFrom('settings').select('value').where('key', '=', 'classification').executeTakeFirstOrThrow()).value) as object;
    await t.ctx.db.updateTable('settings').set({ value: JSON.stringify({ ...stored, priorityMatrix: other }) }).where('key', '=', 'classification').execute();
    const r = await put('admin', { repeatWindowDays: 90 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ priorityMatrix: other, repeatWindowDays: 90 });
    expect((await t.as('agent', 'GET', '/api/v1/settings/classification')).json()).toEqual({ priorityMatrix: other, repeatWindowDays: 90 });
  });

  it('counts a complaint as a repeat only inside the window as set', async () => {
    expect((await put('admin', { repeatWindowDays: 30 })).statusCode).toBe(200);
    clock.set(sh('2026-01-05T10:00:00'));
    await complaint('13600136001');
    clock.set(sh('2026-02-14T10:00:00')); // 40 days later: outside 30 (inside the default 180)
    expect((await complaint('13600136001')).isRepeat).toBe(false);
    clock.set(sh('2026-03-06T10:00:00')); // 20 days after the second
    expect((await complaint('13600136001')).isRepeat).toBe(true);
  });
});
