import { DomainError } from './errors.ts';

export const MAX_PAGE_SIZE = 200;

/** Keyset cursor: the sort value and id of the last row of the previous page, base64url JSON. */
export interface Cursor {
  v: string | number | null;
  id: string;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (typeof c !== 'object' || c === null || typeof c.id !== 'string') throw new Error('shape');
    return c;
  } catch {
    throw new DomainError('invalid_cursor', 'The page cursor is malformed; start again from the first page.', 400);
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
