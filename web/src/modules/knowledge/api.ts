import { api, post, withQuery } from '../../api.ts';
import type {
  ArticleInput,
  ArticlePage,
  ArticleUse,
  ArticleView,
  RevisionView,
  SuggestedArticle,
} from '../../../../src/core/modules/knowledge/article.schemas.ts';

export type { ArticleInput, ArticlePage, ArticleSummary, ArticleUse, ArticleView, RevisionView, SuggestedArticle } from '../../../../src/core/modules/knowledge/article.schemas.ts';

/** Knowledge base / FAQ (SPEC 9): knowledge.routes.ts. */
export const ARTICLE_LANGUAGES = ['zh-CN', 'en'] as const;
export const ARTICLE_AUDIENCES = ['internal', 'public'] as const;
export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export const PAGE_SIZE = 20;

export interface ArticleFilters {
  q?: string;
  categoryId?: string;
  tag?: string;
  audience?: string;
  status?: string;
  language?: string;
}

const enc = encodeURIComponent;
export const listArticles = (f: ArticleFilters, offset: number) => api<ArticlePage>(withQuery('/api/v1/knowledge/articles', { ...f, limit: PAGE_SIZE, offset }));
export const listTags = () => api<Array<{ tag: string; count: number }>>('/api/v1/knowledge/tags');
export const getArticle = (id: string) => api<ArticleView>(`/api/v1/knowledge/articles/${enc(id)}`);
export const createArticle = (body: ArticleInput) => post<ArticleView>('/api/v1/knowledge/articles', body);
export const updateArticle = (id: string, body: ArticleInput & { baseVersion: number }) => api<ArticleView>(`/api/v1/knowledge/articles/${enc(id)}`, { method: 'PUT', body });
export const listRevisions = (id: string) => api<RevisionView[]>(`/api/v1/knowledge/articles/${enc(id)}/revisions`);
export const restoreRevision = (id: string, version: number) => post<ArticleView>(`/api/v1/knowledge/articles/${enc(id)}/revisions/${version}/restore`, {});
export const setArticleStatus = (id: string, to: 'publish' | 'archive') => post<ArticleView>(`/api/v1/knowledge/articles/${enc(id)}/${to}`, {});
export const suggestedArticles = (caseId: string) => api<SuggestedArticle[]>(`/api/v1/cases/${enc(caseId)}/suggested-articles`);
export const recordUse = (caseId: string, articleId: string) => post<ArticleUse>(`/api/v1/cases/${enc(caseId)}/suggested-articles/${enc(articleId)}/use`, {});

/** Plain text's paragraphs (a blank line between them), as the public FAQ renders them. */
export const paragraphsOf = (body: string): string[][] =>
  body
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split(/\r?\n/));

/**
 * Puts text into the case's reply box (CaseActions' textarea), after what is there already, as if
 * typed (React's onChange sees it, so the reply's draft keeps it too). False when the box is not
 * on the page (a closed case, a role that does not reply): the caller copies the text instead.
 */
export function insertIntoReply(text: string): boolean {
  const box = document.querySelector<HTMLTextAreaElement>('form[data-action="replies"] textarea[name="reply"]');
  if (!box) return false;
  const value = box.value.trim() ? `${box.value.replace(/\s+$/, '')}\n\n${text}` : text;
  Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(box, value);
  box.dispatchEvent(new Event('input', { bubbles: true }));
  box.focus();
  return true;
}
