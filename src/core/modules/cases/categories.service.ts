import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';

export interface CategoryView {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  nameEn: string;
  active: boolean;
}

export async function listCategories(ctx: Ctx): Promise<CategoryView[]> {
  const rows = await ctx.db.selectFrom('categories').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, code: r.code, name: r.name, nameEn: r.name_en, active: r.active === 1 }));
}

export async function createCategory(
  ctx: Ctx,
  input: { code: string; name: string; nameEn: string; parentId?: string | null | undefined },
  actor: Actor,
): Promise<CategoryView> {
  return ctx.db.transaction().execute(async (trx) => {
    if (input.parentId) {
      const p = await trx.selectFrom('categories').select('id').where('id', '=', input.parentId).executeTakeFirst();
      if (!p) throw notFound('category', input.parentId);
    }
    const dup = await trx.selectFrom('categories').select('id').where('code', '=', input.code).executeTakeFirst();
    if (dup) throw conflict('category_code_taken', `A category with code ${input.code} exists.`);
    const row = { id: newId(), parent_id: input.parentId ?? null, code: input.code, name: input.name, name_en: input.nameEn, active: 1 };
    await trx.insertInto('categories').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'category.create', targetType: 'category', targetId: row.id, after: row });
    return { id: row.id, parentId: row.parent_id, code: row.code, name: row.name, nameEn: row.name_en, active: true };
  });
}
