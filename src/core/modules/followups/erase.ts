import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';

export interface FollowupErasure {
  /** Follow-ups whose notes (and their attempts' notes) were replaced. */
  followups: number;
  /** Pending follow-ups cancelled (reason customer_erased). */
  followupsCancelled: number;
  /** Plans ended, their titles replaced. */
  followupPlans: number;
}

/**
 * What an erasure (privacy's erase.service.ts, in its transaction) does to follow-ups: the notes
 * of the customer's follow-ups and of their attempts are free texts about the person, replaced;
 * a pending one is cancelled (nobody is called about an erased customer); their plans end, and
 * their titles (which name a project, maybe the person) are replaced. Methods, results, times
 * and counts stay for the indicators.
 */
export async function eraseFollowups(trx: Kysely<Database>, customerId: string, caseIds: string[], now: number, actor: Actor, redacted: string): Promise<FollowupErasure> {
  const ofCustomer = (q: 'followups') =>
    trx.selectFrom(q).select('id').where((eb) => eb.or([eb('customer_id', '=', customerId), ...(caseIds.length ? [eb('case_id', 'in', caseIds)] : [])]));
  const ids = (await ofCustomer('followups').execute()).map((f) => f.id);
  let followups = 0;
  let followupsCancelled = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const n = await trx.updateTable('followups').set({ notes: redacted }).where('id', 'in', chunk).where('notes', 'is not', null).executeTakeFirst();
    followups += Number(n.numUpdatedRows);
    await trx.updateTable('followup_attempts').set({ notes: redacted }).where('followup_id', 'in', chunk).where('notes', 'is not', null).execute();
    const c = await trx
      .updateTable('followups')
      .set({ status: 'cancelled', cancel_reason: 'customer_erased', closed_at: now, closed_by: actor.kind === 'staff' ? actor.id : null })
      .where('id', 'in', chunk)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    followupsCancelled += Number(c.numUpdatedRows);
  }
  const p = await trx.updateTable('followup_plans').set({ status: 'ended', title: redacted, updated_at: now }).where('customer_id', '=', customerId).executeTakeFirst();
  return { followups, followupsCancelled, followupPlans: Number(p.numUpdatedRows) };
}
