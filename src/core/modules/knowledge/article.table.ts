/**
 * Knowledge base / FAQ (SPEC 9, 知识库): articles staff write and customers and agents search.
 * The current content is on the article row; every saved version (the current one included) is a
 * revision row, so a save keeps the previous one and any can be shown and restored.
 */
export interface KbArticlesTable {
  id: string;
  title: string;
  /** Plain text; blank lines separate paragraphs (rendered escaped, never as HTML). */
  body: string;
  /** ArticleLanguage: zh-CN or en. */
  language: string;
  /** A case category (categories table), or none. */
  category_id: string | null;
  /** ArticleAudience: internal (staff only) or public (also the public FAQ). */
  audience: string;
  /** ArticleStatus: draft, published, archived. */
  status: string;
  author_id: string;
  updated_by: string;
  created_at: number;
  updated_at: number;
  /** When it was last published (kept when archived). */
  published_at: number | null;
  /** The current revision's number: 1 at creation, +1 at every save or restore. */
  version: number;
  /** Public "was this helpful?" votes: counts only, nothing about who voted. */
  helpful_yes: number;
  helpful_no: number;
  /** Cases it was used on (kb_article_uses rows), kept here for the lists. */
  use_count: number;
}

/** An article's tags, one row each: the tag filter reads them by index. */
export interface KbArticleTagsTable {
  article_id: string;
  tag: string;
}

/** Each saved version of an article. */
export interface KbArticleRevisionsTable {
  id: string;
  article_id: string;
  version: number;
  title: string;
  body: string;
  language: string;
  category_id: string | null;
  /** JSON array of the tags. */
  tags: string;
  audience: string;
  saved_by: string;
  saved_at: number;
  /** The version this one restored (null: an edit). */
  restored_from: number | null;
}

/** An article used while answering a case (its text put into the reply, or copied): once per case. */
export interface KbArticleUsesTable {
  article_id: string;
  case_id: string;
  used_by: string;
  used_at: number;
}
