import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseMetricsTable } from '../../src/core/modules/analytics/index.ts';
import type { AgentCard, AssessmentView, ScorecardReport } from '../../src/core/modules/scorecards/index.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { createApiToken, createTeam, createUser, setTeamLead } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const NOV = 'month=2026-11';

// SPEC 7 appraisal (考核): agent scorecards over SPEC 8's figures, their access, the weights, and the monthly supervision assessment.
describe.each(DIALECTS)('scorecards and supervision on %s', (dialect) => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const card = (r: ScorecardReport, who: string) => r.agents.find((a) => a.agentId === t.seed.users[who]!.id) as AgentCard;
  const report = async (who: string, q = NOV) => {
    const r = await t.as(who, 'GET', `/api/v1/scorecards?${q}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ScorecardReport;
  };

  beforeAll(async () => {
    // the case record alone: the figures below are written into the read models by hand
    t = await makeTestApp(dialect, { caseHooks: [], useTokens: true });
    (t.clock as ManualClock).set(sh('2026-12-05T10:00:00'));
    const newCase = async (name: string) => {
      const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '周先生', phone: '13500135001' }, subject: `考核 ${name}`, description: '测试' });
      expect(r.statusCode, r.body).toBe(201);
      ids[name] = (r.json() as { id: string }).id;
    };
    for (const n of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']) await newCase(n);
    const agent = t.seed.users.agent!.id;
    const agent2 = t.seed.users.agent2!.id;
    const tech = t.seed.users.tech!.id;
    const day = (d: number, h = 10) => sh(`2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00`);
    const metrics = (id: string, m: Partial<CaseMetricsTable>): CaseMetricsTable => ({
      case_id: ids[id]!, received_at: day(10), channel: 'phone', type: 'request', category_id: null, team_id: t.seed.teams.frontline!, assignee_id: agent, status: 'closed',
      is_repeat: 0, first_response_at: null, first_response_minutes: null, resolved_at: null, resolution_minutes: null, paused_since: null, paused_minutes: 0,
      closed_at: null, close_reason: null, reopen_count: 0, transfer_count: 0, field_visits: 0, escalated: 0, updated_at: day(20), ...m,
    });
    await t.ctx.db.deleteFrom('case_metrics').execute();
    await t.ctx.db
      .insertInto('case_metrics')
      .values([
        // agent 张晓: 4 received in November
        metrics('c1', { first_response_minutes: 30, resolved_at: day(11), closed_at: day(12), close_reason: 'solved' }),
        metrics('c2', { first_response_minutes: 90, resolved_at: day(11), closed_at: day(12), close_reason: 'solved', reopen_count: 1 }),
        metrics('c3', { first_response_minutes: 60, resolved_at: day(11), closed_at: day(12), close_reason: 'unsolved' }),
        metrics('c4', { first_response_minutes: 120, status: 'open' }),
        // agent2 陈明: 2 received in November; c6 closed as a duplicate
        metrics('c5', { assignee_id: agent2, first_response_minutes: 150, resolved_at: day(11), closed_at: day(12), close_reason: 'solved' }),
        metrics('c6', { assignee_id: agent2, first_response_minutes: 210, resolved_at: day(11), closed_at: day(12), close_reason: 'duplicate', transfer_count: 1 }),
        // tech 孙工: received (and closed) in October, outside the month
        metrics('c7', { assignee_id: tech, team_id: t.seed.teams.aftersales!, received_at: sh('2026-10-31T23:00:00'), first_response_minutes: 5, resolved_at: sh('2026-10-31T23:30:00'), closed_at: sh('2026-10-31T23:50:00'), close_reason: 'solved' }),
        // the supervisor took one case himself, perfectly: a lead has no card and is not ranked with his agents
        metrics('c8', { assignee_id: t.seed.users.supervisor!.id, first_response_minutes: 5, resolved_at: day(11), closed_at: day(12), close_reason: 'solved' }),
      ])
      .execute();
    const survey = (n: number, caseId: string, csat: number, issuedAt: number) => ({
      id: `s${n}`, case_id: ids[caseId]!, customer_id: null, token_hash: null, status: 'answered', not_sent_reason: null, issued_at: issuedAt, expires_at: issuedAt + 14 * 86_400_000,
      locale: 'zh-CN', scale: 5, team_id: t.seed.teams.frontline!, agent_id: agent, channel: 'phone', answered_at: issuedAt + 3_600_000, csat, band: csat >= 4 ? 'satisfied' : 'neutral',
      attitude: null, speed: null, solution: null, completeness: null, nps: null, comment: null, expired_at: null,
    });
    // 张晓's answers in November: 5 and 4; one in October (1) that must not count
    await t.ctx.db.insertInto('surveys').values([survey(1, 'c1', 5, day(11)), survey(2, 'c2', 4, day(11)), survey(3, 'c7', 1, sh('2026-10-31T23:30:00'))]).execute();
    await t.ctx.db
      .insertInto('quality_rubrics')
      .values({ id: 'r1', family_id: 'r1', version: 1, current: 1, name: '通用', description: null, criteria: '[]', pass_score: 60, active: 1, created_at: day(1), created_by: t.seed.users.admin!.id })
      .execute();
    const inspection = (n: number, caseId: string, score: number) => ({
      id: `q${n}`, case_id: ids[caseId]!, agent_id: agent, agent_team_id: t.seed.teams.frontline!, inspector_id: t.seed.users.inspector!.id, rubric_id: 'r1', status: 'submitted',
      plan_id: null, period_key: null, sample_reason: null, scores: '[]', comment: null, awarded: score, max_points: 100, score, critical_failed: 0, result: 'passed',
      created_at: day(13), submitted_at: day(13), appeal_due_at: day(16),
    });
    await t.ctx.db.insertInto('quality_inspections').values([inspection(1, 'c1', 80), inspection(2, 'c3', 90)]).execute();
    const post = await t.as('admin', 'PATCH', `/api/v1/users/${agent}`, { post: '一线坐席' });
    expect(post.statusCode, post.body).toBe(200);
    expect((post.json() as { post: string }).post).toBe('一线坐席');
  });
  afterAll(async () => t?.close());

  it('scores each agent from the month’s figures, by hand', async () => {
    const r = await report('director');
    // November in UTC+8: 2026-11-01T00:00+08:00 .. 2026-12-01T00:00+08:00
    expect([r.from, r.to]).toEqual([sh('2026-11-01T00:00:00'), sh('2026-12-01T00:00:00')]);
    const a = card(r, 'agent');
    // received 4 (c1-c4), resolved 3 (c1-c3), FCR 2 (c2 was reopened); closed 3 (none excluded), solved 2 (c3 unsolved)
    expect(a.counts).toEqual({ received: 4, resolved: 3, fcr: 2, closedCounted: 3, solved: 2 });
    expect(a.post).toBe('一线坐席');
    expect(a.indicators.csat).toMatchObject({ value: 4.5, basis: 2, points: 87.5, weight: 25 }); // (5+4)/2 = 4.5 on 1-5 -> (4.5-1)/4 x 100 = 87.5
    expect(a.indicators.resolutionRate).toMatchObject({ basis: 3, points: 66.67 }); // 2/3 x 100
    expect(a.indicators.fcr).toMatchObject({ basis: 3, points: 66.67 }); // 2/3 x 100
    expect(a.indicators.firstResponse).toMatchObject({ value: 60, basis: 4, points: 100 }); // [30,60,90,120] nearest-rank median = 2nd = 60 <= target 60
    expect(a.indicators.qa).toMatchObject({ value: 85, basis: 2, points: 85 }); // (80+90)/2
    // (87.5x25 + 66.667x20 + 66.667x20 + 100x15 + 85x20) / 100 = (2187.5 + 1333.33 + 1333.33 + 1500 + 1700) / 100 = 80.54
    expect(a.total).toBe(80.54);
    expect(a.rank).toBe(1);
    const b = card(r, 'agent2');
    // received 2, both resolved, FCR 1 (c6 transferred); closed 2 but c6 a duplicate: counted 1, solved 1
    expect(b.counts).toEqual({ received: 2, resolved: 2, fcr: 1, closedCounted: 1, solved: 1 });
    // median of [150, 210] = 1st = 150: 100 x (4x60 - 150) / (3 x 60) = 50
    expect(b.indicators.firstResponse).toMatchObject({ value: 150, points: 50 });
    expect(b.indicators.csat.points).toBeNull();
    expect(b.indicators.qa.points).toBeNull();
    // no CSAT, no QA: (100x20 + 50x20 + 50x15) / (20+20+15) = 3750 / 55 = 68.18
    expect(b.total).toBe(68.18);
    expect(b.rank).toBe(2);
    // 孙工's only case is October's: a card without figures, no rank
    expect(card(r, 'tech')).toMatchObject({ cases: 0, total: null, rank: null });
    expect(card(r, 'supervisor')).toBeUndefined();
    // roll-ups weighted by cases: (80.54x4 + 68.18x2) / 6 = 76.42; an agent without cases weighs nothing
    expect(r.byTeam.find((x) => x.key === t.seed.teams.frontline)).toMatchObject({ agents: 3, cases: 6, total: 76.42 });
    expect(r.byTeam.find((x) => x.key === t.seed.teams.aftersales)).toMatchObject({ agents: 1, cases: 0, total: null });
    expect(r.byDepartment).toEqual([expect.objectContaining({ key: t.seed.teams.centre, agents: 4, cases: 6, total: 76.42 })]);
    expect(r.byPost.find((x) => x.key === '一线坐席')).toMatchObject({ agents: 1, total: 80.54 });
    expect(r.byPost.find((x) => x.key === null)).toMatchObject({ agents: 3, total: 68.18 });
    // October: only 孙工's case, survey
    const oct = card(await report('director', 'month=2026-10'), 'tech');
    expect(oct.counts).toEqual({ received: 1, resolved: 1, fcr: 1, closedCounted: 1, solved: 1 });
  });

  it('drills each count down to its cases', async () => {
    const drill = async (who: string, agentKey: string, figure: string) =>
      t.as(who, 'GET', `/api/v1/scorecards/agents/${t.seed.users[agentKey]!.id}/cases?${NOV}&figure=${figure}`);
    const fcr = await drill('supervisor', 'agent', 'fcr');
    expect(fcr.statusCode, fcr.body).toBe(200);
    expect((fcr.json() as { caseIds: string[] }).caseIds.sort()).toEqual([ids.c1, ids.c3].sort());
    expect(((await drill('agent', 'agent', 'solved')).json() as { caseIds: string[] }).caseIds.sort()).toEqual([ids.c1, ids.c2].sort());
    expect(((await drill('director', 'agent2', 'closed')).json() as { caseIds: string[] }).caseIds).toEqual([ids.c5]);
    // another agent's cases, another team's agent: refused
    expect((await drill('agent', 'agent2', 'fcr')).statusCode).toBe(403);
    expect((await drill('supervisor2', 'agent', 'fcr')).statusCode).toBe(403);
  });

  it('shows each role the cards it may see', async () => {
    const names = async (who: string) => (await report(who)).agents.map((a) => a.agentId).sort();
    const u = (k: string) => t.seed.users[k]!.id;
    const own = await report('agent');
    expect(own.scope).toBe('own');
    expect(own.agents.map((a) => a.agentId)).toEqual([u('agent')]);
    expect(await names('supervisor')).toEqual([u('agent'), u('agent2'), u('agent3')].sort());
    expect(await names('supervisor2')).toEqual([u('tech')]);
    expect(await names('manager')).toEqual([u('agent'), u('agent2'), u('agent3'), u('tech')].sort());
    expect(await names('admin')).toEqual(await names('director'));
    expect((await t.as('inspector', 'GET', `/api/v1/scorecards?${NOV}`)).statusCode).toBe(403);
    expect((await t.as(null, 'GET', `/api/v1/scorecards?${NOV}`)).statusCode).toBe(401);
    const bad = await t.as('director', 'GET', '/api/v1/scorecards?from=10&to=5');
    expect([bad.statusCode, code(bad)]).toEqual([422, 'scorecard_bad_period']);
  });

  it('takes weights that sum to 100 from the admin only, and scores by them', async () => {
    const config = { weights: { csat: 40, resolutionRate: 0, fcr: 0, firstResponse: 30, qa: 40 }, firstResponseTargetMinutes: 60, firstResponseZeroAt: 4 };
    const r = await t.as('admin', 'PUT', '/api/v1/scorecards/config', config);
    expect([r.statusCode, code(r)]).toEqual([400, 'scorecard_weights_sum']); // 40 + 30 + 40 = 110
    expect((await t.as('director', 'PUT', '/api/v1/scorecards/config', { ...config, weights: { ...config.weights, qa: 30 } })).statusCode).toBe(403);
    const ok = await t.as('admin', 'PUT', '/api/v1/scorecards/config', { ...config, weights: { ...config.weights, qa: 30 } });
    expect(ok.statusCode, ok.body).toBe(200);
    const r2 = await report('director');
    // 张晓: (87.5x40 + 100x30 + 85x30) / 100 = (3500 + 3000 + 2550) / 100 = 90.5
    expect(card(r2, 'agent').total).toBe(90.5);
    // 陈明: only first response has a figure among the weighed: 50
    expect(card(r2, 'agent2').total).toBe(50);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', 'scorecard_config').execute();
    expect(audit.map((a) => a.action)).toContain('settings.update');
    await t.as('admin', 'PUT', '/api/v1/scorecards/config', { ...config, weights: { csat: 25, resolutionRate: 20, fcr: 20, firstResponse: 15, qa: 20 } });
  });

  it('records a monthly supervision assessment that is read-only once published, corrected as a new version', async () => {
    const scores = [
      { key: 'acceptance', score: 27 },
      { key: 'maintenance', score: 20 },
      { key: 'complaints', score: 22 },
      { key: 'conduct', score: 18 },
    ];
    const body = {
      month: '2026-11',
      departmentId: t.seed.teams.centre,
      scores,
      comment: '受理及时，主动维护不足',
      entries: [{ kind: 'reward', targetUserId: t.seed.users.agent!.id, reason: '投诉处理获客户书面表扬', points: 5, amount: 200 }],
    };
    expect((await t.as('manager', 'POST', '/api/v1/supervision/assessments', body)).statusCode).toBe(403);
    const over = await t.as('director', 'POST', '/api/v1/supervision/assessments', { ...body, scores: [...scores.slice(1), { key: 'acceptance', score: 31 }] });
    expect([over.statusCode, code(over)]).toEqual([422, 'supervision_score_over_max']); // acceptance is out of 30
    const missing = await t.as('director', 'POST', '/api/v1/supervision/assessments', { ...body, scores: scores.slice(1) });
    expect([missing.statusCode, code(missing)]).toEqual([422, 'supervision_bad_scores']);
    const team = await t.as('director', 'POST', '/api/v1/supervision/assessments', { ...body, departmentId: t.seed.teams.frontline });
    expect([team.statusCode, code(team)]).toEqual([422, 'supervision_not_department']);
    const made = await t.as('director', 'POST', '/api/v1/supervision/assessments', body);
    expect(made.statusCode, made.body).toBe(201);
    const draft = made.json() as AssessmentView;
    // 27 + 20 + 22 + 18 = 87 of 30 + 25 + 25 + 20 = 100
    expect(draft).toMatchObject({ status: 'draft', version: 1, total: 87, maxTotal: 100, current: true });
    expect(draft.entries).toEqual([expect.objectContaining({ kind: 'reward', targetUserName: '张晓 Agent Zhang', points: 5, amount: 200 })]);
    expect((await t.as('director', 'POST', '/api/v1/supervision/assessments', body)).statusCode).toBe(409);
    // a draft is the supervising side's: not listed for others
    expect(((await t.as('manager', 'GET', '/api/v1/supervision/assessments')).json() as unknown[]).length).toBe(0);
    expect((await t.as('manager', 'GET', `/api/v1/supervision/assessments/${draft.id}`)).statusCode).toBe(404);
    const edited = await t.as('director', 'PUT', `/api/v1/supervision/assessments/${draft.id}`, { scores: scores.map((s) => (s.key === 'maintenance' ? { ...s, score: 15 } : s)), comment: '主动维护不足' });
    expect((edited.json() as AssessmentView).total).toBe(82); // 27 + 15 + 22 + 18
    expect((await t.as('director', 'POST', `/api/v1/supervision/assessments/${draft.id}/publish`, {})).statusCode).toBe(200);
    const change = await t.as('director', 'PUT', `/api/v1/supervision/assessments/${draft.id}`, { scores });
    expect([change.statusCode, code(change)]).toEqual([409, 'supervision_published']);
    expect(code(await t.as('director', 'POST', `/api/v1/supervision/assessments/${draft.id}/publish`, {}))).toBe('supervision_published');
    const noReason = await t.as('director', 'POST', `/api/v1/supervision/assessments/${draft.id}/corrections`, { scores });
    expect(noReason.statusCode).toBe(400);
    const fixed = await t.as('director', 'POST', `/api/v1/supervision/assessments/${draft.id}/corrections`, {
      scores,
      reason: '主动维护分数录入错误',
      entries: [{ kind: 'discipline', targetTeamId: t.seed.teams.aftersales, reason: '上门维护超时两次', points: -3 }],
    });
    expect(fixed.statusCode, fixed.body).toBe(201);
    const v2 = fixed.json() as AssessmentView;
    expect(v2).toMatchObject({ status: 'published', version: 2, total: 87, correctsId: draft.id, correctionReason: '主动维护分数录入错误', current: true });
    expect(v2.entries).toEqual([expect.objectContaining({ kind: 'discipline', targetTeamName: '售后技术组', points: -3, amount: null })]);
    const v1 = (await t.as('manager', 'GET', `/api/v1/supervision/assessments/${draft.id}`)).json() as AssessmentView;
    expect(v1).toMatchObject({ total: 82, current: false, status: 'published' });
    const again = await t.as('director', 'POST', `/api/v1/supervision/assessments/${draft.id}/corrections`, { scores, reason: '再改' });
    expect([again.statusCode, code(again)]).toEqual([409, 'supervision_superseded']);
    const list = (await t.as('supervisor', 'GET', '/api/v1/supervision/assessments?month=2026-11')).json() as AssessmentView[];
    expect(list.map((a) => a.version)).toEqual([2, 1]);
    expect((await t.as('agent', 'GET', '/api/v1/supervision/assessments')).statusCode).toBe(403);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_type', '=', 'supervision_assessment').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['supervision.create', 'supervision.update', 'supervision.publish', 'supervision.correct']);
  });

  it('keeps a draft’s comment when an edit leaves it out, refuses rewards for non-staff, and lets one of two racing requests in', async () => {
    const scores = [
      { key: 'acceptance', score: 30 },
      { key: 'maintenance', score: 25 },
      { key: 'complaints', score: 25 },
      { key: 'conduct', score: 20 },
    ];
    const body = { month: '2026-10', departmentId: t.seed.teams.centre, scores, comment: '全部达标' };
    // a portal account (a customer) is no one to reward or discipline
    const now = t.clock.now();
    await t.ctx.db
      .insertInto('users')
      .values({ id: 'portal-1', email: 'portal-1@example.com', name: '周先生', role: 'customer', team_id: null, customer_id: null, password_hash: null, locale: 'zh-CN', skills: '[]', languages: '[]', active: 1, created_at: now, updated_at: now, post: null })
      .execute();
    const toCustomer = await t.as('director', 'POST', '/api/v1/supervision/assessments', { ...body, entries: [{ kind: 'reward', targetUserId: 'portal-1', reason: '表扬' }] });
    expect([toCustomer.statusCode, code(toCustomer)]).toEqual([404, 'user_not_found']);
    // two directors' tabs saving the same month at once: one draft, one conflict, never a 500
    const both = await Promise.all([1, 2].map(() => t.as('director', 'POST', '/api/v1/supervision/assessments', body)));
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const draft = both.find((r) => r.statusCode === 201)!.json() as AssessmentView;
    const edited = await t.as('director', 'PUT', `/api/v1/supervision/assessments/${draft.id}`, { scores: scores.map((x) => (x.key === 'conduct' ? { ...x, score: 19 } : x)) });
    expect((edited.json() as AssessmentView)).toMatchObject({ total: 99, comment: '全部达标' }); // 30 + 25 + 25 + 19
    const twice = await Promise.all([1, 2].map(() => t.as('director', 'POST', `/api/v1/supervision/assessments/${draft.id}/publish`, {})));
    expect(twice.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const fixes = await Promise.all([1, 2].map(() => t.as('director', 'POST', `/api/v1/supervision/assessments/${draft.id}/corrections`, { scores, reason: '更正' })));
    expect(fixes.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  });

  it("shows a lead only the assessments of their own department: another department's names its staff's rewards and discipline", async () => {
    const sys = systemActor('test');
    const south = await createTeam(t.ctx, { name: '华南服务中心', kind: 'department' }, sys);
    const southTeam = await createTeam(t.ctx, { name: '华南一线组', kind: 'team', parentId: south.id }, sys);
    const lead = await createUser(t.ctx, { email: 'south-lead@example.com', name: '华南主管', role: 'supervisor', teamId: southTeam.id }, sys);
    await setTeamLead(t.ctx, southTeam.id, lead.id, sys);
    const asLead = { authorization: `Bearer ${(await createApiToken(t.ctx, lead.id, 'test', null, sys)).token}` };
    const scores = [
      { key: 'acceptance', score: 25 },
      { key: 'maintenance', score: 20 },
      { key: 'complaints', score: 20 },
      { key: 'conduct', score: 15 },
    ];
    const made = (await t.as('director', 'POST', '/api/v1/supervision/assessments', { month: '2026-09', departmentId: south.id, scores })).json() as AssessmentView;
    expect((await t.as('director', 'POST', `/api/v1/supervision/assessments/${made.id}/publish`, {})).statusCode).toBe(200);

    const months = (list: unknown) => (list as AssessmentView[]).map((a) => [a.departmentId === south.id ? 'south' : 'centre', a.month]);
    // the south's lead: their department's only
    expect(months((await t.as(null, 'GET', '/api/v1/supervision/assessments', undefined, asLead)).json())).toEqual([['south', '2026-09']]);
    const centreOne = ((await t.as('manager', 'GET', '/api/v1/supervision/assessments?month=2026-11')).json() as AssessmentView[])[0]!;
    expect((await t.as(null, 'GET', `/api/v1/supervision/assessments/${centreOne.id}`, undefined, asLead)).statusCode).toBe(404);
    // the centre's manager and supervisor: not the south's
    for (const who of ['manager', 'supervisor']) {
      expect(months((await t.as(who, 'GET', '/api/v1/supervision/assessments')).json()).some(([d]) => d === 'south'), who).toBe(false);
      expect((await t.as(who, 'GET', `/api/v1/supervision/assessments/${made.id}`)).statusCode, who).toBe(404);
    }
    // the director and admins: every department's
    for (const who of ['director', 'admin']) expect(months((await t.as(who, 'GET', '/api/v1/supervision/assessments?month=2026-09')).json()), who).toEqual([['south', '2026-09']]);
  });
});
