import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { systemActor } from '../../shared/actor.ts';
import { overdueWorker, sweepInBatches, type OverdueSweepResult, type OverdueWorker } from '../../shared/overdue-sweep.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueue } from '../notifications/index.ts';

type Db = Kysely<Database>;

const ACTOR = systemActor('capa');

/**
 * One batch: claims the open actions past due that nobody has marked yet with one UPDATE ... WHERE
 * overdue_at IS NULL (on PostgreSQL the rows picked with FOR UPDATE SKIP LOCKED), so each is
 * marked exactly once whatever the number of app nodes sweeping; then, in the same transaction, a
 * notification to the action's owner and the problem's owner through the outbox.
 */
async function sweepBatch(ctx: Ctx, trx: Db, batchSize: number): Promise<number> {
  const now = ctx.clock.now();
  let due = trx.selectFrom('problem_actions').select('id').where('status', '=', 'open').where('overdue_at', 'is', null).where('due_at', '<=', now).orderBy('due_at').limit(batchSize);
  if (ctx.ops.supportsForUpdate) due = due.forUpdate().skipLocked();
  const claimed = await trx
    .updateTable('problem_actions')
    .set({ overdue_at: now })
    .where('id', 'in', due)
    .where('status', '=', 'open')
    .where('overdue_at', 'is', null)
    .returningAll()
    .execute();
  if (claimed.length === 0) return 0;
  const problems = await trx
    .selectFrom('problems')
    .select(['id', 'title', 'owner_id'])
    .where('id', 'in', [...new Set(claimed.map((a) => a.problem_id))])
    .execute();
  const problemOf = new Map(problems.map((p) => [p.id, p]));
  for (const a of claimed.sort((x, y) => Number(x.due_at) - Number(y.due_at) || x.id.localeCompare(y.id))) {
    const p = problemOf.get(a.problem_id);
    const userIds = [...new Set([a.owner_id, p?.owner_id].filter((u): u is string => !!u))];
    await enqueue(ctx, trx, {
      topic: 'notify',
      payload: {
        userIds,
        kind: 'capa_action_overdue',
        template: 'capa_action_overdue',
        vars: { problemTitle: p?.title, problemId: a.problem_id, kind: a.kind, description: a.description, dueDate: a.due_date, dueAt: Number(a.due_at) },
      },
    });
  }
  await recordAudit(ctx, trx, { actor: ACTOR, action: 'problem.action.overdue', targetType: 'problem_actions', after: { marked: claimed.map((a) => a.id), node: ctx.config.nodeId } });
  return claimed.length;
}

/** Marks every action past due (a batch a transaction). */
export const sweepOverdueActions = (ctx: Ctx, opts: { batchSize?: number; maxBatches?: number } = {}): Promise<OverdueSweepResult> =>
  sweepInBatches(ctx, sweepBatch, opts);

export type CapaWorker = OverdueWorker;

/** The server's sweep of overdue CAPA actions (main.ts), every `everyMs` (default five minutes). */
export const createCapaWorker = (ctx: Ctx, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): CapaWorker =>
  overdueWorker('capa-action-overdue', () => sweepOverdueActions(ctx), { everyMs: opts.everyMs ?? 300_000, onError: opts.onError });
