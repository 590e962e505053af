// Knowledge base / FAQ (SPEC 9): articles staff write and search, suggested while answering a case, and a public FAQ.
export * from './article.schemas.ts';
export {
  listArticles,
  getArticle,
  listRevisions,
  listTags,
  createArticle,
  updateArticle,
  restoreRevision,
  publishArticle,
  archiveArticle,
  isWriter,
  isPublisher,
} from './article.service.ts';
export { suggestedArticles, recordArticleUse } from './suggestions.service.ts';
export { listPublicArticles, getPublicArticle, voteOnArticle } from './public.service.ts';
export { TITLE_WEIGHT } from './article-search.ts';
export type { KbArticlesTable, KbArticleRevisionsTable, KbArticleTagsTable, KbArticleUsesTable } from './article.table.ts';
