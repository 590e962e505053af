import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, forbidden, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { cardScope, seesCard, type CardScope } from '../scorecards/access.ts';
import { authorityOf } from '../users/roles.ts';
import { completionsOf, examQuestions, examRow } from './authoring.service.ts';
import { issueCertificate } from './certification.ts';
import { gradeExam } from './grading.ts';
import type { AnswersInput, AttemptView, SittingView } from './training.schemas.ts';
import type { TrainingAttemptsTable, TrainingExamsTable, TrainingSittingsTable } from './training.table.ts';

type Db = Kysely<Database>;

/** Trainers and leads see everyone's results; a taker their own. */
export const seesResults = (actor: Actor): boolean => authorityOf(actor.role) >= 2 || actor.role === 'admin';

async function sittingRow(db: Db, id: string): Promise<TrainingSittingsTable> {
  const s = await db.selectFrom('training_sittings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s) throw notFound('training_sitting', id);
  return s;
}

const latestState = (mine: TrainingAttemptsTable[]): SittingView['myStatus'] => {
  const last = [...mine].sort((a, b) => b.attempt_no - a.attempt_no)[0];
  if (!last) return 'none';
  if (last.status === 'in_progress') return 'in_progress';
  return last.passed === 1 ? 'passed' : 'failed';
};

const mayStartAgain = (s: TrainingSittingsTable, mine: TrainingAttemptsTable[]) =>
  mine.length === 0 || mine.some((a) => a.status === 'in_progress') || (s.allow_retake === 1 && !mine.some((a) => a.passed === 1));

/**
 * The sittings of published exams (the only ones there are: a sitting needs a published exam),
 * newest first, with the viewer's own state in each.
 */
export async function listSittings(ctx: Ctx, actor: Actor): Promise<SittingView[]> {
  const rows = await ctx.db
    .selectFrom('training_sittings as s')
    .innerJoin('training_exams as e', 'e.id', 's.exam_id')
    .selectAll('s')
    .innerJoin('training_courses as c', 'c.id', 'e.course_id')
    .select(['e.title as exam_title', 'e.time_limit_minutes', 'e.pass_score', 'e.certifies', 'e.questions', 'e.status as exam_status', 'e.course_id', 'c.required as course_required', 'c.active as course_active'])
    .where('e.status', '=', 'published')
    .orderBy('s.opens_at', 'desc')
    .orderBy('s.id')
    .limit(200)
    .execute();
  const mine = rows.length
    ? await ctx.db.selectFrom('training_attempts').selectAll().where('user_id', '=', actor.id).where('sitting_id', 'in', rows.map((r) => r.id)).execute()
    : [];
  // a withdrawn (inactive) course gates nothing: it can no longer be completed, nor is it due
  const gated = (r: { course_required: number; course_active: number }) => r.course_required === 1 && r.course_active === 1;
  const done = await completionsOf(ctx.db, actor.id, rows.filter(gated).map((r) => r.course_id));
  const now = ctx.clock.now();
  return rows.map((s) => {
    const own = mine.filter((a) => a.sitting_id === s.id);
    const open = Number(s.opens_at) <= now && now < Number(s.closes_at);
    const needsCourse = gated(s) && !done.has(s.course_id);
    return {
      id: s.id,
      examId: s.exam_id,
      examTitle: s.exam_title,
      title: s.title,
      period: s.period,
      opensAt: Number(s.opens_at),
      closesAt: Number(s.closes_at),
      allowRetake: s.allow_retake === 1,
      timeLimitMinutes: s.time_limit_minutes,
      passScore: s.pass_score,
      certifies: s.certifies,
      questionCount: examQuestions(s).length,
      courseId: s.course_id,
      needsCourse,
      myStatus: latestState(own),
      // an open attempt is always resumed; a new one needs the required course completed first
      mayStart: open && mayStartAgain(s, own) && (!needsCourse || own.some((a) => a.status === 'in_progress')),
    };
  });
}

/** The attempt as `actor` sees it: the paper without answers until it is submitted. */
async function viewOf(ctx: Ctx, a: TrainingAttemptsTable, exam: TrainingExamsTable): Promise<AttemptView> {
  const user = await ctx.db.selectFrom('users').select('name').where('id', '=', a.user_id).executeTakeFirst();
  const done = a.status === 'submitted';
  const answers = JSON.parse(a.answers) as AnswersInput;
  const graded = done ? gradeExam(examQuestions(exam), answers, exam.pass_score) : null;
  return {
    id: a.id,
    sittingId: a.sitting_id,
    examId: a.exam_id,
    examTitle: exam.title,
    userId: a.user_id,
    userName: user?.name ?? '',
    attemptNo: a.attempt_no,
    status: a.status as AttemptView['status'],
    startedAt: Number(a.started_at),
    deadlineAt: Number(a.deadline_at),
    secondsLeft: done ? 0 : Math.max(0, Math.floor((Number(a.deadline_at) - ctx.clock.now()) / 1000)),
    answers,
    // the answer key leaves the server only once the attempt is submitted
    questions: examQuestions(exam).map((q) => ({
      id: q.id,
      kind: q.kind,
      prompt: q.prompt,
      options: q.options,
      points: q.points,
      ...(graded ? { answer: q.answer, correct: graded.correct[q.id] ?? false } : {}),
    })),
    submittedAt: a.submitted_at === null ? null : Number(a.submitted_at),
    awarded: a.awarded,
    maxPoints: a.max_points,
    score: a.score,
    passed: a.passed === null ? null : a.passed === 1,
    passScore: exam.pass_score,
    certificateId: a.certificate_id,
  };
}

/** Grades and closes an attempt (in the caller's transaction); a pass of a certifying exam issues its certificate. */
async function finalise(ctx: Ctx, trx: Db, a: TrainingAttemptsTable, exam: TrainingExamsTable, actor: Actor): Promise<TrainingAttemptsTable> {
  const g = gradeExam(examQuestions(exam), JSON.parse(a.answers) as AnswersInput, exam.pass_score);
  const now = ctx.clock.now();
  let certificateId: string | null = null;
  if (g.passed && exam.certifies) certificateId = (await issueCertificate(ctx, trx, { userId: a.user_id, skill: exam.certifies, examId: exam.id, attemptId: a.id, validityMonths: exam.validity_months }, actor)).id;
  const set = { status: 'submitted', submitted_at: Math.min(now, Number(a.deadline_at)), awarded: g.awarded, max_points: g.maxPoints, score: g.score, passed: g.passed ? 1 : 0, certificate_id: certificateId };
  await trx.updateTable('training_attempts').set(set).where('id', '=', a.id).where('status', '=', 'in_progress').execute();
  await recordAudit(ctx, trx, { actor, action: 'training.attempt.submit', targetType: 'training_attempt', targetId: a.id, after: { userId: a.user_id, score: g.score, passed: g.passed, late: now > Number(a.deadline_at) } });
  return { ...a, ...set };
}

/** Whether a viewer's scope (as scorecards': their own, the teams a lead leads, everyone) covers `userId`'s attempts. */
async function inScope(db: Db, scope: CardScope, userId: string): Promise<boolean> {
  if (scope.kind === 'all' || userId === scope.self) return true;
  if (scope.kind === 'own') return false;
  const u = await db.selectFrom('users').select('team_id').where('id', '=', userId).executeTakeFirst();
  return seesCard(scope, { id: userId, teamId: u?.team_id ?? null });
}

/** Reads an attempt for update; one past its deadline and never submitted is graded as it stands. */
async function lockedAttempt(ctx: Ctx, trx: Db, id: string, actor: Actor, scope: CardScope = { kind: 'own', self: actor.id }): Promise<{ a: TrainingAttemptsTable; exam: TrainingExamsTable }> {
  let q = trx.selectFrom('training_attempts').selectAll().where('id', '=', id);
  if (ctx.ops.supportsForUpdate) q = q.forUpdate();
  const a = await q.executeTakeFirst();
  if (!a || !(await inScope(trx, scope, a.user_id))) throw notFound('training_attempt', id);
  const exam = await examRow(trx, a.exam_id);
  if (a.status === 'in_progress' && ctx.clock.now() > Number(a.deadline_at)) return { a: await finalise(ctx, trx, a, exam, actor), exam };
  return { a, exam };
}

/**
 * Starts (or resumes) the taker's attempt at a sitting: the server's clock starts the time limit
 * (cut at the sitting's close). One attempt a sitting; another only where retakes are allowed and
 * none was passed. The exam of a required (and active) course is sat only once the taker completed the course
 * (409 training_course_incomplete). Idempotent: two starts at once give the same attempt.
 */
export async function startAttempt(ctx: Ctx, sittingId: string, actor: Actor): Promise<AttemptView> {
  const { a, exam } = await ctx.db.transaction().execute(async (trx) => {
    const s = await sittingRow(trx, sittingId);
    // two starts at once (a double click, two tabs): the second waits and then resumes the first's attempt
    await ctx.ops.lockKeys(trx, [`training_attempt:${s.id}:${actor.id}`]);
    const now = ctx.clock.now();
    const mine = await trx.selectFrom('training_attempts').selectAll().where('sitting_id', '=', s.id).where('user_id', '=', actor.id).orderBy('attempt_no').execute();
    const open = mine.find((x) => x.status === 'in_progress');
    if (open) return lockedAttempt(ctx, trx, open.id, actor);
    if (now < Number(s.opens_at) || now >= Number(s.closes_at)) throw conflict('training_sitting_closed', 'The sitting is not open now.', { opensAt: Number(s.opens_at), closesAt: Number(s.closes_at) });
    if (!mayStartAgain(s, mine))
      throw conflict('training_attempt_used', s.allow_retake === 1 ? 'You passed this sitting already.' : 'You have taken this sitting already (one attempt; no retake allowed).');
    const exam = await examRow(trx, s.exam_id);
    const course = await trx.selectFrom('training_courses').select(['id', 'title', 'required', 'active']).where('id', '=', exam.course_id).executeTakeFirstOrThrow();
    if (course.required === 1 && course.active === 1 && !(await completionsOf(trx, actor.id, [course.id])).has(course.id))
      throw conflict('training_course_incomplete', `Complete the course "${course.title}" before sitting its exam (经培训合格后上岗).`, { courseId: course.id });
    const row: TrainingAttemptsTable = {
      id: newId(),
      sitting_id: s.id,
      exam_id: exam.id,
      user_id: actor.id,
      attempt_no: mine.length + 1,
      started_at: now,
      deadline_at: Math.min(now + exam.time_limit_minutes * 60_000, Number(s.closes_at)),
      answers: '{}',
      status: 'in_progress',
      submitted_at: null,
      awarded: null,
      max_points: null,
      score: null,
      passed: null,
      certificate_id: null,
    };
    await trx.insertInto('training_attempts').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'training.attempt.start', targetType: 'training_attempt', targetId: row.id, after: { sittingId: s.id, attemptNo: row.attempt_no } });
    return { a: row, exam };
  });
  return viewOf(ctx, a, exam);
}

/** An attempt: the taker's own; a lead's or an admin's within their scope (their teams' staff; the director and admins all). */
export async function getAttempt(ctx: Ctx, id: string, actor: Actor, own = false): Promise<AttemptView> {
  const scope: CardScope = own || !seesResults(actor) ? { kind: 'own', self: actor.id } : await cardScope(ctx, actor);
  const { a, exam } = await ctx.db.transaction().execute((trx) => lockedAttempt(ctx, trx, id, actor, scope));
  return viewOf(ctx, a, exam);
}

/** Only the questions of the paper and options they have. */
function checkedAnswers(exam: TrainingExamsTable, answers: AnswersInput): AnswersInput {
  const qs = examQuestions(exam);
  const out: AnswersInput = {};
  for (const [qid, given] of Object.entries(answers)) {
    const q = qs.find((x) => x.id === qid);
    if (!q) throw notFound('training_question', qid);
    const chosen = [...new Set(given)].sort((x, y) => x - y);
    if (chosen.some((i) => i >= q.options.length)) throw invalid('training_answer_out_of_range', `Question ${qid} has ${q.options.length} options.`, { questionId: qid });
    if (q.kind !== 'multiple' && chosen.length > 1) throw invalid('training_one_answer', `Question ${qid} takes one answer.`, { questionId: qid });
    out[qid] = chosen;
  }
  return out;
}

/**
 * Saves answers (merged with those saved before) and, with `submit`, grades the attempt. After
 * the deadline nothing more is accepted (409 training_time_up); a submission after it grades the
 * answers saved in time.
 */
export async function answerAttempt(ctx: Ctx, id: string, answers: AnswersInput, submit: boolean, actor: Actor): Promise<AttemptView> {
  const { a, exam } = await ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('training_attempts').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const cur = await q.executeTakeFirst();
    if (!cur || (cur.user_id !== actor.id && !seesResults(actor))) throw notFound('training_attempt', id);
    if (cur.user_id !== actor.id) throw forbidden('Only the taker answers their exam.');
    if (cur.status !== 'in_progress') throw conflict('training_attempt_submitted', 'The exam was submitted already.');
    // (the attempt is graded as saved when next read: this transaction rolls back)
    if (ctx.clock.now() > Number(cur.deadline_at))
      throw conflict('training_time_up', 'The time limit has passed: these answers were not accepted; the answers saved in time are graded.', { deadlineAt: Number(cur.deadline_at) });
    const exam = await examRow(trx, cur.exam_id);
    const merged = { ...(JSON.parse(cur.answers) as AnswersInput), ...checkedAnswers(exam, answers) };
    const row = { ...cur, answers: JSON.stringify(merged) };
    await trx.updateTable('training_attempts').set({ answers: row.answers }).where('id', '=', id).execute();
    return { a: submit ? await finalise(ctx, trx, row, exam, actor) : row, exam };
  });
  return viewOf(ctx, a, exam);
}

/** The attempts at a sitting (trainers and leads): who took it, score, pass or fail; a lead sees their teams' staff. */
export async function sittingResults(ctx: Ctx, sittingId: string, actor: Actor) {
  await sittingRow(ctx.db, sittingId);
  const scope = await cardScope(ctx, actor);
  const rows = await ctx.db
    .selectFrom('training_attempts as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.id', 'a.user_id', 'u.name', 'u.team_id', 'a.attempt_no', 'a.status', 'a.submitted_at', 'a.score', 'a.passed', 'a.deadline_at'])
    .where('a.sitting_id', '=', sittingId)
    .orderBy('u.name')
    .orderBy('a.attempt_no')
    .execute();
  const now = ctx.clock.now();
  return rows.filter((r) => seesCard(scope, { id: r.user_id, teamId: r.team_id })).map((r) => ({
    attemptId: r.id,
    userId: r.user_id,
    userName: r.name,
    attemptNo: r.attempt_no,
    // one past its deadline counts as handed in (it is graded when next read)
    status: (r.status === 'in_progress' && now > Number(r.deadline_at) ? 'submitted' : r.status) as 'in_progress' | 'submitted',
    submittedAt: r.submitted_at === null ? null : Number(r.submitted_at),
    score: r.score,
    passed: r.passed === null ? null : r.passed === 1,
  }));
}

/** The taker's own attempts, newest first (ids to open each). */
export async function myAttempts(ctx: Ctx, actor: Actor) {
  const rows = await ctx.db.selectFrom('training_attempts').select('id').where('user_id', '=', actor.id).orderBy('started_at', 'desc').limit(200).execute();
  return Promise.all(rows.map((r) => getAttempt(ctx, r.id, actor, true)));
}
