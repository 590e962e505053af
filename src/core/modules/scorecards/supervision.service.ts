import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { ledTeams } from '../quality/access.ts';
import { readSetting, writeSetting } from '../settings/index.ts';
import { supervisionItems, type AssessmentBody, type AssessmentPatch, type AssessmentView, type CorrectionBody, type EntryBody, type SupervisionItem } from './supervision.schemas.ts';
import type { SupervisionAssessmentsTable } from './supervision.table.ts';

type Db = Kysely<Database>;
const ITEMS_KEY = 'supervision_items';

/** 服务监督制度: the supervising side assesses each month the service departments' acceptance, proactive maintenance, complaints and conduct. */
export const DEFAULT_SUPERVISION_ITEMS: SupervisionItem[] = [
  { key: 'acceptance', zh: '服务受理', en: 'Service acceptance', maxScore: 30 },
  { key: 'maintenance', zh: '主动维护', en: 'Proactive maintenance', maxScore: 25 },
  { key: 'complaints', zh: '投诉处理', en: 'Complaint handling', maxScore: 25 },
  { key: 'conduct', zh: '服务规范', en: 'Service conduct', maxScore: 20 },
];

export const supervisionItemsOf = (ctx: Ctx): Promise<SupervisionItem[]> => readSetting(ctx, ITEMS_KEY, supervisionItems, DEFAULT_SUPERVISION_ITEMS);

/** The director sets the items (audited as settings.update); assessments already made keep the items they were scored on. */
export async function updateSupervisionItems(ctx: Ctx, items: SupervisionItem[], actor: Actor): Promise<SupervisionItem[]> {
  if (new Set(items.map((i) => i.key)).size !== items.length) throw invalid('supervision_duplicate_item', 'Each item needs a key of its own.');
  return writeSetting(ctx, ITEMS_KEY, () => items, actor);
}

/** Every configured item scored once, within 0..its maximum; the scores stored with the item's names. */
async function checkedScores(ctx: Ctx, scores: AssessmentBody['scores']) {
  const items = await supervisionItemsOf(ctx);
  const byKey = new Map(scores.map((s) => [s.key, s.score]));
  const unknown = scores.filter((s) => !items.some((i) => i.key === s.key)).map((s) => s.key);
  const missing = items.filter((i) => !byKey.has(i.key)).map((i) => i.key);
  if (unknown.length || missing.length || byKey.size !== scores.length)
    throw invalid('supervision_bad_scores', 'Score each assessment item exactly once.', { unknown, missing });
  const over = items.filter((i) => byKey.get(i.key)! > i.maxScore).map((i) => i.key);
  if (over.length) throw invalid('supervision_score_over_max', 'A score is above its item’s maximum.', { items: over });
  const scored = items.map((i) => ({ ...i, score: byKey.get(i.key)! }));
  return { scored, total: Math.round(scored.reduce((s, i) => s + i.score, 0) * 100) / 100 };
}

async function checkEntries(db: Db, entries: EntryBody[]) {
  for (const e of entries) {
    if (!e.targetUserId === !e.targetTeamId) throw invalid('supervision_entry_target', 'A reward or discipline names either a person or a unit.');
    if (e.targetUserId && !(await db.selectFrom('users').select('id').where('id', '=', e.targetUserId).where('role', 'not in', ['customer', 'integration']).executeTakeFirst()))
      throw notFound('user', e.targetUserId);
    if (e.targetTeamId && !(await db.selectFrom('teams').select('id').where('id', '=', e.targetTeamId).executeTakeFirst())) throw notFound('team', e.targetTeamId);
  }
}

async function insertEntries(ctx: Ctx, trx: Db, assessmentId: string, entries: EntryBody[]) {
  const now = ctx.clock.now();
  if (entries.length)
    await trx
      .insertInto('supervision_entries')
      .values(
        entries.map((e) => ({
          id: newId(),
          assessment_id: assessmentId,
          kind: e.kind,
          target_user_id: e.targetUserId ?? null,
          target_team_id: e.targetTeamId ?? null,
          reason: e.reason,
          points: e.points ?? null,
          amount: e.amount ?? null,
          created_at: now,
        })),
      )
      .execute();
}

async function viewOf(db: Db, a: SupervisionAssessmentsTable): Promise<AssessmentView> {
  const [dept, entries, newer] = await Promise.all([
    db.selectFrom('teams').select('name').where('id', '=', a.department_id).executeTakeFirst(),
    db
      .selectFrom('supervision_entries as e')
      .leftJoin('users as u', 'u.id', 'e.target_user_id')
      .leftJoin('teams as t', 't.id', 'e.target_team_id')
      .select(['e.id', 'e.kind', 'e.target_user_id', 'e.target_team_id', 'e.reason', 'e.points', 'e.amount', 'u.name as user_name', 't.name as team_name'])
      .where('e.assessment_id', '=', a.id)
      .orderBy('e.created_at')
      .orderBy('e.id')
      .execute(),
    db.selectFrom('supervision_assessments').select('id').where('month', '=', a.month).where('department_id', '=', a.department_id).where('version', '>', a.version).executeTakeFirst(),
  ]);
  const scores = JSON.parse(a.scores) as AssessmentView['scores'];
  return {
    id: a.id,
    month: a.month,
    departmentId: a.department_id,
    departmentName: dept?.name ?? null,
    version: a.version,
    current: !newer,
    status: a.status as AssessmentView['status'],
    scores,
    total: Number(a.total),
    maxTotal: scores.reduce((s, i) => s + i.maxScore, 0),
    comment: a.comment,
    correctsId: a.corrects_id,
    correctionReason: a.correction_reason,
    createdBy: a.created_by,
    createdAt: Number(a.created_at),
    publishedAt: a.published_at === null ? null : Number(a.published_at),
    entries: entries.map((e) => ({
      id: e.id,
      kind: e.kind as 'reward' | 'discipline',
      targetUserId: e.target_user_id,
      targetUserName: e.user_name,
      targetTeamId: e.target_team_id,
      targetTeamName: e.team_name,
      reason: e.reason,
      points: e.points === null ? null : Number(e.points),
      amount: e.amount === null ? null : Number(e.amount),
    })),
  };
}

/** Drafts are the supervising side's work in progress: only the director sees them. */
const seesDrafts = (actor: Actor) => actor.role === 'director';

/**
 * Whose assessments a reader sees: the director and admins every department's; a supervisor or
 * manager those of the departments their own unit and the units they lead belong to (an
 * assessment names the department's staff with their rewards and discipline).
 */
async function readableDepartments(db: Db, actor: Actor): Promise<Set<string> | 'all'> {
  if (actor.role === 'director' || actor.role === 'admin') return 'all';
  const teams = await db.selectFrom('teams').select(['id', 'parent_id']).execute();
  const parent = new Map(teams.map((t) => [t.id, t.parent_id]));
  const out = new Set<string>();
  for (let id of [...(actor.teamId ? [actor.teamId] : []), ...(await ledTeams(db, actor))]) {
    for (let hops = 0; id && !out.has(id) && hops < 64; hops++, id = parent.get(id) ?? '') out.add(id);
  }
  return out;
}

/** Pass the transaction when inside one (on SQLite its single connection is held by it). */
async function load(db: Db, id: string, actor: Actor): Promise<SupervisionAssessmentsTable> {
  const a = await db.selectFrom('supervision_assessments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a || (a.status === 'draft' && !seesDrafts(actor))) throw notFound('assessment', id);
  const readable = await readableDepartments(db, actor);
  if (readable !== 'all' && !readable.has(a.department_id)) throw notFound('assessment', id);
  return a;
}

export async function getAssessment(ctx: Ctx, id: string, actor: Actor): Promise<AssessmentView> {
  return viewOf(ctx.db, await load(ctx.db, id, actor));
}

/** Every version, newest month first; drafts for the director only. */
export async function listAssessments(ctx: Ctx, f: { month?: string | undefined; departmentId?: string | undefined }, actor: Actor): Promise<AssessmentView[]> {
  let q = ctx.db.selectFrom('supervision_assessments').selectAll();
  if (f.month) q = q.where('month', '=', f.month);
  if (f.departmentId) q = q.where('department_id', '=', f.departmentId);
  if (!seesDrafts(actor)) q = q.where('status', '=', 'published');
  const readable = await readableDepartments(ctx.db, actor);
  if (readable !== 'all') {
    if (!readable.size) return [];
    q = q.where('department_id', 'in', [...readable]);
  }
  const rows = await q.orderBy('month', 'desc').orderBy('department_id').orderBy('version', 'desc').limit(500).execute();
  return Promise.all(rows.map((r) => viewOf(ctx.db, r)));
}

/** Two requests racing for the same (month, department, version): the unique index lets one in, the other gets the conflict. */
async function onceOnly<T>(ctx: Ctx, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (ctx.ops.isUniqueViolation(err)) throw conflict('supervision_exists', 'Someone else saved this assessment at the same moment: reload it.');
    throw err;
  }
}

export async function createAssessment(ctx: Ctx, body: AssessmentBody, actor: Actor): Promise<AssessmentView> {
  const dept = await ctx.db.selectFrom('teams').select(['id', 'kind']).where('id', '=', body.departmentId).executeTakeFirst();
  if (!dept) throw notFound('team', body.departmentId);
  if (dept.kind !== 'department') throw invalid('supervision_not_department', 'Assessments are of a service department, not of a team.');
  const { scored, total } = await checkedScores(ctx, body.scores);
  await checkEntries(ctx.db, body.entries ?? []);
  const now = ctx.clock.now();
  return onceOnly(ctx, () => ctx.db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('supervision_assessments').select('id').where('month', '=', body.month).where('department_id', '=', body.departmentId).executeTakeFirst();
    if (exists) throw conflict('supervision_exists', 'This department already has an assessment for that month: edit the draft, or correct the published one.', { id: exists.id });
    const row: SupervisionAssessmentsTable = {
      id: newId(),
      month: body.month,
      department_id: body.departmentId,
      version: 1,
      status: 'draft',
      scores: JSON.stringify(scored),
      total,
      comment: body.comment ?? null,
      corrects_id: null,
      correction_reason: null,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
      published_by: null,
      published_at: null,
    };
    await trx.insertInto('supervision_assessments').values(row).execute();
    await insertEntries(ctx, trx, row.id, body.entries ?? []);
    const view = await viewOf(trx, row);
    await recordAudit(ctx, trx, { actor, action: 'supervision.create', targetType: 'supervision_assessment', targetId: row.id, after: view });
    return view;
  }));
}

const published = () => conflict('supervision_published', 'A published assessment cannot be changed: record a correction with its reason.');

export async function updateAssessment(ctx: Ctx, id: string, patch: AssessmentPatch, actor: Actor): Promise<AssessmentView> {
  const { scored, total } = await checkedScores(ctx, patch.scores);
  await checkEntries(ctx.db, patch.entries ?? []);
  return ctx.db.transaction().execute(async (trx) => {
    const a = await load(trx, id, actor);
    if (a.status !== 'draft') throw published();
    const before = await viewOf(trx, a);
    await trx.updateTable('supervision_assessments').set({ scores: JSON.stringify(scored), total, comment: patch.comment === undefined ? a.comment : patch.comment, updated_at: ctx.clock.now() }).where('id', '=', id).where('status', '=', 'draft').execute();
    if (patch.entries) {
      await trx.deleteFrom('supervision_entries').where('assessment_id', '=', id).execute();
      await insertEntries(ctx, trx, id, patch.entries);
    }
    const after = await viewOf(trx, (await trx.selectFrom('supervision_assessments').selectAll().where('id', '=', id).executeTakeFirstOrThrow()));
    await recordAudit(ctx, trx, { actor, action: 'supervision.update', targetType: 'supervision_assessment', targetId: id, before, after });
    return after;
  });
}

export async function publishAssessment(ctx: Ctx, id: string, actor: Actor): Promise<AssessmentView> {
  return ctx.db.transaction().execute(async (trx) => {
    const a = await load(trx, id, actor);
    if (a.status !== 'draft') throw published();
    const now = ctx.clock.now();
    const done = await trx.updateTable('supervision_assessments').set({ status: 'published', published_by: actor.id, published_at: now, updated_at: now }).where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw published(); // published meanwhile by a concurrent request
    const after = await viewOf(trx, { ...a, status: 'published', published_by: actor.id, published_at: now, updated_at: now });
    await recordAudit(ctx, trx, { actor, action: 'supervision.publish', targetType: 'supervision_assessment', targetId: id, after });
    return after;
  });
}

/**
 * A correction of the current published version: a new version, published at once, with the
 * reason; the one it replaces stays as it was (history). Scores, comment and entries are the
 * corrected assessment's in full (entries left out: the previous version's are carried over).
 */
export async function correctAssessment(ctx: Ctx, id: string, body: CorrectionBody, actor: Actor): Promise<AssessmentView> {
  const { scored, total } = await checkedScores(ctx, body.scores);
  await checkEntries(ctx.db, body.entries ?? []);
  return onceOnly(ctx, () => ctx.db.transaction().execute(async (trx) => {
    const a = await load(trx, id, actor);
    if (a.status !== 'published') throw invalid('supervision_not_published', 'Only a published assessment is corrected; edit the draft instead.');
    const newer = await trx.selectFrom('supervision_assessments').select('id').where('month', '=', a.month).where('department_id', '=', a.department_id).where('version', '>', a.version).executeTakeFirst();
    if (newer) throw conflict('supervision_superseded', 'A later correction replaced this version: correct the current one.', { id: newer.id });
    const before = await viewOf(trx, a);
    const now = ctx.clock.now();
    const row: SupervisionAssessmentsTable = {
      ...a,
      id: newId(),
      version: a.version + 1,
      scores: JSON.stringify(scored),
      total,
      comment: body.comment === undefined ? a.comment : body.comment,
      corrects_id: a.id,
      correction_reason: body.reason,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
      published_by: actor.id,
      published_at: now,
    };
    await trx.insertInto('supervision_assessments').values(row).execute();
    const entries: EntryBody[] = body.entries ?? before.entries.map((e) => ({ kind: e.kind, targetUserId: e.targetUserId, targetTeamId: e.targetTeamId, reason: e.reason, points: e.points, amount: e.amount }));
    await insertEntries(ctx, trx, row.id, entries);
    const after = await viewOf(trx, row);
    await recordAudit(ctx, trx, { actor, action: 'supervision.correct', targetType: 'supervision_assessment', targetId: row.id, before, after: { ...after, reason: body.reason } });
    return after;
  }));
}
