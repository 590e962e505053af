import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { DIALECTS } from '../../../../test/helpers/db.ts';
import type { ManualClock } from '../../shared/clock.ts';
import { BusinessCalendar, complianceOver, STANDARD_CALENDAR, sweepDueTimers } from '../commitments/index.ts';
import { DailyRollup, dailyOf, dailyOfMove, medianAndP90, medianAndP90Of, metricsRowFor, nearestRank, rebuildCaseMetrics, rebuildSlaDaily, SlaRollup, type AnalyticsSummary } from './index.ts';

// Shanghai wall time -> epoch ms
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

describe('nearest rank', () => {
  it('is the smallest value with at least p% of the values at or below it', () => {
    const ten = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([nearestRank(ten, 50), nearestRank(ten, 90), nearestRank(ten, 100), nearestRank(ten, 1)]).toEqual([5, 9, 10, 1]);
    const four = [10, 20, 30, 40];
    expect([nearestRank(four, 50), nearestRank(four, 90)]).toEqual([20, 40]); // ranks ceil(2) = 2 and ceil(3.6) = 4: no interpolation
    const eleven = Array.from({ length: 11 }, (_, i) => i + 1);
    expect([nearestRank(eleven, 50), nearestRank(eleven, 90)]).toEqual([6, 10]); // ceil(5.5) = 6, ceil(9.9) = 10
    const six = [1, 2, 3, 4, 5, 6];
    expect([nearestRank(six, 50), nearestRank(six, 90)]).toEqual([3, 6]); // ceil(3) = 3, ceil(5.4) = 6: a rank is never rounded down
    const seven = [7, 1, 6, 2, 5, 3, 4].sort((a, b) => a - b);
    expect([nearestRank(seven, 50), nearestRank(seven, 90)]).toEqual([4, 7]); // ceil(3.5) = 4, ceil(6.3) = 7
    expect(nearestRank([7], 90)).toBe(7);
    expect(nearestRank([], 50)).toBeNull();
  });

  it('selects the same median and p90 as ranking the sorted values, nulls left out', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -50, max: 50 }).map((x) => x / 4), { nil: null }), { maxLength: 300 }), (xs) => {
        const sorted = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
        expect(medianAndP90(xs)).toEqual({ n: sorted.length, median: nearestRank(sorted, 50), p90: nearestRank(sorted, 90) });
      }),
      { numRuns: 500 },
    );
    // several lists taken together (a breakdown's groups) rank as their values in one list
    fc.assert(
      fc.property(fc.array(fc.array(fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }), { maxLength: 40 }), { maxLength: 8 }), (parts) => {
        expect(medianAndP90Of(parts)).toEqual(medianAndP90(parts.flat()));
      }),
      { numRuns: 500 },
    );
    expect(medianAndP90([3, null, 1, 2, undefined, 4])).toEqual({ n: 4, median: 2, p90: 4 });
    expect(medianAndP90([])).toEqual({ n: 0, median: null, p90: null });
  });
});

/**
 * Seven cases received on Monday 2026-11-23 and Tuesday 2026-11-24 (plus one received the Friday
 * before), worked through on the standard calendar: Mon-Fri 09:00-12:00 and 13:30-18:00,
 * Asia/Shanghai (no holiday that week). All times below are Shanghai wall time.
 *
 *  case  channel kind              received   first staff reply        resolution (last), pauses                    end state
 *  A     phone   inquiry           Mon 10:00  Mon 10:20 -> 20          Mon 14:00: 10-12 120 + 13:30-14 30 = 150        confirmed (solved) Tue 10:00
 *  B     email   complaint         Mon 11:00  Mon 13:45: 11-12 60      waits on customer Mon 13:45 .. Tue 10:00:       closed solved Tue 11:30
 *                                             + 13:30-13:45 15 = 75      Mon 13:45-18 255 + Tue 9-10 60 = 315 paused;
 *                                                                        resolved Tue 11:00: Mon 11-12 60 + 13:30-18 270
 *                                                                        + Tue 9-11 120 = 450 - 315 = 135
 *  C     chat    complaint, repeat Mon 15:00  Mon 15:10 -> 10          resolved Mon 16:00, reopened Tue 09:30, resolved  resolved (reopened once)
 *                of B (same contact)                                     again Tue 10:30: Mon 15-18 180 + Tue 9-10:30 90 = 270
 *  D     phone   service request   Mon 16:30  Tue 09:15: Mon 16:30-18  resolved Tue 14:00: Mon 90 + Tue 9-12 180       resolved (transferred from
 *                                             90 + Tue 9-9:15 15 = 105   + 13:30-14 30 = 300                             front-line to after-sales)
 *  E     web     complaint, urgent Tue 09:00  none                     none                                            new (escalated at intake)
 *  F     email   inquiry           Tue 10:00  none                     none                                            closed as spam Tue 10:05
 *  G     phone   inquiry           Tue 13:00  Tue 13:40: the lunch     resolved Tue 14:30: 13:30-14:30 = 60             closed unsolved Tue 15:00
 *                                             break is not business
 *                                             time: 13:30-13:40 = 10
 *  H     phone   inquiry           Fri 11-20 15:00 (logged Monday)     (outside the period)                            new
 *
 * first response, sorted: 10 10 20 75 105    -> median rank ceil(2.5) = 3: 20;  p90 rank ceil(4.5) = 5: 105
 * resolution, sorted:     60 135 150 270 300 -> median 150; p90 300
 * resolution rate: closed in the period A solved, B solved, G unsolved, F spam (left out) -> 2/3
 * first-contact resolution: resolved A B C D G; C reopened, D transferred -> 3/5
 * repeat complaints: C of B C E -> 1/3; escalation: E of 7 -> 1/7
 * complaints per 10,000 customers: 3 / 7 customers (one per contact; B and C share one) x 10,000
 * backlog (now, Tue 18:00): E and H -> 2
 * then on Wednesday (after the period): I received 09:30, H resolved 10:00, the timer worker
 * escalates I at 10:30 -> the backlog at the period end (Wed 00:00) = 2 now (E, I) - 1 received
 * since (I) - (-1, H resolved since) = 2, and no figure of the period moves.
 */
describe.each(DIALECTS)('analytics summary on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  const ids: Record<string, string> = {};
  const from = sh('2026-11-23T00:00:00');
  const to = sh('2026-11-25T00:00:00');
  const period = `/api/v1/analytics/summary?from=${from}&to=${to}`;

  const at = (iso: string) => clock.set(sh(iso));
  const ok = async (who: string, method: string, url: string, body?: unknown) => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
    return r.json() as Record<string, unknown>;
  };
  const create = async (key: string, body: Record<string, unknown>) => {
    const c = await ok('agent', 'POST', '/api/v1/cases', { subject: `案例 ${key}`, description: `测试案例 ${key} 的描述`, impact: 3, urgency: 3, teamId: t.seed.teams.frontline, ...body });
    ids[key] = c.id as string;
  };
  const act = (who: string, key: string, action: string, body: Record<string, unknown> = {}) => ok(who, 'POST', `/api/v1/cases/${ids[key]}/${action}`, body);
  const summary = async (url: string, who = 'supervisor') => {
    const r = await t.as(who, 'GET', url);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as AnalyticsSummary;
  };
  const resolveBody = { cause: '原因已查明', solution: '已处理完毕' };

  /** The daily rollups equal what the metrics rows, the moves and the targets add up to. */
  const expectRollupsInStep = async () => {
    const db = t.ctx.db;
    const byKey = <T extends object>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
    const daily = (await db.selectFrom('analytics_daily').selectAll().execute()).filter((r) => r.n || r.repeats || r.resolved || r.fcr);
    const metrics = await db.selectFrom('case_metrics').selectAll().execute();
    const moves = await db.selectFrom('case_backlog_moves').selectAll().execute();
    const expected = new DailyRollup().add(metrics.flatMap(dailyOf)).add(moves.map(dailyOfMove)).rows();
    expect(byKey(daily.map((r) => ({ ...r, day: Number(r.day) })))).toEqual(byKey(expected));
    const sla = (await db.selectFrom('sla_daily').selectAll().execute()).filter((r) => r.met || r.breached);
    const targets = await db.selectFrom('case_targets').select(['kind', 'due_at', 'met_at', 'state']).execute();
    expect(byKey(sla.map((r) => ({ ...r, day: Number(r.day) })))).toEqual(byKey(new SlaRollup().add(targets).rows()));
    expect(sla.length).toBeGreaterThan(0);
  };

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    at('2026-11-23T10:00:00'); // Monday
    await create('A', { channel: 'phone', type: 'inquiry', contact: { name: '甲', phone: '13800000001' } });
    await create('H', { channel: 'phone', type: 'inquiry', contact: { name: '乙', phone: '13800000002' }, receivedAt: sh('2026-11-20T15:00:00') });
    at('2026-11-23T10:20:00');
    await act('agent', 'A', 'replies', { body: '您好，正在处理。' });
    at('2026-11-23T11:00:00');
    await create('B', { channel: 'email', type: 'complaint', complaintGrade: 'general', contact: { name: '王先生', email: 'wang@example.com' } });
    at('2026-11-23T13:45:00');
    await act('agent', 'B', 'replies', { body: '请提供订单号。', setStatus: 'pending_customer' });
    at('2026-11-23T14:00:00');
    await act('agent', 'A', 'resolve', resolveBody);
    at('2026-11-23T15:00:00');
    await create('C', { channel: 'chat', type: 'complaint', complaintGrade: 'general', contact: { name: '王先生', email: 'wang@example.com' } });
    at('2026-11-23T15:10:00');
    await act('agent', 'C', 'replies', { body: '抱歉，马上处理。' });
    at('2026-11-23T16:00:00');
    await act('agent', 'C', 'resolve', { ...resolveBody, correctiveAction: '更新了处理流程' });
    at('2026-11-23T16:30:00');
    await create('D', { channel: 'phone', type: 'service_request', contact: { name: '丙', phone: '13800000004' } });
    at('2026-11-23T16:40:00');
    await act('supervisor', 'D', 'transfer', { toTeamId: t.seed.teams.aftersales, handoverNote: '需要售后技术组上门检查设备' });

    at('2026-11-24T09:00:00'); // Tuesday
    await create('E', { channel: 'web', type: 'complaint', complaintGrade: 'urgent', impact: 2, urgency: 2, contact: { name: '丁', email: 'ding@example.com' } });
    at('2026-11-24T09:15:00');
    await act('tech', 'D', 'replies', { body: '师傅明天上门。' });
    at('2026-11-24T09:30:00');
    await act('agent', 'C', 'reopen', { reason: '客户反映问题仍在' });
    at('2026-11-24T10:00:00');
    await act('agent', 'B', 'status', { status: 'open', note: '客户已回复' });
    await act('agent', 'A', 'confirm', {});
    await create('F', { channel: 'email', type: 'inquiry', contact: { name: '戊', email: 'wu@example.com' } });
    at('2026-11-24T10:05:00');
    await act('agent', 'F', 'close', { reason: 'spam' });
    at('2026-11-24T10:30:00');
    await act('agent', 'C', 'resolve', { ...resolveBody, correctiveAction: '更新了处理流程' });
    at('2026-11-24T11:00:00');
    await act('agent', 'B', 'resolve', resolveBody);
    at('2026-11-24T11:30:00');
    await act('agent', 'B', 'close', { reason: 'solved' });
    at('2026-11-24T13:00:00');
    await create('G', { channel: 'phone', type: 'inquiry', contact: { name: '己', phone: '13800000007' } });
    at('2026-11-24T13:40:00');
    await act('agent', 'G', 'replies', { body: '已收到。' });
    at('2026-11-24T14:00:00');
    await act('tech', 'D', 'resolve', resolveBody);
    at('2026-11-24T14:30:00');
    await act('agent', 'G', 'resolve', resolveBody);
    at('2026-11-24T15:00:00');
    await act('agent', 'G', 'close', { reason: 'unsolved' });
    at('2026-11-24T18:00:00');
  });
  afterAll(async () => t?.close());

  it('refuses roles without analytics.read and checks the period', async () => {
    expect((await t.as('agent', 'GET', '/api/v1/analytics/summary')).statusCode).toBe(403);
    expect((await t.as('inspector', 'GET', '/api/v1/analytics/summary')).statusCode).toBe(200);
    expect((await t.as('director', 'GET', '/api/v1/analytics/summary?days=90&groupBy=team')).statusCode).toBe(200);
    for (const bad of [`?from=${from}`, `?from=${to}&to=${from}`, `?days=30&from=${from}&to=${to}`, '?groupBy=region', '?days=0'])
      expect((await t.as('supervisor', 'GET', `/api/v1/analytics/summary${bad}`)).statusCode, bad).toBe(400);
  });

  it('computes the hand-worked figures of the period', async () => {
    const s = await summary(period);
    expect(s.period).toMatchObject({ from, to, days: null, calendar: 'standard' });
    expect(s.received.count).toBe(7);
    expect(s.volumes.byChannel.map((v) => [v.key, v.count])).toEqual([['phone', 3], ['email', 2], ['chat', 1], ['web', 1]]);
    expect(s.volumes.byType.map((v) => [v.key, v.count])).toEqual([['complaint', 3], ['inquiry', 3], ['service_request', 1]]);
    expect(s.volumes.byCategory.map((v) => [v.key, v.count])).toEqual([[null, 7]]);
    expect(s.firstResponse).toMatchObject({ cases: 5, medianMinutes: 20, p90Minutes: 105 });
    expect(s.resolution).toMatchObject({ cases: 5, medianMinutes: 150, p90Minutes: 300 });
    expect(s.resolutionRate).toMatchObject({ numerator: 2, denominator: 3, closedByReason: { solved: 2, unsolved: 1, spam: 1 }, excluded: 1, target: 0.95, meetsTarget: false });
    expect(s.resolutionRate.rate).toBeCloseTo(2 / 3, 12);
    expect(s.firstContactResolution).toMatchObject({ numerator: 3, denominator: 5, rate: 0.6 });
    expect(s.repeatComplaintRate).toMatchObject({ numerator: 1, denominator: 3 });
    expect(s.repeatComplaintRate.rate).toBeCloseTo(1 / 3, 12);
    expect(s.escalationRate).toMatchObject({ numerator: 1, denominator: 7 });
    expect(s.complaintsPer10kCustomers).toMatchObject({ complaints: 3, activeCustomers: 7 });
    expect(s.complaintsPer10kCustomers.value).toBeCloseTo((3 / 7) * 10_000, 9);
    expect(s.backlog).toMatchObject({ at: sh('2026-11-24T18:00:00'), current: true, count: 2 });
    // First response of 1 business hour (chat: 2 minutes): A 10:20 and G 13:40 met; B 13:45 (due 12:00, the end
    // of the morning span), C (due 15:02), D (due Mon 17:30) late, E unanswered past Tue 10:00; F was cancelled as spam.
    expect(s.sla.find((x) => x.kind === 'first_response')).toMatchObject({ met: 2, breached: 4 });
  });

  it('breaks the volume and time figures down by channel, team and agent', async () => {
    const byChannel = (await summary(`${period}&groupBy=channel`)).breakdown!;
    expect(byChannel.by).toBe('channel');
    const phone = byChannel.rows.find((r) => r.key === 'phone')!;
    // A D G: first response 20 105 10 -> sorted 10 20 105: median rank 2 = 20, p90 rank 3 = 105; resolution 60 150 300
    expect(phone).toMatchObject({ received: 3, firstResponse: { cases: 3, medianMinutes: 20, p90Minutes: 105 }, resolution: { cases: 3, medianMinutes: 150, p90Minutes: 300 } });
    expect(byChannel.rows.find((r) => r.key === 'web')).toMatchObject({ received: 1, firstResponse: { cases: 0, medianMinutes: null, p90Minutes: null } });

    const byTeam = (await summary(`${period}&groupBy=team`)).breakdown!;
    expect(byTeam.rows.map((r) => [r.key, r.received])).toEqual([[t.seed.teams.frontline, 6], [t.seed.teams.aftersales, 1]]);
    expect(byTeam.rows[1]).toMatchObject({ label: { en: 'After-sales team' }, firstResponse: { medianMinutes: 105 }, resolution: { medianMinutes: 300 } });

    const byAgentSummary = await summary(`${period}&groupBy=agent`);
    const byAgent = byAgentSummary.breakdown!;
    const agent = byAgent.rows.find((r) => r.key === t.seed.users.agent!.id)!;
    // A B C G: first response 20 75 10 10 -> 10 10 20 75: median rank 2 = 10 (not the mean of the middle two), p90 rank 4 = 75
    // resolution 150 135 270 60 -> 60 135 150 270: median 135, p90 270
    expect(agent).toMatchObject({ received: 4, firstResponse: { medianMinutes: 10, p90Minutes: 75 }, resolution: { medianMinutes: 135, p90Minutes: 270 } });
    expect(byAgent.rows.find((r) => r.key === null)).toMatchObject({ received: 2 }); // E and F, never taken
    expect(byAgent.rows.find((r) => r.key === t.seed.users.tech!.id)).toMatchObject({ received: 1, label: { zh: '孙工 Technician Sun' } });
    // the period's own figures do not change with a breakdown (grouped, they are ranked from all groups' values)
    const plain = await summary(period);
    expect(plain.firstResponse).toMatchObject({ cases: 5, medianMinutes: 20, p90Minutes: 105 });
    for (const grouped of [byAgentSummary, await summary(`${period}&groupBy=channel`), await summary(`${period}&groupBy=team`)])
      expect([grouped.firstResponse, grouped.resolution]).toEqual([plain.firstResponse, plain.resolution]);
  });

  it('drills down to the cases behind a figure through the case list', async () => {
    const s = await summary(period);
    const list = async (href: string) => ((await t.as('supervisor', 'GET', href)).json() as { items: Array<{ id: string }> }).items.map((c) => c.id).sort();
    const phone = s.volumes.byChannel.find((v) => v.key === 'phone')!;
    expect(phone.drill.exact).toBe(true);
    expect(await list(phone.drill.href)).toEqual([ids.A, ids.D, ids.G].sort());
    expect(await list(s.repeatComplaintRate.drill.href)).toEqual([ids.C]);
    expect(s.backlog.drill.exact).toBe(true);
    expect(await list(s.backlog.drill.href)).toEqual([ids.E, ids.H].sort());
    expect(s.firstResponse.drill.exact).toBe(false);
  });

  it('agrees with the commitments module on SLA compliance over the last N days', async () => {
    const s = await summary('/api/v1/analytics/summary?days=30');
    const theirs = await complianceOver(t.ctx, 30);
    expect(s.sla).toEqual(theirs.map(({ kind, label, met, breached, metShare }) => ({ kind, label, met, breached, metShare })));
    expect(s.sla.length).toBeGreaterThan(0);
  });

  it('keeps the same metrics change by change as a replay of the timeline would give', async () => {
    const cal = BusinessCalendar.fromSpec(STANDARD_CALENDAR);
    for (const [key, id] of Object.entries(ids)) {
      const c = await t.ctx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const events = await t.ctx.db.selectFrom('case_events').selectAll().where('case_id', '=', id).orderBy('created_at').orderBy('id').execute();
      const kept = await t.ctx.db.selectFrom('case_metrics').selectAll().where('case_id', '=', id).executeTakeFirstOrThrow();
      const moves = await t.ctx.db.selectFrom('case_backlog_moves').selectAll().where('case_id', '=', id).orderBy('seq').execute();
      const replay = metricsRowFor(cal, c, events);
      expect({ key, row: { ...kept } }).toEqual({ key, row: replay.row });
      expect({ key, moves }).toEqual({ key, moves: replay.moves });
    }
    const b = await t.ctx.db.selectFrom('case_metrics').selectAll().where('case_id', '=', ids.B!).executeTakeFirstOrThrow();
    expect(b).toMatchObject({ first_response_minutes: 75, paused_minutes: 315, resolution_minutes: 135, paused_since: null, status: 'closed', close_reason: 'solved' });
    await expectRollupsInStep();
  });

  it('states the backlog at a past period end from the moves since, and rebuilds to the same figures', async () => {
    const before = await summary(period);
    at('2026-11-25T09:30:00'); // Wednesday, after the period
    await create('I', { channel: 'phone', type: 'inquiry', contact: { name: '庚', phone: '13800000009' } });
    at('2026-11-25T10:00:00');
    await act('agent', 'H', 'resolve', resolveBody);
    at('2026-11-25T10:30:00');
    // The timer worker escalates I (reception not taken within 15 minutes) outside any case change;
    // E, escalated at intake, goes one level up. No figure of the period moves.
    expect((await sweepDueTimers(t.ctx)).escalations).toBeGreaterThan(0);
    const i = await t.ctx.db.selectFrom('case_metrics').select('escalated').where('case_id', '=', ids.I!).executeTakeFirstOrThrow();
    expect(i.escalated).toBe(1);
    expect((await summary('/api/v1/analytics/summary?days=7')).escalationRate).toMatchObject({ numerator: 2, denominator: 9 }); // E and I of A..I
    const after = await summary(period);
    // Backlog now: E and I. At Wed 00:00: 2 now - 1 received since (I) - (-1 for H resolved since) = 2 (E and H).
    expect(after.backlog).toMatchObject({ at: to, current: false, count: 2 });
    expect(after.backlog.drill.exact).toBe(false);
    const { backlog: _b1, period: _p1, ...restBefore } = before;
    const { backlog: _b2, period: _p2, ...restAfter } = after;
    expect(restAfter).toEqual(restBefore);
    expect((await summary('/api/v1/analytics/summary?days=7')).backlog).toMatchObject({ current: true, count: 2 });

    await expectRollupsInStep();

    // A database whose cases predate the analytics tables: a changed case gets its row from its
    // timeline at once, the rest from the rebuild; every figure is then the same.
    for (const table of ['case_backlog_moves', 'case_metrics', 'analytics_daily', 'sla_daily'] as const) await t.ctx.db.deleteFrom(table).execute();
    expect((await summary(period)).received.count).toBe(0);
    await act('agent', 'A', 'notes', { body: '内部备注' });
    expect((await summary(period)).received.count).toBe(1);
    expect(await rebuildCaseMetrics(t.ctx, { batchSize: 3 })).toEqual({ cases: 9 });
    await rebuildSlaDaily(t.ctx);
    await expectRollupsInStep();
    const rebuilt = await summary(period);
    expect({ ...rebuilt, period: after.period }).toEqual(after);
  });
});
