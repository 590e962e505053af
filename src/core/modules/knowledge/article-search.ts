import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { tsvectorLiteral } from '../../db/dialect/postgres.ts';
import { indexTokens, queryTerms, type QueryTerm } from '../../shared/cjk-tokens.ts';

/**
 * Full-text search of articles, title and body apart, with the cases' CJK bigram tokenizer
 * (shared/cjk-tokens.ts): a two-character word such as 退款 is one bigram token, found where a
 * trigram index finds nothing. PostgreSQL: two tsvector columns with GIN indexes
 * (kb_article_search); SQLite: an FTS5 table with a column pair per field, keyed by the
 * article's rowid (kb_article_fts). Ranking is the same on both: each query term found in the
 * title counts TITLE_WEIGHT, in the body 1.
 */
export const TITLE_WEIGHT = 3;

type Db = Kysely<Database>;

/** Writes the article's index entry again from its title and body (in the caller's transaction). */
export async function indexArticle(ctx: Ctx, db: Db, articleId: string, title: string, body: string): Promise<void> {
  if (ctx.ops.name === 'postgres') {
    await sql`INSERT INTO kb_article_search(article_id, title_tsv, body_tsv) VALUES (${articleId}, ${tsvectorLiteral(title)}::tsvector, ${tsvectorLiteral(body)}::tsvector)
      ON CONFLICT (article_id) DO UPDATE SET title_tsv = excluded.title_tsv, body_tsv = excluded.body_tsv`.execute(db);
    return;
  }
  const t = indexTokens(title);
  const b = indexTokens(body);
  await sql`INSERT OR REPLACE INTO kb_article_fts(rowid, title_seq, title_uni, body_seq, body_uni)
    SELECT rowid, ${t.seq.join(' ')}, ${t.uni.join(' ')}, ${b.seq.join(' ')}, ${b.uni.join(' ')} FROM kb_articles WHERE id = ${articleId}`.execute(db);
}

/** The terms of a search box's text: each run a phrase, a lone Chinese character a prefix (as the cases' search). */
export const searchTerms = (q: string): QueryTerm[] => queryTerms(q);

const STOPWORDS = new Set(
  'the and for are but not you your with this that have has was were from they will would can could our out about into what when how why who which please hello thanks thank dear'.split(' '),
);
const MAX_SUGGESTION_TERMS = 30;

/**
 * The terms of a case's text for suggestions: every bigram and word on its own (a long Chinese
 * sentence as one phrase would find nothing), English words of three letters or more that are
 * not stop words, the first MAX_SUGGESTION_TERMS distinct ones (the subject comes first).
 */
export function suggestionTerms(text: string): QueryTerm[] {
  const seen = new Set<string>();
  const out: QueryTerm[] = [];
  for (const tok of indexTokens(text).seq) {
    if (seen.has(tok)) continue;
    seen.add(tok);
    if (/^[\p{L}\p{N}]+$/u.test(tok) && /^[\x00-\x7f]+$/.test(tok) && (tok.length < 3 || STOPWORDS.has(tok) || /^\d+$/.test(tok))) continue;
    out.push({ kind: 'phrase', tokens: [tok] });
    if (out.length >= MAX_SUGGESTION_TERMS) break;
  }
  return out;
}

// tokens are letters and digits only (cjk-tokens), so quoting them in MATCH and tsquery literals is safe
const tsq = (t: QueryTerm) => (t.kind === 'char' ? `'${t.char}':*` : t.tokens.map((x) => `'${x}'`).join(' <-> '));
const fts = (t: QueryTerm, field: 'title' | 'body' | 'both') => {
  const seq = field === 'both' ? '{title_seq body_seq}' : `${field}_seq`;
  const uni = field === 'both' ? '{title_uni body_uni}' : `${field}_uni`;
  return t.kind === 'char' ? `(${seq} : "${t.char}" * OR ${uni} : "${t.char}")` : `${seq} : "${t.tokens.join(' ')}"`;
};

export interface TextMatch {
  /** True for an article (`a`) whose title or body holds at least one of the terms. */
  any: RawBuilder<boolean>;
  /** Σ over the terms: TITLE_WEIGHT if in the title, + 1 if in the body. */
  score: RawBuilder<number>;
}

/** SQL over `kb_articles as a` for these terms; null without terms. */
export function textMatch(ctx: Ctx, terms: QueryTerm[]): TextMatch | null {
  if (terms.length === 0) return null;
  if (ctx.ops.name === 'postgres') {
    const any = terms.map((t) => `(${tsq(t)})`).join(' | ');
    const parts = terms.map((t) => {
      const q = tsq(t);
      return sql`CASE WHEN s.title_tsv @@ ${q}::tsquery THEN ${sql.lit(TITLE_WEIGHT)} ELSE 0 END + CASE WHEN s.body_tsv @@ ${q}::tsquery THEN 1 ELSE 0 END`;
    });
    return {
      any: sql<boolean>`a.id IN (SELECT article_id FROM kb_article_search WHERE title_tsv @@ ${any}::tsquery OR body_tsv @@ ${any}::tsquery)`,
      // one primary-key lookup a row, every term tested on it
      score: sql<number>`COALESCE((SELECT ${sql.join(parts, sql` + `)} FROM kb_article_search s WHERE s.article_id = a.id), 0)`,
    };
  }
  const inFts = (match: string) => sql`a.rowid IN (SELECT rowid FROM kb_article_fts WHERE kb_article_fts MATCH ${match})`;
  const parts = terms.map(
    (t) => sql`CASE WHEN ${inFts(fts(t, 'title'))} THEN ${sql.lit(TITLE_WEIGHT)} ELSE 0 END + CASE WHEN ${inFts(fts(t, 'body'))} THEN 1 ELSE 0 END`,
  );
  return {
    any: sql<boolean>`${inFts(terms.map((t) => fts(t, 'both')).join(' OR '))}`,
    score: sql<number>`(${sql.join(parts, sql` + `)})`,
  };
}
