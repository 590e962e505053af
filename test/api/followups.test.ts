import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planStepDate, sweepOverdueFollowups, type FollowupDetail, type FollowupReport, type FollowupView, type PlanView } from '../../src/core/modules/followups/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { eraseCustomer, grantConsent } from '../../src/core/modules/privacy/index.ts';
import { createApiToken, createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DomainError } from '../../src/core/shared/errors.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

interface TimelineEvent {
  type: string;
  visibility: 'public' | 'internal';
  body: string | null;
  data: Record<string, unknown> | null;
}

// SPEC 5 (回访) and SPEC 4's "satisfaction follow-up after completion within 2 working days".
describe.each(DIALECTS)('follow-ups on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let frontline: string;
  let portalBearer: string;
  let customerId: string;
  const sys = systemActor('test');

  beforeAll(async () => {
    // tokens: the clock moves by months here, and sessions would expire
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    ({ frontline } = t.seed.teams as { frontline: string });
    clock.set(sh('2026-02-27T10:00:00'));
    customerId = (await createCustomer(t.ctx, { name: '黄女士', email: 'huang-followup@example.com', phone: '13600136001' }, sys)).id;
    const u = await createUser(t.ctx, { email: 'huang-followup@example.com', name: 'Huang', role: 'customer', customerId, password: TEST_PASSWORD }, sys);
    portalBearer = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const asCustomer = (method: string, url: string, body?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: { authorization: portalBearer }, ...(body === undefined ? {} : { payload: body as object }) });

  /** A phone inquiry of the customer, taken (owned) by `owner` and resolved by them now. */
  const resolvedCase = async (owner = 'agent', subject = '宽带断线') => {
    const made = await t.as(owner, 'POST', '/api/v1/cases', { channel: 'phone', customerId, contact: { name: '黄女士', phone: '13600136001' }, subject, description: '家里宽带每晚断线' });
    expect(made.statusCode, made.body).toBe(201);
    const id = (made.json() as { id: string }).id;
    expect((await t.as(owner, 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    const r = await t.as(owner, 'POST', `/api/v1/cases/${id}/resolve`, { cause: '光猫老化', solution: '上门更换光猫' });
    expect(r.statusCode, r.body).toBe(200);
    return id;
  };
  const caseFollowups = async (caseId: string, who = 'agent') => {
    const r = await t.as(who, 'GET', `/api/v1/cases/${caseId}/followups`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as FollowupView[];
  };
  const pendingOf = async (caseId: string) => (await caseFollowups(caseId)).find((f) => f.status === 'pending')!;
  const record = (who: string, id: string, body: Record<string, unknown>) => t.as(who, 'POST', `/api/v1/followups/${id}/outcome`, body);
  const recorded = async (who: string, id: string, body: Record<string, unknown>) => {
    const r = await record(who, id, body);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as FollowupDetail;
  };
  const timeline = async (caseId: string) => ((await t.as('supervisor', 'GET', `/api/v1/cases/${caseId}`)).json() as { timeline: TimelineEvent[] }).timeline;
  const followupEvents = async (caseId: string) => (await timeline(caseId)).filter((e) => e.type.startsWith('followup_'));

  it('reports a period by hand: scheduled, done, on time, on-time rate, results and their shares', async () => {
    // Period March 2026 (no holiday in it). Each follow-up is due 2 working days after the resolution, at 18:00.
    clock.set(sh('2026-03-02T10:00:00')); // Mon: A due Wed 03-04 18:00
    const a = await pendingOf(await resolvedCase());
    expect(a.dueAt).toBe(sh('2026-03-04T18:00:00'));
    clock.set(sh('2026-03-03T10:00:00')); // Tue: B due Thu 03-05 18:00
    const b = await pendingOf(await resolvedCase());
    expect(b.dueAt).toBe(sh('2026-03-05T18:00:00'));
    clock.set(sh('2026-03-04T10:00:00')); // Wed: C due Fri 03-06 18:00
    const c = await pendingOf(await resolvedCase());
    clock.set(sh('2026-03-04T17:00:00'));
    await recorded('agent', a.id, { method: 'phone', reached: true, result: 'satisfied' }); // A on time
    clock.set(sh('2026-03-06T09:30:00'));
    await recorded('agent', b.id, { method: 'visit', reached: true, result: 'neutral', notes: '上门回访' }); // B late (due 03-05 18:00)
    clock.set(sh('2026-03-06T09:40:00'));
    const cTry = await recorded('agent', c.id, { method: 'phone', reached: false }); // C: one attempt, still pending
    expect([cTry.status, cTry.attempts]).toEqual(['pending', 1]);
    clock.set(sh('2026-03-26T10:00:00')); // Thu: E due Mon 03-30 18:00, then the case reopened: cancelled, left out
    const eCase = await resolvedCase();
    expect((await t.as('agent', 'POST', `/api/v1/cases/${eCase}/reopen`, { reason: '客户说还会断' })).statusCode).toBe(200);
    clock.set(sh('2026-03-27T10:00:00')); // Fri: F due Tue 03-31 18:00
    const fCase = await resolvedCase();
    const f = await pendingOf(fCase);
    expect(f.dueAt).toBe(sh('2026-03-31T18:00:00'));
    clock.set(sh('2026-03-30T10:00:00')); // Mon: D due Wed 04-01 18:00, outside the period
    const d = await pendingOf(await resolvedCase());
    expect(d.dueAt).toBe(sh('2026-04-01T18:00:00'));
    clock.set(sh('2026-03-31T11:00:00'));
    await recorded('agent', f.id, { method: 'phone', reached: true, result: 'dissatisfied', action: 'escalate' }); // F on time
    clock.set(sh('2026-03-31T12:00:00'));
    // scheduled (due in March, not cancelled): A, B, C, F = 4; done A, B, F = 3; on time A, F = 2, late B = 1;
    // C pending past due (03-06 18:00 < now); judged = 3 done + 0 unreachable + 1 pending past due = 4; rate 2/4.
    // Results of the 3 done: satisfied 1 (A), neutral 1 (B), dissatisfied 1 (F): a third each.
    const q = `/api/v1/followups/report?from=${sh('2026-03-01T00:00:00')}&to=${sh('2026-04-01T00:00:00')}`;
    const rep = await t.as('supervisor', 'GET', q);
    expect(rep.statusCode, rep.body).toBe(200);
    expect(rep.json()).toEqual({
      from: sh('2026-03-01T00:00:00'),
      to: sh('2026-04-01T00:00:00'),
      teamId: null,
      scheduled: 4,
      done: 3,
      onTime: 2,
      late: 1,
      unreachable: 0,
      pending: 1,
      pendingOverdue: 1,
      onTimeRate: 0.5,
      results: { satisfied: 1, neutral: 1, dissatisfied: 1 },
      shares: { satisfied: 1 / 3, neutral: 1 / 3, dissatisfied: 1 / 3 },
      dissatisfied: 1,
    } satisfies FollowupReport);
    // the director sees the same; the lead of the other team none of these; agents and customers no report
    expect(((await t.as('director', 'GET', q)).json() as FollowupReport).scheduled).toBe(4);
    expect(((await t.as('supervisor2', 'GET', q)).json() as FollowupReport).scheduled).toBe(0);
    expect((await t.as('agent', 'GET', q)).statusCode).toBe(403);
    expect((await asCustomer('GET', q)).statusCode).toBe(403);
    // the list's overdue filter: C (and D is not due yet)
    const overdue = (await t.as('agent', 'GET', '/api/v1/followups?status=overdue')).json() as { items: FollowupView[] };
    expect(overdue.items.map((x) => x.id)).toEqual([c.id]);
    // wind the rest down so later tests start clean
    await recorded('agent', c.id, { method: 'phone', reached: true, result: 'satisfied' });
    await recorded('agent', d.id, { method: 'phone', reached: true, result: 'satisfied' });
  });

  it('schedules the follow-up at resolution: 2 working days across the National Day holiday, and onto a make-up Saturday (调休)', async () => {
    // Wed 2026-09-30: 10-01..10-07 are holidays; Thu 10-08 is day 1, Fri 10-09 day 2: due 10-09 18:00
    clock.set(sh('2026-09-30T10:00:00'));
    const c1 = await resolvedCase();
    const [f1] = await caseFollowups(c1);
    expect(f1).toMatchObject({ kind: 'case', status: 'pending', assigneeId: t.seed.users.agent!.id, teamId: frontline, workingDays: 2, calendarId: 'standard', scheduledAt: sh('2026-09-30T10:00:00'), attempts: 0 });
    expect(f1!.dueAt).toBe(sh('2026-10-09T18:00:00'));
    // Thu 2026-10-08: Fri 10-09 is day 1, Saturday 10-10 a make-up working day (day 2): due Saturday 18:00
    clock.set(sh('2026-10-08T15:00:00'));
    const c2 = await resolvedCase();
    const f2 = await pendingOf(c2);
    expect(new Date(f2.dueAt).getUTCDay()).toBe(6);
    expect(f2.dueAt).toBe(sh('2026-10-10T18:00:00'));
    // on the timeline, internal, with its due time; and audited
    const [ev] = await followupEvents(c2);
    expect(ev).toMatchObject({ type: 'followup_scheduled', visibility: 'internal' });
    expect(ev!.data).toMatchObject({ followupId: f2.id, dueAt: sh('2026-10-10T18:00:00'), workingDays: 2, assigneeId: t.seed.users.agent!.id });
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', f2.id).execute();
    expect(audit.map((x) => x.action)).toEqual(['followup.schedule']);
    // customers see nothing of follow-ups, not even on their own case
    expect((await asCustomer('GET', `/api/v1/cases/${c2}/followups`)).statusCode).toBe(403);
    expect((await asCustomer('GET', '/api/v1/followups')).statusCode).toBe(403);
    expect((await asCustomer('POST', `/api/v1/followups/${f2.id}/outcome`, { method: 'phone', reached: true, result: 'satisfied' })).statusCode).toBe(403);
    // the admin changes the limit (others may not): 3 working days from then on, the earlier keeps its due time
    for (const who of ['agent', 'supervisor', 'director']) expect((await t.as(who, 'PATCH', '/api/v1/followups/settings', { workingDays: 3 })).statusCode).toBe(403);
    expect((await t.as('admin', 'PATCH', '/api/v1/followups/settings', { calendarId: 'nope' })).statusCode).toBe(404);
    const set = await t.as('admin', 'PATCH', '/api/v1/followups/settings', { workingDays: 3 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ workingDays: 3, calendarId: 'standard', maxAttempts: 3 });
    const c3 = await resolvedCase(); // Thu 10-08 15:00: Fri 1, Sat (make-up) 2, Mon 10-12 3
    expect((await pendingOf(c3)).dueAt).toBe(sh('2026-10-12T18:00:00'));
    expect((await pendingOf(c2)).dueAt).toBe(sh('2026-10-10T18:00:00'));
    expect((await t.as('admin', 'PATCH', '/api/v1/followups/settings', { workingDays: 2 })).statusCode).toBe(200);
    for (const c of [c1, c2, c3]) await recorded('agent', (await pendingOf(c)).id, { method: 'sms', reached: true, result: 'satisfied' });
  });

  it('keeps one pending follow-up a case: a reopen cancels it, the next resolution schedules another', async () => {
    clock.set(sh('2026-11-02T10:00:00')); // Mon
    const c = await resolvedCase();
    const first = await pendingOf(c);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c}/reopen`, { reason: '又断了' })).statusCode).toBe(200);
    const after = await caseFollowups(c);
    expect(after.map((f) => [f.id, f.status, f.cancelReason])).toEqual([[first.id, 'cancelled', 'case_reopened']]);
    clock.set(sh('2026-11-03T10:00:00'));
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c}/resolve`, { cause: '线路', solution: '更换入户线' })).statusCode).toBe(200);
    const again = await caseFollowups(c);
    expect(again.map((f) => f.status)).toEqual(['cancelled', 'pending']);
    expect(again[1]!.dueAt).toBe(sh('2026-11-05T18:00:00'));
    expect((await followupEvents(c)).map((e) => e.type)).toEqual(['followup_scheduled', 'followup_cancelled', 'followup_scheduled']);
    // a cancelled follow-up takes no outcome
    const r = await record('agent', first.id, { method: 'phone', reached: true, result: 'satisfied' });
    expect([r.statusCode, code(r)]).toEqual([409, 'followup_not_pending']);
    await recorded('agent', again[1]!.id, { method: 'phone', reached: true, result: 'satisfied' });
  });

  it('records attempts and the outcome: only the assignee or a lead over the team; not reached up to the maximum, then unreachable', async () => {
    clock.set(sh('2026-11-09T10:00:00')); // Mon
    const c = await resolvedCase();
    const f = await pendingOf(c);
    // another agent of the team, and staff without the permission, do not see it
    expect((await t.as('agent2', 'GET', `/api/v1/followups/${f.id}`)).statusCode).toBe(404);
    const other = await record('agent2', f.id, { method: 'phone', reached: false });
    expect([other.statusCode, code(other)]).toEqual([404, 'followup_not_found']);
    expect(((await t.as('agent2', 'GET', '/api/v1/followups')).json() as { items: FollowupView[] }).items.map((x) => x.id)).not.toContain(f.id);
    expect((await t.as('inspector', 'GET', `/api/v1/followups/${f.id}`)).statusCode).toBe(403);
    expect((await t.as('tech', 'GET', `/api/v1/followups/${f.id}`)).statusCode).toBe(404);
    // the lead of the team sees it among the team's, and the assignee among theirs
    expect(((await t.as('supervisor', 'GET', '/api/v1/followups?status=pending')).json() as { items: FollowupView[] }).items.map((x) => x.id)).toContain(f.id);
    expect(((await t.as('supervisor', 'GET', '/api/v1/followups?scope=mine')).json() as { items: FollowupView[] }).items.map((x) => x.id)).not.toContain(f.id);
    expect(((await t.as('agent', 'GET', '/api/v1/followups?scope=mine&status=pending')).json() as { items: FollowupView[] }).items.map((x) => x.id)).toEqual([f.id]);
    expect(((await t.as('supervisor2', 'GET', '/api/v1/followups')).json() as { items: FollowupView[] }).items.map((x) => x.id)).not.toContain(f.id);
    // bad input
    for (const [body, want] of [
      [{ method: 'phone', reached: true }, 'followup_result_required'],
      [{ method: 'phone', reached: true, result: 'dissatisfied' }, 'followup_action_required'],
      [{ method: 'phone', reached: true, result: 'satisfied', action: 'reopen' }, 'followup_action_not_allowed'],
      [{ method: 'phone', reached: false, result: 'satisfied' }, 'followup_action_not_allowed'],
    ] as const) {
      const r = await record('agent', f.id, body);
      expect([r.statusCode, code(r)]).toEqual([422, want]);
    }
    expect((await record('agent', f.id, { method: 'fax', reached: false })).statusCode).toBe(400);
    // not reached twice: logged, still pending
    clock.set(sh('2026-11-10T10:00:00'));
    await recorded('agent', f.id, { method: 'phone', reached: false, notes: '无人接听' });
    clock.set(sh('2026-11-10T16:00:00'));
    const twice = await recorded('supervisor', f.id, { method: 'phone', reached: false });
    expect([twice.status, twice.attempts, twice.lastAttemptAt]).toEqual(['pending', 2, sh('2026-11-10T16:00:00')]);
    expect(twice.attemptLog.map((a) => [a.byId, a.reached, a.notes])).toEqual([
      [t.seed.users.agent!.id, false, '无人接听'],
      [t.seed.users.supervisor!.id, false, null],
    ]);
    // the third (the maximum, 3) gives it up as unreachable
    const third = await recorded('agent', f.id, { method: 'sms', reached: false });
    expect([third.status, third.attempts, third.closedAt, third.maxAttempts]).toEqual(['unreachable', 3, sh('2026-11-10T16:00:00'), 3]);
    expect((await followupEvents(c)).map((e) => e.type)).toEqual(['followup_scheduled', 'followup_attempted', 'followup_attempted', 'followup_unreachable']);
    // reached the next time on another case: done on time, on the timeline and in the audit
    const c2 = await resolvedCase();
    const g = await pendingOf(c2);
    const done = await recorded('agent', g.id, { method: 'phone', reached: true, result: 'satisfied', notes: '客户表示网速正常' });
    expect(done).toMatchObject({ status: 'done', result: 'satisfied', method: 'phone', onTime: true, overdue: false, notes: '客户表示网速正常', closedBy: t.seed.users.agent!.id });
    const ev = (await followupEvents(c2)).at(-1)!;
    expect(ev).toMatchObject({ type: 'followup_done', visibility: 'internal', body: '客户表示网速正常' });
    expect(ev.data).toMatchObject({ followupId: g.id, result: 'satisfied', onTime: true, attempts: 1 });
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', g.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toContain('followup.record');
  });

  it('a dissatisfied customer: reopen the case (through the cases module, in the same transaction) or escalate it a level', async () => {
    clock.set(sh('2026-11-16T10:00:00')); // Mon
    const c = await resolvedCase();
    const f = await pendingOf(c);
    const reopened = await recorded('agent', f.id, { method: 'phone', reached: true, result: 'dissatisfied', action: 'reopen', notes: '仍然断线' });
    expect(reopened).toMatchObject({ status: 'done', result: 'dissatisfied', action: 'reopen' });
    const tl = await timeline(c);
    expect(tl.map((e) => e.type).slice(-2)).toEqual(['followup_done', 'reopened']);
    expect(((await t.as('agent', 'GET', `/api/v1/cases/${c}`)).json() as { case: { status: string } }).case.status).toBe('reopened');
    // the reopen cancelled nothing else: the follow-up stays done
    expect((await caseFollowups(c)).map((x) => x.status)).toEqual(['done']);

    // a reopen the cases module (or one of its hooks) refuses rolls the whole outcome back: nothing recorded
    const c3 = await resolvedCase();
    const h = await pendingOf(c3);
    const refuser = { name: 'test-refuser', onChanged: async (_c: unknown, _t: unknown, _b: unknown, _a: unknown, change: string) => {
      if (change === 'reopened') throw new DomainError('test_refused', 'refused by the test', 409);
    } };
    t.ctx.caseHooks.push(refuser);
    try {
      const refused = await record('agent', h.id, { method: 'phone', reached: true, result: 'dissatisfied', action: 'reopen' });
      expect([refused.statusCode, code(refused)]).toEqual([409, 'test_refused']);
    } finally {
      t.ctx.caseHooks.splice(t.ctx.caseHooks.indexOf(refuser), 1);
    }
    const still = (await t.as('agent', 'GET', `/api/v1/followups/${h.id}`)).json() as FollowupDetail;
    expect([still.status, still.attempts, still.attemptLog]).toEqual(['pending', 0, []]);
    expect((await followupEvents(c3)).map((e) => e.type)).toEqual(['followup_scheduled']);
    await recorded('agent', h.id, { method: 'phone', reached: true, result: 'satisfied' });

    // escalate: the case goes to level 2 (the team's supervisor), recorded by the commitments module and notified
    const c2 = await resolvedCase();
    const g = await pendingOf(c2);
    const esc = await recorded('agent', g.id, { method: 'visit', reached: true, result: 'dissatisfied', action: 'escalate' });
    expect(esc).toMatchObject({ status: 'done', action: 'escalate', escalationLevel: 2 });
    const rows = await t.ctx.db.selectFrom('case_escalations').select(['level', 'reason', 'target_id', 'notified']).where('case_id', '=', c2).execute();
    expect(rows.map((r) => [r.level, r.reason, r.target_id, JSON.parse(r.notified) as string[]])).toEqual([[2, 'dissatisfied', g.id, [t.seed.users.supervisor!.id]]]);
    const types = (await timeline(c2)).map((e) => e.type);
    expect(types).toContain('escalated');
    const mail = (await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', c2).where('topic', '=', 'notify').execute()).map((m) => JSON.parse(m.payload) as { template: string; userIds: string[] });
    expect(mail.find((m) => m.template === 'escalation')?.userIds).toEqual([t.seed.users.supervisor!.id]);
  });

  it('marks a follow-up overdue exactly once when its due time passes, and mails the assignee\'s lead', async () => {
    clock.set(sh('2026-11-18T10:00:00')); // Wed: due Fri 11-20 18:00
    const c = await resolvedCase();
    const f = await pendingOf(c);
    clock.set(sh('2026-11-20T17:59:00'));
    expect((await sweepOverdueFollowups(t.ctx)).marked).toBe(0);
    clock.set(sh('2026-11-20T18:00:00'));
    const [a, b] = await Promise.all([sweepOverdueFollowups(t.ctx), sweepOverdueFollowups(t.ctx)]);
    expect(a.marked + b.marked).toBe(1);
    expect((await sweepOverdueFollowups(t.ctx)).marked).toBe(0);
    const view = (await t.as('agent', 'GET', `/api/v1/followups/${f.id}`)).json() as FollowupDetail;
    expect([view.overdue, view.overdueAt]).toEqual([true, sh('2026-11-20T18:00:00')]);
    const evs = (await followupEvents(c)).filter((e) => e.type === 'followup_overdue');
    expect(evs).toHaveLength(1);
    expect(evs[0]!.data).toMatchObject({ followupId: f.id, notified: [t.seed.users.supervisor!.id, t.seed.users.agent!.id] });
    const mail = (await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', c).where('topic', '=', 'notify').execute())
      .map((m) => JSON.parse(m.payload) as { template: string; userIds: string[] })
      .filter((m) => m.template === 'followup_overdue');
    expect(mail.map((m) => m.userIds)).toEqual([[t.seed.users.supervisor!.id, t.seed.users.agent!.id]]);
    // done late: overdue and not on time
    clock.set(sh('2026-11-20T18:30:00'));
    const late = await recorded('agent', f.id, { method: 'phone', reached: true, result: 'neutral' });
    expect([late.onTime, late.overdue]).toEqual([false, true]);
  });

  it('plans periodic follow-ups for a delivered project: monthly in the first year, quarterly after; paused, resumed, ended', async () => {
    // the schedule: counted from the delivery date each time (31 Jan + 1 month = 28 Feb; + 2 = 31 Mar), 3-monthly after 12
    expect([1, 2, 10, 11, 12, 13, 14].map((s) => planStepDate('2026-01-31', s))).toEqual(['2026-02-28', '2026-03-31', '2026-11-30', '2026-12-31', '2027-01-31', '2027-04-30', '2027-07-31']);
    clock.set(sh('2026-11-23T10:00:00')); // Mon
    const other = (await createCustomer(t.ctx, { name: '某物业公司', email: 'wuye@example.com' }, sys)).id;
    expect((await asCustomer('POST', '/api/v1/followup-plans', { customerId: other, title: 'x', deliveredOn: '2026-01-31' })).statusCode).toBe(403);
    const bad = await t.as('agent', 'POST', '/api/v1/followup-plans', { customerId: other, title: '小区门禁系统', deliveredOn: '2026-01-31', endsOn: '2025-12-31' });
    expect([bad.statusCode, code(bad)]).toEqual([422, 'followup_plan_dates']);
    const made = await t.as('agent', 'POST', '/api/v1/followup-plans', { customerId: other, title: '小区门禁系统', deliveredOn: '2026-01-31' });
    expect(made.statusCode, made.body).toBe(201);
    const p = made.json() as PlanView;
    // the first step from today: step 10 (2026-11-30, a Monday), due at its close of business
    expect(p).toMatchObject({ status: 'active', lastStep: 10, assigneeId: t.seed.users.agent!.id, teamId: frontline, nextDueAt: sh('2026-11-30T18:00:00') });
    const first = (await t.as('agent', 'GET', `/api/v1/followups/${p.nextFollowupId}`)).json() as FollowupDetail;
    expect(first).toMatchObject({ kind: 'plan', planId: p.id, planStep: 10, caseId: null, customerId: other, status: 'pending' });
    // calling a customer with no open case needs their service_contact consent (SPEC 10)
    const noConsent = await record('agent', first.id, { method: 'phone', reached: true, result: 'satisfied' });
    expect([noConsent.statusCode, code(noConsent)]).toEqual([409, 'consent_required']);
    await grantConsent(t.ctx, other, { purpose: 'service_contact', scope: null, channel: 'phone' }, sys);
    clock.set(sh('2026-11-30T11:00:00'));
    await recorded('agent', first.id, { method: 'phone', reached: true, result: 'satisfied' });
    // done: the next step generated (11: 2026-12-31, a Thursday)
    const p2 = (await t.as('agent', 'GET', `/api/v1/followup-plans/${p.id}`)).json() as PlanView;
    expect([p2.lastStep, p2.nextDueAt]).toEqual([11, sh('2026-12-31T18:00:00')]);
    // paused: the pending one cancelled; resumed: the same step again
    const paused = await t.as('agent', 'PATCH', `/api/v1/followup-plans/${p.id}`, { status: 'paused' });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toMatchObject({ status: 'paused', nextDueAt: null, lastStep: 10 });
    const resumed = (await t.as('agent', 'PATCH', `/api/v1/followup-plans/${p.id}`, { status: 'active' })).json() as PlanView;
    expect([resumed.status, resumed.lastStep, resumed.nextDueAt]).toEqual(['active', 11, sh('2026-12-31T18:00:00')]);
    // another agent does not see it; the lead does
    expect((await t.as('agent2', 'GET', `/api/v1/followup-plans/${p.id}`)).statusCode).toBe(404);
    expect(((await t.as('supervisor', 'GET', '/api/v1/followup-plans')).json() as PlanView[]).map((x) => x.id)).toContain(p.id);
    // ended: for good
    const ended = (await t.as('agent', 'PATCH', `/api/v1/followup-plans/${p.id}`, { status: 'ended' })).json() as PlanView;
    expect([ended.status, ended.nextDueAt]).toEqual(['ended', null]);
    const again = await t.as('agent', 'PATCH', `/api/v1/followup-plans/${p.id}`, { status: 'active' });
    expect([again.statusCode, code(again)]).toEqual([409, 'followup_plan_ended']);
    const list = (await t.as('agent', 'GET', `/api/v1/followups?planId=${p.id}`)).json() as { items: FollowupView[] };
    expect(list.items.map((x) => [x.planStep, x.status, x.cancelReason])).toEqual([
      [10, 'done', null],
      [11, 'cancelled', 'plan_paused'],
      [11, 'cancelled', 'plan_ended'],
    ]);
  });

  it("an erasure redacts the follow-ups' notes of the customer's cases, cancels what is pending and ends their plans", async () => {
    clock.set(sh('2026-11-24T10:00:00'));
    const who = (await createCustomer(t.ctx, { name: '钱先生', email: 'qian@example.com', phone: '13700137001' }, sys)).id;
    await grantConsent(t.ctx, who, { purpose: 'service_contact', scope: null, channel: 'phone' }, sys);
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId: who, contact: { name: '钱先生', phone: '13700137001' }, subject: '电视无信号', description: '电视无信号' });
    const c = (made.json() as { id: string }).id;
    await t.as('agent', 'POST', `/api/v1/cases/${c}/take`, {});
    await t.as('agent', 'POST', `/api/v1/cases/${c}/resolve`, { cause: '机顶盒', solution: '更换机顶盒' });
    const f = await pendingOf(c);
    await recorded('agent', f.id, { method: 'phone', reached: false, notes: '钱先生在出差，周五再打' });
    const plan = (await t.as('agent', 'POST', '/api/v1/followup-plans', { customerId: who, title: '钱先生家的智能家居', deliveredOn: '2026-06-15' })).json() as PlanView;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c}/close`, { reason: 'solved' })).statusCode).toBe(200);
    const res = await eraseCustomer(t.ctx, who, { reason: 'request' }, sys);
    expect(res.counts).toMatchObject({ followups: 0, followupsCancelled: 2, followupPlans: 1 });
    const attempt = await t.ctx.db.selectFrom('followup_attempts').select('notes').where('followup_id', '=', f.id).execute();
    expect(attempt.map((a) => a.notes)).toEqual(['[已删除 / erased]']);
    const after = (await t.as('supervisor', 'GET', `/api/v1/followups/${f.id}`)).json() as FollowupDetail;
    expect([after.status, after.cancelReason]).toEqual(['cancelled', 'customer_erased']);
    const p = (await t.as('agent', 'GET', `/api/v1/followup-plans/${plan.id}`)).json() as PlanView;
    expect([p.status, p.title, p.nextDueAt]).toEqual(['ended', '[已删除 / erased]', null]);
    // and nothing more is planned for them
    const more = await t.as('agent', 'POST', '/api/v1/followup-plans', { customerId: who, title: 'x', deliveredOn: '2026-06-15' });
    expect([more.statusCode, code(more)]).toEqual([409, 'customer_erased']);
  });
});
