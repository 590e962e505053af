/**
 * Failures of the database that say nothing about the request: a lock held longer than the lock
 * timeout, a deadlock, a connection lost or refused, a full disk. The request was not saved and
 * may simply be sent again, so the API answers 503 with Retry-After rather than 500; and the
 * intake batcher does not run such a batch again one request at a time, where each request would
 * wait out the same lock in turn (a deadlock excepted: see waitsAgain).
 */
export type TransientDbFailure = 'database_busy' | 'database_unavailable';

/** PostgreSQL SQLSTATEs: lock_not_available, deadlock, serialization failure, query cancelled (statement timeout). */
const PG_BUSY = new Set(['55P03', '40P01', '40001', '57014']);
/**
 * Administrator shutdown or termination, crash shutdown, starting up; and by prefix, class 53 (out
 * of disk, memory or connections) and 08 (the connection).
 */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const LOST_CONNECTION = /^(Connection terminated|Client has encountered a connection error and is not queryable)/;

/** deadlock, serialization failure: the transaction that lost is aborted, the one that won goes on */
const PG_CONFLICT = new Set(['40P01', '40001']);

function classify(err: object): TransientDbFailure | null {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (PG_BUSY.has(code) || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'database_busy';
    if (PG_UNAVAILABLE.has(code) || /^(08|53)[0-9A-Z]{3}$/.test(code) || SOCKET_CODES.has(code)) return 'database_unavailable';
    // the disk full or failing under SQLite
    if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) return 'database_unavailable';
  }
  // node-postgres gives a lost connection, and a query on a client that lost it, no code
  const message = (err as { message?: unknown }).message;
  if (typeof message === 'string' && LOST_CONNECTION.test(message)) return 'database_unavailable';
  return null;
}

/** The first of `err` and the errors it wraps (through `cause`) that `test` recognises, and what it says. */
function throughCauses<T>(err: unknown, test: (e: object) => T | null): T | null {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++) {
    const found = test(e);
    if (found !== null) return found;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** What kind of transient failure `err` (or an error it wraps) is, if any. */
export const transientDbFailure = (err: unknown): TransientDbFailure | null => throughCauses(err, classify);

/**
 * Whether the same statements, run again at once, would meet the same failure: a lock still held,
 * a connection still down, a disk still full. Not a deadlock or a serialization failure, which
 * ended with the losing transaction: the requests of such a batch are worth running again alone.
 */
export const waitsAgain = (err: unknown): boolean => transientDbFailure(err) !== null && throughCauses(err, conflict) === null;

const conflict = (e: object): true | null => (PG_CONFLICT.has(String((e as { code?: unknown }).code)) ? true : null);

export const TRANSIENT_MESSAGES: Record<TransientDbFailure, string> = {
  database_busy:
    'The database is busy (a lock held longer than the lock timeout, or a conflict with another change); nothing of this request was saved. Send it again in a moment.',
  database_unavailable:
    'The database cannot take this request just now (it cannot be reached, or is out of disk, memory or connections); nothing of this request was saved. Send it again in a moment.',
};
