import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../../shared/pagination.ts';
import { recordAudit } from '../audit/index.ts';
import { assertCanSee, insertEvents, reopen, type CasesTable } from '../cases/index.ts';
import { currentLevel, escalate } from '../commitments/index.ts';
import { enqueue } from '../notifications/index.ts';
import { consentDecision, consentRequired } from '../privacy/index.ts';
import { can } from '../users/index.ts';
import { inScope, scopeCondition, scopeOf } from './access.ts';
import { generateNextFollowup } from './plans.service.ts';
import type { FollowupAttemptView, FollowupDetail, FollowupListQuery, FollowupMethod, FollowupResult, FollowupView, RecordOutcomeInput } from './followup.schemas.ts';
import type { FollowupsTable } from './followup.table.ts';
import { toView, withNames, type Row } from './followup.views.ts';
import { followupSettings } from './settings.ts';

type Db = Kysely<Database>;

/** The highest escalation level (the director). */
const MAX_LEVEL = 4;

/** The lead of the team, else of the nearest unit above it that has one. */
export async function leadOf(db: Db, teamId: string | null): Promise<string | null> {
  for (let id = teamId, hops = 0; id && hops < 10; hops++) {
    const t = await db.selectFrom('teams').select(['parent_id', 'lead_user_id']).where('id', '=', id).executeTakeFirst();
    if (!t) return null;
    if (t.lead_user_id) return t.lead_user_id;
    id = t.parent_id;
  }
  return null;
}

/**
 * A context whose database is the transaction `trx`, and whose transaction() runs in it: another
 * module's use case (the cases module's reopen) then writes in this one transaction, so the
 * follow-up's outcome and the reopen commit or roll back together.
 */
function inTransaction(ctx: Ctx, trx: Db): Ctx {
  const db = new Proxy(trx, {
    get(target, prop) {
      if (prop === 'transaction') return () => ({ execute: <T>(fn: (t: Db) => Promise<T>) => fn(target) });
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { ...ctx, db };
}

async function viewById(ctx: Ctx, db: Db, id: string): Promise<FollowupView> {
  const r = await withNames(db).where('f.id', '=', id).executeTakeFirst();
  if (!r) throw notFound('followup', id);
  return toView(r as Row, ctx.clock.now());
}

/** A restricted (sensitive) case's follow-up is seen by its assignee and by those who may read restricted cases. */
const seesCase = (actor: Actor, r: Pick<Row, 'case_sensitive' | 'assignee_id'>) => r.case_sensitive !== 1 || r.assignee_id === actor.id || can(actor.role, 'case.read_sensitive');

async function detail(ctx: Ctx, db: Db, id: string): Promise<FollowupDetail> {
  const view = await viewById(ctx, db, id);
  const attempts = await db
    .selectFrom('followup_attempts as a')
    .leftJoin('users as u', 'u.id', 'a.by_user')
    .selectAll('a')
    .select('u.name as by_name')
    .where('a.followup_id', '=', id)
    .orderBy('a.at')
    .orderBy('a.id')
    .execute();
  const attemptLog: FollowupAttemptView[] = attempts.map((a) => ({
    id: a.id,
    at: Number(a.at),
    byId: a.by_user,
    byName: a.by_name,
    method: a.method as FollowupMethod,
    reached: a.reached === 1,
    result: a.result as FollowupResult | null,
    notes: a.notes,
  }));
  return { ...view, attemptLog, maxAttempts: (await followupSettings(ctx, db)).maxAttempts };
}

export async function getFollowup(ctx: Ctx, id: string, actor: Actor): Promise<FollowupDetail> {
  const scope = await scopeOf(ctx.db, actor);
  const r = await withNames(ctx.db).where('f.id', '=', id).executeTakeFirst();
  if (!r || !inScope(scope, r) || !seesCase(actor, r as Row)) throw notFound('followup', id);
  return detail(ctx, ctx.db, id);
}

/** A case's follow-ups, oldest first, those of them the actor may see (the case page's card). */
export async function caseFollowups(ctx: Ctx, caseId: string, actor: Actor): Promise<FollowupView[]> {
  const scope = await scopeOf(ctx.db, actor);
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  const rows = await withNames(ctx.db).where('f.case_id', '=', caseId).orderBy('f.scheduled_at').orderBy('f.id').execute();
  const now = ctx.clock.now();
  return rows.filter((r) => inScope(scope, r)).map((r) => toView(r as Row, now));
}

/** My follow-ups, the team's (what the actor may see), overdue ones...; soonest due first. */
export async function listFollowups(ctx: Ctx, f: FollowupListQuery, actor: Actor): Promise<Page<FollowupView>> {
  const scope = await scopeOf(ctx.db, actor);
  const now = ctx.clock.now();
  let q = withNames(ctx.db);
  if (!scope.all) q = q.where((eb) => scopeCondition(eb, scope));
  if (f.scope === 'mine') q = q.where('f.assignee_id', '=', actor.id);
  if (f.status === 'overdue') q = q.where('f.status', '=', 'pending').where('f.due_at', '<=', now);
  else if (f.status) q = q.where('f.status', '=', f.status);
  if (f.kind) q = q.where('f.kind', '=', f.kind);
  if (f.teamId) q = q.where('f.team_id', '=', f.teamId);
  if (f.caseId) q = q.where('f.case_id', '=', f.caseId);
  if (f.planId) q = q.where('f.plan_id', '=', f.planId);
  if (!can(actor.role, 'case.read_sensitive'))
    q = q.where((eb) => eb.or([eb('c.sensitive', 'is', null), eb('c.sensitive', '=', 0), eb('f.assignee_id', '=', actor.id)]));
  if (f.cursor) {
    const k = decodeCursor(f.cursor);
    const v = Number(k.v);
    q = q.where((eb) => eb.or([eb('f.due_at', '>', v), eb.and([eb('f.due_at', '=', v), eb('f.id', '>', k.id)])]));
  }
  const rows = await q.orderBy('f.due_at').orderBy('f.id').limit(f.limit + 1).execute();
  const items = rows.slice(0, f.limit).map((r) => toView(r as Row, now));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > f.limit && last ? encodeCursor({ v: last.dueAt, id: last.id }) : null };
}

// ---- recording the outcome ------------------------------------------------------------------

/**
 * The assignee (or a lead over the team) records a contact attempt: not reached (logged; the
 * follow-up stays pending until the maximum attempts, then it is given up as unreachable), or
 * reached with the customer's result. A dissatisfied result needs an action (SPEC 5): reopen the
 * case (through the cases module, in this transaction: refused as a reopen by this person would
 * be), or escalate it a level (commitments' escalation: case_escalations, the timeline and the
 * notification to the next authority; the director being the last, a case already there has its
 * lead told instead). A plan's follow-up has no case: it escalates to the team's lead. The next
 * step of a plan is generated when its follow-up closes.
 */
export async function recordOutcome(ctx: Ctx, id: string, input: RecordOutcomeInput, actor: Actor): Promise<FollowupDetail> {
  const scope = await scopeOf(ctx.db, actor);
  if (input.reached && !input.result) throw invalid('followup_result_required', 'The customer was reached: record their result (satisfied, neutral or dissatisfied).');
  if (!input.reached && (input.result || input.action)) throw invalid('followup_action_not_allowed', 'The customer was not reached: there is no result or action to record, only the attempt.');
  if (input.result === 'dissatisfied' && !input.action) throw invalid('followup_action_required', 'The customer was dissatisfied: choose to reopen the case or to escalate it (SPEC 5).');
  if (input.action && input.result !== 'dissatisfied') throw invalid('followup_action_not_allowed', 'A case is reopened or escalated from a follow-up only when the customer was dissatisfied.');
  return ctx.db.transaction().execute(async (trx) => {
    const peek = await trx.selectFrom('followups').select(['case_id']).where('id', '=', id).executeTakeFirst();
    if (!peek) throw notFound('followup', id);
    // the case row locked first, as the case's own changes lock it (their hooks then touch its follow-ups)
    let c: CasesTable | undefined;
    if (peek.case_id) {
      let cq = trx.selectFrom('cases').selectAll().where('id', '=', peek.case_id);
      if (ctx.ops.supportsForUpdate) cq = cq.forUpdate();
      c = await cq.executeTakeFirst();
    }
    let fq = trx.selectFrom('followups').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) fq = fq.forUpdate();
    const row = (await fq.executeTakeFirst())!;
    if (!inScope(scope, row) || (c && !seesCase(actor, { case_sensitive: c.sensitive, assignee_id: row.assignee_id }))) throw notFound('followup', id);
    const customer = row.customer_id ? await trx.selectFrom('customers').select(['id', 'erased_at']).where('id', '=', row.customer_id).executeTakeFirst() : undefined;
    if (c?.erased_at != null || customer?.erased_at != null)
      throw conflict('customer_erased', "The customer's personal data was erased: nobody is called about it any more.", c ? { number: c.number } : undefined);
    if (row.status !== 'pending') throw conflict('followup_not_pending', `This follow-up is already ${row.status}.`, { status: row.status });
    if (input.action === 'reopen' && !c) throw invalid('followup_action_not_allowed', "A plan's follow-up has no case to reopen: escalate it instead.");
    // SPEC 10: calling a customer after their case is closed needs their service_contact consent (privacy's consent register)
    if (row.customer_id) {
      const d = await consentDecision(trx, row.customer_id, 'service_contact');
      if (!d.allowed) throw consentRequired(row.customer_id, 'service_contact');
    }
    const settings = await followupSettings(ctx, trx);
    const now = ctx.clock.now();
    const attempts = row.attempts + 1;
    await trx
      .insertInto('followup_attempts')
      .values({ id: newId(), followup_id: id, at: now, by_user: actor.id, method: input.method, reached: input.reached ? 1 : 0, result: input.result ?? null, notes: input.notes || null })
      .execute();
    const status = input.reached ? 'done' : attempts >= settings.maxAttempts ? 'unreachable' : 'pending';
    const set: Partial<FollowupsTable> = { attempts, last_attempt_at: now, method: input.method };
    if (status !== 'pending') Object.assign(set, { status, closed_at: now, closed_by: actor.id });
    if (input.reached) Object.assign(set, { result: input.result, action: input.action ?? null, notes: input.notes || null });
    const data: Record<string, unknown> = { followupId: id, method: input.method, reached: input.reached, attempts, dueAt: Number(row.due_at) };
    if (input.reached) Object.assign(data, { result: input.result, action: input.action ?? null, onTime: now <= Number(row.due_at) });
    if (input.action === 'escalate') {
      const esc = await escalateFor(ctx, trx, row, c, actor);
      set.escalation_level = esc.level;
      Object.assign(data, { level: esc.level, notified: esc.notified });
    }
    const u = await trx.updateTable('followups').set(set).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    if (Number(u.numUpdatedRows) !== 1) throw conflict('followup_not_pending', 'This follow-up was closed meanwhile.');
    if (c) {
      const type = status === 'done' ? 'followup_done' : status === 'unreachable' ? 'followup_unreachable' : 'followup_attempted';
      await insertEvents(ctx, trx, c.id, actor, [{ type, visibility: 'internal', body: input.notes || null, data }]);
    }
    // after this follow-up is no longer pending: the reopen's own hook cancels only pending ones
    if (input.action === 'reopen') await reopen(inTransaction(ctx, trx), c!.id, { reason: 'Follow-up: the customer was dissatisfied (回访不满意)' }, actor);
    if (row.plan_id && status !== 'pending') await generateNextFollowup(ctx, trx, row.plan_id, now);
    await recordAudit(ctx, trx, { actor, action: 'followup.record', targetType: 'followup', targetId: id, before: { status: row.status, attempts: row.attempts }, after: { ...data, status } });
    return detail(ctx, trx, id);
  });
}

/** A dissatisfied follow-up escalated: the case one level up (to the director at most), else (at the top, or no case) its lead told. */
async function escalateFor(ctx: Ctx, trx: Db, row: FollowupsTable, c: CasesTable | undefined, actor: Actor): Promise<{ level: number | null; notified: string[] }> {
  if (c) {
    const level = Math.min(MAX_LEVEL, (await currentLevel(trx, c.id)) + 1);
    const r = await escalate(ctx, trx, c, level, 'dissatisfied', row.id, { target: 'followup', dueAt: Number(row.due_at) });
    if (r) return r;
  }
  const lead = await leadOf(trx, row.team_id);
  const notified = lead ? [lead] : [];
  if (notified.length)
    await enqueue(ctx, trx, {
      topic: 'notify',
      caseId: c?.id ?? null,
      payload: { userIds: notified, kind: 'followup_escalated', template: 'followup_escalated', caseId: c?.id ?? null, vars: { number: c?.number, subject: c?.subject, by: actor.name, followupId: row.id } },
    });
  if (c) await insertEvents(ctx, trx, c.id, actor, [{ type: 'followup_escalated', visibility: 'internal', data: { followupId: row.id, notified } }]);
  return { level: null, notified };
}
