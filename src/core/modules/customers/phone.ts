import { invalid } from '../../shared/errors.ts';

// spaces (also the ideographic space), dashes, dots and parentheses, ASCII and full-width
const SEPARATORS = /[\s\-.()\u2010-\u2015\uff08\uff09\uff0d\uff0e]/g;

/**
 * The one form a phone number is stored, matched and locked in, so one caller is one customer
 * however the number was written: separators dropped, an international prefix written `+`
 * (00 is China's international prefix), and a mainland number (+86) written as dialled at
 * home: a mobile as its 11 digits, a landline with its trunk 0 (`+86 10 …` is `010…`), a
 * 400/800 service number as it is. Other countries keep their `+`. null: no phone, or one that
 * is not a number (letters, no digits); normalisePhone refuses the latter.
 */
export function phoneKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let p = raw.replace(SEPARATORS, '');
  if (p.startsWith('00')) p = `+${p.slice(2)}`;
  if (!/^\+?\d+$/.test(p)) return null;
  if (!p.startsWith('+86')) return p;
  const n = p.slice(3);
  if (n === '') return null;
  return /^(1\d{10}|0\d*|[48]00\d{7})$/.test(n) ? n : `0${n}`;
}

/** A phone as stored (null when none is given); a value that is not a phone number is refused. */
export function normalisePhone(raw: string | null | undefined): string | null {
  if (!raw?.trim()) return null;
  const p = phoneKey(raw);
  if (p === null) throw invalid('phone_invalid', `"${raw.trim()}" is not a phone number: give digits, optionally with a leading + and spaces, dashes, dots or parentheses.`, { field: 'phone' });
  return p;
}
