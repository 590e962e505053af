import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { can } from '../users/index.ts';
import type { KbArticlesTable } from './article.table.ts';
import type {
  ArticleAudience,
  ArticleInput,
  ArticleLanguage,
  ArticleListQuery,
  ArticlePage,
  ArticleStatus,
  ArticleSummary,
  ArticleUpdate,
  ArticleView,
  RevisionView,
} from './article.schemas.ts';
import { indexArticle, searchTerms, textMatch, type TextMatch } from './article-search.ts';

type Db = Kysely<Database>;

const requireStaff = (actor: Actor) => {
  if (actor.kind !== 'staff') throw forbidden();
};
/** Writers (knowledge.write) also see drafts and archived articles; other staff only published ones. */
export const isWriter = (actor: Actor): boolean => actor.kind === 'staff' && can(actor.role, 'knowledge.write');
/** Leads and admins publish, archive, and edit what is published; agents edit drafts only. */
export const isPublisher = (actor: Actor): boolean => actor.kind === 'staff' && can(actor.role, 'knowledge.publish');

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Tags trimmed, each once (the first spelling of a tag that differs only in case), in code-point order (the same on both databases). */
export function normaliseTags(tags: readonly string[] | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of tags ?? []) {
    const v = t.trim();
    if (!v || seen.has(v.toLowerCase())) continue;
    seen.add(v.toLowerCase());
    out.push(v);
  }
  return out.sort(byCodePoint);
}

/** The first words of the body, whitespace folded: a list's preview. */
export const excerptOf = (body: string, max = 140): string => {
  const s = body.replace(/\s+/g, ' ').trim();
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
};

/** An article with its author's and last editor's names. */
export const withNames = (db: Db) =>
  db
    .selectFrom('kb_articles as a')
    .innerJoin('users as au', 'au.id', 'a.author_id')
    .innerJoin('users as ed', 'ed.id', 'a.updated_by')
    .selectAll('a')
    .select(['au.name as author_name', 'ed.name as editor_name']);

export type ArticleRow = KbArticlesTable & { author_name: string; editor_name: string };

export async function tagsOf(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('kb_article_tags').select(['article_id', 'tag']).where('article_id', 'in', ids).execute();
  for (const r of rows) out.get(r.article_id)?.push(r.tag);
  for (const tags of out.values()) tags.sort(byCodePoint);
  return out;
}

export const toView = (r: ArticleRow, tags: string[]): ArticleView => ({
  id: r.id,
  title: r.title,
  body: r.body,
  language: r.language as ArticleLanguage,
  categoryId: r.category_id,
  tags,
  audience: r.audience as ArticleAudience,
  status: r.status as ArticleStatus,
  authorId: r.author_id,
  authorName: r.author_name,
  updatedBy: r.updated_by,
  updatedByName: r.editor_name,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  publishedAt: r.published_at === null ? null : Number(r.published_at),
  version: r.version,
  helpfulYes: r.helpful_yes,
  helpfulNo: r.helpful_no,
  useCount: r.use_count,
});

const toSummary = (r: ArticleRow & { score?: number | string | null }, tags: string[]): ArticleSummary => {
  const { body, ...rest } = toView(r, tags);
  return { ...rest, excerpt: excerptOf(body), score: r.score === undefined || r.score === null ? null : Number(r.score) };
};

async function viewById(db: Db, id: string): Promise<ArticleView> {
  const r = await withNames(db).where('a.id', '=', id).executeTakeFirst();
  if (!r) throw notFound('article', id);
  return toView(r, (await tagsOf(db, [id])).get(id) ?? []);
}

/** The category and every category under it. */
export async function categoryAndBelow(db: Db, categoryId: string): Promise<string[]> {
  const all = await db.selectFrom('categories').select(['id', 'parent_id']).execute();
  const out = [categoryId];
  for (let i = 0; i < out.length && i < 1000; i++) for (const c of all) if (c.parent_id === out[i] && !out.includes(c.id)) out.push(c.id);
  return out;
}

/** The filters every list applies (on `kb_articles as a`), and the text search's match and score. */
export async function applyFilters<QB extends SelectQueryBuilder<any, any, any>>(
  ctx: Ctx,
  q: QB,
  f: { q?: string | undefined; categoryId?: string | undefined; tag?: string | undefined; language?: string | undefined },
): Promise<{ qb: QB; match: TextMatch | null }> {
  let qb: SelectQueryBuilder<any, any, any> = q;
  if (f.categoryId) qb = qb.where('a.category_id', 'in', await categoryAndBelow(ctx.db, f.categoryId));
  if (f.tag) {
    const tag = f.tag.trim();
    qb = qb.where((eb) => eb.exists(eb.selectFrom('kb_article_tags as t').select('t.tag').whereRef('t.article_id', '=', 'a.id').where('t.tag', '=', tag)));
  }
  if (f.language) qb = qb.where('a.language', '=', f.language);
  const match = f.q ? textMatch(ctx, searchTerms(f.q)) : null;
  // words were given but none searchable (only punctuation): nothing matches
  if (f.q && !match) qb = qb.where(sql<boolean>`1 = 0`);
  if (match) qb = qb.where(match.any);
  return { qb: qb as QB, match };
}

// ---- reading ------------------------------------------------------------------------------

/**
 * Articles for staff: by words (ranked: title matches weigh more), category (and those under it),
 * tag, audience, status, language; paged. Readers who do not write see published ones only;
 * writers see drafts and published by default and archived ones when they ask for them.
 */
export async function listArticles(ctx: Ctx, f: ArticleListQuery, actor: Actor): Promise<ArticlePage> {
  requireStaff(actor);
  let base = ctx.db.selectFrom('kb_articles as a');
  if (!isWriter(actor)) base = base.where('a.status', '=', 'published');
  if (f.status) base = base.where('a.status', '=', f.status);
  else if (isWriter(actor)) base = base.where('a.status', '!=', 'archived');
  if (f.audience) base = base.where('a.audience', '=', f.audience);
  const { qb, match } = await applyFilters(ctx, base, f);
  const total = await qb.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = qb
    .innerJoin('users as au', 'au.id', 'a.author_id')
    .innerJoin('users as ed', 'ed.id', 'a.updated_by')
    .selectAll('a')
    .select(['au.name as author_name', 'ed.name as editor_name']);
  const page = await (match ? rows.select(match.score.as('score')).orderBy('score', 'desc') : rows)
    .orderBy('a.updated_at', 'desc')
    .orderBy('a.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const tags = await tagsOf(ctx.db, page.map((r) => r.id));
  return { items: page.map((r) => toSummary(r, tags.get(r.id) ?? [])), total: Number(total.n), limit: f.limit, offset: f.offset };
}

/** One article: published ones for all staff, drafts and archived ones for writers (404 to others). */
export async function getArticle(ctx: Ctx, id: string, actor: Actor): Promise<ArticleView> {
  requireStaff(actor);
  const a = await viewById(ctx.db, id);
  if (a.status !== 'published' && !isWriter(actor)) throw notFound('article', id);
  return a;
}

/** Every saved version, newest first (writers). */
export async function listRevisions(ctx: Ctx, id: string, actor: Actor): Promise<RevisionView[]> {
  requireStaff(actor);
  const a = await ctx.db.selectFrom('kb_articles').select(['version', 'status']).where('id', '=', id).executeTakeFirst();
  if (!a || (a.status !== 'published' && !isWriter(actor))) throw notFound('article', id);
  const rows = await ctx.db
    .selectFrom('kb_article_revisions as r')
    .innerJoin('users as u', 'u.id', 'r.saved_by')
    .selectAll('r')
    .select('u.name as saved_by_name')
    .where('r.article_id', '=', id)
    .orderBy('r.version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    title: r.title,
    body: r.body,
    language: r.language as ArticleLanguage,
    categoryId: r.category_id,
    tags: JSON.parse(r.tags) as string[],
    audience: r.audience as ArticleAudience,
    savedBy: r.saved_by,
    savedByName: r.saved_by_name,
    savedAt: Number(r.saved_at),
    restoredFrom: r.restored_from,
    current: r.version === a.version,
  }));
}

/** Tags in use on the articles the actor may see, most used first. */
export async function listTags(ctx: Ctx, actor: Actor): Promise<Array<{ tag: string; count: number }>> {
  requireStaff(actor);
  let q = ctx.db
    .selectFrom('kb_article_tags as t')
    .innerJoin('kb_articles as a', 'a.id', 't.article_id')
    .select((eb) => ['t.tag', eb.fn.countAll<number>().as('n')])
    .where('a.status', '!=', 'archived');
  if (!isWriter(actor)) q = q.where('a.status', '=', 'published');
  const rows = await q.groupBy('t.tag').orderBy('n', 'desc').orderBy('t.tag').limit(200).execute();
  return rows.map((r) => ({ tag: r.tag, count: Number(r.n) }));
}

// ---- writing ------------------------------------------------------------------------------

interface Content {
  title: string;
  body: string;
  language: ArticleLanguage;
  categoryId: string | null;
  tags: string[];
  audience: ArticleAudience;
}

const contentOf = (i: ArticleInput): Content => ({
  title: i.title,
  body: i.body,
  language: i.language,
  categoryId: i.categoryId ?? null,
  tags: normaliseTags(i.tags),
  audience: i.audience,
});

async function assertCategory(db: Db, categoryId: string | null): Promise<void> {
  if (categoryId === null) return;
  const c = await db.selectFrom('categories').select('id').where('id', '=', categoryId).executeTakeFirst();
  if (!c) throw notFound('category', categoryId);
}

/** Writes the content's tags, revision and search entry (the article row is written by the caller). */
async function saveContent(ctx: Ctx, trx: Db, articleId: string, version: number, c: Content, actor: Actor, restoredFrom: number | null): Promise<void> {
  await trx.deleteFrom('kb_article_tags').where('article_id', '=', articleId).execute();
  if (c.tags.length > 0) await trx.insertInto('kb_article_tags').values(c.tags.map((tag) => ({ article_id: articleId, tag }))).execute();
  await trx
    .insertInto('kb_article_revisions')
    .values({
      id: newId(),
      article_id: articleId,
      version,
      title: c.title,
      body: c.body,
      language: c.language,
      category_id: c.categoryId,
      tags: JSON.stringify(c.tags),
      audience: c.audience,
      saved_by: actor.id,
      saved_at: ctx.clock.now(),
      restored_from: restoredFrom,
    })
    .execute();
  await indexArticle(ctx, trx, articleId, c.title, c.body);
}

/** A new article, always a draft (a lead or admin publishes it): revision 1. */
export async function createArticle(ctx: Ctx, input: ArticleInput, actor: Actor): Promise<ArticleView> {
  requireStaff(actor);
  const c = contentOf(input);
  return ctx.db.transaction().execute(async (trx) => {
    await assertCategory(trx, c.categoryId);
    const now = ctx.clock.now();
    const row: KbArticlesTable = {
      id: newId(),
      title: c.title,
      body: c.body,
      language: c.language,
      category_id: c.categoryId,
      audience: c.audience,
      status: 'draft',
      author_id: actor.id,
      updated_by: actor.id,
      created_at: now,
      updated_at: now,
      published_at: null,
      version: 1,
      helpful_yes: 0,
      helpful_no: 0,
      use_count: 0,
    };
    await trx.insertInto('kb_articles').values(row).execute();
    await saveContent(ctx, trx, row.id, 1, c, actor, null);
    await recordAudit(ctx, trx, { actor, action: 'knowledge.create', targetType: 'article', targetId: row.id, after: { title: c.title, language: c.language, audience: c.audience, version: 1 } });
    return viewById(trx, row.id);
  });
}

async function lockArticle(ctx: Ctx, trx: Db, id: string): Promise<KbArticlesTable> {
  let q = trx.selectFrom('kb_articles').selectAll().where('id', '=', id);
  if (ctx.ops.supportsForUpdate) q = q.forUpdate();
  const a = await q.executeTakeFirst();
  if (!a) throw notFound('article', id);
  return a;
}

/** Agents edit drafts; what is published or archived only a lead or admin changes (it is what readers see). */
function assertMayEdit(actor: Actor, a: KbArticlesTable): void {
  if (a.status !== 'draft' && !isPublisher(actor))
    throw new DomainError('article_edit_needs_publisher', `This article is ${a.status}: only a supervisor, manager, director or admin changes it. Ask one to, or write a new draft.`, 403, { status: a.status });
}

const sameContent = (a: KbArticlesTable, tags: string[], c: Content) =>
  a.title === c.title && a.body === c.body && a.language === c.language && a.category_id === c.categoryId && a.audience === c.audience && JSON.stringify(tags) === JSON.stringify(c.tags);

async function writeVersion(ctx: Ctx, trx: Db, a: KbArticlesTable, c: Content, actor: Actor, action: string, restoredFrom: number | null): Promise<ArticleView> {
  const version = a.version + 1;
  const now = ctx.clock.now();
  await trx
    .updateTable('kb_articles')
    .set({ title: c.title, body: c.body, language: c.language, category_id: c.categoryId, audience: c.audience, version, updated_by: actor.id, updated_at: now })
    .where('id', '=', a.id)
    .execute();
  await saveContent(ctx, trx, a.id, version, c, actor, restoredFrom);
  await recordAudit(ctx, trx, {
    actor,
    action,
    targetType: 'article',
    targetId: a.id,
    before: { version: a.version, title: a.title, audience: a.audience },
    after: { version, title: c.title, audience: c.audience, ...(restoredFrom === null ? {} : { restoredFrom }) },
  });
  return viewById(trx, a.id);
}

/**
 * A save: a new version (the previous one stays in the revisions). `baseVersion` is the version
 * the writer edited: a save over a newer one is refused (409 article_version_conflict) rather
 * than silently undoing someone else's. A save that changes nothing makes no version.
 */
export async function updateArticle(ctx: Ctx, id: string, input: ArticleUpdate, actor: Actor): Promise<ArticleView> {
  requireStaff(actor);
  const c = contentOf(input);
  return ctx.db.transaction().execute(async (trx) => {
    const a = await lockArticle(ctx, trx, id);
    assertMayEdit(actor, a);
    if (input.baseVersion !== a.version)
      throw conflict('article_version_conflict', `Someone saved this article meanwhile (version ${a.version}; you edited version ${input.baseVersion}): reload it, and apply your changes again.`, { version: a.version });
    await assertCategory(trx, c.categoryId);
    const tags = (await tagsOf(trx, [id])).get(id) ?? [];
    if (sameContent(a, tags, c)) return viewById(trx, id);
    return writeVersion(ctx, trx, a, c, actor, 'knowledge.update', null);
  });
}

/** A revision's content saved again as a new version (nothing is lost: the replaced one is a revision too). */
export async function restoreRevision(ctx: Ctx, id: string, version: number, actor: Actor): Promise<ArticleView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const a = await lockArticle(ctx, trx, id);
    assertMayEdit(actor, a);
    const r = await trx.selectFrom('kb_article_revisions').selectAll().where('article_id', '=', id).where('version', '=', version).executeTakeFirst();
    if (!r) throw notFound('revision', `${id}@${version}`);
    if (r.version === a.version) throw conflict('revision_is_current', `Version ${version} is the current one already.`);
    // its category may have been removed since: then the article keeps none
    const cat = r.category_id ? await trx.selectFrom('categories').select('id').where('id', '=', r.category_id).executeTakeFirst() : undefined;
    const c: Content = {
      title: r.title,
      body: r.body,
      language: r.language as ArticleLanguage,
      categoryId: cat ? r.category_id : null,
      tags: JSON.parse(r.tags) as string[],
      audience: r.audience as ArticleAudience,
    };
    return writeVersion(ctx, trx, a, c, actor, 'knowledge.restore', version);
  });
}

async function setStatus(ctx: Ctx, id: string, to: 'published' | 'archived', actor: Actor): Promise<ArticleView> {
  requireStaff(actor);
  if (!isPublisher(actor)) throw forbidden();
  return ctx.db.transaction().execute(async (trx) => {
    const a = await lockArticle(ctx, trx, id);
    if (a.status === to) throw conflict(to === 'published' ? 'article_already_published' : 'article_already_archived', `The article is ${to} already.`);
    const now = ctx.clock.now();
    await trx
      .updateTable('kb_articles')
      .set({ status: to, updated_by: actor.id, updated_at: now, ...(to === 'published' ? { published_at: now } : {}) })
      .where('id', '=', id)
      .execute();
    await recordAudit(ctx, trx, { actor, action: to === 'published' ? 'knowledge.publish' : 'knowledge.archive', targetType: 'article', targetId: id, before: { status: a.status }, after: { status: to, version: a.version } });
    return viewById(trx, id);
  });
}

/** Published: all staff read it, the public FAQ shows it if its audience is public. From a draft or archived. */
export const publishArticle = (ctx: Ctx, id: string, actor: Actor) => setStatus(ctx, id, 'published', actor);
/** Archived: out of every list and search but the writers' archive; published again at will. */
export const archiveArticle = (ctx: Ctx, id: string, actor: Actor) => setStatus(ctx, id, 'archived', actor);
