import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { teamAndBelow } from './access.ts';
import { insertTask } from './inspections.service.ts';
import type { QualityPlansTable } from './quality.table.ts';
import type { DrawResult, PlanInput, PlanView } from './quality.schemas.ts';
import { currentRubric } from './rubrics.ts';
import { drawSample, mustIncludeProviders, periodOf, previousPeriod, targetSize } from './sampling.ts';

type Db = Kysely<Database>;

const toView = (p: QualityPlansTable, rubricName: string): PlanView => ({
  id: p.id,
  name: p.name,
  teamId: p.team_id,
  period: p.period as PlanView['period'],
  mode: p.mode as PlanView['mode'],
  amount: p.amount,
  rubricFamilyId: p.rubric_family_id,
  rubricName,
  seed: p.seed,
  active: p.active === 1,
  createdAt: Number(p.created_at),
});

const rubricNames = async (db: Db) => new Map((await db.selectFrom('quality_rubrics').select(['family_id', 'name']).where('current', '=', 1).execute()).map((r) => [r.family_id, r.name]));

export async function listPlans(ctx: Ctx): Promise<PlanView[]> {
  const [rows, names] = await Promise.all([ctx.db.selectFrom('quality_plans').selectAll().orderBy('name').orderBy('id').execute(), rubricNames(ctx.db)]);
  return rows.map((p) => toView(p, names.get(p.rubric_family_id) ?? ''));
}

async function checkRefs(db: Db, input: PlanInput): Promise<string> {
  if (input.teamId && !(await db.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst())) throw notFound('team', input.teamId);
  const r = await db.selectFrom('quality_rubrics').select('family_id').where('id', '=', input.rubricId).executeTakeFirst();
  if (!r) throw notFound('quality_rubric', input.rubricId);
  return r.family_id;
}

export async function createPlan(ctx: Ctx, input: PlanInput, actor: Actor): Promise<PlanView> {
  return ctx.db.transaction().execute(async (trx) => {
    const family = await checkRefs(trx, input);
    const now = ctx.clock.now();
    const id = newId();
    const row: QualityPlansTable = {
      id,
      name: input.name,
      team_id: input.teamId ?? null,
      period: input.period,
      mode: input.mode,
      amount: input.amount,
      rubric_family_id: family,
      seed: input.seed ?? id,
      active: input.active ? 1 : 0,
      created_at: now,
      created_by: actor.id,
      updated_at: now,
    };
    await trx.insertInto('quality_plans').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'quality.plan.create', targetType: 'quality_plan', targetId: id, after: { ...input } });
    return toView(row, (await rubricNames(trx)).get(family) ?? '');
  });
}

export async function updatePlan(ctx: Ctx, id: string, input: PlanInput, actor: Actor): Promise<PlanView> {
  return ctx.db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('quality_plans').selectAll().where('id', '=', id).executeTakeFirst();
    if (!old) throw notFound('quality_plan', id);
    const family = await checkRefs(trx, input);
    const set = { name: input.name, team_id: input.teamId ?? null, period: input.period, mode: input.mode, amount: input.amount, rubric_family_id: family, seed: input.seed ?? old.seed, active: input.active ? 1 : 0, updated_at: ctx.clock.now() };
    await trx.updateTable('quality_plans').set(set).where('id', '=', id).execute();
    await recordAudit(ctx, trx, { actor, action: 'quality.plan.update', targetType: 'quality_plan', targetId: id, before: { ...old }, after: { ...set } });
    return toView({ ...old, ...set }, (await rubricNames(trx)).get(family) ?? '');
  });
}

/**
 * Draws a plan's sample for a period (default: the one before now) and makes each drawn case an
 * inspection task, assigned round-robin among the active inspectors (continuing from the plan's
 * earlier tasks). Per agent of the plan (role agent, of its team or a unit under it): the cases
 * they handled (owner, else assignee) resolved or closed in the period (the last resolution, or
 * the closing of a case closed without one), erased and restricted (sensitive) ones left out. Idempotent: a plan draws a
 * case once a period, and an agent's random part once a period (a second run only adds
 * complaints and provider cases that appeared since).
 */
export async function drawPlan(ctx: Ctx, planId: string, date: string | undefined, actor: Actor): Promise<DrawResult> {
  return ctx.db.transaction().execute(async (trx) => {
    let pq = trx.selectFrom('quality_plans').selectAll().where('id', '=', planId);
    if (ctx.ops.supportsForUpdate) pq = pq.forUpdate();
    const plan = await pq.executeTakeFirst();
    if (!plan) throw notFound('quality_plan', planId);
    if (plan.active !== 1) throw conflict('quality_plan_inactive', `The plan ${plan.name} is paused.`);
    const kind = plan.period as 'week' | 'month';
    let period;
    try {
      period = date ? periodOf(kind, date, ctx.config.timeZone) : previousPeriod(kind, ctx.clock.now(), ctx.config.timeZone);
    } catch {
      throw invalid('quality_bad_date', `Not a date: ${date}.`);
    }
    const rubric = await currentRubric(trx, plan.rubric_family_id);
    if (!rubric || rubric.active !== 1) throw conflict('quality_rubric_inactive', "The plan's rubric is not in use.");
    const inspectors = await trx.selectFrom('users').select('id').where('role', '=', 'inspector').where('active', '=', 1).orderBy('id').execute();
    if (!inspectors.length) throw conflict('quality_no_inspectors', 'There is no active inspector to give the tasks to.');
    let aq = trx.selectFrom('users').select(['id', 'team_id']).where('role', '=', 'agent').where('active', '=', 1);
    if (plan.team_id) aq = aq.where('team_id', 'in', await teamAndBelow(trx, plan.team_id));
    const agents = await aq.orderBy('id').execute();
    const result: DrawResult = { planId, periodKey: period.key, from: period.from, to: period.to, created: 0, agents: [] };
    let next = Number((await trx.selectFrom('quality_inspections').select((eb) => eb.fn.countAll<number>().as('n')).where('plan_id', '=', planId).executeTakeFirstOrThrow()).n);
    for (const agent of agents) {
      const cases = await trx
        .selectFrom('cases')
        .select(['id', 'type', 'owner_id', 'assignee_id'])
        .where('status', 'in', ['resolved', 'closed'])
        .where('erased_at', 'is', null)
        // restricted cases: inspectors may not open them (assertCanSee), so no task is made of them
        .where('sensitive', '=', 0)
        .where((eb) => eb.or([eb('owner_id', '=', agent.id), eb.and([eb('owner_id', 'is', null), eb('assignee_id', '=', agent.id)])]))
        .where((eb) =>
          eb.or([
            eb.and([eb('resolved_at', '>=', period.from), eb('resolved_at', '<', period.to)]),
            eb.and([eb('resolved_at', 'is', null), eb('closed_at', '>=', period.from), eb('closed_at', '<', period.to)]),
          ]),
        )
        .execute();
      const must = new Map<string, string>();
      for (const p of mustIncludeProviders()) for (const id of await p.caseIds(ctx, { db: trx, agentId: agent.id, from: period.from, to: period.to })) if (!must.has(id)) must.set(id, p.name);
      const drawnBefore = await trx.selectFrom('quality_inspections').select('id').where('plan_id', '=', planId).where('period_key', '=', period.key).where('agent_id', '=', agent.id).where('sample_reason', '=', 'random').limit(1).executeTakeFirst();
      const target = targetSize(plan.mode as 'count' | 'percent', plan.amount, cases.length);
      const drawn = drawSample(cases, must, target, `${plan.seed}:${period.key}:${agent.id}`, !drawnBefore);
      let created = 0;
      for (const d of drawn) {
        const c = cases.find((x) => x.id === d.caseId)!;
        const id = await insertTask(ctx, trx, { c, agentId: agent.id, agentTeamId: agent.team_id, inspectorId: inspectors[next % inspectors.length]!.id, rubric, plan: { id: planId, periodKey: period.key, reason: d.reason } }, actor);
        if (id) {
          created++;
          next++;
        }
      }
      result.created += created;
      if (cases.length) result.agents.push({ agentId: agent.id, population: cases.length, target, drawn: drawn.length, created });
    }
    await recordAudit(ctx, trx, { actor, action: 'quality.plan.draw', targetType: 'quality_plan', targetId: planId, after: { periodKey: period.key, created: result.created } });
    return result;
  });
}
