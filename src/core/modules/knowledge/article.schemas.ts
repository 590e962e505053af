import { z } from 'zod';

/** The API contract of the knowledge base / FAQ (SPEC 9). */
export const ARTICLE_LANGUAGES = ['zh-CN', 'en'] as const;
export type ArticleLanguage = (typeof ARTICLE_LANGUAGES)[number];
/** internal: staff only; public: also on the public FAQ (/help) once published. */
export const ARTICLE_AUDIENCES = ['internal', 'public'] as const;
export type ArticleAudience = (typeof ARTICLE_AUDIENCES)[number];
export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** The case timeline's event when an article was used while answering (internal). */
export const ARTICLE_USED_EVENT = 'knowledge_article_used';

const id = z.string().min(1).max(64);
const tag = z.string().trim().min(1).max(32).regex(/^[^,]+$/, 'no commas in a tag');

export const articleInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(50_000),
  language: z.enum(ARTICLE_LANGUAGES),
  categoryId: id.nullable().optional(),
  tags: z.array(tag).max(10).optional(),
  audience: z.enum(ARTICLE_AUDIENCES),
});
export type ArticleInput = z.infer<typeof articleInput>;

/** A save: the new content, and the version it was edited from (a save over someone else's newer one is refused). */
export const articleUpdate = articleInput.extend({ baseVersion: z.number().int().min(1) });
export type ArticleUpdate = z.infer<typeof articleUpdate>;

export const articleParams = z.strictObject({ id });
export const revisionParams = z.strictObject({ id, version: z.coerce.number().int().min(1).max(1_000_000) });
export const caseArticleParams = z.strictObject({ id, articleId: id });

const paging = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
};

export const articleListQuery = z.strictObject({
  /** Words to find in title and body (Chinese or English); ranked by matches, the title's weighing more. */
  q: z.string().trim().max(200).optional(),
  /** A category and those under it. */
  categoryId: id.optional(),
  tag: tag.optional(),
  audience: z.enum(ARTICLE_AUDIENCES).optional(),
  /** Writers only see drafts and archived ones; default for them: drafts and published. */
  status: z.enum(ARTICLE_STATUSES).optional(),
  language: z.enum(ARTICLE_LANGUAGES).optional(),
  ...paging,
});
export type ArticleListQuery = z.infer<typeof articleListQuery>;

export const publicArticleQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  categoryId: id.optional(),
  tag: tag.optional(),
  language: z.enum(ARTICLE_LANGUAGES).optional(),
  ...paging,
});
export type PublicArticleQuery = z.infer<typeof publicArticleQuery>;

export const voteBody = z.strictObject({ helpful: z.boolean() });

// ---- responses -------------------------------------------------------------------------------

const articleBase = {
  id: z.string(),
  title: z.string(),
  language: z.enum(ARTICLE_LANGUAGES),
  categoryId: z.string().nullable(),
  tags: z.array(z.string()),
  updatedAt: z.number(),
  helpfulYes: z.number(),
  helpfulNo: z.number(),
};

/** What the public FAQ shows of an article: never who wrote it, nor its status or audience (always published, public). */
export const publicArticleSchema = z.object({ ...articleBase, body: z.string() });
export type PublicArticle = z.infer<typeof publicArticleSchema>;
export const publicArticleSummarySchema = z.object({ ...articleBase, excerpt: z.string() });
export type PublicArticleSummary = z.infer<typeof publicArticleSummarySchema>;
export const publicArticlePageSchema = z.object({ items: z.array(publicArticleSummarySchema), total: z.number(), limit: z.number(), offset: z.number() });
export type PublicArticlePage = z.infer<typeof publicArticlePageSchema>;

const staffFields = {
  ...articleBase,
  audience: z.enum(ARTICLE_AUDIENCES),
  status: z.enum(ARTICLE_STATUSES),
  authorId: z.string(),
  authorName: z.string(),
  updatedBy: z.string(),
  updatedByName: z.string(),
  createdAt: z.number(),
  publishedAt: z.number().nullable(),
  version: z.number(),
  /** Cases it was used on. */
  useCount: z.number(),
};
export const articleSchema = z.object({ ...staffFields, body: z.string() });
export type ArticleView = z.infer<typeof articleSchema>;
export const articleSummarySchema = z.object({ ...staffFields, excerpt: z.string(), score: z.number().nullable() });
export type ArticleSummary = z.infer<typeof articleSummarySchema>;
export const articlePageSchema = z.object({ items: z.array(articleSummarySchema), total: z.number(), limit: z.number(), offset: z.number() });
export type ArticlePage = z.infer<typeof articlePageSchema>;

export const revisionSchema = z.object({
  version: z.number(),
  title: z.string(),
  body: z.string(),
  language: z.enum(ARTICLE_LANGUAGES),
  categoryId: z.string().nullable(),
  tags: z.array(z.string()),
  audience: z.enum(ARTICLE_AUDIENCES),
  savedBy: z.string(),
  savedByName: z.string(),
  savedAt: z.number(),
  restoredFrom: z.number().nullable(),
  current: z.boolean(),
});
export type RevisionView = z.infer<typeof revisionSchema>;

export const suggestionSchema = z.object({
  ...staffFields,
  body: z.string(),
  score: z.number(),
  /** Already used on this case. */
  usedOnCase: z.boolean(),
});
export type SuggestedArticle = z.infer<typeof suggestionSchema>;

export const articleUseSchema = z.object({ articleId: z.string(), caseId: z.string(), firstUse: z.boolean(), useCount: z.number(), usedAt: z.number() });
export type ArticleUse = z.infer<typeof articleUseSchema>;

export const voteResultSchema = z.object({ helpfulYes: z.number(), helpfulNo: z.number() });
export const tagCountSchema = z.array(z.object({ tag: z.string(), count: z.number() }));
