import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { inScope, scopeOf } from './access.ts';
import type { FollowupReport, FollowupReportQuery } from './followup.schemas.ts';

/**
 * Follow-ups in a period (SPEC 5 with SPEC 8's way of judging a target): those DUE in [from, to),
 * cancelled ones left out (a reopen, a paused plan: nobody owed them any more).
 * - done: the customer reached and the result recorded; on time: done by the due time.
 * - on-time rate: on time / judged, judged being those done, given up as unreachable, or still
 *   pending past their due time now (a target not met by its deadline is missed, as SLA
 *   compliance counts it); pending ones not yet due are not judged.
 * - results: of those done, the count and share (of done) of each result.
 * A lead's report covers what they may see (their teams); the director's all.
 */
export async function followupReport(ctx: Ctx, q: FollowupReportQuery, actor: Actor | 'all'): Promise<FollowupReport> {
  // 'all': the centre's whole report (modules/reports), whoever asks for it
  const scope = actor === 'all' ? null : await scopeOf(ctx.db, actor);
  const now = ctx.clock.now();
  let query = ctx.db
    .selectFrom('followups')
    .select(['assignee_id', 'team_id', 'status', 'due_at', 'closed_at', 'result'])
    .where('due_at', '>=', q.from)
    .where('due_at', '<', q.to)
    .where('status', '!=', 'cancelled');
  if (q.teamId) query = query.where('team_id', '=', q.teamId);
  const rows = (await query.execute()).filter((r) => scope === null || inScope(scope, r));
  const done = rows.filter((r) => r.status === 'done');
  const onTime = done.filter((r) => r.closed_at !== null && Number(r.closed_at) <= Number(r.due_at)).length;
  const unreachable = rows.filter((r) => r.status === 'unreachable').length;
  const pending = rows.filter((r) => r.status === 'pending');
  const pendingOverdue = pending.filter((r) => Number(r.due_at) <= now).length;
  const judged = done.length + unreachable + pendingOverdue;
  const count = (result: string) => done.filter((r) => r.result === result).length;
  const results = { satisfied: count('satisfied'), neutral: count('neutral'), dissatisfied: count('dissatisfied') };
  const share = (n: number) => (done.length === 0 ? null : n / done.length);
  return {
    from: q.from,
    to: q.to,
    teamId: q.teamId ?? null,
    scheduled: rows.length,
    done: done.length,
    onTime,
    late: done.length - onTime,
    unreachable,
    pending: pending.length,
    pendingOverdue,
    onTimeRate: judged === 0 ? null : onTime / judged,
    results,
    shares: { satisfied: share(results.satisfied), neutral: share(results.neutral), dissatisfied: share(results.dissatisfied) },
    dissatisfied: results.dissatisfied,
  };
}
