import { createDb, type Db, type DbOptions } from './db/create-db.ts';
import { TransactionBatcher } from './db/batcher.ts';
import { migrateToLatest } from './db/migrate.ts';
import { defaultConfig, type CoreConfig, type Ctx } from './context.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import type { CaseHook } from './modules/cases/index.ts';
import { commitmentsHook, ensureCommitmentDefaults } from './modules/commitments/index.ts';
import { analyticsHook, analyticsSnapshotHook } from './modules/analytics/index.ts';
import { lockAndPrefetchContacts, type ContactHint } from './modules/customers/index.ts';

export interface OpenOptions {
  url: string;
  clock?: Clock;
  config?: Partial<CoreConfig>;
  migrate?: boolean;
  poolSize?: number;
  caseHooks?: CaseHook[];
  onQuery?: DbOptions['onQuery'];
}

export const defaultDatabaseUrl = (): string => process.env.DATABASE_URL ?? 'sqlite:./data/serviceloop.db';

/** Opens the database, migrates it, and returns the services' context. */
export async function openCtx(opts: OpenOptions): Promise<{ ctx: Ctx; dbh: Db }> {
  const dbh = createDb({ url: opts.url, ...(opts.poolSize ? { poolSize: opts.poolSize } : {}), ...(opts.onQuery ? { onQuery: opts.onQuery } : {}) });
  if (opts.migrate !== false) await migrateToLatest(dbh);
  const ctx: Ctx = {
    db: dbh.db,
    ops: dbh.ops,
    clock: opts.clock ?? systemClock,
    config: { ...defaultConfig, ...opts.config },
    // the analytics snapshot goes before commitments, the analytics hook after: it rolls up the targets' change
    caseHooks: opts.caseHooks ?? [analyticsSnapshotHook, commitmentsHook, analyticsHook],
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
  if (opts.migrate !== false) await ensureCommitmentDefaults(ctx);
  return { ctx, dbh };
}
