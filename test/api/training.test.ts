import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptView, CertificateView, CourseView, ExamView, QuestionView, SittingView } from '../../src/core/modules/training/index.ts';
import type { DueRow } from '../../src/core/modules/training/index.ts';
import { addMonths, issueCertificate } from '../../src/core/modules/training/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS, T0 } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const ZONE = 'Asia/Shanghai';

// SPEC 7 (培训与认证): courses, question banks, published monthly exams taken against the server's
// clock and graded on the server, certificates, "only certified staff may handle cases", and
// recordings inspected only where the customer consented.
describe.each(DIALECTS)('training and certification on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let course: CourseView;
  /** q1 single 2 pts (answer B), q2 multiple 3 pts (A+C), q3 true/false 1 pt (错), q4 single 4 pts (A): 10 points */
  let q: QuestionView[];
  let exam: ExamView;
  let sitting: SittingView;
  let billing: string;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    billing = ((await t.as('admin', 'GET', '/api/v1/categories')).json() as Array<{ id: string; code: string }>).find((c) => c.code === 'billing')!.id;
  });
  afterAll(async () => t?.close());

  const code = (r: { statusCode: number; json: () => unknown }) => [r.statusCode, (r.json() as { error?: { code: string } }).error?.code];
  const ok = async <T>(who: string, method: string, url: string, body?: unknown, status = 200) => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, `${who} ${method} ${url}: ${r.body}`).toBe(status);
    return r.json() as T;
  };

  it('lets trainers author courses, question banks and exams; refuses others and bad questions', async () => {
    expect(code(await t.as('agent', 'POST', '/api/v1/training/courses', { title: 'x' }))).toEqual([403, 'forbidden']);
    course = await ok<CourseView>('supervisor', 'POST', '/api/v1/training/courses', { title: '收费与账单业务培训', material: '《收费标准》第3章', targetRoles: ['agent'], targetSkills: ['billing'], required: true }, 201);
    expect(course).toMatchObject({ required: true, targetRoles: ['agent'], targetSkills: ['billing'] });
    const add = (body: unknown) => t.as('supervisor', 'POST', `/api/v1/training/courses/${course.id}/questions`, body);
    expect(code(await add({ kind: 'single', prompt: '越界', options: ['A', 'B'], answer: [2] }))).toEqual([422, 'training_answer_out_of_range']);
    expect(code(await add({ kind: 'single', prompt: '两个答案', options: ['A', 'B'], answer: [0, 1] }))).toEqual([422, 'training_one_answer']);
    expect(code(await add({ kind: 'multiple', prompt: '无选项', answer: [0] }))[0]).toBe(400);
    expect(code(await t.as('agent', 'GET', `/api/v1/training/courses/${course.id}/questions`))).toEqual([403, 'forbidden']);
    q = [];
    for (const body of [
      { kind: 'single', prompt: '账单争议的受理时限是？', options: ['当天', '24小时内', '一周'], answer: [1], points: 2 },
      { kind: 'multiple', prompt: '退费需要核实哪些信息？', options: ['账户', '手机号', '交易流水', '星座'], answer: [0, 2], points: 3 },
      { kind: 'true_false', prompt: '可以在电话中告知客户完整银行卡号。', answer: [1], points: 1 },
      { kind: 'single', prompt: '客户要求减免费用，首先应当？', options: ['核实情况', '直接拒绝'], answer: [0], points: 4 },
    ])
      q.push((await add(body)).json() as QuestionView);
    expect(q[2]!.options).toEqual(['正确 True', '错误 False']);
    expect((await ok<CourseView[]>('agent', 'GET', '/api/v1/training/courses')).map((c) => c.id)).toEqual([course.id]);

    exam = await ok<ExamView>('supervisor', 'POST', '/api/v1/training/exams', { courseId: course.id, title: '12月收费业务统考', questionIds: q.map((x) => x.id), passScore: 60, timeLimitMinutes: 30, certifies: 'billing', validityMonths: 12 }, 201);
    expect(exam).toMatchObject({ status: 'draft', version: 1, maxPoints: 10 }); // 2 + 3 + 1 + 4
    const other = await ok<CourseView>('supervisor', 'POST', '/api/v1/training/courses', { title: '别的课程' }, 201);
    expect(code(await t.as('supervisor', 'POST', '/api/v1/training/exams', { courseId: other.id, title: 'x', questionIds: [q[0]!.id] }))).toEqual([404, 'training_question_not_found']);
  });

  it('keeps drafts from takers, freezes a published exam (an edit is a new version), and schedules sittings of published exams only', async () => {
    const early = { examId: exam.id, title: '2026年11月统考', period: '2026-11', opensAt: T0, closesAt: T0 + 7 * DAY };
    expect(code(await t.as('supervisor', 'POST', '/api/v1/training/sittings', early))).toEqual([409, 'training_exam_not_published']);
    expect(code(await t.as('agent', 'POST', `/api/v1/training/exams/${exam.id}/publish`))).toEqual([403, 'forbidden']);
    exam = await ok<ExamView>('supervisor', 'POST', `/api/v1/training/exams/${exam.id}/publish`);
    expect(exam.status).toBe('published');
    const s = await ok<{ id: string }>('supervisor', 'POST', '/api/v1/training/sittings', early, 201);
    // a draft version's sitting cannot exist; the agent sees the published one
    const v2 = await ok<ExamView>('supervisor', 'PUT', `/api/v1/training/exams/${exam.id}`, { courseId: course.id, title: '12月收费业务统考（修订）', questionIds: [q[0]!.id], certifies: 'billing' });
    expect(v2).toMatchObject({ familyId: exam.id, version: 2, status: 'draft', current: true });
    expect(v2.id).not.toBe(exam.id);
    expect((await ok<ExamView[]>('supervisor', 'GET', '/api/v1/training/exams?all=true')).find((e) => e.id === exam.id)!.questions).toHaveLength(4);
    const seen = await ok<SittingView[]>('agent', 'GET', '/api/v1/training/sittings');
    // the course is required: its exam waits for the course to be completed (经培训合格后上岗)
    expect(seen.map((x) => [x.id, x.examId, x.myStatus, x.mayStart, x.needsCourse, x.questionCount])).toEqual([[s.id, exam.id, 'none', false, true, 4]]);
    sitting = seen[0]!;
    expect(code(await t.as('agent', 'GET', '/api/v1/training/exams'))).toEqual([403, 'forbidden']);
  });

  it("lists a required course's targeted staff as due to their leads until each completes it; its exam is sat only after", async () => {
    const u = t.seed.users;
    expect(code(await t.as('agent', 'POST', `/api/v1/training/sittings/${sitting.id}/attempts`))).toEqual([409, 'training_course_incomplete']);
    const due = async (who: string) => (await ok<DueRow[]>(who, 'GET', '/api/v1/training/due')).map((r) => [r.courseId, r.userId]);
    // targeted: agents (targetRoles); the front-line lead sees their three, the after-sales lead theirs
    expect((await due('supervisor')).sort()).toEqual([[course.id, u.agent!.id], [course.id, u.agent2!.id], [course.id, u.agent3!.id]].sort());
    expect(await due('supervisor2')).toEqual([[course.id, u.tech!.id]]);
    expect(code(await t.as('agent', 'GET', '/api/v1/training/due'))).toEqual([403, 'forbidden']);
    expect(code(await t.as('agent', 'POST', '/api/v1/training/courses/no-such/complete'))).toEqual([404, 'training_course_not_found']);
    expect(code(await t.as('admin', 'POST', `/api/v1/training/courses/${course.id}/complete`))).toEqual([403, 'forbidden']);

    const done = await ok<{ completedAt: number }>('agent', 'POST', `/api/v1/training/courses/${course.id}/complete`);
    expect(done.completedAt).toBe(clock.now());
    clock.advance(MIN);
    expect((await ok<{ completedAt: number }>('agent', 'POST', `/api/v1/training/courses/${course.id}/complete`)).completedAt).toBe(done.completedAt); // once
    const courses = await ok<CourseView[]>('agent', 'GET', '/api/v1/training/courses');
    expect(courses.map((c) => (c.id === course.id ? c.completedAt : 'other:' + String(c.completedAt))).sort()).toEqual([done.completedAt, 'other:null'].sort());
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', course.id).where('action', '=', 'training.course.complete').execute();
    expect(audit).toHaveLength(1);
    expect(await due('supervisor')).not.toContainEqual([course.id, u.agent!.id]);
    expect((await ok<SittingView[]>('agent', 'GET', '/api/v1/training/sittings')).map((x) => [x.mayStart, x.needsCourse])).toEqual([[true, false]]);
    for (const who of ['agent2', 'agent3', 'supervisor']) await ok(who, 'POST', `/api/v1/training/courses/${course.id}/complete`);
    expect(await due('supervisor')).toEqual([]);
    clock.set(T0);
  });

  it('never sends the answer key before submission, grades on the server (all or nothing a question), allows one attempt', async () => {
    const a = await ok<AttemptView>('agent', 'POST', `/api/v1/training/sittings/${sitting.id}/attempts`, undefined, 201);
    expect(a).toMatchObject({ status: 'in_progress', deadlineAt: T0 + 30 * MIN, secondsLeft: 1800, score: null });
    const raw = JSON.stringify(a);
    expect(raw).not.toContain('"answer"');
    expect(raw).not.toContain('"correct"');
    expect(a.questions.every((x) => !('answer' in x))).toBe(true);
    // resuming returns the same attempt, still without the key
    const again = await t.as('agent', 'POST', `/api/v1/training/sittings/${sitting.id}/attempts`);
    expect([again.statusCode, (again.json() as AttemptView).id]).toEqual([201, a.id]);
    expect(again.body).not.toContain('"answer"');
    expect(code(await t.as('agent', 'PUT', `/api/v1/training/attempts/${a.id}/answers`, { answers: { [q[0]!.id]: [5] } }))).toEqual([422, 'training_answer_out_of_range']);
    expect(code(await t.as('agent2', 'PUT', `/api/v1/training/attempts/${a.id}/answers`, { answers: {} }))).toEqual([404, 'training_attempt_not_found']);
    await ok('agent', 'PUT', `/api/v1/training/attempts/${a.id}/answers`, { answers: { [q[0]!.id]: [1], [q[1]!.id]: [0] } });
    clock.advance(5 * MIN);
    // q1 right 2; q2 A only of A+C: 0 (all or nothing); q3 right 1; q4 wrong 0 -> 3 of 10 = 30 < 60: failed
    const done = await ok<AttemptView>('agent', 'POST', `/api/v1/training/attempts/${a.id}/submit`, { answers: { [q[2]!.id]: [1], [q[3]!.id]: [1] } });
    expect(done).toMatchObject({ status: 'submitted', awarded: 3, maxPoints: 10, score: 30, passed: false, certificateId: null, submittedAt: T0 + 5 * MIN });
    expect(done.questions.map((x) => [x.answer, x.correct])).toEqual([[[1], true], [[0, 2], false], [[1], true], [[0], false]]);
    expect(code(await t.as('agent', 'POST', `/api/v1/training/sittings/${sitting.id}/attempts`))).toEqual([409, 'training_attempt_used']);
    expect(code(await t.as('agent', 'POST', `/api/v1/training/attempts/${a.id}/submit`, { answers: {} }))).toEqual([409, 'training_attempt_submitted']);

    // agent2: all right but q2 -> 2 + 1 + 4 = 7 of 10 = 70 >= 60: passed, a billing certificate for 12 months
    const b = await ok<AttemptView>('agent2', 'POST', `/api/v1/training/sittings/${sitting.id}/attempts`, undefined, 201);
    const passed = await ok<AttemptView>('agent2', 'POST', `/api/v1/training/attempts/${b.id}/submit`, { answers: { [q[0]!.id]: [1], [q[1]!.id]: [0, 1, 2], [q[2]!.id]: [1], [q[3]!.id]: [0] } });
    expect(passed).toMatchObject({ awarded: 7, score: 70, passed: true });
    const certs = await ok<CertificateView[]>('agent2', 'GET', '/api/v1/training/certificates?mine=true');
    expect(certs.map((c) => [c.id, c.skill, c.state, c.issuedAt, c.expiresAt])).toEqual([[passed.certificateId, 'billing', 'valid', T0 + 5 * MIN, addMonths(T0 + 5 * MIN, 12, ZONE)]]);
    expect(addMonths(Date.UTC(2026, 10, 23, 2, 5), 12, ZONE)).toBe(Date.UTC(2027, 10, 23, 2, 5));

    // results: to the lead; not to another agent, who neither opens someone else's attempt
    const results = await ok<Array<{ userId: string; score: number; passed: boolean }>>('supervisor', 'GET', `/api/v1/training/sittings/${sitting.id}/results`);
    expect(results.map((r) => [r.userId, r.score, r.passed]).sort()).toEqual(
      [[t.seed.users.agent!.id, 30, false], [t.seed.users.agent2!.id, 70, true]].sort(),
    );
    expect(code(await t.as('agent2', 'GET', `/api/v1/training/sittings/${sitting.id}/results`))).toEqual([403, 'forbidden']);
    // a lead sees the results of the teams they lead, not another team's (supervisor2 leads after-sales)
    expect(await ok('supervisor2', 'GET', `/api/v1/training/sittings/${sitting.id}/results`)).toEqual([]);
    expect(code(await t.as('supervisor2', 'GET', `/api/v1/training/attempts/${a.id}`))).toEqual([404, 'training_attempt_not_found']);
    expect((await ok<AttemptView>('manager', 'GET', `/api/v1/training/attempts/${a.id}`)).score).toBe(30);
    expect(code(await t.as('agent2', 'GET', `/api/v1/training/attempts/${a.id}`))).toEqual([404, 'training_attempt_not_found']);
    expect(code(await t.as('agent2', 'GET', `/api/v1/training/certificates?userId=${t.seed.users.agent!.id}`))).toEqual([403, 'forbidden']);
  });

  it('enforces the time limit on the server: answers after the deadline are refused, those saved in time are graded', async () => {
    const a = await ok<AttemptView>('agent3', 'POST', `/api/v1/training/sittings/${sitting.id}/attempts`, undefined, 201);
    expect(a.deadlineAt).toBe(clock.now() + 30 * MIN);
    await ok('agent3', 'PUT', `/api/v1/training/attempts/${a.id}/answers`, { answers: { [q[3]!.id]: [0] } });
    clock.advance(30 * MIN + 1);
    expect(code(await t.as('agent3', 'POST', `/api/v1/training/attempts/${a.id}/submit`, { answers: { [q[0]!.id]: [1], [q[1]!.id]: [0, 2], [q[2]!.id]: [1] } }))).toEqual([409, 'training_time_up']);
    // only q4 was saved in time: 4 of 10 = 40: failed
    const graded = await ok<AttemptView>('agent3', 'GET', `/api/v1/training/attempts/${a.id}`);
    expect(graded).toMatchObject({ status: 'submitted', awarded: 4, score: 40, passed: false, submittedAt: a.deadlineAt });
  });

  it('answers two starts at once with the one attempt, on both databases (no unique-index 500)', async () => {
    // PostgreSQL: open pooled connections first, or the pool's connecting staggers the starts and hides the race
    await Promise.all([1, 2, 3, 4].map(() => sql`select 1`.execute(t.ctx.db)));
    const start = () => t.as('supervisor', 'POST', `/api/v1/training/sittings/${sitting.id}/attempts`);
    const rs = await Promise.all([start(), start(), start()]);
    expect(rs.map((r) => r.statusCode), rs.map((r) => r.body).join('\n')).toEqual([201, 201, 201]);
    expect(new Set(rs.map((r) => (r.json() as AttemptView).id)).size).toBe(1);
    const rows = await t.ctx.db.selectFrom('training_attempts').select('id').where('user_id', '=', t.seed.users.supervisor!.id).execute();
    expect(rows).toHaveLength(1);
  });

  it("counts a certificate's months in the service centre's zone (Asia/Shanghai), not UTC", async () => {
    // passed at 2026-01-31 07:30 in Shanghai (still the 30th in UTC): valid to 2026-02-28 07:30 there, not to 1 March
    const at = Date.parse('2026-01-31T07:30:00+08:00');
    const issue = (months: number) =>
      t.ctx.db.transaction().execute((trx) => issueCertificate({ ...t.ctx, clock: new ManualClock(at) }, trx, { userId: t.seed.users.inspector!.id, skill: 'zone-check', examId: null, attemptId: null, validityMonths: months }, systemActor('test')));
    expect(Number((await issue(1)).expires_at)).toBe(Date.parse('2026-02-28T07:30:00+08:00'));
    // the brief's late-evening boundary: 2026-01-31 23:30 +08:00 plus one month is 2026-02-28 23:30 there
    expect(addMonths(Date.parse('2026-01-31T23:30:00+08:00'), 1, ZONE)).toBe(Date.parse('2026-02-28T23:30:00+08:00'));
    expect(addMonths(Date.parse('2026-03-31T07:30:00+08:00'), 1, ZONE)).toBe(Date.parse('2026-04-30T07:30:00+08:00'));
  });

  it('lets only certified staff handle cases of a mapped category: routing skips, manual assignment refuses, expiry and revocation end it', async () => {
    expect(code(await t.as('supervisor', 'PATCH', '/api/v1/training/settings', { enforceCertification: true }))).toEqual([403, 'forbidden']);
    expect(code(await t.as('admin', 'PATCH', '/api/v1/training/settings', { categoryRequirements: { 'no-such': 'billing' } }))).toEqual([404, 'category_not_found']);
    await ok('admin', 'PATCH', '/api/v1/training/settings', { enforceCertification: true, categoryRequirements: { [billing]: 'billing' } });
    await ok('admin', 'POST', '/api/v1/routing/rules', { name: '账单类', teamId: t.seed.teams.frontline, strategy: 'round_robin', conditions: { categoryIds: [billing] } }, 201);
    let n = 0;
    const intake = async (categoryId: string | undefined) =>
      ok<{ id: string; assigneeId: string | null }>('supervisor', 'POST', '/api/v1/cases', { channel: 'phone', type: 'inquiry', contact: { name: `客户${++n}`, email: `t${n}@example.com` }, subject: `账单咨询${n}`, description: '账单金额不对', ...(categoryId ? { categoryId } : {}) }, 201);
    // round robin over the front-line team (agent, agent2, agent3, supervisor): only agent2 holds billing
    const routed = [await intake(billing), await intake(billing), await intake(billing)];
    expect(routed.map((c) => c.assigneeId)).toEqual([t.seed.users.agent2!.id, t.seed.users.agent2!.id, t.seed.users.agent2!.id]);
    const c = await intake(undefined); // no category: no certificate needed
    const refused = await t.as('supervisor', 'POST', `/api/v1/cases/${routed[0]!.id}/assign`, { assigneeId: t.seed.users.agent!.id, handoverNote: '转给张晓处理账单' });
    expect(code(refused)).toEqual([409, 'agent_not_certified']);
    expect(code(await t.as('supervisor', 'POST', `/api/v1/cases/${routed[0]!.id}/transfer`, { toUserId: t.seed.users.agent3!.id, handoverNote: '转给刘处理账单，客户已说明账单差额情况' }))).toEqual([409, 'agent_not_certified']);
    await ok('supervisor', 'POST', `/api/v1/cases/${c.id}/assign`, { assigneeId: t.seed.users.agent!.id });

    // a year on the certificate has expired: agent2 is refused too, and routing leaves the case in the queue
    clock.set(addMonths(T0 + 5 * MIN, 12, ZONE));
    expect((await ok<CertificateView[]>('agent2', 'GET', '/api/v1/training/certificates?mine=true'))[0]!.state).toBe('expired');
    expect(code(await t.as('supervisor', 'POST', `/api/v1/cases/${routed[1]!.id}/assign`, { assigneeId: t.seed.users.agent2!.id }))).toEqual([409, 'agent_not_certified']);
    const queued = await intake(billing);
    expect(queued.assigneeId).toBeNull();
    // nor may an uncertified agent become its owner by the first reply or by resolving it (首问负责)
    expect(code(await t.as('agent', 'POST', `/api/v1/cases/${queued.id}/replies`, { body: '您好，我们正在核实账单' }))).toEqual([409, 'agent_not_certified']);
    expect(code(await t.as('agent', 'POST', `/api/v1/cases/${queued.id}/resolve`, { cause: '账单', solution: '已核实' }))).toEqual([409, 'agent_not_certified']);
    clock.set(T0 + 40 * MIN);
    await ok('supervisor', 'POST', `/api/v1/cases/${routed[1]!.id}/assign`, { assigneeId: t.seed.users.agent2!.id });

    // revocation by an admin, with a reason, audited; it stops counting at once
    const cert = (await ok<CertificateView[]>('agent2', 'GET', '/api/v1/training/certificates?mine=true'))[0]!;
    expect(code(await t.as('supervisor', 'POST', `/api/v1/training/certificates/${cert.id}/revoke`, { reason: 'x' }))).toEqual([403, 'forbidden']);
    expect(code(await t.as('admin', 'POST', `/api/v1/training/certificates/${cert.id}/revoke`, {}))[0]).toBe(400);
    const revoked = await ok<CertificateView>('admin', 'POST', `/api/v1/training/certificates/${cert.id}/revoke`, { reason: '质检发现违规泄露客户信息' });
    expect(revoked).toMatchObject({ state: 'revoked', revokeReason: '质检发现违规泄露客户信息' });
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', cert.id).orderBy('seq').execute();
    expect(audit).toEqual([{ action: 'training.certificate.issue', actor_id: t.seed.users.agent2!.id }, { action: 'training.certificate.revoke', actor_id: t.seed.users.admin!.id }]);
    expect(code(await t.as('agent2', 'POST', `/api/v1/cases/${routed[2]!.id}/take`, {}))).toEqual([409, 'agent_not_certified']);
    expect(code(await t.as('supervisor', 'POST', `/api/v1/cases/${routed[2]!.id}/assign`, { assigneeId: t.seed.users.agent2!.id, handoverNote: '重新指派给陈明' }))).toEqual([409, 'agent_not_certified']);

    // enforcement off: anyone again
    await ok('admin', 'PATCH', '/api/v1/training/settings', { enforceCertification: false });
    await ok('supervisor', 'POST', `/api/v1/cases/${routed[2]!.id}/assign`, { assigneeId: t.seed.users.agent!.id, handoverNote: '关闭上岗校验后指派' });
  });

  it('drops the course gate once a required course is withdrawn (no dead end: it can no longer be marked complete)', async () => {
    const c = await ok<CourseView>('supervisor', 'POST', '/api/v1/training/courses', { title: '已停用的必修课', required: true }, 201);
    const qn = await ok<QuestionView>('supervisor', 'POST', `/api/v1/training/courses/${c.id}/questions`, { kind: 'true_false', prompt: '停用课程的考试仍可参加。', answer: [0], points: 1 }, 201);
    const ex = await ok<ExamView>('supervisor', 'POST', '/api/v1/training/exams', { courseId: c.id, title: '停用课程考试', questionIds: [qn.id] }, 201);
    await ok('supervisor', 'POST', `/api/v1/training/exams/${ex.id}/publish`);
    const s = await ok<{ id: string }>('supervisor', 'POST', '/api/v1/training/sittings', { examId: ex.id, title: '停用课程场次', period: '2026-11', opensAt: clock.now(), closesAt: clock.now() + DAY }, 201);
    await ok('supervisor', 'PUT', `/api/v1/training/courses/${c.id}`, { title: c.title, required: true, active: false });
    expect(code(await t.as('agent3', 'POST', `/api/v1/training/courses/${c.id}/complete`))).toEqual([409, 'training_course_inactive']);
    const mine = (await ok<SittingView[]>('agent3', 'GET', '/api/v1/training/sittings')).find((x) => x.id === s.id)!;
    expect([mine.needsCourse, mine.mayStart]).toEqual([false, true]);
    expect((await ok<AttemptView>('agent3', 'POST', `/api/v1/training/sittings/${s.id}/attempts`, undefined, 201)).status).toBe('in_progress');
    expect((await ok<DueRow[]>('supervisor', 'GET', '/api/v1/training/due')).filter((r) => r.courseId === c.id)).toEqual([]);
  });

  it("gives an inspector a case's call recording only where the customer consented to call_recording", async () => {
    const customer = await createCustomer(t.ctx, { name: '录音客户', email: 'rec@example.com', phone: '13800001111' }, systemActor('test'));
    const c = await ok<{ id: string }>('agent', 'POST', '/api/v1/cases', { channel: 'phone', type: 'complaint', complaintGrade: 'general', customerId: customer.id, contact: { name: '录音客户', phone: '13800001111' }, subject: '通话录音', description: '客户投诉服务态度' }, 201);
    const file = (filename: string, contentType: string) => ok<{ id: string }>('agent', 'POST', `/api/v1/cases/${c.id}/attachments`, { filename, contentType, contentBase64: Buffer.from('RIFF....').toString('base64') });
    const rec = await file('call.mp3', 'audio/mpeg');
    const doc = await file('note.txt', 'text/plain');
    const get = (who: string, id: string) => t.as(who, 'GET', `/api/v1/cases/${c.id}/attachments/${id}`);
    expect(code(await get('inspector', rec.id))).toEqual([409, 'consent_required']);
    expect((await get('inspector', doc.id)).statusCode).toBe(200);
    expect((await get('agent', rec.id)).statusCode).toBe(200);
    await ok('agent', 'POST', `/api/v1/customers/${customer.id}/consents`, { purpose: 'call_recording', channel: 'phone' }, 201);
    expect((await get('inspector', rec.id)).statusCode).toBe(200);
  });
});
