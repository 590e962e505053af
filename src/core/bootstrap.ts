import type { Kysely } from 'kysely';
import { createDb, type Db, type DbOptions } from './db/create-db.ts';
import type { Database } from './db/database.ts';
import { TransactionBatcher } from './db/batcher.ts';
import { migrateToLatest } from './db/migrate.ts';
import { defaultConfig, type CoreConfig, type Ctx } from './context.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import type { CaseHook } from './modules/cases/index.ts';
import { commitmentsHook, ensureCommitmentDefaults } from './modules/commitments/index.ts';
import { analyticsHook, analyticsSnapshotHook } from './modules/analytics/index.ts';
import { contactKeys, lockContacts, prefetchContacts, type ContactHint } from './modules/customers/index.ts';

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
  ctx.batched = intakeLanes(dbh);
  if (opts.migrate !== false) await ensureCommitmentDefaults(ctx);
  return { ctx, dbh };
}

/** Transactions in flight for intake on PostgreSQL (of a pool of 8: reads and the timer worker keep the rest). */
const PG_LANES = 4;

/**
 * Group commit: intakes that arrive together share one transaction. SQLite has one writer, so
 * one lane. On PostgreSQL several batches run at once, so that the server works on one while
 * this process prepares the next; intakes of one contact go to one lane (its batches run one
 * after another), and the lock on the contact keeps other processes' intakes of it apart.
 */
function intakeLanes(dbh: Db): NonNullable<Ctx['batched']> {
  const pg = dbh.ops.name === 'postgres';
  const prepare = async (trx: Kysely<Database>, hints: unknown[]) => {
    if (pg) await lockContacts(dbh.ops, trx, hints as ContactHint[]);
    await prefetchContacts(trx, hints as ContactHint[]);
  };
  const lanes = Array.from({ length: pg ? PG_LANES : 1 }, (_, shard) => new TransactionBatcher(dbh.db, { prepare, shard }));
  let next = 0;
  return (fn, hint) => {
    const key = hint ? contactKeys(hint as ContactHint)[0] : undefined;
    const lane = key === undefined ? next++ % lanes.length : hashOf(key) % lanes.length;
    return lanes[lane]!.run(fn, hint);
  };
}

function hashOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
