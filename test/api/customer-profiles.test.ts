import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churnReasons, createCustomer, DEFAULT_PROFILE_SETTINGS, lifecycleStage, tiersByValue, type AtRiskCustomer, type CustomerProfile, type ProfileFigures, type RecomputeReport } from '../../src/core/modules/customers/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

const DAY = 86_400_000;
const T = Date.parse('2026-11-02T02:00:00Z'); // "now" of the recompute: Mon 10:00 Beijing time
const S = DEFAULT_PROFILE_SETTINGS; // newDays 90, periodDays 90, growth 20%, decline 30%, lowSurvey 90, repeat 3, inactive 180

describe('the rules by hand (no database)', () => {
  it('ranks tiers by value: the top slice vip, those making up 80% of the value key, the rest normal', () => {
    // total 1000, N = 8: vip = ceil(8 × 10%) = 1 (A); key line 800: B (before 500), C (before 700) are key,
    // D (before 800, not < 800) and the rest normal; H has value 0: normal.
    const tiers = tiersByValue(
      [
        ['d', 80], ['a', 500], ['c', 100], ['b', 200], ['e', 60], ['f', 40], ['g', 20], ['h', 0],
      ].map(([id, value]) => ({ id: id as string, value: value as number })),
      { vipPercent: 10, keyValuePercent: 80 },
    );
    expect(Object.fromEntries(tiers)).toEqual({ a: 'vip', b: 'key', c: 'key', d: 'normal', e: 'normal', f: 'normal', g: 'normal', h: 'normal' });
    // nobody with value: everyone normal
    expect([...tiersByValue([{ id: 'x', value: 0 }], S).values()]).toEqual(['normal']);
  });

  it('derives each lifecycle stage from its rule', () => {
    const base = { now: T, since: T - 400 * DAY, recentCases: 2, previousCases: 2, value: 100, previousValue: null };
    expect(lifecycleStage({ ...base, since: T - 89 * DAY }, S)).toEqual({ stage: 'new', reasons: ['young'] }); // 89 < 90 days
    expect(lifecycleStage({ ...base, since: T - 90 * DAY }, S).stage).toBe('mature'); // 90 days: no longer new; 2 vs 2: steady
    expect(lifecycleStage({ ...base, recentCases: 3 }, S)).toEqual({ stage: 'growing', reasons: ['activity_up'] }); // 3 vs 2: +50%
    expect(lifecycleStage({ ...base, recentCases: 3, previousCases: 3 }, S)).toEqual({ stage: 'mature', reasons: ['steady'] });
    expect(lifecycleStage({ ...base, recentCases: 6, previousCases: 5 }, S)).toEqual({ stage: 'growing', reasons: ['activity_up'] }); // +20% ≥ 20%
    expect(lifecycleStage({ ...base, recentCases: 5, previousCases: 5, value: 119, previousValue: 100 }, S).stage).toBe('mature'); // +19% < 20%
    expect(lifecycleStage({ ...base, value: 120, previousValue: 100 }, S)).toEqual({ stage: 'growing', reasons: ['value_up'] }); // +20%
    expect(lifecycleStage({ ...base, recentCases: 1, previousCases: 0 }, S)).toEqual({ stage: 'growing', reasons: ['activity_up'] }); // from none
    expect(lifecycleStage({ ...base, recentCases: 7, previousCases: 10 }, S)).toEqual({ stage: 'declining', reasons: ['activity_down'] }); // -30%
    expect(lifecycleStage({ ...base, recentCases: 8, previousCases: 10 }, S).stage).toBe('mature'); // -20% is not -30%
    expect(lifecycleStage({ ...base, value: 70, previousValue: 100, recentCases: 9, previousCases: 3 }, S)).toEqual({ stage: 'declining', reasons: ['value_down'] }); // decline wins
    // the activity trend needs both 90-day periods whole: started 179 days ago, the "previous" period
    // (T−180, T−90] is one day short, so 5 cases now against 0 then is no growth; 180 days: it is
    expect(lifecycleStage({ ...base, since: T - 179 * DAY, recentCases: 5, previousCases: 0 }, S)).toEqual({ stage: 'mature', reasons: ['steady'] });
    expect(lifecycleStage({ ...base, since: T - 180 * DAY, recentCases: 5, previousCases: 0 }, S)).toEqual({ stage: 'growing', reasons: ['activity_up'] });
  });

  it('flags churn risk for each reason', () => {
    const base = { now: T, since: T - 400 * DAY, stage: 'mature' as const, tier: 'normal' as const, lastCaseAt: T - 10 * DAY, lastDissatisfiedAt: null, recentComplaints: 0 };
    expect(churnReasons(base, S)).toEqual([]);
    expect(churnReasons({ ...base, stage: 'declining' }, S)).toEqual(['declining']);
    expect(churnReasons({ ...base, lastDissatisfiedAt: T - 90 * DAY }, S)).toEqual(['low_survey']);
    expect(churnReasons({ ...base, lastDissatisfiedAt: T - 91 * DAY }, S)).toEqual([]);
    expect(churnReasons({ ...base, recentComplaints: 3 }, S)).toEqual(['repeat_complaints']);
    expect(churnReasons({ ...base, recentComplaints: 2 }, S)).toEqual([]);
    expect(churnReasons({ ...base, tier: 'key', lastCaseAt: T - 180 * DAY }, S)).toEqual(['inactive_key']);
    expect(churnReasons({ ...base, tier: 'normal', lastCaseAt: T - 180 * DAY }, S)).toEqual([]); // a normal customer may be quiet
    expect(churnReasons({ ...base, tier: 'vip', lastCaseAt: null, since: T - 179 * DAY }, S)).toEqual([]);
  });
});

describe.each(DIALECTS)('customer profiles on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  const sys = systemActor('test');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true }); // the clock moves by months: tokens, not sessions
    clock = t.clock as ManualClock;
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const ok = async <R>(who: string, method: string, url: string, body?: unknown, status = 200): Promise<R> => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, r.body).toBe(status);
    return r.json() as R;
  };
  const tierOf = async (id: string) => (await t.ctx.db.selectFrom('customers').select('tier').where('id', '=', id).executeTakeFirstOrThrow()).tier;
  const caseOf = (customer: string, at: number, type = 'inquiry') =>
    ok('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId: ids[customer], receivedAt: at, type, contact: { name: customer, phone: '13800138000' }, subject: `${customer} 咨询`, description: '咨询' }, 201);

  it('tiers customers by value (80/20), keeps a pinned tier, audits each change', async () => {
    clock.set(T - 400 * DAY);
    // 8 customers, values as in the rule test: A vip, B C key, D..H normal (with vipPercent 10)
    const values: Array<[string, number]> = [['A', 500], ['B', 200], ['C', 100], ['D', 80], ['E', 60], ['F', 40], ['G', 20], ['H', 0]];
    for (const [name] of values) ids[name] = (await createCustomer(t.ctx, { name: `客户${name}`, email: `${name.toLowerCase()}@example.com`, tier: 'normal' }, sys)).id;
    clock.set(T);
    await ok('admin', 'PATCH', '/api/v1/customers/profile-settings', { vipPercent: 10 });
    for (const [name, value] of values) if (value) await ok('supervisor', 'PATCH', `/api/v1/customers/${ids[name]}/profile`, { annualValue: value });
    const r = await ok<RecomputeReport>('supervisor', 'POST', '/api/v1/customers/recompute', {});
    expect(r.byTier).toEqual({ vip: 1, key: 2, normal: 5 });
    expect(r.tierChanges.map((c) => c.customerId).sort()).toEqual([ids.A, ids.B, ids.C].sort());
    expect([await tierOf(ids.A!), await tierOf(ids.B!), await tierOf(ids.C!), await tierOf(ids.D!)]).toEqual(['vip', 'key', 'key', 'normal']);

    // G pinned vip by hand: the recompute leaves it; its value (20) still counts in the total
    await ok('manager', 'PATCH', `/api/v1/customers/${ids.G}/profile`, { tierOverride: 'vip' });
    await ok('admin', 'POST', '/api/v1/customers/recompute', {});
    expect(await tierOf(ids.G!)).toBe('vip');
    expect(await tierOf(ids.D!)).toBe('normal');
    // unpinned, the next recompute sets it by value again
    const unpinned = await ok<ProfileFigures>('manager', 'PATCH', `/api/v1/customers/${ids.G}/profile`, { tierOverride: null });
    expect(unpinned.tierPinned).toBe(false);
    await ok('admin', 'POST', '/api/v1/customers/recompute', {});
    expect(await tierOf(ids.G!)).toBe('normal');

    const audits = await t.ctx.db.selectFrom('audit_log').select(['action', 'after']).where('action', '=', 'customer.tier').where('target_id', '=', ids.G!).orderBy('seq').execute();
    expect(audits.map((a) => JSON.parse(String(a.after)) as { tier: string; by: string })).toEqual([
      { tier: 'vip', by: 'hand', pinned: true },
      { tier: 'normal', by: 'recompute' },
    ]);
    // the value before a change is kept for the value trend
    const b = await ok<ProfileFigures>('supervisor', 'PATCH', `/api/v1/customers/${ids.B}/profile`, { annualValue: 260 });
    expect({ value: b.annualValue, previous: b.previousValue }).toEqual({ value: 260, previous: 200 });
  });

  it('refuses what is not allowed or not valid', async () => {
    expect((await t.as('agent', 'PATCH', `/api/v1/customers/${ids.A}/profile`, { annualValue: 1 })).statusCode).toBe(403);
    expect((await t.as('inspector', 'POST', '/api/v1/customers/recompute', {})).statusCode).toBe(403);
    expect((await t.as('agent', 'GET', '/api/v1/customers/at-risk')).statusCode).toBe(403);
    expect((await t.as('agent', 'POST', '/api/v1/customers/handover', { fromUserId: 'a', toUserId: 'b' })).statusCode).toBe(403);
    expect((await t.as('supervisor', 'PATCH', '/api/v1/customers/profile-settings', { vipPercent: 1 })).statusCode).toBe(403);
    const neg = await t.as('supervisor', 'PATCH', `/api/v1/customers/${ids.A}/profile`, { annualValue: -5 });
    expect(neg.statusCode).toBe(400);
    const empty = await t.as('supervisor', 'PATCH', `/api/v1/customers/${ids.A}/profile`, {});
    expect({ s: empty.statusCode, c: code(empty) }).toEqual({ s: 422, c: 'profile_patch_empty' });
    const badManager = await t.as('supervisor', 'PATCH', `/api/v1/customers/${ids.A}/profile`, { accountManagerId: 'no-such-user' });
    expect({ s: badManager.statusCode, c: code(badManager) }).toEqual({ s: 404, c: 'user_not_found' });
  });

  it('computes stages and churn flags from cases, and lists the customers at risk', async () => {
    // Periods at T: recent (T-90d, T], previous (T-180d, T-90d]. Every customer started at T-400d (old enough).
    clock.set(T - 400 * DAY);
    for (const n of ['Decl', 'Grow', 'Steady', 'Noisy']) ids[n] = (await createCustomer(t.ctx, { name: `客户${n}`, email: `${n.toLowerCase()}@example.com` }, sys)).id;
    clock.set(T - 10 * DAY);
    // Decl: 3 previous, 1 recent: (1-3)/3 = -67% ≤ -30%: declining (activity_down) → at risk (declining)
    for (const d of [170, 150, 120, 30]) await caseOf('Decl', T - d * DAY);
    // Grow: 1 previous, 2 recent: +100%: growing
    for (const d of [100, 40, 20]) await caseOf('Grow', T - d * DAY);
    // Steady: 2 and 2: mature
    for (const d of [150, 100, 50, 20]) await caseOf('Steady', T - d * DAY);
    // Noisy: 3 complaints in the last period (3 previous too: steady): mature, at risk for repeat complaints
    for (const d of [170, 160, 150]) await caseOf('Noisy', T - d * DAY);
    for (const d of [60, 30, 15]) await caseOf('Noisy', T - d * DAY, 'complaint');
    clock.set(T);
    await ok('admin', 'POST', '/api/v1/customers/recompute', {});
    const stageOf = async (n: string) => (await ok<CustomerProfile>('supervisor', 'GET', `/api/v1/customers/${ids[n]}/profile`)).profile;
    expect(await stageOf('Decl')).toMatchObject({ stage: 'declining', stageReasons: ['activity_down'], atRisk: true, riskReasons: ['declining'] });
    expect(await stageOf('Grow')).toMatchObject({ stage: 'growing', stageReasons: ['activity_up'], atRisk: false });
    expect(await stageOf('Steady')).toMatchObject({ stage: 'mature', atRisk: false, riskReasons: [] });
    expect(await stageOf('Noisy')).toMatchObject({ stage: 'mature', atRisk: true, riskReasons: ['repeat_complaints'] });
    // A (vip, created T-400d) and B, C (key) never had a case: 400 ≥ 180 days quiet → inactive_key
    expect((await stageOf('A')).riskReasons).toEqual(['inactive_key']);
    const list = await ok<AtRiskCustomer[]>('supervisor', 'GET', '/api/v1/customers/at-risk');
    // vip first, then key by value (B 260 > C 100), then the normal ones
    expect(list.map((c) => c.name)).toEqual(['客户A', '客户B', '客户C', ...list.slice(3).map((c) => c.name)]);
    expect(new Set(list.slice(3).map((c) => c.name))).toEqual(new Set(['客户Decl', '客户Noisy']));
  });

  it('shows the profile with contacts masked for roles that do not see personal data', async () => {
    const asAgent = await ok<CustomerProfile>('agent', 'GET', `/api/v1/customers/${ids.Decl}/profile`);
    expect(asAgent.customer.email).toBe('decl@example.com');
    expect(asAgent.contacts[0]).toMatchObject({ name: 'Decl', phone: '13800138000' });
    expect(asAgent.cases).toHaveLength(4);
    expect(asAgent.caseCounts.total).toBe(4);
    expect(asAgent.products).toEqual([]);
    expect(asAgent.consents.customerId).toBe(ids.Decl);
    const asInspector = await ok<CustomerProfile>('inspector', 'GET', `/api/v1/customers/${ids.Decl}/profile`);
    expect(asInspector.customer.email).toBe('d***@example.com');
    expect(asInspector.contacts[0]!.phone).toBe('138****8000');
    expect(asInspector.products).toBeNull();
    expect((await t.as('agent', 'GET', '/api/v1/customers/nope/profile')).statusCode).toBe(404);
  });

  it('hands customers over explicitly, and to the team lead when their manager is deactivated', async () => {
    const { agent, agent2, supervisor } = t.seed.users as Record<string, { id: string }>;
    for (const n of ['A', 'B']) await ok('supervisor', 'PATCH', `/api/v1/customers/${ids[n]}/profile`, { accountManagerId: agent!.id });
    await ok('supervisor', 'PATCH', `/api/v1/customers/${ids.C}/profile`, { accountManagerId: agent2!.id });
    const moved = await ok<{ moved: string[] }>('supervisor', 'POST', '/api/v1/customers/handover', { fromUserId: agent!.id, toUserId: agent2!.id });
    expect(moved.moved.sort()).toEqual([ids.A, ids.B].sort());
    const same = await t.as('supervisor', 'POST', '/api/v1/customers/handover', { fromUserId: agent2!.id, toUserId: agent2!.id });
    expect(code(same)).toBe('handover_same_user');
    // agent2 leaves: their three customers go to the front-line team's lead (the supervisor)
    await ok('admin', 'PATCH', `/api/v1/users/${agent2!.id}`, { active: false });
    const managers = await t.ctx.db.selectFrom('customer_profiles').select(['customer_id', 'account_manager_id']).where('customer_id', 'in', [ids.A!, ids.B!, ids.C!]).execute();
    expect(managers.map((m) => m.account_manager_id)).toEqual([supervisor!.id, supervisor!.id, supervisor!.id]);
    const audits = await t.ctx.db.selectFrom('audit_log').select('after').where('action', '=', 'customer.manager').where('target_id', '=', ids.C!).orderBy('seq').execute();
    expect(JSON.parse(String(audits.at(-1)!.after))).toEqual({ accountManagerId: supervisor!.id, reason: 'deactivated' });
    // an inactive user cannot take customers over
    const toInactive = await t.as('supervisor', 'POST', '/api/v1/customers/handover', { fromUserId: supervisor!.id, toUserId: agent2!.id });
    expect(toInactive.statusCode).toBe(404);
  });
});
