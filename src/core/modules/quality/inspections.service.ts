import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../../shared/pagination.ts';
import { recordAudit } from '../audit/index.ts';
import { assertCanSee, insertEvents, type CasesTable } from '../cases/index.ts';
import { calendarOf } from '../commitments/index.ts';
import { authorityOf } from '../users/index.ts';
import { ledTeams, mayArbitrate, maySeeInspection } from './access.ts';
import type { QualityAppealsTable, QualityInspectionsTable, QualityRubricsTable } from './quality.table.ts';
import type { AppealView, CriterionScore, DecideInput, InspectionListQuery, InspectionView, ScoreInput } from './quality.schemas.ts';
import { criteriaOf, currentRubric, grade, toRubricView } from './rubrics.ts';
import { qualitySettings } from './settings.ts';

type Db = Kysely<Database>;

const requireStaff = (actor: Actor) => {
  if (actor.kind !== 'staff') throw forbidden();
};

export function assertNotErased(c: Pick<CasesTable, 'erased_at' | 'number'>): void {
  if (c.erased_at !== null)
    throw conflict(
      'customer_erased',
      `The personal data of the customer of case ${c.number} was erased on ${new Date(c.erased_at).toISOString()}: the case is kept for the indicators and is no longer inspected or appealed.`,
      { number: c.number },
    );
}

type Scores = Array<{ criterionId: string; points: number; comment: string | null }>;
const parseScores = (s: string | null): Scores => (s ? (JSON.parse(s) as Scores) : []);

const withNames = (db: Db) =>
  db
    .selectFrom('quality_inspections as i')
    .innerJoin('cases as c', 'c.id', 'i.case_id')
    .innerJoin('users as a', 'a.id', 'i.agent_id')
    .innerJoin('users as s', 's.id', 'i.inspector_id')
    .selectAll('i')
    .select(['c.number as case_number', 'c.subject as case_subject', 'c.type as case_type', 'a.name as agent_name', 's.name as inspector_name']);
type Row = QualityInspectionsTable & { case_number: string; case_subject: string; case_type: string; agent_name: string; inspector_name: string };

async function views(ctx: Ctx, db: Db, rows: Row[], actor: Actor): Promise<InspectionView[]> {
  if (!rows.length) return [];
  const rubricIds = [...new Set(rows.map((r) => r.rubric_id))];
  const rubrics = new Map((await db.selectFrom('quality_rubrics').selectAll().where('id', 'in', rubricIds).execute()).map((r) => [r.id, r]));
  const appeals = new Map(
    (
      await db
        .selectFrom('quality_appeals as p')
        .leftJoin('users as d', 'd.id', 'p.decided_by')
        .selectAll('p')
        .select('d.name as decider_name')
        .where('p.inspection_id', 'in', rows.map((r) => r.id))
        .execute()
    ).map((p) => [p.inspection_id, p]),
  );
  const led = await ledTeams(db, actor);
  const now = ctx.clock.now();
  return rows.map((r) => {
    const rubric = rubrics.get(r.rubric_id)!;
    const p = appeals.get(r.id);
    const { inspections: _n, ...rv } = toRubricView(rubric);
    const appeal = p ? appealView(p, r, p.decider_name, actor, led) : null;
    const adjusted = p?.status === 'adjusted';
    return {
      id: r.id,
      caseId: r.case_id,
      caseNumber: r.case_number,
      caseSubject: r.case_subject,
      caseType: r.case_type,
      agentId: r.agent_id,
      agentName: r.agent_name,
      agentTeamId: r.agent_team_id,
      inspectorId: r.inspector_id,
      inspectorName: r.inspector_name,
      rubric: rv,
      status: r.status as 'pending' | 'submitted',
      planId: r.plan_id,
      periodKey: r.period_key,
      sampleReason: r.sample_reason,
      scores: parseScores(r.scores),
      comment: r.comment,
      awarded: r.awarded === null ? null : Number(r.awarded),
      maxPoints: r.max_points === null ? null : Number(r.max_points),
      score: r.score === null ? null : Number(r.score),
      criticalFailed: r.critical_failed === 1,
      result: r.result as 'passed' | 'failed' | null,
      finalScore: adjusted ? Number(p.adjusted_score) : r.score === null ? null : Number(r.score),
      finalResult: (adjusted ? p.adjusted_result : r.result) as 'passed' | 'failed' | null,
      createdAt: Number(r.created_at),
      submittedAt: r.submitted_at === null ? null : Number(r.submitted_at),
      appealDueAt: r.appeal_due_at === null ? null : Number(r.appeal_due_at),
      mayAppeal: r.status === 'submitted' && !p && actor.id === r.agent_id && r.appeal_due_at !== null && now <= Number(r.appeal_due_at),
      appeal,
    };
  });
}

function appealView(p: QualityAppealsTable, r: Pick<Row, 'case_id' | 'case_number' | 'agent_name' | 'agent_id' | 'agent_team_id' | 'status'>, deciderName: string | null, actor: Actor, led: readonly string[]): AppealView {
  return {
    id: p.id,
    inspectionId: p.inspection_id,
    caseId: r.case_id,
    caseNumber: r.case_number,
    agentId: p.agent_id,
    agentName: r.agent_name,
    reason: p.reason,
    status: p.status as AppealView['status'],
    createdAt: Number(p.created_at),
    decidedBy: p.decided_by,
    decidedByName: deciderName,
    decidedAt: p.decided_at === null ? null : Number(p.decided_at),
    decisionNote: p.decision_note,
    adjustedScores: p.adjusted_scores ? parseScores(p.adjusted_scores) : null,
    adjustedScore: p.adjusted_score === null ? null : Number(p.adjusted_score),
    adjustedResult: p.adjusted_result as AppealView['adjustedResult'],
    mayDecide: p.status === 'open' && mayArbitrate(actor, r, led),
  };
}

async function loadVisible(ctx: Ctx, db: Db, id: string, actor: Actor): Promise<Row> {
  const r = (await withNames(db).where('i.id', '=', id).executeTakeFirst()) as Row | undefined;
  if (!r || !maySeeInspection(actor, r, await ledTeams(db, actor))) throw notFound('quality_inspection', id);
  return r;
}

export async function getInspection(ctx: Ctx, id: string, actor: Actor, db: Db = ctx.db): Promise<InspectionView> {
  requireStaff(actor);
  const r = await loadVisible(ctx, db, id, actor);
  return (await views(ctx, db, [r], actor))[0]!;
}

/**
 * Inspections the actor may read (maySeeInspection, as a query): newest first. mine: the tasks
 * assigned to me (inspector) or the inspections of me (anyone else).
 */
export async function listInspections(ctx: Ctx, f: InspectionListQuery, actor: Actor): Promise<Page<InspectionView>> {
  requireStaff(actor);
  let q = withNames(ctx.db);
  const all = actor.role === 'inspector' || authorityOf(actor.role) >= 4;
  if (!all) {
    const led = await ledTeams(ctx.db, actor);
    q = q.where('i.status', '=', 'submitted');
    if (authorityOf(actor.role) < 3) q = q.where((eb) => eb.or([eb('i.agent_id', '=', actor.id), ...(led.length ? [eb('i.agent_team_id', 'in', led)] : [])]));
  }
  if (f.mine) q = actor.role === 'inspector' ? q.where('i.inspector_id', '=', actor.id) : q.where('i.agent_id', '=', actor.id);
  if (f.status) q = q.where('i.status', '=', f.status);
  if (f.caseId) q = q.where('i.case_id', '=', f.caseId);
  if (f.agentId) q = q.where('i.agent_id', '=', f.agentId);
  if (f.planId) q = q.where('i.plan_id', '=', f.planId);
  if (f.cursor) {
    const k = decodeCursor(f.cursor);
    const v = Number(k.v);
    q = q.where((eb) => eb.or([eb('i.created_at', '<', v), eb.and([eb('i.created_at', '=', v), eb('i.id', '<', k.id)])]));
  }
  const rows = (await q.orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(f.limit + 1).execute()) as Row[];
  const items = await views(ctx, ctx.db, rows.slice(0, f.limit), actor);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > f.limit && last ? encodeCursor({ v: last.createdAt, id: last.id }) : null };
}

// ---- making tasks ----------------------------------------------------------------------------

export interface NewTask {
  c: Pick<CasesTable, 'id' | 'owner_id' | 'assignee_id'>;
  agentId: string;
  agentTeamId: string | null;
  inspectorId: string;
  rubric: QualityRubricsTable;
  plan?: { id: string; periodKey: string; reason: string };
}

/** Inserts an inspection task and its internal timeline event (in the caller's transaction). false: the plan had drawn the case already. */
export async function insertTask(ctx: Ctx, trx: Db, t: NewTask, actor: Actor): Promise<string | null> {
  const row: QualityInspectionsTable = {
    id: newId(),
    case_id: t.c.id,
    agent_id: t.agentId,
    agent_team_id: t.agentTeamId,
    inspector_id: t.inspectorId,
    rubric_id: t.rubric.id,
    status: 'pending',
    plan_id: t.plan?.id ?? null,
    period_key: t.plan?.periodKey ?? null,
    sample_reason: t.plan?.reason ?? null,
    scores: null,
    comment: null,
    awarded: null,
    max_points: null,
    score: null,
    critical_failed: 0,
    result: null,
    created_at: ctx.clock.now(),
    submitted_at: null,
    appeal_due_at: null,
  };
  const r = await trx.insertInto('quality_inspections').values(row).onConflict((oc) => oc.columns(['plan_id', 'period_key', 'case_id']).doNothing()).executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 1) === 0) return null;
  await insertEvents(ctx, trx, t.c.id, actor, [
    { type: 'quality_task_created', visibility: 'internal', data: { inspectionId: row.id, inspectorId: row.inspector_id, agentId: row.agent_id, rubricId: row.rubric_id, planId: row.plan_id, periodKey: row.period_key, reason: row.sample_reason } },
  ]);
  return row.id;
}

/** An inspector picks a case to inspect (outside any plan), against a rubric's latest version (default: the first active one). */
export async function startInspection(ctx: Ctx, input: { caseId: string; rubricId?: string | undefined }, actor: Actor): Promise<InspectionView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const c = await trx.selectFrom('cases').selectAll().where('id', '=', input.caseId).executeTakeFirst();
    if (!c) throw notFound('case', input.caseId);
    assertCanSee(actor, c);
    assertNotErased(c);
    let rubric: QualityRubricsTable | undefined;
    if (input.rubricId) {
      const r = await trx.selectFrom('quality_rubrics').selectAll().where('id', '=', input.rubricId).executeTakeFirst();
      if (!r) throw notFound('quality_rubric', input.rubricId);
      rubric = await currentRubric(trx, r.family_id);
    } else rubric = await trx.selectFrom('quality_rubrics').selectAll().where('current', '=', 1).where('active', '=', 1).orderBy('created_at').orderBy('id').executeTakeFirst();
    if (!rubric) throw notFound('quality_rubric', input.rubricId ?? 'active');
    if (rubric.active !== 1) throw conflict('quality_rubric_inactive', `The rubric ${rubric.name} is not in use.`);
    const agentId = c.owner_id ?? c.assignee_id;
    if (!agentId) throw invalid('quality_no_handler', 'Nobody has handled this case yet: there is no agent to inspect.');
    const agent = await trx.selectFrom('users').select('team_id').where('id', '=', agentId).executeTakeFirstOrThrow();
    const id = (await insertTask(ctx, trx, { c, agentId, agentTeamId: agent.team_id, inspectorId: actor.id, rubric }, actor))!;
    await recordAudit(ctx, trx, { actor, action: 'quality.inspection.start', targetType: 'quality_inspection', targetId: id, after: { caseId: c.id, agentId, rubricId: rubric.id } });
    return getInspection(ctx, id, actor, trx);
  });
}

// ---- scoring ---------------------------------------------------------------------------------

/**
 * The inspector the task is assigned to scores it: a draft as often as they like, then a
 * submission (every criterion scored), final and shown to the agent, who may appeal within the
 * configured working days (Civil Code counting on the settings' calendar).
 */
export async function scoreInspection(ctx: Ctx, id: string, input: ScoreInput, actor: Actor): Promise<InspectionView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('quality_inspections').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('quality_inspection', id);
    if (row.inspector_id !== actor.id) throw new DomainError('quality_not_your_task', 'This inspection is assigned to another inspector.', 403);
    if (row.status !== 'pending') throw conflict('quality_inspection_submitted', 'This inspection was submitted: it can no longer be changed (the agent may appeal it).');
    const c = await trx.selectFrom('cases').select(['id', 'number', 'erased_at']).where('id', '=', row.case_id).executeTakeFirstOrThrow();
    assertNotErased(c);
    const rubric = await trx.selectFrom('quality_rubrics').selectAll().where('id', '=', row.rubric_id).executeTakeFirstOrThrow();
    const g = grade(criteriaOf(rubric), rubric.pass_score, input.scores, input.submit);
    const now = ctx.clock.now();
    const set: Partial<QualityInspectionsTable> = { scores: JSON.stringify(g.scores), comment: input.comment?.trim() || null };
    if (input.submit) {
      const s = await qualitySettings(ctx, trx);
      const cal = await calendarOf(ctx, s.calendarId, trx);
      Object.assign(set, {
        status: 'submitted',
        awarded: g.awarded,
        max_points: g.maxPoints,
        score: g.score,
        critical_failed: g.criticalFailed ? 1 : 0,
        result: g.result,
        submitted_at: now,
        appeal_due_at: cal.addWorkingDays(now, s.appealWorkingDays),
      });
    }
    await trx.updateTable('quality_inspections').set(set).where('id', '=', id).execute();
    if (input.submit) {
      const data = { inspectionId: id, agentId: row.agent_id, rubricId: row.rubric_id, score: g.score, result: g.result, criticalFailed: g.criticalFailed, appealDueAt: set.appeal_due_at };
      await insertEvents(ctx, trx, row.case_id, actor, [{ type: 'quality_inspected', visibility: 'internal', body: set.comment ?? null, data }]);
      await recordAudit(ctx, trx, { actor, action: 'quality.inspection.submit', targetType: 'quality_inspection', targetId: id, before: { status: 'pending' }, after: { ...data, scores: g.scores } });
    } else await recordAudit(ctx, trx, { actor, action: 'quality.inspection.draft', targetType: 'quality_inspection', targetId: id, after: { scores: g.scores } });
    return getInspection(ctx, id, actor, trx);
  });
}

// ---- appeals ---------------------------------------------------------------------------------

/** The agent inspected appeals a submitted inspection, once, within the appeal window. */
export async function appealInspection(ctx: Ctx, id: string, reason: string, actor: Actor): Promise<InspectionView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('quality_inspections').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row || !maySeeInspection(actor, row, await ledTeams(trx, actor))) throw notFound('quality_inspection', id);
    if (row.agent_id !== actor.id) throw new DomainError('quality_not_inspected_agent', 'Only the agent inspected may appeal this inspection.', 403);
    const c = await trx.selectFrom('cases').select(['id', 'number', 'erased_at']).where('id', '=', row.case_id).executeTakeFirstOrThrow();
    assertNotErased(c);
    const existing = await trx.selectFrom('quality_appeals').select('id').where('inspection_id', '=', id).executeTakeFirst();
    if (existing) throw conflict('quality_appeal_exists', 'This inspection has been appealed already: one appeal an inspection.', { appealId: existing.id });
    const now = ctx.clock.now();
    if (row.appeal_due_at === null || now > Number(row.appeal_due_at))
      throw conflict('quality_appeal_window_closed', `The time to appeal ended on ${new Date(Number(row.appeal_due_at)).toISOString()}.`, { appealDueAt: Number(row.appeal_due_at) });
    const appeal: QualityAppealsTable = {
      id: newId(),
      inspection_id: id,
      agent_id: actor.id,
      reason,
      status: 'open',
      created_at: now,
      decided_by: null,
      decided_at: null,
      decision_note: null,
      adjusted_scores: null,
      adjusted_score: null,
      adjusted_result: null,
    };
    await trx.insertInto('quality_appeals').values(appeal).execute();
    await insertEvents(ctx, trx, row.case_id, actor, [{ type: 'quality_appealed', visibility: 'internal', body: reason, data: { inspectionId: id, appealId: appeal.id } }]);
    await recordAudit(ctx, trx, { actor, action: 'quality.appeal.create', targetType: 'quality_appeal', targetId: appeal.id, after: { inspectionId: id, caseId: row.case_id } });
    return getInspection(ctx, id, actor, trx);
  });
}

/**
 * A lead arbitrates an open appeal (access.ts: mayArbitrate): upholds the inspection, or adjusts
 * it with new points for every criterion (score and result recomputed; the original is kept on
 * the inspection).
 */
export async function decideAppeal(ctx: Ctx, appealId: string, input: DecideInput, actor: Actor): Promise<InspectionView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('quality_appeals').selectAll().where('id', '=', appealId);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const p = await q.executeTakeFirst();
    if (!p) throw notFound('quality_appeal', appealId);
    const row = await trx.selectFrom('quality_inspections').selectAll().where('id', '=', p.inspection_id).executeTakeFirstOrThrow();
    const led = await ledTeams(trx, actor);
    if (!maySeeInspection(actor, row, led) && !mayArbitrate(actor, row, led)) throw notFound('quality_appeal', appealId);
    if (!mayArbitrate(actor, row, led))
      throw new DomainError('quality_not_arbitrator', "Appeals are arbitrated by the lead of the agent's team, or a manager or director.", 403);
    if (p.status !== 'open') throw conflict('quality_appeal_decided', `This appeal was decided already (${p.status}).`, { status: p.status });
    const c = await trx.selectFrom('cases').select(['id', 'number', 'erased_at']).where('id', '=', row.case_id).executeTakeFirstOrThrow();
    assertNotErased(c);
    const now = ctx.clock.now();
    const set: Partial<QualityAppealsTable> = { status: input.decision === 'uphold' ? 'upheld' : 'adjusted', decided_by: actor.id, decided_at: now, decision_note: input.note };
    if (input.decision === 'adjust') {
      const rubric = await trx.selectFrom('quality_rubrics').selectAll().where('id', '=', row.rubric_id).executeTakeFirstOrThrow();
      const g = grade(criteriaOf(rubric), rubric.pass_score, input.scores as CriterionScore[], true);
      Object.assign(set, { adjusted_scores: JSON.stringify(g.scores), adjusted_score: g.score, adjusted_result: g.result });
    }
    await trx.updateTable('quality_appeals').set(set).where('id', '=', appealId).execute();
    const data = { inspectionId: row.id, appealId, status: set.status, originalScore: Number(row.score), score: set.adjusted_score ?? Number(row.score), result: set.adjusted_result ?? row.result };
    await insertEvents(ctx, trx, row.case_id, actor, [{ type: 'quality_arbitrated', visibility: 'internal', body: input.note, data }]);
    await recordAudit(ctx, trx, { actor, action: `quality.appeal.${input.decision}`, targetType: 'quality_appeal', targetId: appealId, before: { status: 'open', score: Number(row.score) }, after: data });
    return getInspection(ctx, row.id, actor, trx);
  });
}

/** Appeals the actor may see: an agent their own; leads those of their teams (managers and the director all), inspectors all; open first, oldest first. */
export async function listAppeals(ctx: Ctx, f: { status?: string | undefined; limit: number }, actor: Actor): Promise<AppealView[]> {
  requireStaff(actor);
  let q = ctx.db
    .selectFrom('quality_appeals as p')
    .innerJoin('quality_inspections as i', 'i.id', 'p.inspection_id')
    .innerJoin('cases as c', 'c.id', 'i.case_id')
    .innerJoin('users as a', 'a.id', 'p.agent_id')
    .leftJoin('users as d', 'd.id', 'p.decided_by')
    .selectAll('p')
    .select(['i.case_id', 'c.number as case_number', 'a.name as agent_name', 'i.agent_team_id', 'i.status as inspection_status', 'd.name as decider_name']);
  const led = await ledTeams(ctx.db, actor);
  if (actor.role !== 'inspector' && authorityOf(actor.role) < 3)
    q = q.where((eb) => eb.or([eb('p.agent_id', '=', actor.id), ...(led.length ? [eb('i.agent_team_id', 'in', led)] : [])]));
  if (f.status) q = q.where('p.status', '=', f.status);
  const rows = await q.orderBy('p.created_at').orderBy('p.id').limit(f.limit).execute();
  return rows.map((r) => appealView(r, { ...r, status: r.inspection_status }, r.decider_name, actor, led));
}
