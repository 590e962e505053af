import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { DialectOps } from './dialect/dialect.ts';

export interface SearchMergeWorker {
  start(): void;
  stop(): Promise<void>;
}

/**
 * PostgreSQL: merges the text index's pending list every `everyMs`, one merge at a time, so that
 * the merge happens here and not inside an intake's transaction (see DialectOps.mergeSearchPending).
 * Nothing to do on SQLite.
 */
export function createSearchMergeWorker(db: Kysely<Database>, ops: DialectOps, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): SearchMergeWorker {
  const everyMs = opts.everyMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  const tick = async () => {
    if (stopped || !ops.mergeSearchPending) return;
    running = ops.mergeSearchPending(db).catch((err: unknown) => opts.onError?.(err));
    await running;
    running = null;
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  return {
    start() {
      if (!ops.mergeSearchPending || everyMs <= 0) return;
      stopped = false;
      timer = setTimeout(() => void tick(), everyMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
