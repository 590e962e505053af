import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { QualityRubricsTable } from './quality.table.ts';
import type { CriterionScore, RubricCriterion, RubricInput, RubricView } from './quality.schemas.ts';

type Db = Kysely<Database>;

export const criteriaOf = (r: Pick<QualityRubricsTable, 'criteria'>): RubricCriterion[] => JSON.parse(r.criteria) as RubricCriterion[];

export const toRubricView = (r: QualityRubricsTable, inspections = 0): RubricView => {
  const criteria = criteriaOf(r);
  return {
    id: r.id,
    familyId: r.family_id,
    version: r.version,
    current: r.current === 1,
    name: r.name,
    description: r.description,
    criteria,
    maxPoints: criteria.reduce((s, c) => s + c.points, 0),
    passScore: r.pass_score,
    active: r.active === 1,
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
    inspections,
  };
};

/** Criterion ids: as given, else kept from the version before by name, else c1, c2... (names are often Chinese). */
function withIds(input: RubricInput['criteria'], before: RubricCriterion[] = []): RubricCriterion[] {
  const used = new Set<string>();
  const out = input.map((c) => {
    const id = c.id ?? before.find((b) => b.name === c.name)?.id;
    if (id) {
      if (used.has(id)) throw invalid('quality_duplicate_criterion', `Two criteria have the id ${id}.`, { id });
      used.add(id);
    }
    return { id, name: c.name, description: c.description?.trim() || null, points: c.points, critical: c.critical };
  });
  let n = 0;
  return out.map((c) => {
    if (c.id) return c as RubricCriterion;
    let id: string;
    do id = `c${++n}`;
    while (used.has(id) || before.some((b) => b.id === id && b.name !== c.name));
    used.add(id);
    return { ...c, id };
  });
}

export interface Grade {
  scores: Array<{ criterionId: string; points: number; comment: string | null }>;
  awarded: number;
  maxPoints: number;
  score: number;
  criticalFailed: boolean;
  result: 'passed' | 'failed';
}

/**
 * The score of a record: awarded / most points x 100, to two decimals; a critical criterion not
 * given its full points fails the record (score 0, failed); otherwise failed below the pass score.
 * `complete`: every criterion must be scored (a submission; a draft may leave some out).
 */
export function grade(criteria: readonly RubricCriterion[], passScore: number, input: readonly CriterionScore[], complete: boolean): Grade {
  const seen = new Set<string>();
  for (const s of input) {
    const c = criteria.find((x) => x.id === s.criterionId);
    if (!c) throw invalid('quality_unknown_criterion', `The rubric has no criterion ${s.criterionId}.`, { criterionId: s.criterionId });
    if (seen.has(s.criterionId)) throw invalid('quality_duplicate_criterion', `Criterion ${c.name} is scored twice.`, { criterionId: s.criterionId });
    seen.add(s.criterionId);
    if (s.points > c.points) throw invalid('quality_points_over_max', `${c.name}: at most ${c.points} points.`, { criterionId: c.id, max: c.points });
  }
  const missing = criteria.filter((c) => !seen.has(c.id));
  if (complete && missing.length) throw invalid('quality_scores_incomplete', `Score every criterion before submitting: ${missing.map((c) => c.name).join(', ')}.`, { criterionIds: missing.map((c) => c.id) });
  const scores = criteria.flatMap((c) => {
    const s = input.find((x) => x.criterionId === c.id);
    return s ? [{ criterionId: c.id, points: s.points, comment: s.comment?.trim() || null }] : [];
  });
  const maxPoints = criteria.reduce((s, c) => s + c.points, 0);
  const awarded = scores.reduce((s, x) => s + x.points, 0);
  const criticalFailed = criteria.some((c) => c.critical && scores.some((s) => s.criterionId === c.id && s.points < c.points));
  const score = criticalFailed ? 0 : Math.round((awarded / maxPoints) * 10000) / 100;
  return { scores, awarded, maxPoints, score, criticalFailed, result: criticalFailed || score < passScore ? 'failed' : 'passed' };
}

const usage = async (db: Db, ids: string[]) => {
  if (!ids.length) return new Map<string, number>();
  const rows = await db.selectFrom('quality_inspections').select(['rubric_id', (eb) => eb.fn.countAll<number>().as('n')]).where('rubric_id', 'in', ids).groupBy('rubric_id').execute();
  return new Map(rows.map((r) => [r.rubric_id, Number(r.n)]));
};

export async function listRubrics(ctx: Ctx, all = false): Promise<RubricView[]> {
  let q = ctx.db.selectFrom('quality_rubrics').selectAll();
  if (!all) q = q.where('current', '=', 1);
  const rows = await q.orderBy('name').orderBy('version', 'desc').execute();
  const used = await usage(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => toRubricView(r, used.get(r.id) ?? 0));
}

export async function getRubric(ctx: Ctx, id: string, db: Db = ctx.db): Promise<RubricView> {
  const r = await db.selectFrom('quality_rubrics').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('quality_rubric', id);
  return toRubricView(r, (await usage(db, [id])).get(id) ?? 0);
}

/** The latest version of a rubric's family. */
export async function currentRubric(db: Db, familyId: string): Promise<QualityRubricsTable | undefined> {
  return db.selectFrom('quality_rubrics').selectAll().where('family_id', '=', familyId).where('current', '=', 1).executeTakeFirst();
}

export async function createRubric(ctx: Ctx, input: RubricInput, actor: Actor): Promise<RubricView> {
  return ctx.db.transaction().execute(async (trx) => {
    const id = newId();
    const row: QualityRubricsTable = {
      id,
      family_id: id,
      version: 1,
      current: 1,
      name: input.name,
      description: input.description?.trim() || null,
      criteria: JSON.stringify(withIds(input.criteria)),
      pass_score: input.passScore,
      active: input.active ? 1 : 0,
      created_at: ctx.clock.now(),
      created_by: actor.id,
    };
    await trx.insertInto('quality_rubrics').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'quality.rubric.create', targetType: 'quality_rubric', targetId: id, after: { name: row.name, criteria: JSON.parse(row.criteria), passScore: row.pass_score } });
    return toRubricView(row);
  });
}

/**
 * Edits a rubric (its latest version): in place while no inspection used it, else as a new
 * version of the family (the inspections keep the version they were scored against).
 */
export async function updateRubric(ctx: Ctx, id: string, input: RubricInput, actor: Actor): Promise<RubricView> {
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('quality_rubrics').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const old = await q.executeTakeFirst();
    if (!old) throw notFound('quality_rubric', id);
    const cur = old.current === 1 ? old : await currentRubric(trx, old.family_id);
    if (!cur) throw notFound('quality_rubric', id);
    const used = (await usage(trx, [cur.id])).get(cur.id) ?? 0;
    const fields = {
      name: input.name,
      description: input.description?.trim() || null,
      criteria: JSON.stringify(withIds(input.criteria, criteriaOf(cur))),
      pass_score: input.passScore,
      active: input.active ? 1 : 0,
    };
    let row: QualityRubricsTable;
    if (used === 0) {
      await trx.updateTable('quality_rubrics').set(fields).where('id', '=', cur.id).execute();
      row = { ...cur, ...fields };
    } else {
      await trx.updateTable('quality_rubrics').set({ current: 0 }).where('id', '=', cur.id).execute();
      row = { ...fields, id: newId(), family_id: cur.family_id, version: cur.version + 1, current: 1, created_at: ctx.clock.now(), created_by: actor.id };
      await trx.insertInto('quality_rubrics').values(row).execute();
    }
    await recordAudit(ctx, trx, {
      actor,
      action: 'quality.rubric.update',
      targetType: 'quality_rubric',
      targetId: row.id,
      before: { id: cur.id, version: cur.version, name: cur.name, criteria: criteriaOf(cur), passScore: cur.pass_score },
      after: { version: row.version, name: row.name, criteria: criteriaOf(row), passScore: row.pass_score, newVersion: used > 0 },
    });
    return toRubricView(row);
  });
}
