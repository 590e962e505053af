import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowScoreCaseIds, type RecoveryTaskView, type SurveyReport, type SurveyView } from '../../src/core/modules/surveys/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { outboxConsentRefusal } from '../../src/core/modules/privacy/index.ts';
import { createApiToken, createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { sha256 } from '../../src/core/shared/ids.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const DAY = 86_400_000;

interface TimelineEvent {
  type: string;
  visibility: 'public' | 'internal';
  body: string | null;
  data: Record<string, unknown> | null;
}

// SPEC 6 (satisfaction surveys on resolution, one-time links, recovery of low scores) and SPEC 8's CSAT / NPS figures.
describe.each(DIALECTS)('satisfaction surveys on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let portalBearer: string;
  let seq = 0;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    const sys = systemActor('test');
    const customer = (await createCustomer(t.ctx, { name: '门户客户', email: 'portal-survey@example.com' }, sys)).id;
    const u = await createUser(t.ctx, { email: 'portal-survey@example.com', name: 'Portal', role: 'customer', customerId: customer, password: TEST_PASSWORD }, sys);
    portalBearer = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const pub = (method: 'GET' | 'POST', url: string, body?: unknown) => t.app.inject({ method, url, ...(body === undefined ? {} : { payload: body as object }) });

  /** A case logged and taken by `agent`, then resolved by them: returns its id. */
  const resolvedCase = async (opts: { email?: string | null; language?: string; channel?: string } = {}) => {
    const email = opts.email === undefined ? `survey${++seq}@example.com` : opts.email;
    const contact = email ? { name: '周先生', email } : { name: '周先生', phone: '13500135001' };
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: opts.channel ?? (email ? 'email' : 'phone'), contact, subject: '退款进度', description: '请问退款什么时候到账', ...(opts.language ? { language: opts.language } : {}) });
    expect(made.statusCode, made.body).toBe(201);
    const id = (made.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    await resolve(id);
    return id;
  };
  const resolve = async (id: string) => {
    const r = await t.as('agent', 'POST', `/api/v1/cases/${id}/resolve`, { cause: '系统延迟', solution: '已人工处理退款' });
    expect(r.statusCode, r.body).toBe(200);
  };
  const surveysOf = async (caseId: string, who = 'agent') => {
    const r = await t.as(who, 'GET', `/api/v1/cases/${caseId}/surveys`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { surveys: SurveyView[]; recoveryTasks: RecoveryTaskView[] };
  };
  /** The token of the newest invitation mailed about the case (from its link in the outbox). */
  const tokenOf = async (caseId: string) => {
    const rows = await t.ctx.db.selectFrom('outbox').select(['payload', 'created_at', 'id']).where('case_id', '=', caseId).where('topic', '=', 'email').orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    const mail = rows.map((r) => JSON.parse(r.payload) as { template: string; to: string; locale: string; vars: { link: string } }).find((p) => p.template === 'survey_invitation');
    expect(mail).toBeDefined();
    return { token: mail!.vars.link.split('/survey/')[1]!, mail: mail! };
  };
  const timeline = async (caseId: string) => ((await t.as('agent', 'GET', `/api/v1/cases/${caseId}`)).json() as { timeline: TimelineEvent[] }).timeline;
  const answer = (token: string, body: Record<string, unknown>) => pub('POST', `/api/v1/public/surveys/${token}`, body);

  it('issues a survey at resolution: a one-time link mailed through the outbox in the case language, only its hash stored, on the timeline as internal', async () => {
    clock.set(sh('2026-11-23T10:00:00'));
    const id = await resolvedCase({ language: 'en' });
    const { surveys } = await surveysOf(id);
    expect(surveys).toHaveLength(1);
    expect(surveys[0]).toMatchObject({ status: 'pending', scale: 5, issuedAt: sh('2026-11-23T10:00:00'), expiresAt: sh('2026-11-23T10:00:00') + 14 * DAY, channel: 'email', agentId: t.seed.users.agent!.id, teamId: t.seed.teams.frontline });
    const { token, mail } = await tokenOf(id);
    expect(mail).toMatchObject({ template: 'survey_invitation', locale: 'en' });
    expect(mail.vars.link).toMatch(/^https?:\/\/[^/]+\/survey\/[A-Za-z0-9_-]{32}$/);
    const row = await t.ctx.db.selectFrom('surveys').select('token_hash').where('case_id', '=', id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(token));
    expect(JSON.stringify(await t.ctx.db.selectFrom('surveys').selectAll().execute())).not.toContain(token);
    const sent = (await timeline(id)).filter((e) => e.type === 'survey_sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ visibility: 'internal', data: { surveyId: surveys[0]!.id, scale: 5 } });
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', surveys[0]!.id).execute();
    expect(audit).toEqual([{ action: 'survey.issue', actor_id: t.seed.users.agent!.id }]);

    // the public page: the case's number, the 1-5 scale, in the case's language (or the one asked for)
    const page = await pub('GET', `/survey/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Customer satisfaction survey');
    expect(page.body.match(/name="csat"/g)).toHaveLength(5);
    expect((await pub('GET', `/survey/${token}?lang=zh`)).body).toContain('服务满意度调查');
    expect((await pub('GET', '/api/v1/public/surveys/not-a-valid-token-at-all')).statusCode).toBe(404);
  });

  it('records a resolution without an email as a survey not sent (no mail), so the response rate counts it honestly', async () => {
    clock.set(sh('2026-11-23T11:00:00'));
    const id = await resolvedCase({ email: null });
    const { surveys } = await surveysOf(id);
    expect(surveys.map((s) => [s.status, s.notSentReason])).toEqual([['not_sent', 'no_email']]);
    const mails = await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', id).execute();
    expect(mails.filter((m) => m.payload.includes('survey_invitation'))).toHaveLength(0);
    expect((await timeline(id)).filter((e) => e.type === 'survey_not_sent').map((e) => e.data?.reason)).toEqual(['no_email']);
  });

  it('asks every resolution unless the customer opted out: a withdrawn satisfaction_survey stops new surveys and a queued invitation; a new consent asks again', async () => {
    clock.set(sh('2026-11-23T11:30:00'));
    const email = `optout${++seq}@example.com`;
    const first = await resolvedCase({ email });
    const customerId = (await t.ctx.db.selectFrom('cases').select('customer_id').where('id', '=', first).executeTakeFirstOrThrow()).customer_id!;
    const invitation = async (caseId: string) =>
      (await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', caseId).execute()).map((m) => JSON.parse(m.payload) as Record<string, unknown>).filter((p) => p.template === 'survey_invitation');
    // no record in the register: asked (opt-out), the invitation declaring its purpose
    const [queued] = await invitation(first);
    expect(queued).toMatchObject({ consent: { customerId, purpose: 'satisfaction_survey' } });
    expect(await outboxConsentRefusal(t.ctx.db, 'email', queued!)).toBeNull();

    const granted = await t.as('agent', 'POST', `/api/v1/customers/${customerId}/consents`, { purpose: 'satisfaction_survey', channel: 'phone' });
    expect(granted.statusCode, granted.body).toBe(201);
    const withdrawn = await t.as('agent', 'POST', `/api/v1/customers/${customerId}/consents/${(granted.json() as { id: string }).id}/withdraw`, { reason: '不想再收到调查' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    // the invitation still queued is stopped at send time; the next resolution is recorded as not sent
    expect(await outboxConsentRefusal(t.ctx.db, 'email', queued!)).toMatch(/satisfaction_survey/);
    const second = await resolvedCase({ email });
    expect((await surveysOf(second)).surveys.map((s) => [s.status, s.notSentReason])).toEqual([['not_sent', 'opted_out']]);
    expect(await invitation(second)).toHaveLength(0);
    expect((await timeline(second)).filter((e) => e.type === 'survey_not_sent').map((e) => e.data?.reason)).toEqual(['opted_out']);

    // consenting again asks again
    expect((await t.as('agent', 'POST', `/api/v1/customers/${customerId}/consents`, { purpose: 'satisfaction_survey', channel: 'email' })).statusCode).toBe(201);
    const third = await resolvedCase({ email });
    expect((await surveysOf(third)).surveys.map((s) => s.status)).toEqual(['pending']);
    expect(await invitation(third)).toHaveLength(1);
  });

  it('takes one answer per link: out-of-scale 422, then 201, then 409; on the timeline as an internal event the customer does not see', async () => {
    clock.set(sh('2026-11-23T12:00:00'));
    const id = await resolvedCase();
    const { token } = await tokenOf(id);
    const over = await answer(token, { csat: 6 });
    expect([over.statusCode, code(over)]).toEqual([422, 'score_out_of_scale']);
    expect((await answer(token, { csat: 0 })).statusCode).toBe(400);
    const ok = await answer(token, { csat: 4, attitude: 5, speed: 3, nps: 9, comment: '处理得不错' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ band: 'satisfied' });
    const again = await answer(token, { csat: 1 });
    expect([again.statusCode, code(again)]).toEqual([409, 'survey_answered']);
    const page = await pub('GET', `/survey/${token}`);
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain('该调查已提交');
    const { surveys, recoveryTasks } = await surveysOf(id);
    expect(surveys[0]).toMatchObject({ status: 'answered', csat: 4, band: 'satisfied', attitude: 5, speed: 3, solution: null, nps: 9, comment: '处理得不错', answeredAt: sh('2026-11-23T12:00:00') });
    expect(recoveryTasks).toEqual([]);
    const ev = (await timeline(id)).filter((e) => e.type === 'survey_answered');
    expect(ev).toMatchObject([{ visibility: 'internal', body: '处理得不错', data: { csat: 4, band: 'satisfied', nps: 9 } }]);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', surveys[0]!.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['survey.answer', 'survey.issue']);
  });

  it('answers from the page form (urlencoded, no script), in its language', async () => {
    clock.set(sh('2026-11-23T12:30:00'));
    const id = await resolvedCase();
    const { token } = await tokenOf(id);
    const empty = await t.app.inject({ method: 'POST', url: `/survey/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'comment=' });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain('请选择总体满意度评分');
    const r = await t.app.inject({ method: 'POST', url: `/survey/${token}?lang=en`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'csat=5&attitude=5&nps=&comment=%E5%BE%88%E5%A5%BD' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.body).toContain('Thank you for your feedback!');
    expect((await surveysOf(id)).surveys[0]).toMatchObject({ status: 'answered', csat: 5, attitude: 5, nps: null, comment: '很好' });
  });

  it('expires a link after the expiry setting (410), and a re-resolution after a reopen replaces the unanswered survey', async () => {
    clock.set(sh('2026-11-24T10:00:00'));
    const id = await resolvedCase();
    const first = await tokenOf(id);
    clock.set(sh('2026-11-24T10:00:00') + 14 * DAY); // the expiry instant: no longer open
    const late = await answer(first.token, { csat: 5 });
    expect([late.statusCode, code(late)]).toEqual([410, 'survey_expired']);
    expect((await pub('GET', `/survey/${first.token}`)).statusCode).toBe(410);

    clock.set(sh('2026-11-25T10:00:00'));
    const id2 = await resolvedCase();
    const a = await tokenOf(id2);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id2}/reopen`, { reason: '客户说还没到账' })).statusCode).toBe(200);
    clock.set(sh('2026-11-25T15:00:00'));
    await resolve(id2);
    const b = await tokenOf(id2);
    expect(b.token).not.toBe(a.token);
    const { surveys } = await surveysOf(id2);
    expect(surveys.map((s) => [s.status, s.issuedAt])).toEqual([
      ['pending', sh('2026-11-25T15:00:00')],
      ['expired', sh('2026-11-25T10:00:00')],
    ]);
    expect(surveys[1]!.expiredAt).toBe(sh('2026-11-25T15:00:00'));
    const old = await answer(a.token, { csat: 5 });
    expect([old.statusCode, code(old)]).toEqual([410, 'survey_expired']);
    expect((await answer(b.token, { csat: 5 })).statusCode).toBe(201);
  });

  it('opens a recovery task for a dissatisfied answer: for the case team lead, due at the close of the next working day, mailed; closed with an outcome', async () => {
    // Friday 2026-11-27 16:00: the next working day is Monday 2026-11-30, due at its close (18:00)
    clock.set(sh('2026-11-27T16:00:00'));
    const id = await resolvedCase();
    const { token } = await tokenOf(id);
    const r = await answer(token, { csat: 2, comment: '等了太久' });
    expect(r.json()).toMatchObject({ band: 'dissatisfied' });
    const { recoveryTasks } = await surveysOf(id);
    expect(recoveryTasks).toHaveLength(1);
    const task = recoveryTasks[0]!;
    expect(task).toMatchObject({ status: 'open', assigneeId: t.seed.users.supervisor!.id, dueAt: sh('2026-11-30T18:00:00'), csat: 2, scale: 5, comment: '等了太久' });
    const notify = await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', id).where('topic', '=', 'notify').execute();
    expect(notify.map((n) => JSON.parse(n.payload) as { template: string; userIds: string[] }).filter((p) => p.template === 'survey_recovery')).toMatchObject([{ userIds: [t.seed.users.supervisor!.id] }]);
    expect((await timeline(id)).filter((e) => e.type === 'survey_recovery_opened')).toHaveLength(1);

    // the inbox: mine for the supervisor; an agent may not list; another team's supervisor neither sees it as theirs nor closes it
    const mine = (await t.as('supervisor', 'GET', '/api/v1/surveys/recovery-tasks')).json() as RecoveryTaskView[];
    expect(mine.map((x) => x.id)).toContain(task.id);
    expect((await t.as('agent', 'GET', '/api/v1/surveys/recovery-tasks')).statusCode).toBe(403);
    expect(((await t.as('supervisor2', 'GET', '/api/v1/surveys/recovery-tasks')).json() as RecoveryTaskView[]).map((x) => x.id)).not.toContain(task.id);
    expect((await t.as('supervisor', 'GET', '/api/v1/surveys/recovery-tasks?scope=all')).statusCode).toBe(403);
    expect(((await t.as('manager', 'GET', '/api/v1/surveys/recovery-tasks?scope=all')).json() as RecoveryTaskView[]).map((x) => x.id)).toContain(task.id);
    const notTheirs = await t.as('supervisor2', 'POST', `/api/v1/surveys/recovery-tasks/${task.id}/close`, { outcome: '已联系' });
    expect([notTheirs.statusCode, code(notTheirs)]).toEqual([403, 'not_recovery_assignee']);
    expect((await t.as('supervisor', 'POST', `/api/v1/surveys/recovery-tasks/${task.id}/close`, { outcome: '' })).statusCode).toBe(400);

    clock.set(sh('2026-11-30T11:00:00'));
    const closed = await t.as('supervisor', 'POST', `/api/v1/surveys/recovery-tasks/${task.id}/close`, { outcome: '已电话致歉并补偿优惠券' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', closedBy: t.seed.users.supervisor!.id, closedAt: sh('2026-11-30T11:00:00'), outcome: '已电话致歉并补偿优惠券', overdue: false });
    const twice = await t.as('supervisor', 'POST', `/api/v1/surveys/recovery-tasks/${task.id}/close`, { outcome: '再次' });
    expect([twice.statusCode, code(twice)]).toEqual([409, 'recovery_task_closed']);
    expect((await timeline(id)).filter((e) => e.type === 'survey_recovery_closed')).toMatchObject([{ visibility: 'internal', body: '已电话致歉并补偿优惠券' }]);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', task.id).orderBy('at').execute();
    expect(audit.map((a) => a.action)).toEqual(['survey.recovery.open', 'survey.recovery.close']);

    // quality sampling can ask for the low-score cases of a period
    expect(await lowScoreCaseIds(t.ctx.db, sh('2026-11-27T00:00:00'), sh('2026-11-28T00:00:00'))).toEqual([id]);
    expect(await lowScoreCaseIds(t.ctx.db, sh('2026-11-28T00:00:00'), sh('2026-11-29T00:00:00'))).toEqual([]);
  });

  it('keeps survey results to staff who may read the case: a customer is refused, as is a route without the permission', async () => {
    clock.set(sh('2026-11-30T12:00:00'));
    const id = await resolvedCase();
    const asCustomer = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${id}/surveys`, headers: { authorization: portalBearer } });
    expect(asCustomer.statusCode).toBe(403);
    const listAsCustomer = await t.app.inject({ method: 'GET', url: '/api/v1/surveys/report', headers: { authorization: portalBearer } });
    expect(listAsCustomer.statusCode).toBe(403);
    for (const who of ['agent', 'tech']) expect((await t.as(who, 'GET', '/api/v1/surveys/report')).statusCode).toBe(403);
    for (const who of ['supervisor', 'inspector', 'admin']) expect((await t.as(who, 'GET', '/api/v1/surveys/report')).statusCode).toBe(200);
    expect((await t.as('agent', 'GET', '/api/v1/surveys')).statusCode).toBe(403);
    expect((await t.as(null, 'GET', `/api/v1/cases/${id}/surveys`)).statusCode).toBe(401);
    // the case's timeline as the customer of another case: not found
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/cases/${id}`, headers: { authorization: portalBearer } })).statusCode).toBe(404);
  });

  it('lets only an admin change the scale; a 1-10 survey bands 1-4 as dissatisfied', async () => {
    for (const who of ['agent', 'supervisor', 'director', 'inspector']) {
      const r = await t.as(who, 'PATCH', '/api/v1/surveys/settings', { scale: 10 });
      expect([who, r.statusCode]).toEqual([who, 403]);
    }
    expect((await t.as('admin', 'PATCH', '/api/v1/surveys/settings', { scale: 7 })).statusCode).toBe(400);
    const set = await t.as('admin', 'PATCH', '/api/v1/surveys/settings', { scale: 10, expiryDays: 7 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ scale: 10, expiryDays: 7 });
    clock.set(sh('2026-12-01T10:00:00'));
    const id = await resolvedCase();
    const { token } = await tokenOf(id);
    expect((await surveysOf(id)).surveys[0]).toMatchObject({ scale: 10, expiresAt: sh('2026-12-01T10:00:00') + 7 * DAY });
    expect((await pub('GET', `/survey/${token}`)).body.match(/name="csat"/g)).toHaveLength(10);
    expect((await answer(token, { csat: 4 })).json()).toMatchObject({ band: 'dissatisfied' });
    expect((await surveysOf(id)).recoveryTasks).toHaveLength(1);
    expect((await t.as('admin', 'PATCH', '/api/v1/surveys/settings', { scale: 5, expiryDays: 14 })).statusCode).toBe(200);
  });

  it("reports SPEC 8's figures over the surveys issued in a period (worked by hand)", async () => {
    // Wednesday 2026-12-02, 10:00-15:00: five resolutions, one without an email (not sent)
    const ids: string[] = [];
    for (const [i, email] of [null, undefined, undefined, undefined, undefined].entries()) {
      clock.set(sh(`2026-12-02T1${i}:00:00`));
      ids.push(await resolvedCase({ email }));
    }
    const tokens = await Promise.all(ids.slice(1).map(async (id) => (await tokenOf(id)).token));
    clock.set(sh('2026-12-02T16:00:00'));
    // three answers on 1-5: 5 (NPS 10, attitude 5), 3 (NPS 9, attitude 4), 1 (NPS 3); the fourth sent survey is not answered
    expect((await answer(tokens[0]!, { csat: 5, nps: 10, attitude: 5, solution: 4 })).statusCode).toBe(201);
    expect((await answer(tokens[1]!, { csat: 3, nps: 9, attitude: 4 })).statusCode).toBe(201);
    expect((await answer(tokens[2]!, { csat: 1, nps: 3 })).statusCode).toBe(201);
    const from = sh('2026-12-02T00:00:00');
    const to = sh('2026-12-03T00:00:00');
    const r = await t.as('supervisor', 'GET', `/api/v1/surveys/report?from=${from}&to=${to}`);
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json() as SurveyReport;
    // issued 5, not sent 1, sent 4, answered 3: response rate 3/4
    // CSAT mean (5 + 3 + 1) / 3 = 3; bands on 1-5: satisfied {5}, neutral {3}, dissatisfied {1}: 1/3 each
    // NPS over 3 answers: promoters {10, 9} = 2, detractors {3} = 1: (2 - 1) / 3 x 100 = 33.3...
    // dimensions: attitude (5 + 4) / 2 = 4.5; solution 4 / 1 = 4; speed and completeness none
    expect(report).toMatchObject({ issued: 5, notSent: 1, sent: 4, answered: 3, responseRate: 0.75, scale: 5, csatMean: 3, satisfied: 1, neutral: 1, dissatisfied: 1, npsAnswers: 3, promoters: 2, detractors: 1 });
    expect(report.satisfiedShare).toBeCloseTo(1 / 3, 10);
    expect(report.dissatisfiedShare).toBeCloseTo(1 / 3, 10);
    expect(report.nps).toBeCloseTo(100 / 3, 10);
    expect(report.dimensions).toEqual({ attitude: 4.5, speed: null, solution: 4, completeness: null });
    // by agent and channel (as at the resolution): all by agent; the phone one is the not-sent one
    const byAgent = (await t.as('supervisor', 'GET', `/api/v1/surveys/report?from=${from}&to=${to}&agentId=${t.seed.users.agent!.id}`)).json() as SurveyReport;
    expect(byAgent.issued).toBe(5);
    const phone = (await t.as('supervisor', 'GET', `/api/v1/surveys/report?from=${from}&to=${to}&channel=phone`)).json() as SurveyReport;
    expect(phone).toMatchObject({ issued: 1, notSent: 1, sent: 0, answered: 0, responseRate: null, csatMean: null, nps: null });
    const other = (await t.as('supervisor', 'GET', `/api/v1/surveys/report?from=${from}&to=${to}&teamId=${t.seed.teams.aftersales}`)).json() as SurveyReport;
    expect(other).toMatchObject({ issued: 0, sent: 0, responseRate: null });
    // the list of the period, newest first, filtered by band
    const low = (await t.as('inspector', 'GET', `/api/v1/surveys?from=${from}&to=${to}&band=dissatisfied`)).json() as { items: SurveyView[] };
    expect(low.items.map((s) => s.caseId)).toEqual([ids[3]]);
  });

  it("redacts the customer's survey comments and recovery notes on erasure, and expires an open link", async () => {
    clock.set(sh('2026-12-03T10:00:00'));
    const email = 'erase-survey@example.com';
    const a = await resolvedCase({ email });
    const b = await resolvedCase({ email });
    const ta = (await tokenOf(a)).token;
    const tb = (await tokenOf(b)).token;
    expect((await answer(ta, { csat: 1, comment: '我叫周某某，非常不满' })).statusCode).toBe(201);
    const task = (await surveysOf(a)).recoveryTasks[0]!;
    expect((await t.as('supervisor', 'POST', `/api/v1/surveys/recovery-tasks/${task.id}/close`, { outcome: '已联系周先生 13500135001' })).statusCode).toBe(200);
    for (const id of [a, b]) expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/close`, { reason: 'solved' })).statusCode).toBe(200);
    const customerId = ((await t.as('agent', 'GET', `/api/v1/cases/${a}`)).json() as { case: { customerId: string } }).case.customerId;
    const erased = await t.as('director', 'POST', `/api/v1/customers/${customerId}/erase`, { reason: '客户申请删除' });
    expect(erased.statusCode, erased.body).toBe(200);
    expect((erased.json() as { counts: { surveys: number } }).counts.surveys).toBe(3); // a's comment, b's open link, a's recovery note
    const rows = await t.ctx.db.selectFrom('surveys').select(['case_id', 'status', 'comment', 'csat']).where('case_id', 'in', [a, b]).execute();
    expect(rows.find((r) => r.case_id === a)).toMatchObject({ status: 'answered', comment: '[已删除 / erased]', csat: 1 });
    expect(rows.find((r) => r.case_id === b)).toMatchObject({ status: 'expired' });
    const outcome = await t.ctx.db.selectFrom('survey_recovery_tasks').select('outcome').where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(outcome.outcome).toBe('[已删除 / erased]');
    expect((await answer(tb, { csat: 5 })).statusCode).toBe(410);
  });

  it('one resolution: one survey and one follow-up; a reopen then a re-resolution: one of each again; closing issues neither; the export holds both', async () => {
    clock.set(sh('2026-12-04T10:00:00'));
    const email = 'export-survey@example.com';
    const id = await resolvedCase({ email });
    const count = async (table: 'surveys' | 'followups') => (await t.ctx.db.selectFrom(table).select(['id', 'status']).where('case_id', '=', id).execute()).map((r) => r.status).sort();
    expect([await count('surveys'), await count('followups')]).toEqual([['pending'], ['pending']]);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/reopen`, { reason: '还没好' })).statusCode).toBe(200);
    expect([await count('surveys'), await count('followups')]).toEqual([['pending'], ['cancelled']]);
    clock.set(sh('2026-12-04T11:00:00'));
    await resolve(id);
    expect([await count('surveys'), await count('followups')]).toEqual([['expired', 'pending'], ['cancelled', 'pending']]);
    const { token } = await tokenOf(id);
    expect((await answer(token, { csat: 4, nps: 9, comment: '师傅很耐心' })).statusCode).toBe(201);
    const fu = (await t.ctx.db.selectFrom('followups').select('id').where('case_id', '=', id).where('status', '=', 'pending').executeTakeFirstOrThrow()).id;
    const rec = await t.as('agent', 'POST', `/api/v1/followups/${fu}/outcome`, { method: 'phone', reached: true, result: 'satisfied', notes: '电话回访，客户满意' });
    expect(rec.statusCode, rec.body).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/close`, { reason: 'solved' })).statusCode).toBe(200);
    expect([await count('surveys'), await count('followups')]).toEqual([['answered', 'expired'], ['cancelled', 'done']]);

    // SPEC 10: the customer's data export holds their survey answers and follow-ups
    const customerId = ((await t.as('agent', 'GET', `/api/v1/cases/${id}`)).json() as { case: { customerId: string } }).case.customerId;
    const r = await t.as('manager', 'GET', `/api/v1/customers/${customerId}/export`);
    expect(r.statusCode, r.body).toBe(200);
    const e = JSON.parse(r.body) as { surveys: Array<Record<string, unknown>>; followups: Array<Record<string, unknown>> };
    expect(e.surveys.map((x) => [x.caseId, x.status, x.csat, x.nps, x.comment])).toEqual([
      [id, 'expired', null, null, null],
      [id, 'answered', 4, 9, '师傅很耐心'],
    ]);
    expect(JSON.stringify(e.surveys)).not.toContain('token');
    const done = e.followups.find((x) => x.status === 'done')!;
    expect(done).toMatchObject({ caseId: id, method: 'phone', result: 'satisfied', notes: '电话回访，客户满意' });
    expect(done.attempts).toEqual([{ at: sh('2026-12-04T11:00:00'), method: 'phone', reached: true, result: 'satisfied', notes: '电话回访，客户满意' }]);
  });

  it("closes an erased customer's open recovery task: nobody is called about them and nothing more is written on the case", async () => {
    clock.set(sh('2026-12-04T14:00:00'));
    const id = await resolvedCase({ email: 'erase-recovery@example.com' });
    expect((await answer((await tokenOf(id)).token, { csat: 2 })).statusCode).toBe(201);
    const task = (await surveysOf(id)).recoveryTasks[0]!;
    expect(task.status).toBe('open');
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/close`, { reason: 'solved' })).statusCode).toBe(200);
    const customerId = ((await t.as('agent', 'GET', `/api/v1/cases/${id}`)).json() as { case: { customerId: string } }).case.customerId;
    const erased = await t.as('director', 'POST', `/api/v1/customers/${customerId}/erase`, { reason: '客户申请删除' });
    expect(erased.statusCode, erased.body).toBe(200);
    expect((erased.json() as { counts: { surveys: number } }).counts.surveys).toBe(1); // the open recovery task closed
    const row = await t.ctx.db.selectFrom('survey_recovery_tasks').select(['status', 'outcome']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'closed', outcome: '[已删除 / erased]' });
    const before = (await t.ctx.db.selectFrom('case_events').select('id').where('case_id', '=', id).execute()).length;
    const r = await t.as('director', 'POST', `/api/v1/surveys/recovery-tasks/${task.id}/close`, { outcome: '已致电周先生 13500135001' });
    expect([r.statusCode, code(r)]).toEqual([409, 'recovery_task_closed']);
    expect((await t.ctx.db.selectFrom('case_events').select('id').where('case_id', '=', id).execute()).length).toBe(before);
    const open = (await t.as('director', 'GET', '/api/v1/surveys/recovery-tasks?scope=all&status=open')).json() as RecoveryTaskView[];
    expect(open.map((x) => x.id)).not.toContain(task.id);
  });

  it("keeps a restricted (sensitive) case's surveys and follow-ups from staff who may not open it", async () => {
    clock.set(sh('2026-12-04T16:00:00'));
    const id = await resolvedCase({ email: 'restricted-survey@example.com' });
    await t.ctx.db.updateTable('cases').set({ sensitive: 1 }).where('id', '=', id).execute();
    const other = await t.as('agent2', 'GET', `/api/v1/cases/${id}/surveys`);
    expect([other.statusCode, code(other)]).toEqual([403, 'case_restricted']);
    const fu = await t.as('agent2', 'GET', `/api/v1/cases/${id}/followups`);
    expect([fu.statusCode, code(fu)]).toEqual([403, 'case_restricted']);
    expect((await surveysOf(id)).surveys).toHaveLength(1); // its handler
    expect((await surveysOf(id, 'supervisor')).surveys).toHaveLength(1); // a lead
    const q = `/api/v1/surveys?from=${sh('2026-12-04T16:00:00')}&to=${sh('2026-12-04T16:00:01')}`;
    expect(((await t.as('inspector', 'GET', q)).json() as { items: SurveyView[] }).items).toEqual([]);
    expect(((await t.as('supervisor', 'GET', q)).json() as { items: SurveyView[] }).items.map((s) => s.caseId)).toEqual([id]);
  });

  it('rate-limits the public survey page and its JSON twin (429 after 60 a minute from one address)', async () => {
    // an address of its own: the other tests' requests from the default one do not count
    const from = (url: string) => t.app.inject({ method: 'GET', url, remoteAddress: `203.0.113.${url.startsWith('/api') ? 8 : 7}` });
    for (const url of ['/survey/not-a-real-token-0000', '/api/v1/public/surveys/not-a-real-token-0000']) {
      // a malformed token is refused as such, not a server error
      expect((await from(url.replace('not-a-real-token-0000', 'short'))).statusCode, url).toBe(400);
      const codes: number[] = [];
      for (let i = 0; i < 60; i++) codes.push((await from(url)).statusCode); // 59 here and the malformed one: 60 a minute
      expect(codes.slice(0, 59).every((c) => c === 404), url).toBe(true);
      expect(codes[59], url).toBe(429);
    }
  });
});
