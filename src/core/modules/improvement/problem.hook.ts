import type { CaseHook } from '../cases/index.ts';
import { invalid, notFound } from '../../shared/errors.ts';
import { linkCaseIn } from './problem.service.ts';
import type { ProblemsTable } from './problem.table.ts';

/**
 * A case resolved with a problem record instead of a corrective-action text (the cases module's
 * resolve: problemId, which it writes as an internal problem_linked event): the record must exist,
 * not be cancelled, and have its root cause and a corrective action (SPEC 2: a repeat complaint
 * cannot close without them). The case is linked to it. Thrown inside the case's transaction, so
 * a refused record leaves the case unresolved.
 */
export const problemResolveHook: CaseHook = {
  name: 'problems',
  async onChanged(ctx, trx, _before, after, change, info) {
    if (change !== 'resolved') return;
    const problemId = info.events.find((e) => e.type === 'problem_linked' && e.data?.via === 'resolve')?.data?.problemId;
    if (typeof problemId !== 'string') return;
    let q = trx.selectFrom('problems').selectAll().where('id', '=', problemId);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const p: ProblemsTable | undefined = await q.executeTakeFirst();
    if (!p) throw notFound('problem', problemId);
    const corrective = await trx.selectFrom('problem_actions').select('id').where('problem_id', '=', p.id).where('kind', '=', 'corrective').where('status', '!=', 'cancelled').executeTakeFirst();
    if (p.status === 'cancelled' || p.root_cause === null || p.root_cause_category === null || !corrective)
      throw invalid(
        'problem_not_ready',
        `The problem record "${p.title}" ${p.status === 'cancelled' ? 'was cancelled' : 'has no root cause or no corrective action yet'}: resolve the case with a corrective action of its own, or complete the record first.`,
        { problemId: p.id, status: p.status },
      );
    await linkCaseIn(ctx, trx, p, after.id, info.actor, 'resolve');
  },
};
