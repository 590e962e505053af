import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';

export interface ComplaintCategoryRow {
  /** null: complaints with no category */
  categoryId: string | null;
  label: { zh: string; en: string } | null;
  count: number;
  /** count / complaints received in the period */
  share: number;
}

/**
 * The categories of the complaints received in [from, to), most first (the monthly report's "top
 * complaint categories"): the same cases as the summary's complaint count, from case_metrics.
 */
export async function complaintCategoriesBetween(ctx: Ctx, from: number, to: number, limit = 10): Promise<ComplaintCategoryRow[]> {
  const [rows, categories] = await Promise.all([
    ctx.db
      .selectFrom('case_metrics')
      .select(['category_id', sql<number>`count(*)`.as('n')])
      .where('received_at', '>=', from)
      .where('received_at', '<', to)
      .where('type', '=', 'complaint')
      .groupBy('category_id')
      .execute(),
    ctx.db.selectFrom('categories').select(['id', 'name', 'name_en']).execute(),
  ]);
  const label = new Map(categories.map((c) => [c.id, { zh: c.name, en: c.name_en }]));
  const total = rows.reduce((s, r) => s + Number(r.n), 0);
  return rows
    .map((r) => ({ categoryId: r.category_id, label: r.category_id === null ? null : (label.get(r.category_id) ?? null), count: Number(r.n), share: Number(r.n) / total }))
    .sort((a, b) => b.count - a.count || String(a.categoryId).localeCompare(String(b.categoryId)))
    .slice(0, limit);
}
