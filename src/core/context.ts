import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from './db/database.ts';
import type { DialectOps } from './db/dialect/dialect.ts';
import type { Clock } from './shared/clock.ts';
import type { CaseHook } from './modules/cases/case.hooks.ts';
import { countFromEnv, daysFromEnv, msFromEnv } from './shared/env-settings.ts';

export interface CoreConfig {
  /** The service centre's zone: case numbers and "today" are counted in it. */
  timeZone: string;
  /** scrypt cost (N); lower only in tests. */
  scryptCost: number;
  sessionTtlMs: number;
  /**
   * How long this process may use what an API token resolved to without reading it again: a
   * revocation or a change to the user made by another process (a second app node, the CLI)
   * takes effect within this time; one made by this process at once. 0 reads it every request.
   */
  authCacheMs: number;
  /** How far back a complaint about the same issue makes a new one a repeat (SPEC 2). */
  repeatWindowDays: number;
  maxAttachmentBytes: number;
  /** Names this process in audit entries of background work (several app nodes share one database). */
  nodeId: string;
  /**
   * How long the personal data of a customer whose cases are all closed is kept after the last
   * one closed (or after it was created, without cases), in days; then the retention job erases it
   * by anonymisation (SPEC 10, modules/privacy). SL_RETENTION_DAYS; 0 or unset: 1,095 (3 years).
   */
  retentionDays: number;
  /** Unusual-access alerts (SPEC 10, modules/audit/access-alerts.ts): thresholds within a sliding window, counted per process. */
  accessAlerts: { bulkReads: number; bulkRows: number; windowMs: number };
}

export const DEFAULT_RETENTION_DAYS = 1095;

export const defaultConfig: CoreConfig = {
  timeZone: 'Asia/Shanghai',
  scryptCost: 2 ** 15,
  sessionTtlMs: 12 * 3600_000,
  // read when a context is made (a bad value stops that command with its message), not at import
  get authCacheMs() {
    return msFromEnv('SL_AUTH_CACHE_MS', 1000);
  },
  repeatWindowDays: 180,
  maxAttachmentBytes: 10 * 1024 * 1024,
  nodeId: process.env.SL_NODE_ID ?? `${hostname()}:${process.pid}`,
  // like authCacheMs: read when a context is made
  get retentionDays() {
    return daysFromEnv('SL_RETENTION_DAYS', DEFAULT_RETENTION_DAYS);
  },
  get accessAlerts() {
    return {
      bulkReads: countFromEnv('SL_ALERT_BULK_READS', 200),
      bulkRows: countFromEnv('SL_ALERT_BULK_ROWS', 2000),
      windowMs: msFromEnv('SL_ALERT_WINDOW_MS', 600_000, 1000),
    };
  },
};

/** Runs a long read (reads/jobs.ts) off the event loop: see reads/read-thread.ts. */
export interface ReadRunner {
  run(job: string, args: unknown, now: number): Promise<unknown>;
  close(): Promise<void>;
}

/** What every service needs: the database, its dialect, the clock and settings. */
export interface Ctx {
  db: Kysely<Database>;
  ops: DialectOps;
  clock: Clock;
  config: CoreConfig;
  /** Reactions of other modules to case changes, run inside the case's transaction. */
  caseHooks: CaseHook[];
  /** Runs a write in a shared, group-committed transaction (intake); see db/batcher.ts. */
  batched?: <T>(fn: (trx: Kysely<Database>) => Promise<T>, hint?: unknown) => Promise<T>;
  /** Where long reads run (reads/index.ts runRead); absent: on this thread. */
  reads?: ReadRunner;
}
