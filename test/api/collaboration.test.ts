import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import { sweepOverdueConsultations, type ConsultationReportRow, type ConsultationView } from '../../src/core/modules/collaboration/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { createApiToken, createTeam, createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

interface TimelineEvent {
  type: string;
  visibility: 'public' | 'internal';
  body: string | null;
  actorId: string | null;
  data: Record<string, unknown> | null;
}

// SPEC 3: internal collaboration (asking another department) on the case timeline, with each department's own time limit.
describe.each(DIALECTS)('consultations (internal collaboration) on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let aftersales: string;
  let frontline: string;
  let centre: string;
  /** A department of its own, outside the service centre. */
  let billing: string;
  let portalBearer: string;
  let portalCustomer: string;

  beforeAll(async () => {
    // tokens: the clock moves by weeks here, and sessions would expire
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    ({ aftersales, frontline, centre } = t.seed.teams as { aftersales: string; frontline: string; centre: string });
    const sys = systemActor('test');
    billing = (await createTeam(t.ctx, { name: '财务部', nameEn: 'Billing', kind: 'department' }, sys)).id;
    portalCustomer = (await createCustomer(t.ctx, { name: '客户甲', email: 'portal-consult@example.com' }, sys)).id;
    const u = await createUser(t.ctx, { email: 'portal-consult@example.com', name: 'Portal', role: 'customer', customerId: portalCustomer, password: TEST_PASSWORD }, sys);
    portalBearer = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const asCustomer = (method: string, url: string, body?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: { authorization: portalBearer }, ...(body === undefined ? {} : { payload: body as object }) });

  /** A phone inquiry logged and taken by `owner` (who then owns it, 首问负责). */
  const ownedCase = async (owner = 'agent', subject = '账单多扣了 58 元') => {
    const made = await t.as(owner, 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '周先生', phone: '13500135001' }, subject, description: '上个月账单多扣了 58 元，要求退还' });
    expect(made.statusCode, made.body).toBe(201);
    const id = (made.json() as { id: string }).id;
    const taken = await t.as(owner, 'POST', `/api/v1/cases/${id}/take`, {});
    expect(taken.statusCode, taken.body).toBe(200);
    return id;
  };
  const ask = (who: string, caseId: string, teamId: string, question = '请确认该客户上月账单是否重复扣费？') =>
    t.as(who, 'POST', `/api/v1/cases/${caseId}/consultations`, { teamId, question });
  const asked = async (who: string, caseId: string, teamId: string, question?: string) => {
    const r = await ask(who, caseId, teamId, question);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as ConsultationView;
  };
  const timeline = async (caseId: string, who = 'agent') => ((await t.as(who, 'GET', `/api/v1/cases/${caseId}`)).json() as { timeline: TimelineEvent[] }).timeline;
  const consultationEvents = async (caseId: string) => (await timeline(caseId)).filter((e) => e.type.startsWith('consultation_'));

  it("gives each request a due time after the asked team's limit in business time: across a weekend, and on a Chinese make-up working day", async () => {
    // Friday 2026-10-09 16:00: 2 h left that day (to 18:00); Saturday 2026-10-10 is a make-up working
    // day (调休) with Monday's hours: 09:00-12:00 (3 h), then 13:30 + the last 3 h = 16:30 that Saturday
    expect(new Date(sh('2026-10-10T12:00:00')).getUTCDay()).toBe(6);
    clock.set(sh('2026-10-09T16:00:00'));
    const c1 = await ownedCase();
    const q1 = await asked('agent', c1, aftersales);
    expect(q1).toMatchObject({ status: 'open', teamId: aftersales, teamName: '售后技术组', limitMinutes: 480, calendarId: 'standard', requestedAt: sh('2026-10-09T16:00:00'), requestedBy: t.seed.users.agent!.id });
    expect(q1.dueAt).toBe(sh('2026-10-10T16:30:00'));

    // Friday 2026-11-27 16:00: 2 h that Friday, nothing at the weekend, Monday 09:00-12:00 and 13:30-16:30
    clock.set(sh('2026-11-27T16:00:00'));
    const c2 = await ownedCase();
    const q2 = await asked('agent', c2, aftersales);
    expect(q2.dueAt).toBe(sh('2026-11-30T16:30:00'));
    // the due time is on the timeline, and shown to the team asked as to the asker
    const [requested] = await consultationEvents(c2);
    expect(requested).toMatchObject({ type: 'consultation_requested', visibility: 'internal', body: '请确认该客户上月账单是否重复扣费？', actorId: t.seed.users.agent!.id });
    expect(requested!.data).toMatchObject({ consultationId: q2.id, teamId: aftersales, dueAt: sh('2026-11-30T16:30:00'), limitMinutes: 480 });
    const theirs = await t.as('tech', 'GET', `/api/v1/consultations/${q2.id}`);
    expect(theirs.statusCode, theirs.body).toBe(200);
    expect((theirs.json() as ConsultationView).dueAt).toBe(q2.dueAt);
    const mine = (await t.as('agent', 'GET', `/api/v1/cases/${c2}/consultations`)).json() as ConsultationView[];
    expect(mine.map((q) => [q.id, q.dueAt])).toEqual([[q2.id, q2.dueAt]]);
    // asked on a Sunday: counted from Monday's opening; Monday holds 450 business minutes, the last 30 are Tuesday's
    clock.set(sh('2026-11-29T11:00:00'));
    expect((await asked('agent', c2, aftersales, '补充：请同时确认退款渠道')).dueAt).toBe(sh('2026-12-01T09:30:00'));

    // the audit has each request
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'after']).where('target_id', '=', q2.id).execute();
    expect(audit.map((a) => [a.action, a.actor_id])).toEqual([['consultation.request', t.seed.users.agent!.id]]);
  });

  it("lets an admin set a team's own limit (and calendar); others cannot; it applies to requests from then on", async () => {
    clock.set(sh('2026-11-30T17:30:00')); // Monday
    const before = await t.as('agent', 'GET', '/api/v1/consultations/limits');
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ defaultMinutes: 480, calendarId: 'standard' });
    for (const who of ['agent', 'supervisor', 'director', 'inspector']) {
      const r = await t.as(who, 'PATCH', '/api/v1/consultations/limits', { teams: { [aftersales]: { minutes: 60 } } });
      expect([who, r.statusCode, code(r)]).toEqual([who, 403, 'forbidden']);
    }
    const unknownTeam = await t.as('admin', 'PATCH', '/api/v1/consultations/limits', { teams: { 'no-such-team': { minutes: 60 } } });
    expect([unknownTeam.statusCode, code(unknownTeam)]).toEqual([404, 'team_not_found']);
    const unknownCalendar = await t.as('admin', 'PATCH', '/api/v1/consultations/limits', { teams: { [aftersales]: { minutes: 60, calendarId: 'nope' } } });
    expect([unknownCalendar.statusCode, code(unknownCalendar)]).toEqual([404, 'calendar_not_found']);
    expect((await t.as('admin', 'PATCH', '/api/v1/consultations/limits', { defaultMinutes: 0 })).statusCode).toBe(400);

    const c = await ownedCase();
    const old = await asked('agent', c, aftersales); // 30 min left today, then all 450 of Tuesday: its close of business
    expect(old.dueAt).toBe(sh('2026-12-01T18:00:00'));
    const set = await t.as('admin', 'PATCH', '/api/v1/consultations/limits', { teams: { [aftersales]: { minutes: 60 }, [billing]: { minutes: 120, calendarId: '7x24' } } });
    expect(set.statusCode, set.body).toBe(200);
    const view = set.json() as { teams: Array<{ teamId: string; minutes: number; calendarId: string; isDefault: boolean }> };
    expect(view.teams.find((x) => x.teamId === aftersales)).toMatchObject({ minutes: 60, calendarId: 'standard', isDefault: false });
    expect(view.teams.find((x) => x.teamId === frontline)).toMatchObject({ minutes: 480, isDefault: true });
    // 30 min today, 30 tomorrow from 09:00
    expect((await asked('agent', c, aftersales)).dueAt).toBe(sh('2026-12-01T09:30:00'));
    // billing's own 7x24 limit: two hours of clock time
    expect((await asked('agent', c, billing)).dueAt).toBe(sh('2026-11-30T19:30:00'));
    // the earlier request keeps its due time
    expect(((await t.as('agent', 'GET', `/api/v1/consultations/${old.id}`)).json() as ConsultationView).dueAt).toBe(sh('2026-12-01T18:00:00'));
    const audited = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'target_id']).where('action', '=', 'settings.update').where('target_id', '=', 'consultation_limits').execute();
    expect(audited.map((a) => a.actor_id)).toEqual([t.seed.users.admin!.id]);
    // back to the default
    const reset = await t.as('admin', 'PATCH', '/api/v1/consultations/limits', { teams: { [aftersales]: null, [billing]: null } });
    expect((reset.json() as typeof view).teams.every((x) => x.isDefault)).toBe(true);
    // the case's requests withdrawn: the case is used no further
    for (const q of (await t.as('agent', 'GET', `/api/v1/cases/${c}/consultations`)).json() as ConsultationView[])
      expect((await t.as('agent', 'POST', `/api/v1/consultations/${q.id}/withdraw`, {})).statusCode).toBe(200);
  });

  it('lets a member of the team asked answer within its limit, and refuses anyone outside that team (403)', async () => {
    clock.set(sh('2026-12-01T10:00:00'));
    const c = await ownedCase();
    const q = await asked('agent', c, aftersales);
    expect(q.dueAt).toBe(sh('2026-12-02T10:30:00')); // 120 + 270 minutes on Tuesday, 90 on Wednesday
    // the team's inbox
    const inbox = await t.as('tech', 'GET', `/api/v1/consultations?teamId=${aftersales}&status=open`);
    expect(inbox.statusCode, inbox.body).toBe(200);
    expect((inbox.json() as { items: ConsultationView[] }).items.map((x) => x.id)).toContain(q.id);
    // neither another agent nor the lead of another team answers for the after-sales team
    for (const who of ['agent2', 'supervisor', 'agent']) {
      const r = await t.as(who, 'POST', `/api/v1/consultations/${q.id}/answer`, { answer: '我来答' });
      expect([who, r.statusCode, code(r)]).toEqual([who, 403, 'not_consultation_team']);
      const d = await t.as(who, 'POST', `/api/v1/consultations/${q.id}/decline`, { reason: '不是我们的' });
      expect([who, d.statusCode, code(d)]).toEqual([who, 403, 'not_consultation_team']);
    }
    clock.advance(2 * 3600_000);
    const answered = await t.as('tech', 'POST', `/api/v1/consultations/${q.id}/answer`, { answer: '核实为系统重复扣费，已提交退款，3 个工作日内到账。' });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'answered', answer: '核实为系统重复扣费，已提交退款，3 个工作日内到账。', answeredWithinLimit: true, overdue: false, closedBy: t.seed.users.tech!.id, closedAt: sh('2026-12-01T12:00:00') });
    const again = await t.as('supervisor2', 'POST', `/api/v1/consultations/${q.id}/answer`, { answer: '再答一次' });
    expect([again.statusCode, code(again)]).toEqual([409, 'consultation_not_open']);

    const events = await consultationEvents(c);
    expect(events.map((e) => [e.type, e.visibility])).toEqual([
      ['consultation_requested', 'internal'],
      ['consultation_answered', 'internal'],
    ]);
    expect(events[1]).toMatchObject({ body: '核实为系统重复扣费，已提交退款，3 个工作日内到账。', actorId: t.seed.users.tech!.id });
    expect(events[1]!.data).toMatchObject({ consultationId: q.id, byId: t.seed.users.tech!.id, withinLimit: true, businessMinutes: 120, limitMinutes: 480 });
    // the asker finds it among those they asked, answered
    const mine = (await t.as('agent', 'GET', '/api/v1/consultations?mine=true&status=answered')).json() as { items: ConsultationView[] };
    expect(mine.items.map((x) => x.id)).toContain(q.id);
    expect(mine.items.every((x) => x.requestedBy === t.seed.users.agent!.id && x.status === 'answered')).toBe(true);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', q.id).orderBy('seq').execute();
    expect(audit.map((a) => [a.action, a.actor_id])).toEqual([
      ['consultation.request', t.seed.users.agent!.id],
      ['consultation.answer', t.seed.users.tech!.id],
    ]);
  });

  it("lets the team asked (or its leads) decline with a reason, and the asking side withdraw", async () => {
    clock.set(sh('2026-12-02T10:00:00'));
    const c = await ownedCase();
    const q1 = await asked('agent', c, aftersales);
    const q2 = await asked('agent', c, aftersales, '请协助确认上门维修时间');
    const q3 = await asked('agent', c, aftersales, '请确认配件库存');
    expect((await t.as('tech', 'POST', `/api/v1/consultations/${q1.id}/decline`, { reason: '  ' })).statusCode).toBe(400);
    // the after-sales lead declines
    const declined = await t.as('supervisor2', 'POST', `/api/v1/consultations/${q1.id}/decline`, { reason: '账单问题请咨询财务部，不属于售后' });
    expect(declined.statusCode, declined.body).toBe(200);
    expect(declined.json()).toMatchObject({ status: 'declined', reason: '账单问题请咨询财务部，不属于售后', answer: null, answeredWithinLimit: null });
    // the manager leads the centre, the unit above the after-sales team: may answer for it
    const byManager = await t.as('manager', 'POST', `/api/v1/consultations/${q3.id}/answer`, { answer: '库存充足' });
    expect(byManager.statusCode, byManager.body).toBe(200);
    // another agent on the asking side's team is not the asking side
    const notAsker = await t.as('agent2', 'POST', `/api/v1/consultations/${q2.id}/withdraw`, { reason: '不需要了' });
    expect([notAsker.statusCode, code(notAsker)]).toEqual([403, 'not_consultation_asker']);
    const withdrawn = await t.as('agent', 'POST', `/api/v1/consultations/${q2.id}/withdraw`, { reason: '客户已自行改约' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', reason: '客户已自行改约' });
    const late = await t.as('tech', 'POST', `/api/v1/consultations/${q2.id}/answer`, { answer: '周三下午' });
    expect([late.statusCode, code(late)]).toEqual([409, 'consultation_not_open']);
    const events = await consultationEvents(c);
    expect(events.map((e) => e.type)).toEqual([
      'consultation_requested',
      'consultation_requested',
      'consultation_requested',
      'consultation_declined',
      'consultation_answered',
      'consultation_withdrawn',
    ]);
    expect(events.every((e) => e.visibility === 'internal')).toBe(true);
    expect(events[3]).toMatchObject({ body: '账单问题请咨询财务部，不属于售后', actorId: t.seed.users.supervisor2!.id });
    expect(events[5]).toMatchObject({ body: '客户已自行改约', actorId: t.seed.users.agent!.id });
  });

  it("hides a restricted case's consultation from staff who may not open the case: 404 on reading it and on acting on it", async () => {
    clock.set(sh('2026-12-02T10:00:00'));
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '吴女士', phone: '13500135009' }, subject: '家庭纠纷相关的退款', description: '涉及隐私，仅限经办人', sensitive: true });
    expect(made.statusCode, made.body).toBe(201);
    const c = (made.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c}/take`, {})).statusCode).toBe(200);
    expect((await t.as('agent2', 'GET', `/api/v1/cases/${c}`)).statusCode).toBe(403); // a restricted case: not theirs to open
    const q = await asked('agent', c, aftersales);
    // agent2: not the asker, not of the team asked, not a lead
    for (const [method, url, body] of [
      ['GET', `/api/v1/consultations/${q.id}`, undefined],
      ['POST', `/api/v1/consultations/${q.id}/withdraw`, { reason: '不需要了' }],
      ['POST', `/api/v1/consultations/${q.id}/answer`, { answer: '看不到的工单' }],
    ] as const) {
      const r = await t.as('agent2', method, url, body);
      expect([method, url, r.statusCode, code(r)], r.body).toEqual([method, url, 404, 'consultation_not_found']);
    }
    expect((await t.ctx.db.selectFrom('consultations').select('status').where('id', '=', q.id).executeTakeFirstOrThrow()).status).toBe('open');
    // the team asked sees and answers it
    expect((await t.as('tech', 'POST', `/api/v1/consultations/${q.id}/answer`, { answer: '已核对' })).statusCode).toBe(200);
  });

  it('refuses bad requests with a code: unknown team or case 404, empty question 400, own team 422, a case owned by another 409, a closed case 409', async () => {
    clock.set(sh('2026-12-03T10:00:00'));
    const c = await ownedCase();
    const unknownTeam = await ask('agent', c, 'no-such-team');
    expect([unknownTeam.statusCode, code(unknownTeam)]).toEqual([404, 'team_not_found']);
    const unknownCase = await ask('agent', 'no-such-case', aftersales);
    expect([unknownCase.statusCode, code(unknownCase)]).toEqual([404, 'case_not_found']);
    for (const question of ['', '   ']) {
      const empty = await ask('agent', c, aftersales, question);
      expect([empty.statusCode, code(empty)]).toEqual([400, 'validation_failed']);
    }
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c}/consultations`, { teamId: aftersales })).statusCode).toBe(400);
    // the asker's own team, or the department above it, is not another team
    for (const teamId of [frontline, centre]) {
      const own = await ask('agent', c, teamId);
      expect([own.statusCode, code(own)]).toEqual([422, 'consultation_own_team']);
    }
    const notOwner = await ask('agent2', c, aftersales);
    expect([notOwner.statusCode, code(notOwner)]).toEqual([409, 'case_owned']);
    // a lead may ask about a case another agent owns
    expect((await ask('supervisor', c, aftersales)).statusCode).toBe(201);
    const unknown = await t.as('tech', 'POST', '/api/v1/consultations/no-such-id/answer', { answer: 'x' });
    expect([unknown.statusCode, code(unknown)]).toEqual([404, 'consultation_not_found']);
    const closed = await ownedCase();
    expect((await t.as('agent', 'POST', `/api/v1/cases/${closed}/close`, { reason: 'duplicate' })).statusCode).toBe(200);
    const onClosed = await ask('agent', closed, aftersales);
    expect([onClosed.statusCode, code(onClosed)]).toEqual([409, 'case_not_open']);
    // nothing was recorded by the refused requests
    expect((await t.as('agent', 'GET', `/api/v1/cases/${closed}/consultations`)).json()).toEqual([]);
    expect((await consultationEvents(c)).length).toBe(1);
    // roles without the permission
    for (const who of ['inspector', 'admin']) {
      const r = await ask(who, c, aftersales);
      expect([who, r.statusCode, code(r)]).toEqual([who, 403, 'forbidden']);
    }
    const q = ((await t.as('agent', 'GET', `/api/v1/cases/${c}/consultations`)).json() as ConsultationView[])[0]!;
    for (const who of ['inspector', 'admin']) {
      const r = await t.as(who, 'POST', `/api/v1/consultations/${q.id}/answer`, { answer: 'x' });
      expect([who, r.statusCode, code(r)]).toEqual([who, 403, 'forbidden']);
    }
    expect((await t.as('inspector', 'GET', `/api/v1/consultations/${q.id}`)).statusCode).toBe(200); // staff read
    expect((await t.as('agent', 'GET', '/api/v1/consultations/report')).statusCode).toBe(403); // an indicator: leads, inspectors, admin
  });

  it('never shows a consultation to the customer: not in their timeline, and every consultation route is refused', async () => {
    clock.set(sh('2026-12-04T10:00:00'));
    const made = await asCustomer('POST', '/api/v1/cases', { channel: 'web', contact: { name: '客户甲' }, subject: '维修进度', description: '报修一周了还没有人上门' });
    expect(made.statusCode, made.body).toBe(201);
    const c = (made.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c}/take`, {})).statusCode).toBe(200);
    const q = await asked('agent', c, aftersales, '内部：请查维修单 RX-7781 为何未派工');
    expect((await t.as('tech', 'POST', `/api/v1/consultations/${q.id}/answer`, { answer: '内部：师傅请假，已改派，明天上门' })).statusCode).toBe(200);
    const q2 = await asked('agent', c, aftersales, '内部：请确认费用');
    expect((await t.as('agent', 'POST', `/api/v1/consultations/${q2.id}/withdraw`, {})).statusCode).toBe(200);

    const staff = await timeline(c);
    expect(staff.filter((e) => e.type.startsWith('consultation_')).map((e) => [e.type, e.visibility])).toEqual([
      ['consultation_requested', 'internal'],
      ['consultation_answered', 'internal'],
      ['consultation_requested', 'internal'],
      ['consultation_withdrawn', 'internal'],
    ]);
    const own = await asCustomer('GET', `/api/v1/cases/${c}`);
    expect(own.statusCode, own.body).toBe(200);
    const seen = own.json() as { timeline: TimelineEvent[] };
    expect(seen.timeline.length).toBeGreaterThan(0);
    expect(seen.timeline.filter((e) => e.type.startsWith('consultation_'))).toEqual([]);
    expect(own.body).not.toContain('内部');
    expect(own.body).not.toContain(q.id);
    for (const [method, url, body] of [
      ['GET', `/api/v1/cases/${c}/consultations`, undefined],
      ['POST', `/api/v1/cases/${c}/consultations`, { teamId: aftersales, question: '我想问售后' }],
      ['GET', '/api/v1/consultations', undefined],
      ['GET', `/api/v1/consultations/${q.id}`, undefined],
      ['POST', `/api/v1/consultations/${q.id}/answer`, { answer: 'x' }],
      ['POST', `/api/v1/consultations/${q.id}/decline`, { reason: 'x' }],
      ['POST', `/api/v1/consultations/${q.id}/withdraw`, {}],
      ['GET', '/api/v1/consultations/limits', undefined],
      ['PATCH', '/api/v1/consultations/limits', { defaultMinutes: 60 }],
      ['GET', '/api/v1/consultations/report', undefined],
    ] as const) {
      const r = await asCustomer(method, url, body);
      expect([url, r.statusCode, code(r)]).toEqual([url, 403, 'forbidden']);
    }
  });

  it('refuses to resolve or close a case while a consultation on it is open (409 consultations_open), changing nothing', async () => {
    clock.set(sh('2026-12-07T10:00:00'));
    const c = await ownedCase();
    const q = await asked('agent', c, aftersales);
    const before = (await t.as('agent', 'GET', `/api/v1/cases/${c}`)).json() as { case: { status: string; version: number }; timeline: TimelineEvent[] };
    const resolve = await t.as('agent', 'POST', `/api/v1/cases/${c}/resolve`, { cause: '重复扣费', solution: '已退款' });
    expect([resolve.statusCode, code(resolve)]).toEqual([409, 'consultations_open']);
    expect((resolve.json() as { error: { details: { consultationIds: string[] }; message: string } }).error).toMatchObject({ details: { consultationIds: [q.id] } });
    expect((resolve.json() as { error: { message: string } }).error.message).toContain('售后技术组');
    const close = await t.as('supervisor', 'POST', `/api/v1/cases/${c}/close`, { reason: 'duplicate' });
    expect([close.statusCode, code(close)]).toEqual([409, 'consultations_open']);
    // rolled back whole: status, version, timeline, targets and audit as before
    const after = (await t.as('agent', 'GET', `/api/v1/cases/${c}`)).json() as typeof before;
    expect(after.case).toMatchObject({ status: before.case.status, version: before.case.version });
    expect(after.timeline.map((e) => e.type)).toEqual(before.timeline.map((e) => e.type));
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', c).where('action', 'in', ['case.resolve', 'case.close']).execute();
    expect(audit).toEqual([]);
    const metrics = await t.ctx.db.selectFrom('case_metrics').select(['status', 'resolved_at']).where('case_id', '=', c).executeTakeFirst();
    expect(metrics?.resolved_at ?? null).toBeNull();

    // once it is answered the case resolves and closes as usual
    expect((await t.as('tech', 'POST', `/api/v1/consultations/${q.id}/answer`, { answer: '已核实' })).statusCode).toBe(200);
    const resolved = await t.as('agent', 'POST', `/api/v1/cases/${c}/resolve`, { cause: '重复扣费', solution: '已退款' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c}/close`, { reason: 'solved' })).statusCode).toBe(200);
    // and a withdrawn one does not hold a close either
    const c2 = await ownedCase();
    const q2 = await asked('agent', c2, aftersales);
    expect(code(await t.as('agent', 'POST', `/api/v1/cases/${c2}/close`, { reason: 'spam' }))).toBe('consultations_open');
    expect((await t.as('agent', 'POST', `/api/v1/consultations/${q2.id}/withdraw`, {})).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c2}/close`, { reason: 'spam' })).statusCode).toBe(200);
  });

  it('marks a consultation overdue exactly once, however many sweeps run at once on two app nodes, with the internal event and one notification to the lead and the asker', async () => {
    clock.set(sh('2026-12-08T10:00:00')); // Tuesday
    await sweepOverdueConsultations(t.ctx); // those of the tests before, left open
    const c = await ownedCase();
    const qs = [await asked('agent', c, aftersales), await asked('agent', c, aftersales, '第二个问题'), await asked('agent', c, aftersales, '第三个问题')];
    expect(qs.every((q) => q.dueAt === sh('2026-12-09T10:30:00'))).toBe(true);
    // another node on the same database, on the same clock
    const node2 = await openCtx({ url: t.url, clock, config: { scryptCost: 1024, nodeId: 'node-2' }, readThread: false });
    try {
      // not due yet: nothing to mark
      clock.set(sh('2026-12-09T10:29:59'));
      expect(await sweepOverdueConsultations(t.ctx)).toEqual({ marked: 0 });
      const later = await asked('agent', c, aftersales, '不会超时的问题'); // due Thursday
      clock.set(sh('2026-12-09T10:30:00'));
      const runs = await Promise.all([
        sweepOverdueConsultations(t.ctx, { batchSize: 1 }),
        sweepOverdueConsultations(node2.ctx, { batchSize: 1 }),
        sweepOverdueConsultations(t.ctx),
        sweepOverdueConsultations(node2.ctx),
      ]);
      expect(runs.reduce((n, r) => n + r.marked, 0)).toBe(3);
      clock.advance(60_000);
      expect(await sweepOverdueConsultations(node2.ctx)).toEqual({ marked: 0 });

      const events = (await consultationEvents(c)).filter((e) => e.type === 'consultation_overdue');
      expect(events.map((e) => (e.data as { consultationId: string }).consultationId).sort()).toEqual(qs.map((q) => q.id).sort());
      expect(events.every((e) => e.visibility === 'internal' && e.actorId === null)).toBe(true);
      const rows = await t.ctx.db.selectFrom('consultations').select(['id', 'overdue_at']).where('case_id', '=', c).execute();
      expect(rows.filter((r) => r.overdue_at !== null).map((r) => [r.id, Number(r.overdue_at)]).sort()).toEqual(qs.map((q) => [q.id, sh('2026-12-09T10:30:00')]).sort());
      expect(rows.find((r) => r.id === later.id)!.overdue_at).toBeNull();
      const outbox = await t.ctx.db.selectFrom('outbox').select(['payload']).where('case_id', '=', c).where('topic', '=', 'notify').execute();
      const notices = outbox.map((o) => JSON.parse(o.payload) as { template: string; userIds: string[]; vars: { team: string; dueAt: number; number: string } });
      expect(notices).toHaveLength(3);
      for (const n of notices) {
        expect(n.template).toBe('consultation_overdue');
        // the after-sales team's lead and the asker
        expect(n.userIds.sort()).toEqual([t.seed.users.supervisor2!.id, t.seed.users.agent!.id].sort());
        expect(n.vars).toMatchObject({ team: '售后技术组', dueAt: sh('2026-12-09T10:30:00') });
      }
      // listed as overdue; answered now, it is answered after the limit
      const overdue = (await t.as('supervisor2', 'GET', `/api/v1/consultations?teamId=${aftersales}&caseId=${c}&status=overdue`)).json() as { items: ConsultationView[] };
      expect(overdue.items.map((q) => q.id).sort()).toEqual(qs.map((q) => q.id).sort());
      expect(overdue.items.every((q) => q.overdue && q.overdueAt === sh('2026-12-09T10:30:00'))).toBe(true);
      const late = await t.as('tech', 'POST', `/api/v1/consultations/${qs[0]!.id}/answer`, { answer: '抱歉晚了' });
      expect(late.json()).toMatchObject({ status: 'answered', answeredWithinLimit: false, overdue: true });
      expect((await consultationEvents(c)).find((e) => e.type === 'consultation_answered')!.data).toMatchObject({ withinLimit: false });
    } finally {
      await node2.dbh.close();
    }
  });

  it('reports per team asked: answered within its limit and after, declined, withdrawn, open, overdue', async () => {
    clock.set(sh('2027-01-11T10:00:00')); // Monday
    await sweepOverdueConsultations(t.ctx); // those of the tests before, left open
    const from = clock.now();
    const c = await ownedCase();
    const [a, b, d, e, f] = [
      await asked('agent', c, aftersales, 'a'),
      await asked('agent', c, aftersales, 'b'),
      await asked('agent', c, aftersales, 'd'),
      await asked('agent', c, aftersales, 'e'),
      await asked('agent', c, billing, 'f'),
    ];
    expect((await t.as('tech', 'POST', `/api/v1/consultations/${a.id}/answer`, { answer: 'ok' })).statusCode).toBe(200);
    expect((await t.as('tech', 'POST', `/api/v1/consultations/${d.id}/decline`, { reason: 'not ours' })).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/consultations/${f.id}/withdraw`, {})).statusCode).toBe(200);
    clock.set(sh('2027-01-12T11:00:00'));
    expect(await sweepOverdueConsultations(t.ctx)).toEqual({ marked: 2 }); // b and e
    expect((await t.as('tech', 'POST', `/api/v1/consultations/${b.id}/answer`, { answer: 'late' })).statusCode).toBe(200);
    const r = await t.as('supervisor', 'GET', `/api/v1/consultations/report?from=${from}&to=${clock.now()}`);
    expect(r.statusCode, r.body).toBe(200);
    const rows = r.json() as ConsultationReportRow[];
    expect(rows.find((x) => x.teamId === aftersales)).toEqual({
      teamId: aftersales,
      teamName: '售后技术组',
      requested: 4,
      answered: 2,
      answeredWithinLimit: 1,
      answeredLate: 1,
      declined: 1,
      withdrawn: 0,
      open: 1,
      openOverdue: 1,
      overdue: 2,
    });
    expect(rows.find((x) => x.teamId === billing)).toMatchObject({ teamName: '财务部', requested: 1, withdrawn: 1, open: 0, overdue: 0 });
    expect(rows).toHaveLength(2);
    expect(e.status).toBe('open');
  });
});
