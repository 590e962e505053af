/**
 * Baseline: the raw rate of committing one row per transaction into the cases table (freshly
 * migrated, so it has exactly the migration's columns and indexes and nothing else is running),
 * through the same driver with the server's own settings:
 *  - SQLite: better-sqlite3, the pragmas read back from a createDb() connection (WAL, synchronous
 *    FULL, ...), one prepared INSERT per transaction, sequential (SQLite has one writer).
 *  - PostgreSQL: pg.Pool of the server's size (8) with 8 concurrent workers, each INSERT its own
 *    (autocommit) transaction; and 1 connection for reference.
 * A reference figure through Kysely (BEGIN; INSERT; COMMIT as the services do it) shows the cost
 * of the query builder and the explicit transaction.
 */
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createDb } from '../src/core/db/create-db.ts';
import { migrateToLatest } from '../src/core/db/migrate.ts';
import type { Figure, Section, SectionEnv } from './common.ts';
import { round, summarise } from './common.ts';
import { CASE_COLUMNS, intakeLikeRow, Rng } from './synthetic.ts';

/** The figure intake's ratio is taken against. */
export const BASELINE_FIGURE = 'raw commit rate, 1 row/txn';
export const SERVER_POOL_SIZE = 8;
export const RAW_LATENCY_P99 = 'raw commit latency p99 (reference)';
export const RAW_LATENCY_MAX = 'raw commit latency max (reference)';

const SQLITE_PRAGMAS = ['journal_mode', 'synchronous', 'foreign_keys', 'busy_timeout', 'cache_size', 'temp_store'] as const;

function rowValues(r: Rng, n: number): unknown[] {
  const row = intakeLikeRow(r, n, Date.now());
  return CASE_COLUMNS.map((c) => row[c]);
}

/** Runs `step` in `workers` concurrent loops for `seconds`; returns completed steps per second and each step's latency (ms). */
async function timedLoop(seconds: number, workers: number, step: (n: number) => Promise<void>): Promise<{ rate: number; n: number; s: number; latencies: number[] }> {
  let n = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let t = performance.now(); t < end; ) {
        await step(n++);
        const t1 = performance.now();
        latencies.push(t1 - t);
        t = t1;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return { rate: n / s, n, s, latencies };
}

/**
 * The commit latency of the raw loop: the disk's own tail in this run (an fsync that waits on a
 * checkpoint or on another process's writes), the floor under intake's p99 target.
 */
function commitLatency(env: SectionEnv, latencies: number[], how: string): Figure[] {
  const l = summarise(latencies);
  return [
    env.figure({ name: RAW_LATENCY_P99, value: l.p99, unit: 'ms', note: `${how}; p50 ${l.p50.toFixed(2)} ms of ${l.n.toLocaleString('en-US')} commits: the disk's own tail, under intake's p99` }),
    env.figure({ name: RAW_LATENCY_MAX, value: l.max, unit: 'ms', note: how }),
  ];
}

async function sqliteBaseline(env: SectionEnv, seconds: number): Promise<Figure[]> {
  const fresh = await env.fresh('baseline');
  const dbh = createDb({ url: fresh.url });
  await migrateToLatest(dbh);
  // The raw row with the table's indexes only: the search bound's trigger (migration 2026_12_06_0900) is the app's work
  await sql`DROP TRIGGER cases_received_max`.execute(dbh.db);
  // The server's settings, read back from a connection createDb() opened.
  const settings: Record<string, unknown> = {};
  for (const p of SQLITE_PRAGMAS) {
    const r = await sql.raw(`PRAGMA ${p}`).execute(dbh.db);
    settings[p] = Object.values((r.rows[0] ?? {}) as Record<string, unknown>)[0];
  }
  const rng = new Rng(42);
  const template = rowValues(rng, 0);
  const figures: Figure[] = [];

  // Reference through Kysely first (its connection is the one createDb made).
  const kyselyRun = await timedLoop(Math.max(1, seconds / 2), 1, async (n) => {
    const row = Object.fromEntries(CASE_COLUMNS.map((c, i) => [c, template[i]])) as Record<string, unknown>;
    row.id = uuidv7();
    row.number = `SL-K-${n}`;
    await dbh.db.transaction().execute((trx) => trx.insertInto('cases').values(row as never).execute());
  });
  await dbh.close();

  // The raw driver with the same pragmas, verified.
  const raw = new SqliteDatabase(fresh.file!);
  for (const p of SQLITE_PRAGMAS) raw.pragma(`${p} = ${String(settings[p])}`);
  for (const p of SQLITE_PRAGMAS) {
    const v = raw.pragma(p, { simple: true });
    if (String(v) !== String(settings[p])) throw new Error(`pragma ${p}: raw ${String(v)} != server ${String(settings[p])}`);
  }
  const stmt = raw.prepare(`INSERT INTO cases (${CASE_COLUMNS.join(', ')}) VALUES (${CASE_COLUMNS.map(() => '?').join(', ')})`);
  const values = [...template];
  const rawRun = await timedLoop(seconds, 1, async (n) => {
    values[0] = uuidv7();
    values[1] = `SL-R-${n}`;
    stmt.run(values);
  });
  const rows = raw.prepare('SELECT count(*) AS n FROM cases').get() as { n: number };
  raw.close();
  env.details.settings = settings;
  env.details.rows = rows.n;
  env.log(`raw ${Math.round(rawRun.rate)} commits/s (${rawRun.n} in ${rawRun.s.toFixed(1)} s); Kysely trx ${Math.round(kyselyRun.rate)}/s`);
  const base = { name: BASELINE_FIGURE, value: rawRun.rate, unit: 'rows/s' };
  figures.push(env.figure({ name: BASELINE_FIGURE, value: rawRun.rate, unit: 'rows/s', note: `better-sqlite3, sequential, ${Object.entries(settings).map(([k, v]) => `${k}=${String(v)}`).join(' ')}` }));
  figures.push(env.figure({ name: 'commit rate via Kysely BEGIN/INSERT/COMMIT (reference)', value: kyselyRun.rate, unit: 'rows/s', baseline: base }));
  figures.push(...commitLatency(env, rawRun.latencies, 'one commit at a time'));
  return figures;
}

async function postgresBaseline(env: SectionEnv, seconds: number): Promise<Figure[]> {
  const fresh = await env.fresh('baseline');
  const dbh = createDb({ url: fresh.url });
  await migrateToLatest(dbh);
  const rng = new Rng(42);
  const template = rowValues(rng, 0);
  const text = `INSERT INTO cases (${CASE_COLUMNS.join(', ')}) VALUES (${CASE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
  const figures: Figure[] = [];

  // The server's pool: same size as createDb's default.
  const pool = new pg.Pool({ connectionString: fresh.url, max: SERVER_POOL_SIZE });
  const insert = async (tag: string, n: number) => {
    const v = [...template];
    v[0] = uuidv7();
    v[1] = `SL-${tag}-${n}`;
    await pool.query(text, v);
  };
  await timedLoop(0.5, SERVER_POOL_SIZE, (n) => insert('W', n)); // warm the pool's connections
  const pooled = await timedLoop(seconds, SERVER_POOL_SIZE, (n) => insert('P', n));
  const single = await timedLoop(Math.max(1, seconds / 2), 1, (n) => insert('S', n));
  const settings = Object.fromEntries(
    (await pool.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit','fsync','wal_sync_method','shared_buffers','commit_delay','wal_level')",
    )).rows.map((r) => [r.name, r.setting]),
  );
  await pool.end();

  const kyselyRun = await timedLoop(Math.max(1, seconds / 2), SERVER_POOL_SIZE, async (n) => {
    const row = Object.fromEntries(CASE_COLUMNS.map((c, i) => [c, template[i]])) as Record<string, unknown>;
    row.id = uuidv7();
    row.number = `SL-K-${n}`;
    await dbh.db.transaction().execute((trx) => trx.insertInto('cases').values(row as never).execute());
  });
  await dbh.close();
  env.details.settings = settings;
  env.log(`raw ${Math.round(pooled.rate)} commits/s on ${SERVER_POOL_SIZE} connections, ${Math.round(single.rate)}/s on 1; Kysely trx ${Math.round(kyselyRun.rate)}/s`);
  const base = { name: BASELINE_FIGURE, value: pooled.rate, unit: 'rows/s' };
  figures.push(env.figure({ name: BASELINE_FIGURE, value: pooled.rate, unit: 'rows/s', note: `pg pool of ${SERVER_POOL_SIZE}, ${SERVER_POOL_SIZE} concurrent workers, autocommit INSERT; synchronous_commit=${settings.synchronous_commit}` }));
  figures.push(env.figure({ name: 'raw commit rate, 1 connection (reference)', value: single.rate, unit: 'rows/s', baseline: base }));
  figures.push(env.figure({ name: 'commit rate via Kysely BEGIN/INSERT/COMMIT, 8 workers (reference)', value: kyselyRun.rate, unit: 'rows/s', baseline: base }));
  figures.push(...commitLatency(env, pooled.latencies, `${SERVER_POOL_SIZE} concurrent commits on the pool`));
  return figures;
}

export const section: Section = {
  name: 'baseline',
  title: 'Raw commit rate, one row per transaction into the cases table',
  async run(env) {
    const seconds = env.opts.quick ? Math.min(1.5, env.opts.durationS) : Math.max(2, Math.min(5, env.opts.durationS));
    return env.dialect === 'sqlite' ? sqliteBaseline(env, seconds) : postgresBaseline(env, seconds);
  },
};

