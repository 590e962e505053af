import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { ProblemsTable } from './problem.table.ts';
import type { Effectiveness } from './problem.schemas.ts';

/** Cases that were never a real request: not counted as new cases of a category. */
const NOT_COUNTED = ['spam', 'duplicate'];

/**
 * The evidence shown for the effectiveness check: new cases in the categories of the linked
 * cases, received in the same length of time before and after the last action was done.
 * T = actions_done_at; L = from T to now (to the close of a closed or cancelled record); after =
 * [T, T + L), before = [T - L, T), by received_at. Cases closed as spam or duplicate are not
 * counted. null until every action is done (no T), or when no linked case has a category.
 */
export async function effectivenessOf(ctx: Ctx, db: Kysely<Database>, p: ProblemsTable): Promise<Effectiveness | null> {
  if (p.actions_done_at === null) return null;
  const t = Number(p.actions_done_at);
  const end = p.closed_at !== null ? Number(p.closed_at) : ctx.clock.now();
  const windowMs = Math.max(0, end - t);
  const categories = await db
    .selectFrom('problem_cases as pc')
    .innerJoin('cases as c', 'c.id', 'pc.case_id')
    .innerJoin('categories as k', 'k.id', 'c.category_id')
    .select(['k.id', 'k.name', 'k.name_en'])
    .distinct()
    .where('pc.problem_id', '=', p.id)
    .where('pc.status', '=', 'linked')
    .orderBy('k.id')
    .execute();
  if (categories.length === 0) return null;
  const from = t - windowMs;
  const to = t + windowMs;
  const row = await db
    .selectFrom('cases')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when('received_at', '<', t).then(1).else(0).end()).as('before'),
      eb.fn.sum<number>(eb.case().when('received_at', '>=', t).then(1).else(0).end()).as('after'),
    ])
    .where('category_id', 'in', categories.map((k) => k.id))
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .where((eb) => eb.or([eb('close_reason', 'is', null), eb('close_reason', 'not in', NOT_COUNTED)]))
    .executeTakeFirst();
  return {
    categories: categories.map((k) => ({ id: k.id, name: k.name, nameEn: k.name_en })),
    actionsDoneAt: t,
    windowMs,
    before: { from, to: t, count: Number(row?.before ?? 0) },
    after: { from: t, to, count: Number(row?.after ?? 0) },
  };
}
