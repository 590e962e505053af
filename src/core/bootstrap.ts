import { createDb, type Db, type DbOptions } from './db/create-db.ts';
import { TransactionBatcher } from './db/batcher.ts';
import { migrateToLatest } from './db/migrate.ts';
import { defaultConfig, type CoreConfig, type Ctx } from './context.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import type { CaseHook } from './modules/cases/index.ts';
import { commitmentsHook, ensureCommitmentDefaults } from './modules/commitments/index.ts';
import { analyticsHook, analyticsSnapshotHook } from './modules/analytics/index.ts';
import { consultationsHook } from './modules/collaboration/index.ts';
import { problemResolveHook } from './modules/improvement/index.ts';
import { surveysHook } from './modules/surveys/index.ts';
import { followupsHook } from './modules/followups/index.ts';
import { lockAndPrefetchContacts, type ContactHint } from './modules/customers/index.ts';
import { ReadThread, runReadJob, type ReadJobName } from './reads/index.ts';
import { switchFromEnv } from './shared/env-settings.ts';

export interface OpenOptions {
  url: string;
  clock?: Clock;
  config?: Partial<CoreConfig>;
  migrate?: boolean;
  poolSize?: number;
  caseHooks?: CaseHook[];
  onQuery?: DbOptions['onQuery'];
  lockTimeoutMs?: DbOptions['lockTimeoutMs'];
  /**
   * Long reads (dashboards) on a thread of their own (reads/read-thread.ts). Default on
   * (SL_READ_THREAD=0 turns it off); off with onQuery (which sees only this thread's queries);
   * never for an in-memory SQLite database.
   */
  readThread?: boolean;
}

const readThreadWanted = (opts: OpenOptions): boolean => {
  const file = opts.url.replace(/^sqlite:/, '');
  if (file === ':memory:' || file === '') return false; // no other connection can open it
  if (opts.readThread !== undefined) return opts.readThread;
  if (opts.onQuery) return false;
  return switchFromEnv('SL_READ_THREAD', true);
};

export const defaultDatabaseUrl = (): string => process.env.DATABASE_URL ?? 'sqlite:./data/serviceloop.db';

/** Opens the database, migrates it, and returns the services' context. */
export async function openCtx(opts: OpenOptions): Promise<{ ctx: Ctx; dbh: Db }> {
  const dbh = createDb({
    url: opts.url,
    ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
    ...(opts.onQuery ? { onQuery: opts.onQuery } : {}),
    ...(opts.lockTimeoutMs !== undefined ? { lockTimeoutMs: opts.lockTimeoutMs } : {}),
  });
  if (opts.migrate !== false) await migrateToLatest(dbh);
  const ctx: Ctx = {
    db: dbh.db,
    ops: dbh.ops,
    clock: opts.clock ?? systemClock,
    config: { ...defaultConfig, ...opts.config },
    // the analytics snapshot goes before commitments, the analytics hook after: it rolls up the targets' change
    // (consultations first: it refuses a resolve or close while one is open, before the others do any work)
    // (problems next: a resolve with a problem record not ready is refused before the others' work)
    // (surveys last: a resolution that another hook refuses issues none)
    caseHooks: opts.caseHooks ?? [consultationsHook, problemResolveHook, analyticsSnapshotHook, commitmentsHook, analyticsHook, surveysHook, followupsHook],
  };
  // Group commit: intakes that arrive together share one transaction. On SQLite it shares the
  // fsync; on PostgreSQL it also shares the case-number counter row, which every intake must
  // hold until commit (numbers are gap-free), so parallel transactions would only queue on it
  // (bench intake: 154 req/s in parallel transactions, 371 batched, before the search and tier changes).
  const batcher = new TransactionBatcher(dbh.db, {
    prepare: (trx, hints) => lockAndPrefetchContacts(dbh.ops, trx, hints as ContactHint[]),
    // under a backlog the next batch locks its contacts during the write before
    openAhead: dbh.ops.concurrentTransactions,
  });
  ctx.batched = (fn, hint) => batcher.run(fn, hint);
  if (readThreadWanted(opts)) {
    const reads = new ReadThread({
      url: opts.url,
      config: ctx.config,
      inline: (job, args, now) => runReadJob(ctx, job as ReadJobName, args as never, now),
      onError: (err, restarts) => {
        if (process.env.LOG_LEVEL === 'silent') return;
        const what = err instanceof Error ? err.message : String(err);
        console.warn(
          restarts
            ? `read thread stopped (${what}): its reads ran on the server's thread; the next starts a new one`
            : `read thread could not start (${what}): dashboards are read on the server's thread`,
        );
      },
    });
    ctx.reads = reads;
    const close = dbh.close;
    dbh.close = async () => {
      await reads.close();
      await close();
    };
  }
  if (opts.migrate !== false) await ensureCommitmentDefaults(ctx);
  return { ctx, dbh };
}
