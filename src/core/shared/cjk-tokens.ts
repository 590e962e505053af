/**
 * Chinese full-text search that works the same on SQLite and PostgreSQL.
 * Most Chinese words are two characters and neither database segments Chinese, so text is
 * indexed the way Elasticsearch's CJK analyzer does it: each run of CJK characters becomes its
 * overlapping bigrams (a lone character stays itself), other text becomes lower-cased words.
 * A query is tokenised the same way and each run must appear as a phrase (adjacent bigrams).
 * A one-character query matches the tokens that begin with that character (a prefix search):
 * every character of a run begins a bigram but the run's last, so only that one is indexed again
 * on its own (`uni`). Indexing every character on its own, as this did until 2026-12-05, made a
 * third of a case's search entries; rows written then still match, since their `uni` holds all.
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
// A word run stops at a CJK character (Han is also \p{L}), so "iPhone退款" is "iphone" + "退款".
const TOKEN_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}])+/gu;
const MAX_TERMS = 12;

export interface IndexTokens {
  /** Positional stream: bigrams of CJK runs and words, in text order. */
  seq: string[];
  /** Distinct last characters of the CJK runs of two or more characters. */
  uni: string[];
}

function runTokens(run: string): string[] {
  if (!CJK.test(run[0] ?? '')) return [run.toLowerCase()];
  const chars = Array.from(run);
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

export function indexTokens(text: string): IndexTokens {
  const seq: string[] = [];
  const uni = new Set<string>();
  for (const m of text.normalize('NFKC').matchAll(TOKEN_RUN)) {
    const run = m[0];
    seq.push(...runTokens(run));
    if (CJK.test(run[0] ?? '')) {
      const chars = Array.from(run);
      if (chars.length > 1) uni.add(chars.at(-1)!);
    }
  }
  return { seq, uni: [...uni] };
}

/** A query term: a phrase of consecutive tokens in `seq`, or one character: a token of `seq` that begins with it, or one in `uni`. */
export type QueryTerm = { kind: 'phrase'; tokens: string[] } | { kind: 'char'; char: string };

export function queryTerms(q: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  for (const m of q.normalize('NFKC').matchAll(TOKEN_RUN)) {
    const run = m[0];
    const chars = Array.from(run);
    if (CJK.test(run[0] ?? '') && chars.length === 1) terms.push({ kind: 'char', char: run });
    else terms.push({ kind: 'phrase', tokens: runTokens(run) });
    if (terms.length >= MAX_TERMS) break;
  }
  return terms;
}
