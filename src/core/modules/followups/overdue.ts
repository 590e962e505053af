import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { systemActor } from '../../shared/actor.ts';
import { overdueWorker, sweepInBatches, type OverdueSweepResult, type OverdueWorker } from '../../shared/overdue-sweep.ts';
import { recordAudit } from '../audit/index.ts';
import { insertEvents } from '../cases/index.ts';
import { enqueue } from '../notifications/index.ts';
import { leadOf } from './followup.service.ts';

type Db = Kysely<Database>;

/** Follow-ups marked overdue by a sweep. */
export type FollowupOverdueResult = OverdueSweepResult;

const ACTOR = systemActor('followups');

/**
 * One batch: claims the pending follow-ups past due that nobody has marked yet with one UPDATE
 * ... WHERE overdue_at IS NULL (on PostgreSQL the rows picked FOR UPDATE SKIP LOCKED, and the
 * condition checked again on the locked row), so each is marked exactly once whatever the number
 * of app nodes; then, in the same transaction, the case's internal followup_overdue event and a
 * notification to the assignee's lead (and the assignee) through the outbox.
 */
async function sweepBatch(ctx: Ctx, trx: Db, batchSize: number): Promise<number> {
  const now = ctx.clock.now();
  let due = trx.selectFrom('followups').select('id').where('status', '=', 'pending').where('overdue_at', 'is', null).where('due_at', '<=', now).orderBy('due_at').limit(batchSize);
  if (ctx.ops.supportsForUpdate) due = due.forUpdate().skipLocked();
  const claimed = await trx.updateTable('followups').set({ overdue_at: now }).where('id', 'in', due).where('status', '=', 'pending').where('overdue_at', 'is', null).returningAll().execute();
  if (claimed.length === 0) return 0;
  const caseIds = [...new Set(claimed.map((f) => f.case_id).filter((id): id is string => id !== null))];
  const cases = caseIds.length ? await trx.selectFrom('cases').select(['id', 'number', 'subject']).where('id', 'in', caseIds).execute() : [];
  const caseOf = new Map(cases.map((c) => [c.id, c]));
  const leads = new Map<string | null, string | null>();
  for (const f of claimed.sort((a, b) => Number(a.due_at) - Number(b.due_at) || a.id.localeCompare(b.id))) {
    // the assignee's lead: of the assignee's team now, else of the follow-up's team
    const assigneeTeam = f.assignee_id ? ((await trx.selectFrom('users').select('team_id').where('id', '=', f.assignee_id).executeTakeFirst())?.team_id ?? null) : null;
    const team = assigneeTeam ?? f.team_id;
    if (!leads.has(team)) leads.set(team, await leadOf(trx, team));
    const lead = leads.get(team) ?? null;
    const notified = [...new Set([lead, f.assignee_id].filter((u): u is string => u !== null))];
    const c = f.case_id ? caseOf.get(f.case_id) : undefined;
    const data = { followupId: f.id, dueAt: Number(f.due_at), assigneeId: f.assignee_id, notified };
    if (f.case_id) await insertEvents(ctx, trx, f.case_id, ACTOR, [{ type: 'followup_overdue', visibility: 'internal', data }]);
    if (notified.length)
      await enqueue(ctx, trx, {
        topic: 'notify',
        caseId: f.case_id,
        payload: { userIds: notified, kind: 'followup_overdue', template: 'followup_overdue', caseId: f.case_id, vars: { number: c?.number, subject: c?.subject, dueAt: Number(f.due_at), followupId: f.id } },
      });
  }
  await recordAudit(ctx, trx, { actor: ACTOR, action: 'followup.overdue', targetType: 'followups', after: { marked: claimed.map((f) => f.id), node: ctx.config.nodeId } });
  return claimed.length;
}

/** Marks every follow-up past due (a batch a transaction, a turn of the event loop between batches). */
export const sweepOverdueFollowups = (ctx: Ctx, opts: { batchSize?: number; maxBatches?: number } = {}): Promise<FollowupOverdueResult> =>
  sweepInBatches(ctx, sweepBatch, opts);

export type FollowupWorker = OverdueWorker;

/** The server's overdue sweep (main.ts), every `everyMs` (default a minute). */
export const createFollowupWorker = (ctx: Ctx, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): FollowupWorker =>
  overdueWorker('followup-overdue', () => sweepOverdueFollowups(ctx), { everyMs: opts.everyMs ?? 60_000, onError: opts.onError });
