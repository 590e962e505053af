import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { calendarOf } from '../commitments/index.ts';
import { activeStaff } from '../users/index.ts';
import { inScope, scopeOf } from './access.ts';
import type { CreatePlanInput, PlanStatus, PlanView, UpdatePlanInput } from './followup.schemas.ts';
import type { FollowupPlansTable } from './followup.table.ts';
import { dueOnDate, localDate, nextPlanStep } from './schedule.ts';
import { followupSettings } from './settings.ts';

type Db = Kysely<Database>;

/**
 * Periodic follow-ups (SPEC 5): a plan for a customer under a delivered project generates one
 * follow-up at a time, at the next step of its schedule (schedule.ts), when it is created and
 * each time the previous one is done or given up. Paused or ended, its pending follow-up is
 * cancelled; active again, the next step from today is generated.
 */
export async function generateNextFollowup(ctx: Ctx, trx: Db, planId: string, now: number): Promise<string | null> {
  const plan = await trx.selectFrom('followup_plans').selectAll().where('id', '=', planId).executeTakeFirstOrThrow();
  if (plan.status !== 'active') return null;
  const pending = await trx.selectFrom('followups').select('id').where('plan_id', '=', planId).where('status', '=', 'pending').executeTakeFirst();
  if (pending) return null;
  const settings = await followupSettings(ctx, trx);
  const cal = await calendarOf(ctx, settings.calendarId, trx);
  const next = nextPlanStep(plan.delivered_on, plan.last_step, localDate(now, cal.spec.timeZone));
  if (plan.ends_on !== null && next.date > plan.ends_on) {
    // past its end: the plan is over
    await trx.updateTable('followup_plans').set({ status: 'ended', updated_at: now }).where('id', '=', planId).execute();
    return null;
  }
  const id = newId();
  await trx
    .insertInto('followups')
    .values({
      id,
      kind: 'plan',
      case_id: null,
      customer_id: plan.customer_id,
      plan_id: plan.id,
      plan_step: next.step,
      status: 'pending',
      assignee_id: plan.assignee_id,
      team_id: plan.team_id,
      scheduled_at: now,
      due_at: dueOnDate(cal, next.date),
      calendar_id: settings.calendarId,
      working_days: null,
      overdue_at: null,
      attempts: 0,
      last_attempt_at: null,
      closed_at: null,
      closed_by: null,
      method: null,
      result: null,
      action: null,
      escalation_level: null,
      notes: null,
      cancel_reason: null,
      created_at: now,
    })
    .execute();
  await trx.updateTable('followup_plans').set({ last_step: next.step, updated_at: now }).where('id', '=', planId).execute();
  return id;
}

async function cancelPending(trx: Db, planId: string, reason: string, now: number, actor: Actor): Promise<number> {
  const r = await trx
    .updateTable('followups')
    .set({ status: 'cancelled', cancel_reason: reason, closed_at: now, closed_by: actor.kind === 'staff' ? actor.id : null })
    .where('plan_id', '=', planId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

const planQuery = (db: Db) =>
  db
    .selectFrom('followup_plans as p')
    .innerJoin('customers as cu', 'cu.id', 'p.customer_id')
    .leftJoin('users as a', 'a.id', 'p.assignee_id')
    .leftJoin('followups as f', (j) => j.onRef('f.plan_id', '=', 'p.id').on('f.status', '=', 'pending'))
    .selectAll('p')
    .select(['cu.name as customer_name', 'a.name as assignee_name', 'f.id as next_id', 'f.due_at as next_due_at']);

type PlanRow = FollowupPlansTable & { customer_name: string; assignee_name: string | null; next_id: string | null; next_due_at: number | null };

const toPlanView = (r: PlanRow): PlanView => ({
  id: r.id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  title: r.title,
  deliveredOn: r.delivered_on,
  endsOn: r.ends_on,
  status: r.status as PlanStatus,
  assigneeId: r.assignee_id,
  assigneeName: r.assignee_name,
  teamId: r.team_id,
  lastStep: r.last_step,
  nextDueAt: r.next_due_at === null ? null : Number(r.next_due_at),
  nextFollowupId: r.next_id,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

async function planView(db: Db, id: string): Promise<PlanView> {
  const r = await planQuery(db).where('p.id', '=', id).executeTakeFirst();
  if (!r) throw notFound('followup_plan', id);
  return toPlanView(r as PlanRow);
}

export async function getPlan(ctx: Ctx, id: string, actor: Actor): Promise<PlanView> {
  const scope = await scopeOf(ctx.db, actor);
  const p = await ctx.db.selectFrom('followup_plans').select(['assignee_id', 'team_id']).where('id', '=', id).executeTakeFirst();
  if (!p || !inScope(scope, p)) throw notFound('followup_plan', id);
  return planView(ctx.db, id);
}

export async function listPlans(ctx: Ctx, f: { customerId?: string | undefined; status?: PlanStatus | undefined }, actor: Actor): Promise<PlanView[]> {
  const scope = await scopeOf(ctx.db, actor);
  let q = planQuery(ctx.db);
  if (f.customerId) q = q.where('p.customer_id', '=', f.customerId);
  if (f.status) q = q.where('p.status', '=', f.status);
  const rows = await q.orderBy('p.created_at', 'desc').orderBy('p.id').limit(500).execute();
  return rows.filter((r) => inScope(scope, r)).map((r) => toPlanView(r as PlanRow));
}

/** The plan's assignee: an active member of staff, within what the actor answers for (an agent: themselves). */
async function assigneeFor(trx: Db, actor: Actor, assigneeId: string | undefined) {
  const u = await activeStaff(trx, assigneeId ?? actor.id);
  const scope = await scopeOf(trx, actor);
  if (!inScope(scope, { assignee_id: u.id, team_id: u.team_id })) throw invalid('followup_assignee_out_of_scope', 'You may give a follow-up plan only to yourself, or (a lead) to a member of the teams you lead.');
  return u;
}

export async function createPlan(ctx: Ctx, input: CreatePlanInput, actor: Actor): Promise<PlanView> {
  await scopeOf(ctx.db, actor);
  if (input.endsOn && input.endsOn < input.deliveredOn) throw invalid('followup_plan_dates', 'The plan cannot end before the project was delivered.');
  return ctx.db.transaction().execute(async (trx) => {
    let cq = trx.selectFrom('customers').select(['id', 'erased_at']).where('id', '=', input.customerId);
    if (ctx.ops.supportsForUpdate) cq = cq.forShare();
    const customer = await cq.executeTakeFirst();
    if (!customer) throw notFound('customer', input.customerId);
    if (customer.erased_at !== null) throw conflict('customer_erased', "The customer's personal data was erased: no follow-ups are planned for them.");
    const u = await assigneeFor(trx, actor, input.assigneeId);
    const now = ctx.clock.now();
    const row: FollowupPlansTable = {
      id: newId(),
      customer_id: customer.id,
      title: input.title,
      delivered_on: input.deliveredOn,
      ends_on: input.endsOn ?? null,
      status: 'active',
      assignee_id: u.id,
      team_id: u.team_id,
      last_step: 0,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('followup_plans').values(row).execute();
    const first = await generateNextFollowup(ctx, trx, row.id, now);
    await recordAudit(ctx, trx, { actor, action: 'followup_plan.create', targetType: 'followup_plan', targetId: row.id, after: { customerId: row.customer_id, deliveredOn: row.delivered_on, endsOn: row.ends_on, assigneeId: row.assignee_id, firstFollowupId: first } });
    return planView(trx, row.id);
  });
}

export async function updatePlan(ctx: Ctx, id: string, input: UpdatePlanInput, actor: Actor): Promise<PlanView> {
  const scope = await scopeOf(ctx.db, actor);
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('followup_plans').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const plan = await q.executeTakeFirst();
    if (!plan || !inScope(scope, plan)) throw notFound('followup_plan', id);
    if (plan.status === 'ended') throw conflict('followup_plan_ended', 'This plan has ended; create a new one for the customer.');
    const customer = await trx.selectFrom('customers').select('erased_at').where('id', '=', plan.customer_id).executeTakeFirstOrThrow();
    if (customer.erased_at !== null) throw conflict('customer_erased', "The customer's personal data was erased: the plan is over.");
    const endsOn = input.endsOn === undefined ? plan.ends_on : input.endsOn;
    if (endsOn !== null && endsOn < plan.delivered_on) throw invalid('followup_plan_dates', 'The plan cannot end before the project was delivered.');
    const now = ctx.clock.now();
    const set: Partial<FollowupPlansTable> = { updated_at: now, ends_on: endsOn };
    if (input.title !== undefined) set.title = input.title;
    if (input.assigneeId !== undefined) {
      const u = await assigneeFor(trx, actor, input.assigneeId);
      Object.assign(set, { assignee_id: u.id, team_id: u.team_id });
    }
    if (input.status !== undefined) set.status = input.status;
    await trx.updateTable('followup_plans').set(set).where('id', '=', id).execute();
    // the pending follow-up goes with the plan: its new assignee, or cancelled while paused or ended
    if (set.assignee_id !== undefined) await trx.updateTable('followups').set({ assignee_id: set.assignee_id, team_id: set.team_id ?? null }).where('plan_id', '=', id).where('status', '=', 'pending').execute();
    let cancelled = 0;
    if (input.status === 'paused' || input.status === 'ended') {
      const step = (await trx.selectFrom('followups').select('plan_step').where('plan_id', '=', id).where('status', '=', 'pending').executeTakeFirst())?.plan_step;
      cancelled = await cancelPending(trx, id, input.status === 'paused' ? 'plan_paused' : 'plan_ended', now, actor);
      // paused: the step not called is due again on resuming (if its date has not passed by then)
      if (input.status === 'paused' && step != null) await trx.updateTable('followup_plans').set({ last_step: step - 1 }).where('id', '=', id).execute();
    }
    else if (plan.status === 'paused' && input.status === 'active') await generateNextFollowup(ctx, trx, id, now);
    await recordAudit(ctx, trx, {
      actor,
      action: 'followup_plan.update',
      targetType: 'followup_plan',
      targetId: id,
      before: { status: plan.status, endsOn: plan.ends_on, assigneeId: plan.assignee_id },
      after: { status: set.status ?? plan.status, endsOn, assigneeId: set.assignee_id ?? plan.assignee_id, cancelled },
    });
    return planView(trx, id);
  });
}
