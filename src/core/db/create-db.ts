import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type QueryResult,
  type SqliteDialectConfig,
} from 'kysely';
import type { Database } from './database.ts';
import type { DialectOps } from './dialect/dialect.ts';
import { sqliteOps } from './dialect/sqlite.ts';
import { postgresOps } from './dialect/postgres.ts';
import { COPY_MARK, NO_WAIT_MARK, REUSE_MARK } from './fast-insert.ts';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { msFromEnv } from '../shared/env-settings.ts';

export interface Db {
  db: Kysely<Database>;
  ops: DialectOps;
  url: string;
  close(): Promise<void>;
}

export interface DbOptions {
  /** `postgres://...`, `sqlite:path`, a file path, or `:memory:`. */
  url: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** SQLite `synchronous`: FULL (default) makes every acknowledged commit survive a power cut. */
  sqliteSync?: 'FULL' | 'NORMAL';
  /** Sees every query run (tests use it to EXPLAIN the hot paths). */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
  /** Reads only (the read thread's connection): SQLite opened read-only, PostgreSQL transactions read-only. */
  readonly?: boolean;
  /** SQLite's page cache, MB (default 64). */
  sqliteCacheMb?: number;
  /**
   * How long a statement waits for a lock before it fails (PostgreSQL's lock_timeout; on SQLite
   * the driver's wait between turns of the event loop, see ImmediateSqliteDriver), ms; 0 waits
   * for ever. Default SL_DB_LOCK_TIMEOUT_MS, else 5000: a lock left
   * held (a session left open in psql, a stalled node) turns into 503 answers, not hung requests.
   */
  lockTimeoutMs?: number;
}

const logOf = (opts: DbOptions) =>
  opts.onQuery
    ? { log: (e: { level: string; query: { sql: string; parameters: readonly unknown[] } }) => opts.onQuery!(e.query.sql, e.query.parameters) }
    : {};

/** A database URL that names neither PostgreSQL nor a SQLite file. */
export class DatabaseUrlError extends Error {}

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

// Epoch milliseconds are BIGINT in PostgreSQL; they fit a JS number exactly (< 2^53).
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

export function createDb(opts: DbOptions): Db {
  const lockTimeoutMs = Math.round(opts.lockTimeoutMs ?? msFromEnv('SL_DB_LOCK_TIMEOUT_MS', 5000));
  if (isPostgresUrl(opts.url)) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 8,
      types: pgTypes,
      options: `-c lock_timeout=${lockTimeoutMs}${opts.readonly ? ' -c default_transaction_read_only=on' : ''}`,
    });
    // An idle pooled connection can be cut by the server (restart, admin termination); the pool
    // replaces it on next use. Without a listener that 'error' event would crash the process.
    pool.on('error', (err) => {
      if (process.env.LOG_LEVEL !== 'silent') console.warn(`postgres: idle connection lost (${err.message})`);
    });
    pool.on('connect', (client) => {
      // pg-pool listens for a client's 'error' only while it is idle. One lost while checked out
      // (a restart or pg_terminate_backend in the middle of a transaction) would emit it with no
      // listener, and an unhandled 'error' event ends the process; its query and transaction fail
      // anyway (503 database_unavailable), and the pool drops the broken client on release.
      client.on('error', () => undefined);
      preparesMarked(client);
      copiesMarked(client);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...logOf(opts) });
    return { db, ops: postgresOps, url: opts.url, close: () => db.destroy() };
  }
  // a typo in a URL's scheme ("postgress://") would otherwise open a new, empty SQLite file named like it
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(opts.url)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'sqlite')
    throw new DatabaseUrlError(`The database URL's scheme "${scheme}:" is not one ServiceLoop knows: use postgres://… (or postgresql://…), sqlite:<file> or a file path.`);
  const file = opts.url.replace(/^sqlite:/, '');
  if (file !== ':memory:' && !opts.readonly) mkdirSync(dirname(file), { recursive: true });
  // the pragmas below wait for another process's lock by the same setting (0: SQLite's 0 would not wait at all)
  const timeout = lockTimeoutMs === 0 ? 2 ** 31 - 1 : lockTimeoutMs;
  const sqlite = new SqliteDatabase(file, opts.readonly ? { readonly: true, fileMustExist: true, timeout } : { timeout });
  if (!opts.readonly) {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${opts.sqliteSync ?? process.env.SL_SQLITE_SYNC ?? 'FULL'}`);
    sqlite.pragma('foreign_keys = ON');
  }
  // a lock is waited for by the driver, between turns of the event loop (ImmediateSqliteDriver)
  sqlite.pragma('busy_timeout = 0');
  sqlite.pragma(`cache_size = -${(opts.sqliteCacheMb ?? 64) * 1024}`);
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: sqliteDialect(sqlite, lockTimeoutMs), ...logOf(opts) });
  return { db, ops: sqliteOps, url: opts.url, close: () => db.destroy() };
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE: the write lock at once. With a plain (deferred)
 * BEGIN a transaction that reads and then writes (an API token's: the user, then the token) fails
 * at its first write with "database is locked" whenever another process (the server beside a CLI
 * command) committed since the read; no wait can help a stale snapshot. In one process
 * transactions already run one at a time, so this costs nothing.
 *
 * A lock another process holds (the CLI, a sqlite3 shell left in a transaction) is waited for
 * between turns of the event loop, not by SQLite's busy handler, which sleeps in the thread: that
 * would stop every request, health check and worker of the server for up to the lock timeout, again
 * for each statement that meets the lock. A statement outside a transaction (BEGIN IMMEDIATE
 * itself, or one on its own) that finds the database locked gives the connection back to the
 * others (reads go on: WAL), waits 1, 2, 4 … 50 ms and tries again, until the lock timeout. Inside
 * a transaction, which holds the write lock, nothing waits; nor does a write marked NO_WAIT_MARK.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  #patient: DatabaseConnection | undefined;

  constructor(
    config: SqliteDialectConfig,
    private readonly sqlite: SqliteDatabase.Database,
    private readonly lockTimeoutMs: number,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await super.acquireConnection();
    return (this.#patient ??= {
      executeQuery: <R>(q: CompiledQuery) => {
        try {
          // better-sqlite3 throws synchronously: the common path adds no await
          return conn.executeQuery<R>(q);
        } catch (err) {
          if (!this.#waitable(err) || q.sql.startsWith(NO_WAIT_MARK)) throw err;
          return this.#retry<R>(conn, q, err);
        }
      },
      streamQuery: <R>(q: CompiledQuery, chunkSize?: number) => conn.streamQuery<R>(q, chunkSize),
    });
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  #waitable(err: unknown): boolean {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && code.startsWith('SQLITE_BUSY') && !this.sqlite.inTransaction;
  }

  async #retry<R>(conn: DatabaseConnection, q: CompiledQuery, first: unknown): Promise<QueryResult<R>> {
    const deadline = this.lockTimeoutMs === 0 ? Infinity : performance.now() + this.lockTimeoutMs;
    let last = first;
    for (let pause = 1; performance.now() + pause <= deadline; pause = Math.min(pause * 2, 50)) {
      await this.releaseConnection();
      await sleep(pause);
      await super.acquireConnection();
      try {
        return await conn.executeQuery<R>(q);
      } catch (err) {
        if (!this.#waitable(err)) throw err;
        last = err;
      }
    }
    throw last;
  }
}

function sqliteDialect(sqlite: SqliteDatabase.Database, lockTimeoutMs: number): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new ImmediateSqliteDriver({ database: withStatementCache(sqlite) }, sqlite, lockTimeoutMs),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db) => new SqliteIntrospector(db),
  };
}

/**
 * PostgreSQL: a statement marked COPY_MARK (copyRows) is `COPY … FROM STDIN` with its data as the
 * one parameter; it runs through pg-copy-streams and answers as a query would.
 */
function copiesMarked(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string' || !text.startsWith(COPY_MARK)) return query(text, ...rest);
    const data = (rest[0] as unknown[] | undefined)?.[0];
    if (typeof data !== 'string') return Promise.reject(new Error('a COPY statement takes its data as its one parameter'));
    return new Promise((resolve, reject) => {
      const stream = query(copyFrom(text)) as ReturnType<typeof copyFrom>;
      stream.on('error', reject);
      stream.on('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [], fields: [] }));
      stream.end(data);
    });
  };
}

/**
 * PostgreSQL: statements marked REUSE_MARK (the intake batch's write, whose text is the same for
 * every batch of the same tables) run as named prepared statements, so the server parses,
 * analyses and plans them once per connection instead of per batch. Measured on one batch of
 * one intake: 0.53 ms of the backend's CPU prepared against 1.25 ms unnamed. At most `max` per
 * connection (each keeps its plan in the backend); beyond that they run unnamed.
 */
export function preparesMarked(client: pg.PoolClient, max = 64): void {
  const names = new Set<string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, ...rest: unknown[]) => {
    if (typeof text === 'string' && text.startsWith(REUSE_MARK) && Array.isArray(rest[0]) && rest.length === 1) {
      const name = `sl_${createHash('sha1').update(text).digest('base64url')}`;
      if (names.has(name) || names.size < max) {
        names.add(name);
        return query({ name, text, values: rest[0] });
      }
    }
    return query(text, ...rest);
  };
}

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing costs
 * more than running a small insert. Cache them by SQL text (bounded; the app has a few hundred).
 * Long texts are the multi-row inserts of a batch, one per row count: rarely the same twice,
 * and each a compiled program of hundreds of KB (intake's RSS grew to 390 MB caching them; even
 * the last 16 used took it from 272 to 407-459 MB). Those marked REUSE_MARK come again with the
 * same text (the timer sweep's chunks of 200 rows): the 16 prepared last are kept.
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, max = 1000, maxSqlLength = 4096, maxReused = 16) {
  const short = new Map<string, SqliteDatabase.Statement>();
  const reused = new Map<string, SqliteDatabase.Statement>();
  /** The statement from `cache`, prepared and added if new (the first added goes at `limit`). */
  const cached = (cache: Map<string, SqliteDatabase.Statement>, limit: number, sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      st = sqlite.prepare(sql);
      if (cache.size >= limit) cache.delete(cache.keys().next().value!);
      cache.set(sql, st);
    }
    return st;
  };
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      if (sql.length <= maxSqlLength) return cached(short, max, sql);
      return sql.startsWith(REUSE_MARK) ? cached(reused, maxReused, sql) : sqlite.prepare(sql);
    },
  };
}
