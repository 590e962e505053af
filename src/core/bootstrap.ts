import { availableParallelism } from 'node:os';
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
  /** PostgreSQL intake lanes (default PG_LANES) */
  intakeLanes?: number;
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
  ctx.batched = intakeLanes(dbh, opts.intakeLanes ?? PG_LANES);
  if (opts.migrate !== false) await ensureCommitmentDefaults(ctx);
  return { ctx, dbh };
}

/**
 * Intake transactions in flight on PostgreSQL (SL_INTAKE_LANES): one per core beyond the one this
 * process runs on, at most 4 of the pool of 8. Each lane makes smaller batches, so more CPU per
 * case: on 2 cores one lane took 890 cases/s in-process against 740 with four
 * (bench/tools/intake-statements.ts, 32 callers); lanes pay when the database has cores to spare.
 */
const PG_LANES = Number(process.env.SL_INTAKE_LANES ?? Math.max(1, Math.min(4, availableParallelism() - 1)));

/**
 * Group commit: intakes that arrive together share one transaction. SQLite has one writer, so
 * one lane. On PostgreSQL several batches run at once, so that the server works on one while
 * this process prepares the next; intakes of one contact go to one lane (its batches run one
 * after another), and the lock on the contact keeps other processes' intakes of it apart.
 */
function intakeLanes(dbh: Db, pgLanes: number): NonNullable<Ctx['batched']> {
  const pg = dbh.ops.name === 'postgres';
  const prepare = async (trx: Kysely<Database>, hints: unknown[]) => {
    if (pg) await lockContacts(dbh.ops, trx, hints as ContactHint[]);
    await prefetchContacts(trx, hints as ContactHint[]);
  };
  const lanes = Array.from({ length: pg ? pgLanes : 1 }, (_, shard) => new TransactionBatcher(dbh.db, { prepare, shard }));
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
