import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { appendRow, pendingRows } from '../../db/commit-buffer.ts';
import { newId } from '../../shared/ids.ts';
import { warnFractionsOf } from './apply.ts';

type Trx = Kysely<Database>;

/**
 * A historical record (an offline record imported, modules/channels/import), just created with
 * its commitments computed from the time it was received: every deadline that had already passed
 * by `now` is recorded as breached at its deadline, in the case's transaction, so that the timer
 * worker never takes it up as a new breach (no escalation, no notice, no remedy proposed: what
 * was due then happened, or did not, offline). An internal sla_breach event each, marked
 * imported. Deadlines still ahead run as for any case. Returns how many were settled.
 */
export async function settleHistoricalTargets(ctx: Ctx, trx: Trx, caseId: string, now: number): Promise<number> {
  // intake appends its targets (written just before COMMIT): settled in the buffer, else in the table
  const pending = pendingRows(trx, 'case_targets');
  const targets = pending ? pending.filter((t) => t.case_id === caseId) : await trx.selectFrom('case_targets').selectAll().where('case_id', '=', caseId).execute();
  const past = targets.filter((t) => t.state === 'running' && t.met_at === null && t.due_at <= now);
  for (const t of past) {
    // warned: every warning counted as passed, as the sweep and breachOverdue do
    const set = { state: 'breached' as const, breached_at: t.due_at, warned: (await warnFractionsOf(ctx, trx, t.policy_id)).length, next_check_at: null };
    if (pending) Object.assign(t, set);
    else await trx.updateTable('case_targets').set(set).where('id', '=', t.id).where('state', '=', 'running').execute();
    await appendRow(trx, 'case_events', {
      id: newId(),
      case_id: caseId,
      type: 'sla_breach',
      actor_id: null,
      actor_kind: 'system',
      visibility: 'internal',
      body: null,
      data: JSON.stringify({ targetId: t.id, kind: t.kind, dueAt: t.due_at, imported: true }),
      created_at: ctx.clock.now(),
    });
  }
  return past.length;
}
