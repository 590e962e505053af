import type { Kysely } from 'kysely';
import { repeat, type Repeater } from '../shared/repeat.ts';
import type { Database } from './database.ts';
import type { DialectOps } from './dialect/dialect.ts';

/**
 * PostgreSQL: merges the text index's pending list every `everyMs`, one merge at a time, so that
 * the merge happens here and not inside an intake's transaction (see DialectOps.mergeSearchPending).
 * Nothing to do on SQLite, or with everyMs 0.
 */
export function createSearchMergeWorker(db: Kysely<Database>, ops: DialectOps, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): Repeater {
  const everyMs = opts.everyMs ?? 1000;
  const merge = ops.mergeSearchPending;
  if (!merge || everyMs <= 0) return { start: () => undefined, stop: async () => undefined, soon: () => undefined };
  return repeat(async () => void (await merge(db)), { everyMs, firstMs: everyMs, name: 'search-merge', ...(opts.onError ? { onError: opts.onError } : {}) });
}
