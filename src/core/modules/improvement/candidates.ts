import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { forbidden } from '../../shared/errors.ts';
import { ACTIVE_PROBLEM_STATUSES } from './problem.ts';
import type { CandidateQuery, Candidates } from './problem.schemas.ts';

const COMPLAINT_TYPES = ['complaint', 'dissatisfaction'];

/**
 * Where a problem record may be due: clusters of cases received in the last `days` days sharing a
 * category (and, byCustomer, a customer) with at least `minCases` cases, counting only cases not
 * linked to an active problem record (linked or proposed). Complaints and dissatisfactions
 * (抱怨) by default; cases closed as spam or duplicate never count. Largest cluster first.
 */
export async function problemCandidates(ctx: Ctx, query: CandidateQuery, actor: Actor): Promise<Candidates> {
  if (actor.kind !== 'staff') throw forbidden();
  const to = ctx.clock.now();
  const from = to - query.days * 86_400_000;
  let base = ctx.db
    .selectFrom('cases as c')
    .where('c.received_at', '>=', from)
    .where('c.received_at', '<', to)
    .where('c.category_id', 'is not', null)
    .where((eb) => eb.or([eb('c.close_reason', 'is', null), eb('c.close_reason', 'not in', ['spam', 'duplicate'])]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('problem_cases as pc')
            .innerJoin('problems as p', 'p.id', 'pc.problem_id')
            .select('pc.case_id')
            .whereRef('pc.case_id', '=', 'c.id')
            .where('p.status', 'in', ACTIVE_PROBLEM_STATUSES),
        ),
      ),
    );
  if (query.types === 'complaint') base = base.where('c.type', 'in', COMPLAINT_TYPES);
  const rows = await base
    .innerJoin('categories as k', 'k.id', 'c.category_id')
    .leftJoin('customers as u', 'u.id', 'c.customer_id')
    .select(['c.id', 'c.category_id', 'c.customer_id', 'c.received_at', 'k.name as category_name', 'k.name_en as category_name_en', 'u.name as customer_name'])
    .orderBy('c.received_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  const clusters = new Map<string, Candidates['items'][number]>();
  for (const r of rows) {
    const customerId = query.byCustomer ? r.customer_id : null;
    if (query.byCustomer && customerId === null) continue;
    const key = `${r.category_id}|${customerId ?? ''}`;
    let k = clusters.get(key);
    if (!k) {
      k = {
        categoryId: r.category_id!,
        categoryName: r.category_name,
        categoryNameEn: r.category_name_en,
        customerId,
        customerName: query.byCustomer ? r.customer_name : null,
        count: 0,
        firstReceivedAt: Number(r.received_at),
        lastReceivedAt: Number(r.received_at),
        caseIds: [],
      };
      clusters.set(key, k);
    }
    k.count++;
    k.firstReceivedAt = Math.min(k.firstReceivedAt, Number(r.received_at));
    if (k.caseIds.length < 50) k.caseIds.push(r.id);
  }
  const items = [...clusters.values()].filter((k) => k.count >= query.minCases).sort((a, b) => b.count - a.count || b.lastReceivedAt - a.lastReceivedAt || a.categoryId.localeCompare(b.categoryId));
  return { from, to, items };
}
