import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { notFound } from '../../shared/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { ArticleLanguage, PublicArticle, PublicArticlePage, PublicArticleQuery } from './article.schemas.ts';
import { applyFilters, excerptOf, tagsOf } from './article.service.ts';

/**
 * The public FAQ (no login): published articles whose audience is public, and nothing else: a
 * draft, an archived or an internal article does not exist here (404). What is shown leaves out
 * who wrote it.
 */
const visible = (ctx: Ctx) => ctx.db.selectFrom('kb_articles as a').where('a.status', '=', 'published').where('a.audience', '=', 'public');

/** Who votes on the public FAQ: nobody known, and no address kept (the vote is a count). */
const VOTER: Actor = { id: 'anonymous', kind: 'system', role: 'system', name: 'public FAQ', teamId: null, customerId: null, ip: null };

export async function listPublicArticles(ctx: Ctx, f: PublicArticleQuery): Promise<PublicArticlePage> {
  const { qb, match } = await applyFilters(ctx, visible(ctx), f);
  const total = await qb.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = qb.select(['a.id', 'a.title', 'a.body', 'a.language', 'a.category_id', 'a.updated_at', 'a.helpful_yes', 'a.helpful_no']);
  const page = await (match ? rows.select(match.score.as('score')).orderBy('score', 'desc') : rows)
    .orderBy('a.updated_at', 'desc')
    .orderBy('a.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const tags = await tagsOf(ctx.db, page.map((r) => r.id));
  return {
    items: page.map((r) => ({
      id: r.id,
      title: r.title,
      excerpt: excerptOf(r.body),
      language: r.language as ArticleLanguage,
      categoryId: r.category_id,
      tags: tags.get(r.id) ?? [],
      updatedAt: Number(r.updated_at),
      helpfulYes: r.helpful_yes,
      helpfulNo: r.helpful_no,
    })),
    total: Number(total.n),
    limit: f.limit,
    offset: f.offset,
  };
}

export async function getPublicArticle(ctx: Ctx, id: string): Promise<PublicArticle> {
  const r = await visible(ctx).selectAll('a').where('a.id', '=', id).executeTakeFirst();
  if (!r) throw notFound('article', id);
  return {
    id: r.id,
    title: r.title,
    body: r.body,
    language: r.language as ArticleLanguage,
    categoryId: r.category_id,
    tags: (await tagsOf(ctx.db, [id])).get(id) ?? [],
    updatedAt: Number(r.updated_at),
    helpfulYes: r.helpful_yes,
    helpfulNo: r.helpful_no,
  };
}

/** "Was this helpful?": one more yes or no on a public article; nothing about the voter is stored. */
export async function voteOnArticle(ctx: Ctx, id: string, helpful: boolean): Promise<{ helpfulYes: number; helpfulNo: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('kb_articles')
      .set((eb) => (helpful ? { helpful_yes: eb('helpful_yes', '+', 1) } : { helpful_no: eb('helpful_no', '+', 1) }))
      .where('id', '=', id)
      .where('status', '=', 'published')
      .where('audience', '=', 'public')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw notFound('article', id);
    const a = await trx.selectFrom('kb_articles').select(['helpful_yes', 'helpful_no']).where('id', '=', id).executeTakeFirstOrThrow();
    await recordAudit(ctx, trx, { actor: VOTER, action: 'knowledge.vote', targetType: 'article', targetId: id, after: { helpful } });
    return { helpfulYes: a.helpful_yes, helpfulNo: a.helpful_no };
  });
}
