import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMustIncludeProvider, drawSample, periodOf, type DrawResult, type InspectionView, type QualityReport, type RubricView, type CaseQuality, type AppealView } from '../../src/core/modules/quality/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { recordAnswer } from '../../src/core/modules/surveys/index.ts';
import { REDACTED } from '../../src/core/modules/privacy/erase.service.ts';
import { can, createApiToken, createUser, type Permission } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

interface TimelineEvent {
  type: string;
  visibility: 'public' | 'internal';
  body: string | null;
  data: Record<string, unknown> | null;
}

/** The demo rubric's shape: 30 + 20 + 20 + 25 + 10 = 105 points, 信息安全 critical. */
const RUBRIC = {
  name: '通用服务质检表',
  criteria: [
    { id: 'attitude', name: '服务态度', points: 30 },
    { id: 'wording', name: '规范用语', points: 20 },
    { id: 'timely', name: '响应及时', points: 20 },
    { id: 'solved', name: '问题解决', points: 25 },
    { id: 'security', name: '信息安全', points: 10, critical: true },
  ],
  passScore: 60,
};
const pts = (a: number, w: number, t: number, s: number, sec: number) => [
  { criterionId: 'attitude', points: a },
  { criterionId: 'wording', points: w },
  { criterionId: 'timely', points: t },
  { criterionId: 'solved', points: s, comment: '方案可以更完整' },
  { criterionId: 'security', points: sec },
];

/** Cases a test provider adds to every sample (stands in for the surveys module's low-CSAT cases). */
const lowCsat = new Set<string>();
registerMustIncludeProvider({ name: 'test_low_csat', caseIds: async () => [...lowCsat] });

// SPEC 7: rubrics, sampling plans, inspections, appeals and arbitration, automatic checks, report.
describe.each(DIALECTS)('quality inspection on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let inspector2: string;
  let inspector2Bearer: string;
  let rubric: RubricView;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    const sys = systemActor('test');
    const u = await createUser(t.ctx, { email: 'inspector2@serviceloop.local', name: '郑质检 Inspector Zheng', role: 'inspector', teamId: t.seed.teams.centre!, password: 'test-password-123' }, sys);
    inspector2 = u.id;
    inspector2Bearer = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  /** As a seeded user, or as the second inspector. */
  const as = (who: string, method: string, url: string, body?: unknown) =>
    who === 'inspector2'
      ? t.app.inject({ method: method as 'GET', url, headers: { authorization: inspector2Bearer }, ...(body === undefined ? {} : { payload: body as object }) })
      : t.as(who, method, url, body);
  const ok = async <T>(who: string, method: string, url: string, body?: unknown, status = 200) => {
    const r = await as(who, method, url, body);
    expect(r.statusCode, `${who} ${method} ${url}: ${r.body}`).toBe(status);
    return r.json() as T;
  };
  const inspectorOf = (i: { inspectorId: string }) => (i.inspectorId === inspector2 ? 'inspector2' : 'inspector');

  /** A case handled by `who` (taken, optionally answered, resolved), at the clock's time. */
  const handled = async (who: string, o: { type?: string; channel?: string; reply?: string; resolve?: boolean; subject?: string; sensitive?: boolean; phone?: string } = {}) => {
    const c = await ok<{ id: string }>(who, 'POST', '/api/v1/cases', {
      channel: o.channel ?? 'phone',
      contact: o.phone ? { name: '钱女士', phone: o.phone } : { name: '周先生', phone: '13500135001', email: 'zhou@example.com' },
      subject: o.subject ?? '宽带断网',
      description: '家里宽带从昨天开始断网',
      type: o.type ?? 'inquiry',
      ...(o.type === 'complaint' ? { complaintGrade: 'general' } : {}),
      ...(o.sensitive ? { sensitive: true } : {}),
    }, 201);
    await ok(who, 'POST', `/api/v1/cases/${c.id}/take`, {});
    if (o.reply) await ok(who, 'POST', `/api/v1/cases/${c.id}/replies`, { body: o.reply });
    if (o.resolve !== false) await ok(who, 'POST', `/api/v1/cases/${c.id}/resolve`, { cause: '线路故障', solution: '已安排修复线路' });
    return c.id;
  };
  const timeline = async (caseId: string) => ((await ok<{ timeline: TimelineEvent[] }>('supervisor', 'GET', `/api/v1/cases/${caseId}`)).timeline);
  const audits = async (action: string) => t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'target_id']).where('action', '=', action).execute();

  it('lets the quality leads write rubrics, inspectors read them, and others neither', async () => {
    clock.set(sh('2026-11-23T09:30:00'));
    for (const who of ['inspector', 'supervisor', 'agent']) {
      const r = await t.as(who, 'POST', '/api/v1/quality/rubrics', RUBRIC);
      expect([who, r.statusCode, code(r)]).toEqual([who, 403, 'forbidden']);
    }
    rubric = await ok<RubricView>('manager', 'POST', '/api/v1/quality/rubrics', RUBRIC, 201);
    expect(rubric).toMatchObject({ version: 1, current: true, maxPoints: 105, passScore: 60 });
    expect(rubric.criteria.find((c) => c.id === 'security')).toMatchObject({ critical: true, points: 10 });
    const list = await ok<RubricView[]>('inspector', 'GET', '/api/v1/quality/rubrics');
    expect(list.map((r) => r.id)).toEqual([rubric.id]);
    expect((await t.as('agent', 'GET', '/api/v1/quality/rubrics')).statusCode).toBe(403);
    // unused: an edit changes it in place
    const edited = await ok<RubricView>('admin', 'PUT', `/api/v1/quality/rubrics/${rubric.id}`, { ...RUBRIC, description: '适用于所有渠道' });
    expect(edited).toMatchObject({ id: rubric.id, version: 1, description: '适用于所有渠道' });
    const bad = await t.as('admin', 'POST', '/api/v1/quality/rubrics', { ...RUBRIC, criteria: [{ id: 'x', name: 'A', points: 5 }, { id: 'x', name: 'B', points: 5 }] });
    expect([bad.statusCode, code(bad)]).toEqual([422, 'quality_duplicate_criterion']);
    expect(await audits('quality.rubric.create')).toHaveLength(1);
  });

  let planA: string;
  let drawA: DrawResult;
  it('draws a stratified sample per agent, always with complaints and provider cases, deterministic and idempotent, assigned round-robin', async () => {
    // the week of Monday 2026-11-23: agent (张晓) resolves 1 complaint, 3 inquiries, 2 service requests, 1 suggestion; agent2 2 inquiries
    clock.set(sh('2026-11-24T10:00:00'));
    const mine: Record<string, string[]> = { complaint: [], inquiry: [], service_request: [], suggestion: [] };
    for (const [type, n] of [['complaint', 1], ['inquiry', 3], ['service_request', 2], ['suggestion', 1]] as const)
      for (let i = 0; i < n; i++) mine[type]!.push(await handled('agent', { type, reply: '您好，已收到您的问题' }));
    const theirs = [await handled('agent2', { reply: '您好' }), await handled('agent2', { reply: '您好' })];
    // resolved the Monday after: another week
    clock.set(sh('2026-11-30T10:00:00'));
    const later = await handled('agent', { reply: '您好' });
    // tech (after-sales) has nothing resolved that week; an open case is no part of it
    clock.set(sh('2026-11-25T10:00:00'));
    await handled('agent', { resolve: false });

    clock.set(sh('2026-12-04T10:00:00'));
    for (const who of ['agent', 'inspector']) expect((await t.as(who, 'POST', '/api/v1/quality/plans', { name: 'x', period: 'week', mode: 'count', amount: 4, rubricId: rubric.id })).statusCode).toBe(403);
    planA = (await ok<{ id: string }>('manager', 'POST', '/api/v1/quality/plans', { name: '一线周抽检', teamId: t.seed.teams.frontline, period: 'week', mode: 'count', amount: 4, rubricId: rubric.id, seed: 'A' }, 201)).id;
    for (const who of ['agent', 'admin']) expect((await t.as(who, 'POST', `/api/v1/quality/plans/${planA}/draw`, { date: '2026-11-25' })).statusCode).toBe(403);
    drawA = await ok<DrawResult>('inspector', 'POST', `/api/v1/quality/plans/${planA}/draw`, { date: '2026-11-25' });
    expect(drawA).toMatchObject({ periodKey: '2026-W48', from: sh('2026-11-23T00:00:00'), to: sh('2026-11-30T00:00:00') });
    // agent: 7 cases, 4 drawn: the complaint, then 3 over the 6 others by type: inquiry 3/6 x 3 = 1.5, service 2/6 x 3 = 1,
    // suggestion 1/6 x 3 = 0.5 -> floors 1, 1, 0 and the one left to the largest remainder, the tie to inquiry (sorts first)
    // agent2: 2 cases, both drawn (a count is at most the population)
    const byAgent = new Map(drawA.agents.map((a) => [a.agentId, a]));
    expect(byAgent.get(t.seed.users.agent!.id)).toMatchObject({ population: 7, target: 4, drawn: 4, created: 4 });
    expect(byAgent.get(t.seed.users.agent2!.id)).toMatchObject({ population: 2, target: 2, drawn: 2, created: 2 });
    expect(drawA.created).toBe(6);
    const tasks = (await ok<{ items: InspectionView[] }>('inspector', 'GET', `/api/v1/quality/inspections?planId=${planA}&limit=200`)).items;
    const agentTasks = tasks.filter((i) => i.agentId === t.seed.users.agent!.id);
    const typeOf = (id: string) => Object.entries(mine).find(([, ids]) => ids.includes(id))?.[0];
    expect(agentTasks.map((i) => typeOf(i.caseId)).sort()).toEqual(['complaint', 'inquiry', 'inquiry', 'service_request']);
    expect(agentTasks.find((i) => typeOf(i.caseId) === 'complaint')!.sampleReason).toBe('complaint');
    expect(tasks.some((i) => i.caseId === later)).toBe(false);
    expect(tasks.filter((i) => i.agentId === t.seed.users.agent2!.id).map((i) => i.caseId).sort()).toEqual([...theirs].sort());
    // round-robin over the two inspectors
    expect(tasks.filter((i) => i.inspectorId === inspector2)).toHaveLength(3);
    expect(tasks.filter((i) => i.inspectorId === t.seed.users.inspector!.id)).toHaveLength(3);
    expect(tasks.every((i) => i.status === 'pending' && i.rubric.id === rubric.id && i.periodKey === '2026-W48')).toBe(true);
    // each task is on its case's timeline (internal)
    expect((await timeline(tasks[0]!.caseId)).filter((e) => e.type === 'quality_task_created').map((e) => e.visibility)).toEqual(['internal']);

    // again: nothing new
    const again = await ok<DrawResult>('inspector', 'POST', `/api/v1/quality/plans/${planA}/draw`, { date: '2026-11-27' });
    expect(again.created).toBe(0);
    expect((await ok<{ items: InspectionView[] }>('inspector', 'GET', `/api/v1/quality/inspections?planId=${planA}&limit=200`)).items).toHaveLength(6);
    // a provider's case (low CSAT) is always in: a plan with the same seed draws the suggestion, and one fewer at random:
    // 2 over the 5 left: inquiry 3/5 x 2 = 1.2, service 0.8 -> 1 and 0, the one left to service (remainder .8)
    lowCsat.add(mine.suggestion![0]!);
    const planB = (await ok<{ id: string }>('director', 'POST', '/api/v1/quality/plans', { name: '对照', teamId: t.seed.teams.frontline, period: 'week', mode: 'count', amount: 4, rubricId: rubric.id, seed: 'A' }, 201)).id;
    await ok('inspector', 'POST', `/api/v1/quality/plans/${planB}/draw`, { date: '2026-11-25' });
    const b = (await ok<{ items: InspectionView[] }>('inspector', 'GET', `/api/v1/quality/inspections?planId=${planB}&agentId=${t.seed.users.agent!.id}`)).items;
    expect(b.map((i) => typeOf(i.caseId)).sort()).toEqual(['complaint', 'inquiry', 'service_request', 'suggestion']);
    expect(b.find((i) => typeOf(i.caseId) === 'suggestion')!.sampleReason).toBe('test_low_csat');
    lowCsat.clear();
    // the draw is the seed's: the same seed, period and agent give the same cases
    const pop = [...mine.inquiry!, ...mine.service_request!].map((id) => ({ id, type: typeOf(id)! }));
    const one = drawSample(pop, new Map(), 2, 'A:2026-W48:x');
    expect(drawSample(pop, new Map(), 2, 'A:2026-W48:x')).toEqual(one);
    expect(await audits('quality.plan.draw')).toHaveLength(3);
  });

  it('names periods in the centre zone', () => {
    expect(periodOf('month', '2026-12-31', 'Asia/Shanghai')).toEqual({ key: '2026-12', from: sh('2026-12-01T00:00:00'), to: sh('2027-01-01T00:00:00') });
    expect(periodOf('week', '2027-01-01', 'Asia/Shanghai').key).toBe('2026-W53');
  });

  let a1: InspectionView;
  it('scores against the rubric: awarded / most x 100, a failed critical item fails the record; the assigned inspector only', async () => {
    clock.set(sh('2026-12-04T10:00:00')); // a Friday
    const tasks = (await ok<{ items: InspectionView[] }>('inspector', 'GET', `/api/v1/quality/inspections?planId=${planA}&agentId=${t.seed.users.agent!.id}`)).items;
    const task = tasks[0]!;
    const other = inspectorOf(task) === 'inspector' ? 'inspector2' : 'inspector';
    const notMine = await as(other, 'PUT', `/api/v1/quality/inspections/${task.id}/scores`, { scores: pts(27, 15, 20, 11, 10), submit: true });
    expect([notMine.statusCode, code(notMine)]).toEqual([403, 'quality_not_your_task']);
    expect((await t.as('supervisor', 'PUT', `/api/v1/quality/inspections/${task.id}/scores`, { scores: [], submit: false })).statusCode).toBe(403);
    const me = inspectorOf(task);
    const over = await as(me, 'PUT', `/api/v1/quality/inspections/${task.id}/scores`, { scores: pts(31, 15, 20, 11, 10) });
    expect([over.statusCode, code(over)]).toEqual([422, 'quality_points_over_max']);
    const unknown = await as(me, 'PUT', `/api/v1/quality/inspections/${task.id}/scores`, { scores: [{ criterionId: 'nope', points: 1 }] });
    expect([unknown.statusCode, code(unknown)]).toEqual([422, 'quality_unknown_criterion']);
    // a draft may leave criteria out; a submission may not
    const draft = await ok<InspectionView>(me, 'PUT', `/api/v1/quality/inspections/${task.id}/scores`, { scores: pts(27, 15, 20, 11, 10).slice(0, 2) });
    expect(draft).toMatchObject({ status: 'pending', score: null });
    const incomplete = await as(me, 'PUT', `/api/v1/quality/inspections/${task.id}/scores`, { scores: pts(27, 15, 20, 11, 10).slice(0, 4), submit: true });
    expect([incomplete.statusCode, code(incomplete)]).toEqual([422, 'quality_scores_incomplete']);
    // 27 + 15 + 20 + 11 + 10 = 83 of 105 = 79.047... -> 79.05, passed (60)
    a1 = await ok<InspectionView>(me, 'PUT', `/api/v1/quality/inspections/${task.id}/scores`, { scores: pts(27, 15, 20, 11, 10), comment: '整体良好', submit: true });
    expect(a1).toMatchObject({ status: 'submitted', awarded: 83, maxPoints: 105, score: 79.05, result: 'passed', criticalFailed: false, finalScore: 79.05, submittedAt: sh('2026-12-04T10:00:00') });
    // appeal window: 3 working days after Friday (the day itself not counted): Mon 7, Tue 8, Wed 9 December, to its close of business
    expect(a1.appealDueAt).toBe(sh('2026-12-09T18:00:00'));
    const again = await as(me, 'PUT', `/api/v1/quality/inspections/${task.id}/scores`, { scores: pts(30, 20, 20, 25, 10), submit: true });
    expect([again.statusCode, code(again)]).toEqual([409, 'quality_inspection_submitted']);
    const ev = (await timeline(task.caseId)).filter((e) => e.type === 'quality_inspected');
    expect(ev).toMatchObject([{ visibility: 'internal', body: '整体良好', data: { inspectionId: task.id, score: 79.05, result: 'passed' } }]);
    expect((await audits('quality.inspection.submit')).map((a) => a.target_id)).toEqual([task.id]);

    // full marks but the critical item short of its 10: score 0, failed
    const t2 = tasks[1]!;
    const a2 = await ok<InspectionView>(inspectorOf(t2), 'PUT', `/api/v1/quality/inspections/${t2.id}/scores`, { scores: pts(30, 20, 20, 25, 9), submit: true });
    expect(a2).toMatchObject({ awarded: 104, score: 0, criticalFailed: true, result: 'failed' });
    // 13 + 8 + 10 + 10 + 10 = 51 of 105 = 48.57: below the pass score
    const t3 = tasks[2]!;
    expect(await ok<InspectionView>(inspectorOf(t3), 'PUT', `/api/v1/quality/inspections/${t3.id}/scores`, { scores: pts(13, 8, 10, 10, 10), submit: true })).toMatchObject({ score: 48.57, result: 'failed' });
    // agent2's first: full marks, 100
    const b1 = (await ok<{ items: InspectionView[] }>('inspector', 'GET', `/api/v1/quality/inspections?planId=${planA}&agentId=${t.seed.users.agent2!.id}`)).items[0]!;
    expect(await ok<InspectionView>(inspectorOf(b1), 'PUT', `/api/v1/quality/inspections/${b1.id}/scores`, { scores: pts(30, 20, 20, 25, 10), submit: true })).toMatchObject({ score: 100, result: 'passed' });
  });

  it('shows a submitted inspection to the agent inspected and the leads of their team only', async () => {
    const mine = (await ok<{ items: InspectionView[] }>('agent', 'GET', '/api/v1/quality/inspections?mine=true')).items;
    expect(mine.map((i) => i.status)).toEqual(['submitted', 'submitted', 'submitted']);
    expect(mine.find((i) => i.id === a1.id)).toMatchObject({ mayAppeal: true, score: 79.05 });
    // a pending one is not theirs to see yet
    const pending = (await ok<{ items: InspectionView[] }>('inspector', 'GET', `/api/v1/quality/inspections?planId=${planA}&status=pending&agentId=${t.seed.users.agent!.id}`)).items[0]!;
    expect((await t.as('agent', 'GET', `/api/v1/quality/inspections/${pending.id}`)).statusCode).toBe(404);
    expect((await t.as('agent', 'GET', `/api/v1/quality/inspections/${a1.id}`)).statusCode).toBe(200);
    expect((await t.as('supervisor', 'GET', `/api/v1/quality/inspections/${a1.id}`)).statusCode).toBe(200);
    expect((await t.as('manager', 'GET', `/api/v1/quality/inspections/${a1.id}`)).statusCode).toBe(200);
    for (const who of ['agent2', 'supervisor2', 'tech']) {
      const r = await t.as(who, 'GET', `/api/v1/quality/inspections/${a1.id}`);
      expect([who, r.statusCode, code(r)]).toEqual([who, 404, 'quality_inspection_not_found']);
    }
    expect((await ok<{ items: InspectionView[] }>('agent2', 'GET', '/api/v1/quality/inspections')).items.every((i) => i.agentId === t.seed.users.agent2!.id)).toBe(true);
    expect((await ok<{ items: InspectionView[] }>('supervisor2', 'GET', '/api/v1/quality/inspections')).items).toEqual([]);
    expect((await t.as('admin', 'GET', `/api/v1/quality/inspections/${a1.id}`)).statusCode).toBe(403);
    // the case's QA card: the agent sees the score; agent2 sees the checks but not the inspection
    expect((await ok<CaseQuality>('agent', 'GET', `/api/v1/cases/${a1.caseId}/quality`)).inspections.map((i) => i.score)).toEqual([79.05]);
    expect((await ok<CaseQuality>('agent2', 'GET', `/api/v1/cases/${a1.caseId}/quality`)).inspections).toEqual([]);
  });

  it('takes one appeal from the agent within the window; a lead of their team (or a manager) arbitrates', async () => {
    const byAgent2 = await t.as('agent2', 'POST', `/api/v1/quality/inspections/${a1.id}/appeal`, { reason: '我不同意' });
    expect([byAgent2.statusCode, code(byAgent2)]).toEqual([404, 'quality_inspection_not_found']);
    const byLead = await t.as('supervisor', 'POST', `/api/v1/quality/inspections/${a1.id}/appeal`, { reason: '替他申诉' });
    expect([byLead.statusCode, code(byLead)]).toEqual([403, 'quality_not_inspected_agent']);
    expect((await t.as('inspector', 'POST', `/api/v1/quality/inspections/${a1.id}/appeal`, { reason: 'x' })).statusCode).toBe(403);
    // the last instant of the window still counts
    clock.set(sh('2026-12-09T18:00:00'));
    const appealed = await ok<InspectionView>('agent', 'POST', `/api/v1/quality/inspections/${a1.id}/appeal`, { reason: '问题已当场解决，问题解决一项扣分过多' }, 201);
    expect(appealed.appeal).toMatchObject({ status: 'open', reason: '问题已当场解决，问题解决一项扣分过多' });
    const twice = await t.as('agent', 'POST', `/api/v1/quality/inspections/${a1.id}/appeal`, { reason: '再申诉' });
    expect([twice.statusCode, code(twice)]).toEqual([409, 'quality_appeal_exists']);
    // after it: closed
    clock.set(sh('2026-12-09T18:00:01'));
    const mine = (await ok<{ items: InspectionView[] }>('agent', 'GET', '/api/v1/quality/inspections?mine=true')).items;
    const critical = mine.find((i) => i.criticalFailed)!;
    const late = await t.as('agent', 'POST', `/api/v1/quality/inspections/${critical.id}/appeal`, { reason: '迟到的申诉' });
    expect([late.statusCode, code(late)]).toEqual([409, 'quality_appeal_window_closed']);
    // so that one is appealed in time, on the Monday (moving the clock back: the test's own time machine)
    clock.set(sh('2026-12-07T11:00:00'));
    await ok('agent', 'POST', `/api/v1/quality/inspections/${critical.id}/appeal`, { reason: '客户信息未泄露' }, 201);

    clock.set(sh('2026-12-10T10:00:00'));
    const appeal = appealed.appeal!;
    expect((await ok<AppealView[]>('supervisor', 'GET', '/api/v1/quality/appeals?status=open')).map((p) => [p.id, p.mayDecide])).toContainEqual([appeal.id, true]);
    expect(await ok<AppealView[]>('supervisor2', 'GET', '/api/v1/quality/appeals')).toEqual([]);
    const other = await t.as('supervisor2', 'POST', `/api/v1/quality/appeals/${appeal.id}/decide`, { decision: 'uphold', note: '维持' });
    expect([other.statusCode, code(other)]).toEqual([404, 'quality_appeal_not_found']);
    expect((await t.as('agent', 'POST', `/api/v1/quality/appeals/${appeal.id}/decide`, { decision: 'uphold', note: '维持' })).statusCode).toBe(403);
    const noScores = await t.as('supervisor', 'POST', `/api/v1/quality/appeals/${appeal.id}/decide`, { decision: 'adjust', note: '调整' });
    expect(noScores.statusCode).toBe(400);
    // adjusted: 27 + 18 + 20 + 20 + 10 = 95 of 105 = 90.476... -> 90.48; the original 79.05 kept
    const decided = await ok<InspectionView>('supervisor', 'POST', `/api/v1/quality/appeals/${appeal.id}/decide`, { decision: 'adjust', note: '申诉部分成立', scores: pts(27, 18, 20, 20, 10) });
    expect(decided).toMatchObject({ score: 79.05, finalScore: 90.48, finalResult: 'passed', appeal: { status: 'adjusted', adjustedScore: 90.48, decidedBy: t.seed.users.supervisor!.id } });
    const again = await t.as('manager', 'POST', `/api/v1/quality/appeals/${appeal.id}/decide`, { decision: 'uphold', note: '维持' });
    expect([again.statusCode, code(again)]).toEqual([409, 'quality_appeal_decided']);
    // the critical one: the manager upholds it
    const open = (await ok<AppealView[]>('manager', 'GET', '/api/v1/quality/appeals?status=open'))[0]!;
    expect(await ok<InspectionView>('manager', 'POST', `/api/v1/quality/appeals/${open.id}/decide`, { decision: 'uphold', note: '关键项不达标，维持原判' })).toMatchObject({ finalScore: 0, finalResult: 'failed', appeal: { status: 'upheld' } });
    // (plan B may have drawn the case too: a task of its own)
    const ev = (await timeline(a1.caseId)).filter((e) => e.type.startsWith('quality_') && e.type !== 'quality_task_created');
    expect(ev.map((e) => [e.type, e.visibility])).toEqual([['quality_inspected', 'internal'], ['quality_appealed', 'internal'], ['quality_arbitrated', 'internal']]);
    expect(ev[2]!.data).toMatchObject({ originalScore: 79.05, score: 90.48, status: 'adjusted' });
    expect((await audits('quality.appeal.create')).length).toBe(2);
    expect((await audits('quality.appeal.adjust')).map((a) => a.actor_id)).toEqual([t.seed.users.supervisor!.id]);
  });

  it('reports per agent and team: inspections, mean final score, failed, appeals and outcomes', async () => {
    // submitted on 2026-12-04: agent 90.48 (adjusted from 79.05), 0 (critical, upheld), 48.57 (failed); agent2 100
    // agent: mean (90.48 + 0 + 48.57) / 3 = 46.35; failed 2; appeals 2: 1 adjusted, 1 upheld
    // 一线服务组: (90.48 + 0 + 48.57 + 100) / 4 = 59.7625 -> 59.76; failed 2
    const url = `/api/v1/quality/report?from=${sh('2026-12-01T00:00:00')}&to=${sh('2027-01-01T00:00:00')}`;
    expect((await t.as('agent', 'GET', url)).statusCode).toBe(403);
    const r = await ok<QualityReport>('inspector', 'GET', url);
    expect(r.agents.find((a) => a.agentId === t.seed.users.agent!.id)).toMatchObject({ inspections: 3, meanScore: 46.35, failed: 2, appeals: 2, appealsOpen: 0, upheld: 1, adjusted: 1 });
    expect(r.agents.find((a) => a.agentId === t.seed.users.agent2!.id)).toMatchObject({ inspections: 1, meanScore: 100, failed: 0, appeals: 0 });
    expect(r.teams).toMatchObject([{ teamId: t.seed.teams.frontline, teamName: '一线服务组', inspections: 4, meanScore: 59.76, failed: 2, appeals: 2 }]);
    expect(r.total).toMatchObject({ inspections: 4, meanScore: 59.76 });
    // an earlier period has none
    const none = await ok<QualityReport>('director', 'GET', `/api/v1/quality/report?from=${sh('2026-11-01T00:00:00')}&to=${sh('2026-12-01T00:00:00')}`);
    expect(none.total).toMatchObject({ inspections: 0, meanScore: null });
  });

  it('makes a new rubric version once inspections used it; they keep theirs', async () => {
    const next = await ok<RubricView>('manager', 'PUT', `/api/v1/quality/rubrics/${rubric.id}`, { ...RUBRIC, criteria: [...RUBRIC.criteria, { id: 'record', name: '记录完整', points: 15 }] });
    expect(next).toMatchObject({ familyId: rubric.id, version: 2, current: true, maxPoints: 120 });
    expect(next.id).not.toBe(rubric.id);
    expect((await ok<InspectionView>('agent', 'GET', `/api/v1/quality/inspections/${a1.id}`)).rubric).toMatchObject({ id: rubric.id, version: 1, maxPoints: 105 });
    const all = await ok<RubricView[]>('inspector', 'GET', '/api/v1/quality/rubrics?all=true');
    expect(all.map((r) => [r.version, r.current])).toEqual([[2, true], [1, false]]);
    // a task made now scores against version 2
    clock.set(sh('2026-12-10T11:00:00'));
    const c = await handled('agent', { reply: '您好' });
    const started = await ok<InspectionView>('inspector', 'POST', '/api/v1/quality/inspections', { caseId: c, rubricId: rubric.id }, 201);
    expect(started).toMatchObject({ status: 'pending', agentId: t.seed.users.agent!.id, inspectorId: t.seed.users.inspector!.id, rubric: { id: next.id, version: 2 } });
    // an erased customer's case is not inspected
    await t.ctx.db.updateTable('cases').set({ erased_at: clock.now() }).where('id', '=', c).execute();
    const erased = await t.as('inspector', 'POST', '/api/v1/quality/inspections', { caseId: c });
    expect([erased.statusCode, code(erased)]).toEqual([409, 'customer_erased']);
    const scoring = await t.as('inspector', 'PUT', `/api/v1/quality/inspections/${started.id}/scores`, { scores: [] });
    expect([scoring.statusCode, code(scoring)]).toEqual([409, 'customer_erased']);
  });

  it('checks every case: response time, hand-over notes, forbidden phrases, unanswered customer messages; lists the flagged', async () => {
    const day = sh('2026-12-14T00:00:00'); // a Monday
    clock.set(sh('2026-12-14T09:00:00'));
    // clean: answered, then resolved
    const clean = await handled('agent', { channel: 'email', reply: '您好，线路已修复，请重启光猫。' });
    // a forbidden phrase in a public reply
    const rude = await handled('agent', { reply: '这个不归我管，你自己看说明书' });
    // an email resolved without a reply: the customer's message unanswered
    const silent = await handled('agent2', { channel: 'email' });
    // handed over with a note of five characters (assign allows it; a transfer asks ten)
    const bare = await handled('agent', { resolve: false, reply: '您好，我们正在处理' });
    await ok('supervisor', 'POST', `/api/v1/cases/${bare}/assign`, { assigneeId: t.seed.users.agent2!.id, handoverNote: '交接给陈明' });
    // nobody answers for two business hours: the first response (1 business hour) is breached
    const waiting = (await ok<{ id: string }>('agent2', 'POST', '/api/v1/cases', { channel: 'web', contact: { name: '吴女士', email: 'wu@example.com' }, subject: '发票', description: '发票抬头开错' }, 201)).id;
    clock.set(sh('2026-12-14T11:30:00'));

    const flags = async (id: string) => (await ok<CaseQuality>('agent2', 'GET', `/api/v1/cases/${id}/quality`)).flagged;
    expect(await flags(clean)).toEqual([]);
    expect(await flags(rude)).toEqual(['forbidden_phrase']);
    const rudeChecks = await ok<CaseQuality>('agent', 'GET', `/api/v1/cases/${rude}/quality`);
    expect(rudeChecks.checks.find((c) => c.check === 'forbidden_phrase')!.findings.map((f) => f.detail)).toEqual(['不归我管', '你自己看']);
    expect(await flags(silent)).toEqual(['unanswered']);
    expect(await flags(bare)).toEqual(['handover_note']);
    expect(await flags(waiting)).toEqual(['response_time']);
    // taking it (15 business minutes) and answering it (1 business hour) are both overdue
    expect((await ok<CaseQuality>('agent2', 'GET', `/api/v1/cases/${waiting}/quality`)).checks[0]!.findings.map((f) => f.detail).sort()).toEqual(['first_response: overdue', 'reception: overdue']);

    // an admin adds a phrase: the clean reply's 请重启 now counts
    for (const who of ['agent', 'inspector', 'director']) expect((await t.as(who, 'PATCH', '/api/v1/quality/settings', { forbiddenPhrases: ['请重启'] })).statusCode).toBe(403);
    const s = await ok<{ forbiddenPhrases: string[]; appealWorkingDays: number }>('admin', 'PATCH', '/api/v1/quality/settings', { forbiddenPhrases: ['不知道', '不归我管', '你自己看', '请重启'] });
    expect(s.appealWorkingDays).toBe(3);
    expect(await flags(clean)).toEqual(['forbidden_phrase']);

    const period = `from=${day}&to=${day + 86_400_000}`;
    expect((await t.as('agent', 'GET', `/api/v1/quality/flagged?${period}`)).statusCode).toBe(403);
    const all = await ok<{ scanned: number; items: Array<{ caseId: string; flagged: string[]; agentId: string | null }> }>('inspector', 'GET', `/api/v1/quality/flagged?${period}`);
    expect(all.scanned).toBe(5);
    expect(all.items.map((i) => i.caseId).sort()).toEqual([clean, rude, silent, bare, waiting].sort());
    const phrase = await ok<typeof all>('inspector', 'GET', `/api/v1/quality/flagged?${period}&check=forbidden_phrase`);
    expect(phrase.items.map((i) => i.caseId).sort()).toEqual([clean, rude].sort());
    // agent2's: the one they resolved and the one handed to them (nobody has taken the waiting one)
    const ofAgent2 = await ok<typeof all>('supervisor', 'GET', `/api/v1/quality/flagged?${period}&agentId=${t.seed.users.agent2!.id}`);
    expect(ofAgent2.items.map((i) => i.caseId).sort()).toEqual([silent, bare].sort());
    // the after-sales lead leads no front-line team: nothing of theirs
    expect((await ok<typeof all>('supervisor2', 'GET', `/api/v1/quality/flagged?${period}`)).items).toEqual([]);
    const badPeriod = await t.as('inspector', 'GET', `/api/v1/quality/flagged?from=${day}&to=${day}`);
    expect([badPeriod.statusCode, code(badPeriod)]).toEqual([422, 'quality_bad_period']);
  });

  it("redacts the inspection's and appeal's texts when the customer is erased, keeping the points", async () => {
    const made = await ok<{ id: string; customerId: string }>('agent', 'POST', '/api/v1/cases', { channel: 'email', contact: { name: '何平', email: 'he.ping@example.com' }, subject: '净水器漏水', description: '何平家的净水器漏水' }, 201);
    for (const [path, body] of [['replies', { body: '何平您好，师傅明天上门。' }], ['resolve', { cause: '接口老化', solution: '更换接口' }], ['close', { reason: 'solved' }]] as const)
      await ok('agent', 'POST', `/api/v1/cases/${made.id}/${path}`, body);
    const started = await ok<InspectionView>('inspector', 'POST', '/api/v1/quality/inspections', { caseId: made.id }, 201);
    const scores = [...pts(30, 20, 20, 25, 10), { criterionId: 'record', points: 15, comment: '记录了何平的地址' }];
    await ok('inspector', 'PUT', `/api/v1/quality/inspections/${started.id}/scores`, { scores, comment: '何平的诉求处理得当', submit: true });
    await ok('agent', 'POST', `/api/v1/quality/inspections/${started.id}/appeal`, { reason: '何平当时很满意' }, 201);
    await ok('director', 'POST', `/api/v1/customers/${made.customerId}/erase`, { reason: '客户要求删除' });
    const row = await t.ctx.db.selectFrom('quality_inspections').selectAll().where('id', '=', started.id).executeTakeFirstOrThrow();
    expect(row.comment).toBe(REDACTED);
    expect(row.scores).not.toContain('何平');
    expect(Number(row.score)).toBe(100);
    const appeal = await t.ctx.db.selectFrom('quality_appeals').selectAll().where('inspection_id', '=', started.id).executeTakeFirstOrThrow();
    expect(appeal.reason).toBe(REDACTED);
  });

  it('holds every quality route to its permission, role by role', async () => {
    const routes: Array<[string, string, Permission]> = [
      ['GET', '/api/v1/quality/rubrics', 'quality.rubric.read'],
      ['GET', '/api/v1/quality/rubrics/x', 'quality.rubric.read'],
      ['POST', '/api/v1/quality/rubrics', 'quality.rubric.write'],
      ['PUT', '/api/v1/quality/rubrics/x', 'quality.rubric.write'],
      ['GET', '/api/v1/quality/plans', 'quality.plan.read'],
      ['POST', '/api/v1/quality/plans', 'quality.plan.write'],
      ['PUT', '/api/v1/quality/plans/x', 'quality.plan.write'],
      ['POST', '/api/v1/quality/plans/x/draw', 'quality.sample'],
      ['GET', '/api/v1/quality/inspections', 'quality.read'],
      ['POST', '/api/v1/quality/inspections', 'quality.inspect'],
      ['GET', '/api/v1/quality/inspections/x', 'quality.read'],
      ['PUT', '/api/v1/quality/inspections/x/scores', 'quality.inspect'],
      ['POST', '/api/v1/quality/inspections/x/appeal', 'quality.appeal'],
      ['GET', '/api/v1/quality/appeals', 'quality.read'],
      ['POST', '/api/v1/quality/appeals/x/decide', 'quality.arbitrate'],
      ['GET', '/api/v1/cases/x/quality', 'quality.checks.read'],
      ['GET', '/api/v1/quality/flagged', 'quality.flags.read'],
      ['GET', '/api/v1/quality/report', 'analytics.read'],
      ['GET', '/api/v1/quality/settings', 'quality.settings.read'],
      ['PATCH', '/api/v1/quality/settings', 'quality.settings.write'],
    ];
    const wrong: string[] = [];
    for (const [method, url, permission] of routes)
      for (const role of ['admin', 'director', 'manager', 'supervisor', 'agent', 'inspector'] as const) {
        // a body that fails validation (or an unknown id): who may call it gets 400 or 404, never 403
        const r = await t.as(role, method, url, ['POST', 'PUT', 'PATCH'].includes(method) ? { nonsense: true } : undefined);
        const denied = r.statusCode === 403 && code(r) === 'forbidden';
        if (denied === can(role, permission)) wrong.push(`${role} ${method} ${url} -> ${r.statusCode} ${code(r)}`);
      }
    expect(wrong).toEqual([]);
  });

  it('refuses customers everything, even on their own case', async () => {
    const sys = systemActor('test');
    const customer = await createCustomer(t.ctx, { name: '客户甲', email: 'qa-portal@example.com' }, sys);
    const u = await createUser(t.ctx, { email: 'qa-portal@example.com', name: 'Portal', role: 'customer', customerId: customer.id, password: 'test-password-123' }, sys);
    const bearer = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
    const own = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { authorization: bearer }, payload: { channel: 'web', contact: { name: '客户甲' }, subject: '咨询', description: '请问营业时间' } });
    expect(own.statusCode, own.body).toBe(201);
    const caseId = (own.json() as { id: string }).id;
    for (const url of ['/api/v1/quality/inspections', `/api/v1/quality/inspections/${a1.id}`, `/api/v1/cases/${caseId}/quality`, '/api/v1/quality/appeals', '/api/v1/quality/rubrics'] ) {
      const r = await t.app.inject({ method: 'GET', url, headers: { authorization: bearer } });
      expect([url, r.statusCode, code(r)]).toEqual([url, 403, 'forbidden']);
    }
    expect((await t.as(null, 'GET', '/api/v1/quality/inspections')).statusCode).toBe(401);
  });

  it("always samples the agent's low-CSAT cases (the surveys module's), and lets a manager who leads no team arbitrate", async () => {
    // the week of Monday 2027-03-01: the agent resolves 3 inquiries; the customer of the second answers 1 of 5 the next Monday
    clock.set(sh('2027-03-02T10:00:00'));
    const ids = [await handled('agent', { reply: '您好' }), await handled('agent', { reply: '您好' }), await handled('agent', { reply: '您好' })];
    // and a restricted (sensitive) complaint: inspectors may not open it, so no plan draws it, complaint or not
    const restricted = await handled('agent', { type: 'complaint', reply: '您好', sensitive: true, phone: '13700137007' });
    clock.set(sh('2027-03-08T09:00:00'));
    const survey = await t.ctx.db.selectFrom('surveys').selectAll().where('case_id', '=', ids[1]!).where('status', '=', 'pending').executeTakeFirstOrThrow();
    await t.ctx.db.transaction().execute((trx) => recordAnswer(t.ctx, trx, survey, { csat: 1 }));
    // a plan of 1 case an agent: the low-CSAT case fills it, whatever the seed draws
    const plan = (await ok<{ id: string }>('manager', 'POST', '/api/v1/quality/plans', { name: '低满意度', teamId: t.seed.teams.frontline, period: 'week', mode: 'count', amount: 1, rubricId: rubric.id, seed: 'low' }, 201)).id;
    await ok('inspector', 'POST', `/api/v1/quality/plans/${plan}/draw`, { date: '2027-03-03' });
    const drawn = (await ok<{ items: InspectionView[] }>('inspector', 'GET', `/api/v1/quality/inspections?planId=${plan}&agentId=${t.seed.users.agent!.id}`)).items;
    expect(drawn.map((i) => [i.caseId, i.sampleReason])).toEqual([[ids[1], 'low_csat']]);
    expect((await t.ctx.db.selectFrom('quality_inspections').select('id').where('case_id', '=', restricted).execute()).length).toBe(0);

    // a manager of no team: sees the submitted inspection, the open appeal, and decides it
    const sys = systemActor('test');
    const m2 = await createUser(t.ctx, { email: 'manager2@serviceloop.local', name: '钱经理 Manager Qian', role: 'manager', teamId: t.seed.teams.centre!, password: 'test-password-123' }, sys);
    const m2Bearer = `Bearer ${(await createApiToken(t.ctx, m2.id, 'test', null, sys)).token}`;
    const asM2 = (method: string, url: string, body?: unknown) => t.app.inject({ method: method as 'GET', url, headers: { authorization: m2Bearer }, ...(body === undefined ? {} : { payload: body as object }) });
    const task = drawn[0]!;
    expect((await asM2('GET', `/api/v1/quality/inspections/${task.id}`)).statusCode).toBe(404); // pending: not yet
    await ok(inspectorOf(task), 'PUT', `/api/v1/quality/inspections/${task.id}/scores`, { scores: [...pts(20, 15, 20, 10, 10), { criterionId: 'record', points: 10 }], submit: true });
    await ok('agent', 'POST', `/api/v1/quality/inspections/${task.id}/appeal`, { reason: '客户对政策不满，不是服务问题' }, 201);
    expect((await asM2('GET', `/api/v1/quality/inspections/${task.id}`)).statusCode).toBe(200);
    const appeals = (await asM2('GET', '/api/v1/quality/appeals?status=open')).json() as AppealView[];
    const mine = appeals.find((p) => p.inspectionId === task.id)!;
    expect(mine.mayDecide).toBe(true);
    const decided = await asM2('POST', `/api/v1/quality/appeals/${mine.id}/decide`, { decision: 'uphold', note: '维持原判' });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ appeal: { status: 'upheld', decidedBy: m2.id } });
  });
});
