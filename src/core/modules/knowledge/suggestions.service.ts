import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, forbidden, notFound } from '../../shared/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { assertCanSee, insertEvents } from '../cases/index.ts';
import { ARTICLE_USED_EVENT, type ArticleUse, type SuggestedArticle } from './article.schemas.ts';
import { suggestionTerms, textMatch } from './article-search.ts';
import { tagsOf, toView, withNames } from './article.service.ts';

/** What a category match adds to an article's score: the case's own category, or the one above it. */
export const SAME_CATEGORY = 4;
export const PARENT_CATEGORY = 2;
/** An article in the case's language. */
export const SAME_LANGUAGE = 1;
export const MAX_SUGGESTIONS = 5;

const languageFamily = (l: string | null | undefined) => (l ?? '').slice(0, 2).toLowerCase();

/**
 * Published articles (internal and public) for answering a case, best first: each bigram or word
 * of the case's subject, description and request found in an article's title counts 3, in its body
 * 1 (article-search.ts); the case's category adds SAME_CATEGORY (its parent PARENT_CATEGORY), the
 * case's language SAME_LANGUAGE. Only articles that match the text or the category are suggested.
 */
export async function suggestedArticles(ctx: Ctx, caseId: string, actor: Actor): Promise<SuggestedArticle[]> {
  if (actor.kind !== 'staff') throw forbidden();
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  const match = textMatch(ctx, suggestionTerms([c.subject, c.description, c.request ?? ''].join('\n')));
  const parent = c.category_id ? ((await ctx.db.selectFrom('categories').select('parent_id').where('id', '=', c.category_id).executeTakeFirst())?.parent_id ?? null) : null;
  const lang = languageFamily(c.language);
  const categoryScore = c.category_id
    ? sql<number>`CASE WHEN a.category_id = ${c.category_id} THEN ${sql.lit(SAME_CATEGORY)} ${parent ? sql`WHEN a.category_id = ${parent} THEN ${sql.lit(PARENT_CATEGORY)}` : sql``} ELSE 0 END`
    : sql<number>`0`;
  const languageScore = lang ? sql<number>`CASE WHEN a.language LIKE ${`${lang}%`} THEN ${sql.lit(SAME_LANGUAGE)} ELSE 0 END` : sql<number>`0`;
  const textScore = match ? match.score : sql<number>`0`;
  const related = [...(match ? [match.any] : []), ...(c.category_id ? [sql<boolean>`a.category_id = ${c.category_id}`] : [])];
  if (related.length === 0) return [];
  const rows = await withNames(ctx.db)
    .leftJoin('kb_article_uses as u', (j) => j.onRef('u.article_id', '=', 'a.id').on('u.case_id', '=', caseId))
    .select([sql<number>`${textScore} + ${categoryScore} + ${languageScore}`.as('score'), 'u.used_at as used_at'])
    .where('a.status', '=', 'published')
    .where(sql<boolean>`(${sql.join(related, sql` OR `)})`)
    .orderBy('score', 'desc')
    .orderBy('a.use_count', 'desc')
    .orderBy('a.updated_at', 'desc')
    .orderBy('a.id')
    .limit(MAX_SUGGESTIONS)
    .execute();
  const tags = await tagsOf(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...toView(r, tags.get(r.id) ?? []), score: Number(r.score), usedOnCase: r.used_at !== null }));
}

/**
 * An article used while answering a case (put into the reply, or copied): recorded once per case
 * (kb_article_uses), with an internal timeline event and the article's use count; used again on
 * the same case it records nothing more. Only published articles; not on an erased customer's case.
 */
export async function recordArticleUse(ctx: Ctx, caseId: string, articleId: string, actor: Actor): Promise<ArticleUse> {
  if (actor.kind !== 'staff') throw forbidden();
  return ctx.db.transaction().execute(async (trx) => {
    let cq = trx.selectFrom('cases').selectAll().where('id', '=', caseId);
    if (ctx.ops.supportsForUpdate) cq = cq.forUpdate();
    const c = await cq.executeTakeFirst();
    if (!c) throw notFound('case', caseId);
    assertCanSee(actor, c);
    if (c.erased_at !== null)
      throw conflict(
        'customer_erased',
        `The personal data of the customer of case ${c.number} was erased on ${new Date(c.erased_at).toISOString()}: nothing more is written on it but an internal note.`,
        { number: c.number },
      );
    let aq = trx.selectFrom('kb_articles').select(['id', 'title', 'status', 'version', 'use_count']).where('id', '=', articleId);
    if (ctx.ops.supportsForUpdate) aq = aq.forUpdate();
    const a = await aq.executeTakeFirst();
    if (!a) throw notFound('article', articleId);
    if (a.status !== 'published') throw conflict('article_not_published', `The article is ${a.status}: only published articles are used in answers.`, { status: a.status });
    const earlier = await trx.selectFrom('kb_article_uses').select('used_at').where('article_id', '=', articleId).where('case_id', '=', caseId).executeTakeFirst();
    if (earlier) return { articleId, caseId, firstUse: false, useCount: a.use_count, usedAt: Number(earlier.used_at) };
    const now = ctx.clock.now();
    await trx.insertInto('kb_article_uses').values({ article_id: articleId, case_id: caseId, used_by: actor.id, used_at: now }).execute();
    await trx.updateTable('kb_articles').set((eb) => ({ use_count: eb('use_count', '+', 1) })).where('id', '=', articleId).execute();
    const data = { articleId, articleTitle: a.title, articleVersion: a.version };
    await insertEvents(ctx, trx, caseId, actor, [{ type: ARTICLE_USED_EVENT, visibility: 'internal', data }]);
    await recordAudit(ctx, trx, { actor, action: 'knowledge.use', targetType: 'article', targetId: articleId, after: { caseId, version: a.version } });
    return { articleId, caseId, firstUse: true, useCount: a.use_count + 1, usedAt: now };
  });
}
