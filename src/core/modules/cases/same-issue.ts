import { indexTokens } from '../../shared/cjk-tokens.ts';

const termsOf = (subject: string): Set<string> => new Set(indexTokens(subject).seq);

/**
 * Whether two complaints without a category are about the same issue (SPEC 2's repeat): their
 * subjects share at least half of the terms of the shorter one (CJK bigrams and words, as search
 * tokenises them). "热水器漏水" twice is; "invoice charged twice" and "technician was rude" from
 * one customer are not, though both are complaints. With a category, the category decides.
 */
export function sameIssue(a: string, b: string): boolean {
  const x = termsOf(a);
  const y = termsOf(b);
  if (x.size === 0 || y.size === 0) return false;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared * 2 >= Math.min(x.size, y.size);
}
