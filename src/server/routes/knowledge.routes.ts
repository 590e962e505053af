import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as kb from '../../core/modules/knowledge/index.ts';
import { idParams } from '../../core/modules/cases/index.ts';
import { actor } from '../plugins/auth.ts';
import { renderHelpArticle, renderHelpIndex, type HelpLang } from '../pages/help.page.ts';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZApp } from './zapp.ts';

const tags = ['knowledge'];
/** The public FAQ's limits per client address: searching and reading, and voting. */
const READ_LIMIT = { max: 120, timeWindow: '1 minute' };
const VOTE_LIMIT = { max: 20, timeWindow: '1 minute' };
const langQuery = z.enum(['zh', 'en']).optional();

/**
 * Knowledge base / FAQ (SPEC 9): staff write, publish and search articles, get them suggested on a
 * case and record which helped; customers search the public ones without logging in (JSON and the
 * server-rendered /help pages) and say whether one helped.
 */
export function knowledgeRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/knowledge/articles',
    {
      config: { permission: 'knowledge.read' },
      schema: { tags, summary: 'Articles by words (title weighs more), category, tag, audience, status, language; paged', querystring: kb.articleListQuery, response: { 200: kb.articlePageSchema } },
    },
    (req) => kb.listArticles(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/knowledge/tags',
    { config: { permission: 'knowledge.read' }, schema: { tags, summary: 'Tags in use, most used first', response: { 200: kb.tagCountSchema } } },
    (req) => kb.listTags(ctx, actor(req)),
  );
  app.post(
    '/api/v1/knowledge/articles',
    { config: { permission: 'knowledge.write' }, schema: { tags, summary: 'A new article (a draft)', body: kb.articleInput, response: { 201: kb.articleSchema } } },
    async (req, reply) => reply.status(201).send(await kb.createArticle(ctx, req.body, actor(req))),
  );
  app.get(
    '/api/v1/knowledge/articles/:id',
    { config: { permission: 'knowledge.read' }, schema: { tags, summary: 'One article (drafts and archived ones: writers only)', params: kb.articleParams, response: { 200: kb.articleSchema } } },
    (req) => kb.getArticle(ctx, req.params.id, actor(req)),
  );
  app.put(
    '/api/v1/knowledge/articles/:id',
    {
      config: { permission: 'knowledge.write' },
      schema: { tags, summary: 'Save a new version (agents: drafts only); baseVersion: the version edited', params: kb.articleParams, body: kb.articleUpdate, response: { 200: kb.articleSchema } },
    },
    (req) => kb.updateArticle(ctx, req.params.id, req.body, actor(req)),
  );
  app.get(
    '/api/v1/knowledge/articles/:id/revisions',
    { config: { permission: 'knowledge.read' }, schema: { tags, summary: 'Every saved version, newest first', params: kb.articleParams, response: { 200: z.array(kb.revisionSchema) } } },
    (req) => kb.listRevisions(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/knowledge/articles/:id/revisions/:version/restore',
    {
      config: { permission: 'knowledge.write' },
      schema: { tags, summary: "Save a revision's content as a new version", params: kb.revisionParams, body: z.strictObject({}).optional(), response: { 200: kb.articleSchema } },
    },
    (req) => kb.restoreRevision(ctx, req.params.id, req.params.version, actor(req)),
  );
  app.post(
    '/api/v1/knowledge/articles/:id/publish',
    { config: { permission: 'knowledge.publish' }, schema: { tags, summary: 'Publish (from a draft or archived)', params: kb.articleParams, body: z.strictObject({}).optional(), response: { 200: kb.articleSchema } } },
    (req) => kb.publishArticle(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/knowledge/articles/:id/archive',
    { config: { permission: 'knowledge.publish' }, schema: { tags, summary: 'Archive (out of lists, searches and the FAQ)', params: kb.articleParams, body: z.strictObject({}).optional(), response: { 200: kb.articleSchema } } },
    (req) => kb.archiveArticle(ctx, req.params.id, actor(req)),
  );

  app.get(
    '/api/v1/cases/:id/suggested-articles',
    {
      config: { permission: 'knowledge.read' },
      schema: { tags, summary: "Published articles for answering the case, best first (its subject, description, category)", params: idParams, response: { 200: z.array(kb.suggestionSchema) } },
    },
    (req) => kb.suggestedArticles(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/cases/:id/suggested-articles/:articleId/use',
    {
      config: { permission: 'knowledge.use' },
      schema: { tags, summary: 'Record that the article was used on the case (once per case; an internal timeline event)', params: kb.caseArticleParams, body: z.strictObject({}).optional(), response: { 200: kb.articleUseSchema } },
    },
    (req) => kb.recordArticleUse(ctx, req.params.id, req.params.articleId, actor(req)),
  );

  // ---- the public FAQ: no login ----
  app.get(
    '/api/v1/public/articles',
    {
      config: { public: true, rateLimit: READ_LIMIT },
      schema: { tags, summary: 'Public FAQ: published public articles by words, category, tag, language', querystring: kb.publicArticleQuery, response: { 200: kb.publicArticlePageSchema } },
    },
    (req) => kb.listPublicArticles(ctx, req.query),
  );
  app.get(
    '/api/v1/public/articles/:id',
    { config: { public: true, rateLimit: READ_LIMIT }, schema: { tags, summary: 'Public FAQ: one published public article', params: kb.articleParams, response: { 200: kb.publicArticleSchema } } },
    (req) => kb.getPublicArticle(ctx, req.params.id),
  );
  app.post(
    '/api/v1/public/articles/:id/votes',
    {
      config: { public: true, rateLimit: VOTE_LIMIT },
      schema: { tags, summary: 'Public FAQ: was this helpful? (a count; nothing about the voter is kept)', params: kb.articleParams, body: kb.voteBody, response: { 200: kb.voteResultSchema } },
    },
    (req) => kb.voteOnArticle(ctx, req.params.id, req.body.helpful),
  );

  const helpQuery = z.object({ lang: langQuery, q: z.string().trim().max(200).optional(), offset: z.coerce.number().int().min(0).max(10_000).optional() });
  app.get('/help', { config: { public: true, rateLimit: READ_LIMIT }, schema: { hide: true, querystring: helpQuery } }, async (req, reply) => {
    const lang: HelpLang = req.query.lang ?? 'zh';
    const q = req.query.q ?? '';
    const f = { ...(q ? { q } : {}), limit: 20, offset: req.query.offset ?? 0 };
    // the page's language first; nothing in it: every language (a search in English on the Chinese page)
    let page = await kb.listPublicArticles(ctx, { ...f, language: lang === 'zh' ? 'zh-CN' : 'en' });
    if (page.total === 0) page = await kb.listPublicArticles(ctx, f);
    return reply.type('text/html; charset=utf-8').send(renderHelpIndex(page, { lang, q }));
  });
  app.get(
    '/help/articles/:id',
    { config: { public: true, rateLimit: READ_LIMIT }, schema: { hide: true, params: kb.articleParams, querystring: z.object({ lang: langQuery, voted: z.enum(['1']).optional() }) } },
    async (req, reply) => {
      const lang: HelpLang = req.query.lang ?? 'zh';
      let article: kb.PublicArticle;
      try {
        article = await kb.getPublicArticle(ctx, req.params.id);
      } catch {
        return reply.status(404).type('text/html; charset=utf-8').send(renderHelpArticle(null, { lang, voted: false }));
      }
      return reply.type('text/html; charset=utf-8').send(renderHelpArticle(article, { lang, voted: req.query.voted === '1' }));
    },
  );
  // the page's yes/no buttons: a plain form (no script), answered with a redirect back to the article
  void app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
    scope.post(
      '/help/articles/:id/vote',
      { config: { public: true, rateLimit: VOTE_LIMIT }, schema: { hide: true, params: kb.articleParams, body: z.object({ helpful: z.enum(['yes', 'no']), lang: langQuery }) } },
      async (req, reply) => {
        await kb.voteOnArticle(ctx, req.params.id, req.body.helpful === 'yes');
        return reply.redirect(`/help/articles/${encodeURIComponent(req.params.id)}?lang=${req.body.lang ?? 'zh'}&voted=1`, 303);
      },
    );
  });
}
