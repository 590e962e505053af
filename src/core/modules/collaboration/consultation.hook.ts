import type { CaseHook } from '../cases/index.ts';
import { conflict } from '../../shared/errors.ts';

/**
 * A case is not resolved or closed while a consultation on it is open (SPEC 3, 首问负责: the loop
 * closes only when the other teams asked have answered, declined, or the question was withdrawn).
 * Thrown inside the case's transaction (case.service's mutateCase runs hooks there), so the change
 * rolls back whole: 409 consultations_open. Only a resolve or close reads anything; intake and
 * every other change pass straight through. Requests lock the case row before they check its
 * status, so a close and a new request cannot pass each other.
 */
export const consultationsHook: CaseHook = {
  name: 'consultations',
  async onChanged(_ctx, trx, _before, after, change) {
    if (change !== 'resolved' && change !== 'closed') return;
    const open = await trx
      .selectFrom('consultations as q')
      .innerJoin('teams as t', 't.id', 'q.target_team_id')
      .select(['q.id', 't.name'])
      .where('q.case_id', '=', after.id)
      .where('q.status', '=', 'open')
      .orderBy('q.requested_at')
      .execute();
    if (open.length === 0) return;
    throw conflict(
      'consultations_open',
      `${open.length === 1 ? 'A consultation' : `${open.length} consultations`} on this case ${open.length === 1 ? 'is' : 'are'} still open (${open.map((o) => o.name).join(', ')}): wait for the answer, or withdraw ${open.length === 1 ? 'it' : 'them'}, before you ${change === 'resolved' ? 'resolve' : 'close'} the case.`,
      { consultationIds: open.map((o) => o.id) },
    );
  },
};
