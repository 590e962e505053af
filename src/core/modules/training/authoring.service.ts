import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { cardScope, seesCard } from '../scorecards/access.ts';
import type { CompletionView, CourseInput, CourseView, DueRow, ExamInput, ExamQuestion, ExamView, QuestionInput, QuestionView, SittingInput } from './training.schemas.ts';
import type { TrainingCoursesTable, TrainingExamsTable, TrainingQuestionsTable, TrainingSittingsTable } from './training.table.ts';

type Db = Kysely<Database>;
const TRUE_FALSE = ['正确 True', '错误 False'];

// ---- courses ------------------------------------------------------------------------------------

const toCourse = (c: TrainingCoursesTable, completedAt: number | null = null): CourseView => ({
  id: c.id,
  title: c.title,
  description: c.description,
  material: c.material,
  targetRoles: JSON.parse(c.target_roles) as string[],
  targetSkills: JSON.parse(c.target_skills) as string[],
  required: c.required === 1,
  active: c.active === 1,
  createdAt: Number(c.created_at),
  updatedAt: Number(c.updated_at),
  completedAt,
});

/** When `userId` completed each of `courseIds` (courses they have not completed are absent). */
export async function completionsOf(db: Db, userId: string, courseIds: readonly string[]): Promise<Map<string, number>> {
  if (courseIds.length === 0) return new Map();
  const rows = await db.selectFrom('training_completions').select(['course_id', 'completed_at']).where('user_id', '=', userId).where('course_id', 'in', [...new Set(courseIds)]).execute();
  return new Map(rows.map((r) => [r.course_id, Number(r.completed_at)]));
}

/** Courses, with the viewer's completion of each; `all` (authors): inactive ones too. */
export async function listCourses(ctx: Ctx, all: boolean, actor: Actor): Promise<CourseView[]> {
  let q = ctx.db.selectFrom('training_courses').selectAll();
  if (!all) q = q.where('active', '=', 1);
  const rows = await q.orderBy('title').orderBy('id').execute();
  const done = await completionsOf(ctx.db, actor.id, rows.map((c) => c.id));
  return rows.map((c) => toCourse(c, done.get(c.id) ?? null));
}

const courseFields = (input: CourseInput) => ({
  title: input.title,
  description: input.description?.trim() || null,
  material: input.material?.trim() || null,
  target_roles: JSON.stringify(input.targetRoles),
  target_skills: JSON.stringify(input.targetSkills),
  required: input.required ? 1 : 0,
  active: input.active ? 1 : 0,
});

export async function createCourse(ctx: Ctx, input: CourseInput, actor: Actor): Promise<CourseView> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const row: TrainingCoursesTable = { id: newId(), ...courseFields(input), created_at: now, created_by: actor.id, updated_at: now };
    await trx.insertInto('training_courses').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'training.course.create', targetType: 'training_course', targetId: row.id, after: { title: row.title } });
    return toCourse(row);
  });
}

export async function updateCourse(ctx: Ctx, id: string, input: CourseInput, actor: Actor): Promise<CourseView> {
  return ctx.db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('training_courses').selectAll().where('id', '=', id).executeTakeFirst();
    if (!old) throw notFound('training_course', id);
    const row = { ...old, ...courseFields(input), updated_at: ctx.clock.now() };
    await trx.updateTable('training_courses').set(row).where('id', '=', id).execute();
    await recordAudit(ctx, trx, { actor, action: 'training.course.update', targetType: 'training_course', targetId: id, before: { title: old.title }, after: { title: row.title } });
    return toCourse(row, (await completionsOf(trx, actor.id, [id])).get(id) ?? null);
  });
}

async function courseRow(db: Db, id: string): Promise<TrainingCoursesTable> {
  const c = await db.selectFrom('training_courses').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw notFound('training_course', id);
  return c;
}

/**
 * The taker marks a course complete once they have studied it (经培训): kept once, a repeat
 * answers the first completion. Only an active course is completed.
 */
export async function completeCourse(ctx: Ctx, courseId: string, actor: Actor): Promise<CompletionView> {
  return ctx.db.transaction().execute(async (trx) => {
    const c = await courseRow(trx, courseId);
    if (c.active !== 1) throw conflict('training_course_inactive', 'The course is no longer offered.', { courseId });
    const now = ctx.clock.now();
    const added = await trx
      .insertInto('training_completions')
      .values({ course_id: courseId, user_id: actor.id, completed_at: now })
      .onConflict((oc) => oc.columns(['course_id', 'user_id']).doNothing())
      .executeTakeFirst();
    if (Number(added.numInsertedOrUpdatedRows ?? 0n) > 0)
      await recordAudit(ctx, trx, { actor, action: 'training.course.complete', targetType: 'training_course', targetId: courseId, after: { userId: actor.id, title: c.title } });
    const at = (await completionsOf(trx, actor.id, [courseId])).get(courseId)!;
    return { courseId, userId: actor.id, completedAt: at };
  });
}

/** The roles that take training (training.take): the staff a course with no target is meant for. */
const TAKER_ROLES = ['agent', 'supervisor', 'manager', 'director', 'inspector'];

/** Whether a course is meant for a member of staff: one of its roles, or one of its skills; neither named: everyone. */
export function targets(course: Pick<CourseView, 'targetRoles' | 'targetSkills'>, user: { role: string; skills: readonly string[] }): boolean {
  if (course.targetRoles.length === 0 && course.targetSkills.length === 0) return true;
  return course.targetRoles.includes(user.role) || course.targetSkills.some((s) => user.skills.includes(s));
}

/**
 * Required training due (SPEC 7, 经培训合格后上岗): each active required course's targeted active
 * staff who have not completed it, within the viewer's scope (a lead: the teams they lead; the
 * director and admins: everyone).
 */
export async function dueTraining(ctx: Ctx, actor: Actor): Promise<DueRow[]> {
  const courses = (await ctx.db.selectFrom('training_courses').selectAll().where('required', '=', 1).where('active', '=', 1).orderBy('title').orderBy('id').execute()).map((c) => toCourse(c));
  if (courses.length === 0) return [];
  const scope = await cardScope(ctx, actor);
  const users = (
    await ctx.db.selectFrom('users').select(['id', 'name', 'role', 'team_id', 'skills']).where('active', '=', 1).where('role', 'in', TAKER_ROLES).orderBy('name').orderBy('id').execute()
  ).filter((u) => seesCard(scope, { id: u.id, teamId: u.team_id }));
  if (users.length === 0) return [];
  const done = new Set(
    (await ctx.db.selectFrom('training_completions').select(['course_id', 'user_id']).where('course_id', 'in', courses.map((c) => c.id)).execute()).map((r) => `${r.course_id}|${r.user_id}`),
  );
  const out: DueRow[] = [];
  for (const c of courses)
    for (const u of users)
      if (!done.has(`${c.id}|${u.id}`) && targets(c, { role: u.role, skills: JSON.parse(u.skills) as string[] }))
        out.push({ courseId: c.id, courseTitle: c.title, userId: u.id, userName: u.name, role: u.role, teamId: u.team_id });
  return out;
}

// ---- question bank ------------------------------------------------------------------------------

const toQuestion = (q: TrainingQuestionsTable): QuestionView => ({
  id: q.id,
  courseId: q.course_id,
  kind: q.kind as QuestionView['kind'],
  prompt: q.prompt,
  options: JSON.parse(q.options) as string[],
  answer: JSON.parse(q.answer) as number[],
  points: q.points,
  active: q.active === 1,
});

/** A question's options and answer, checked: one answer for single and true/false, each within the options. */
function checkedQuestion(input: QuestionInput): { options: string[]; answer: number[] } {
  const options = input.kind === 'true_false' ? TRUE_FALSE : input.options!;
  const answer = [...new Set(input.answer)].sort((a, b) => a - b);
  if (answer.some((a) => a >= options.length)) throw invalid('training_answer_out_of_range', `An answer names option ${Math.max(...answer) + 1} of ${options.length}.`);
  if (input.kind !== 'multiple' && answer.length !== 1) throw invalid('training_one_answer', 'A single-choice or true/false question has exactly one right answer.');
  return { options, answer };
}

export async function listQuestions(ctx: Ctx, courseId: string): Promise<QuestionView[]> {
  await courseRow(ctx.db, courseId);
  return (await ctx.db.selectFrom('training_questions').selectAll().where('course_id', '=', courseId).orderBy('created_at').orderBy('id').execute()).map(toQuestion);
}

export async function createQuestion(ctx: Ctx, courseId: string, input: QuestionInput, actor: Actor): Promise<QuestionView> {
  const { options, answer } = checkedQuestion(input);
  return ctx.db.transaction().execute(async (trx) => {
    await courseRow(trx, courseId);
    const row: TrainingQuestionsTable = {
      id: newId(),
      course_id: courseId,
      kind: input.kind,
      prompt: input.prompt,
      options: JSON.stringify(options),
      answer: JSON.stringify(answer),
      points: input.points,
      active: input.active ? 1 : 0,
      created_at: ctx.clock.now(),
      created_by: actor.id,
    };
    await trx.insertInto('training_questions').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'training.question.create', targetType: 'training_question', targetId: row.id, after: { courseId, kind: row.kind } });
    return toQuestion(row);
  });
}

/** Edits a bank question; exams already made keep the copy they froze. */
export async function updateQuestion(ctx: Ctx, id: string, input: QuestionInput, actor: Actor): Promise<QuestionView> {
  const { options, answer } = checkedQuestion(input);
  return ctx.db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('training_questions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!old) throw notFound('training_question', id);
    const row = { ...old, kind: input.kind, prompt: input.prompt, options: JSON.stringify(options), answer: JSON.stringify(answer), points: input.points, active: input.active ? 1 : 0 };
    await trx.updateTable('training_questions').set(row).where('id', '=', id).execute();
    await recordAudit(ctx, trx, { actor, action: 'training.question.update', targetType: 'training_question', targetId: id, before: { prompt: old.prompt }, after: { prompt: row.prompt } });
    return toQuestion(row);
  });
}

// ---- exams --------------------------------------------------------------------------------------

export const examQuestions = (e: Pick<TrainingExamsTable, 'questions'>): ExamQuestion[] => JSON.parse(e.questions) as ExamQuestion[];

export const toExam = (e: TrainingExamsTable): ExamView => {
  const questions = examQuestions(e);
  return {
    id: e.id,
    familyId: e.family_id,
    version: e.version,
    current: e.current === 1,
    courseId: e.course_id,
    title: e.title,
    status: e.status as ExamView['status'],
    passScore: e.pass_score,
    timeLimitMinutes: e.time_limit_minutes,
    certifies: e.certifies,
    validityMonths: e.validity_months,
    maxPoints: questions.reduce((s, q) => s + q.points, 0),
    questions,
    publishedAt: e.published_at === null ? null : Number(e.published_at),
    createdAt: Number(e.created_at),
  };
};

export async function examRow(db: Db, id: string): Promise<TrainingExamsTable> {
  const e = await db.selectFrom('training_exams').selectAll().where('id', '=', id).executeTakeFirst();
  if (!e) throw notFound('training_exam', id);
  return e;
}

/** Exams for their authors: the latest version of each, or (all) every version. */
export async function listExams(ctx: Ctx, all: boolean): Promise<ExamView[]> {
  let q = ctx.db.selectFrom('training_exams').selectAll();
  if (!all) q = q.where('current', '=', 1);
  return (await q.orderBy('title').orderBy('version', 'desc').execute()).map(toExam);
}

export const getExam = async (ctx: Ctx, id: string): Promise<ExamView> => toExam(await examRow(ctx.db, id));

/** The bank questions named, in the order named, copied into the exam. */
async function copyQuestions(db: Db, courseId: string, ids: readonly string[]): Promise<ExamQuestion[]> {
  if (new Set(ids).size !== ids.length) throw invalid('training_duplicate_question', 'A question is named twice.');
  const rows = await db.selectFrom('training_questions').selectAll().where('id', 'in', [...ids]).where('course_id', '=', courseId).execute();
  return ids.map((id) => {
    const q = rows.find((r) => r.id === id);
    if (!q) throw notFound('training_question', id);
    const v = toQuestion(q);
    return { id: v.id, kind: v.kind, prompt: v.prompt, options: v.options, answer: v.answer, points: v.points };
  });
}

const examFields = async (db: Db, input: ExamInput) => ({
  course_id: (await courseRow(db, input.courseId)).id,
  title: input.title,
  questions: JSON.stringify(await copyQuestions(db, input.courseId, input.questionIds)),
  pass_score: input.passScore,
  time_limit_minutes: input.timeLimitMinutes,
  certifies: input.certifies ?? null,
  validity_months: input.validityMonths,
});

export async function createExam(ctx: Ctx, input: ExamInput, actor: Actor): Promise<ExamView> {
  return ctx.db.transaction().execute(async (trx) => {
    const id = newId();
    const row: TrainingExamsTable = { id, family_id: id, version: 1, current: 1, ...(await examFields(trx, input)), status: 'draft', published_at: null, created_at: ctx.clock.now(), created_by: actor.id };
    await trx.insertInto('training_exams').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'training.exam.create', targetType: 'training_exam', targetId: id, after: { title: row.title, questions: input.questionIds.length } });
    return toExam(row);
  });
}

/**
 * Edits an exam: a draft in place; a published one is frozen (its sittings and attempts keep it),
 * so the edit becomes a new draft version of the family.
 */
export async function updateExam(ctx: Ctx, id: string, input: ExamInput, actor: Actor): Promise<ExamView> {
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('training_exams').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const old = await q.executeTakeFirst();
    if (!old) throw notFound('training_exam', id);
    if (old.current !== 1) throw conflict('training_exam_superseded', 'A newer version of this exam exists: edit that one.', { familyId: old.family_id });
    const fields = await examFields(trx, input);
    let row: TrainingExamsTable;
    if (old.status === 'draft') {
      row = { ...old, ...fields };
      await trx.updateTable('training_exams').set(fields).where('id', '=', id).execute();
    } else {
      await trx.updateTable('training_exams').set({ current: 0 }).where('id', '=', id).execute();
      row = { ...fields, id: newId(), family_id: old.family_id, version: old.version + 1, current: 1, status: 'draft', published_at: null, created_at: ctx.clock.now(), created_by: actor.id };
      await trx.insertInto('training_exams').values(row).execute();
    }
    await recordAudit(ctx, trx, { actor, action: 'training.exam.update', targetType: 'training_exam', targetId: row.id, before: { id: old.id, version: old.version, status: old.status }, after: { version: row.version, title: row.title } });
    return toExam(row);
  });
}

/** Publishes a draft: from now on its questions are frozen and sittings may be scheduled. */
export async function publishExam(ctx: Ctx, id: string, actor: Actor): Promise<ExamView> {
  return ctx.db.transaction().execute(async (trx) => {
    const old = await examRow(trx, id);
    if (old.status === 'published') throw conflict('training_exam_published', 'The exam is already published.');
    const row = { ...old, status: 'published', published_at: ctx.clock.now() };
    await trx.updateTable('training_exams').set({ status: row.status, published_at: row.published_at }).where('id', '=', id).execute();
    await recordAudit(ctx, trx, { actor, action: 'training.exam.publish', targetType: 'training_exam', targetId: id, after: { version: row.version } });
    return toExam(row);
  });
}

// ---- sittings -----------------------------------------------------------------------------------

export async function createSitting(ctx: Ctx, input: SittingInput, actor: Actor): Promise<TrainingSittingsTable> {
  return ctx.db.transaction().execute(async (trx) => {
    const exam = await examRow(trx, input.examId);
    if (exam.status !== 'published') throw conflict('training_exam_not_published', 'Publish the exam before scheduling a sitting of it.');
    const row: TrainingSittingsTable = {
      id: newId(),
      exam_id: exam.id,
      title: input.title,
      period: input.period,
      opens_at: input.opensAt,
      closes_at: input.closesAt,
      allow_retake: input.allowRetake ? 1 : 0,
      created_at: ctx.clock.now(),
      created_by: actor.id,
    };
    await trx.insertInto('training_sittings').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'training.sitting.create', targetType: 'training_sitting', targetId: row.id, after: { examId: exam.id, period: row.period, opensAt: row.opens_at, closesAt: row.closes_at } });
    return row;
  });
}
