// NUL and half of a UTF-16 surrogate pair: PostgreSQL's text cannot hold the first, UTF-8 cannot
// encode the second (SQLite would store bytes that are not UTF-8, PostgreSQL refuses it in JSON).
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A JSON escape that may carry such a character: only text that has one needs the walk. */
export const UNSTORABLE_ESCAPE = /\\u(?:[dD][89a-fA-F]|0000)/;

/** The string with each NUL and each lone surrogate replaced by U+FFFD, so that both databases store it as it is. */
export const storableText = (s: string): string => s.replace(UNSTORABLE, '\uFFFD');

/** A parsed JSON value (or query) with storableText applied to every string in it, keys too. */
export function storableValue(v: unknown): unknown {
  if (typeof v === 'string') return storableText(v);
  if (Array.isArray(v)) return v.map(storableValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [storableText(k), storableValue(x)]));
  return v;
}
