/**
 * The bulk loader: N synthetic cases in the real schema, fast enough to build 1,000,000 cases
 * in minutes. It bypasses the services (that is what makes it fast) but fills every table the
 * read paths use, exactly as the app would:
 *  - customers, users (the base seed through the services, plus synthetic agents), categories;
 *  - cases (about 5% open, most of them recent), case_events (3-6 per case, in time order);
 *  - the search index: case_fts (SQLite, FTS5 contentless, rowid = cases.rowid, columns seq/uni
 *    from indexTokens, and cases.received_max set as its trigger would) or case_search
 *    (PostgreSQL, tsvectorLiteral): the app's own tokenisers;
 *  - case_number_counters, so later intake continues the day's numbering.
 * Secondary indexes are dropped first and recreated afterwards from their own definitions (read
 * back from the catalogue, so they are exactly the migration's). PostgreSQL is then VACUUM
 * ANALYZEd, as autovacuum would; SQLite gets no ANALYZE (the app never runs one).
 */
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createDb } from '../src/core/db/create-db.ts';
import { tsvectorLiteral } from '../src/core/db/dialect/postgres.ts';
import { migrateToLatest, migrations } from '../src/core/db/migrate.ts';
import type { UsersTable } from '../src/core/modules/users/users.table.ts';
import { indexTokens } from '../src/core/shared/cjk-tokens.ts';
import {
  dataPath,
  pgCreateDatabase,
  pgDatabaseExists,
  pgDropDatabase,
  pgUrlFor,
  removeSqliteFiles,
  ROOT,
  sqliteUrl,
  type BenchOptions,
  type Dialect,
  type Figure,
  type FigureInput,
  type LoadedDb,
  type LoadedMeta,
  type Section,
} from './common.ts';
import { seedBench } from './seed.ts';
import {
  CASE_COLUMNS,
  CUSTOMER_COLUMNS,
  DAY_MS,
  EVENT_COLUMNS,
  isOpenStatus,
  Rng,
  shanghaiDay,
  syntheticCase,
  syntheticCustomer,
  type CustomerPoolEntry,
  type Org,
  type SyntheticCase,
} from './synthetic.ts';

/** Bump when the generated data changes shape, so a kept database is rebuilt. */
export const GENERATOR_VERSION = 1;
const SPAN_DAYS = 730;
const EXTRA_FRONTLINE_AGENTS = 40;
const EXTRA_AFTERSALES_AGENTS = 15;
const SAMPLE_IDS = 2000;

/**
 * Other modules' tables derived from cases (e.g. commitment targets, analytics rollups) are
 * filled by extensions that run after the core load, on the same database. A kept database is
 * rebuilt when the set of extensions or their versions changes.
 */
export interface LoaderExtension {
  name: string;
  version: number;
  afterLoad(x: { url: string; dialect: Dialect; meta: LoadedMeta; log(msg: string): void }): Promise<void>;
}
const extensions: LoaderExtension[] = [];
export function registerLoaderExtension(x: LoaderExtension): void {
  if (!extensions.some((e) => e.name === x.name)) extensions.push(x);
}
const extensionKey = () => extensions.map((e) => `${e.name}@${e.version}`).sort();

export interface LoaderEnv {
  dialect: Dialect;
  opts: BenchOptions;
  log(msg: string): void;
  figure(f: FigureInput): Figure;
  onFigures(figs: Figure[]): void;
  details: Record<string, unknown>;
  registerCleanup(fn: () => Promise<void>): void;
}

interface Target {
  url: string;
  file?: string;
  exists(): Promise<boolean>;
  recreate(): Promise<void>;
  drop(): Promise<void>;
}

function targetFor(env: LoaderEnv): Target {
  const { opts } = env;
  const n = opts.cases;
  if (env.dialect === 'sqlite') {
    const file = dataPath(opts, opts.keep ? `loaded-${n}.db` : `p${process.pid}-loaded-${n}.db`);
    return {
      url: sqliteUrl(file),
      file,
      exists: async () => {
        try {
          return statSync(file).size > 0;
        } catch {
          return false;
        }
      },
      recreate: async () => removeSqliteFiles(file),
      drop: async () => removeSqliteFiles(file),
    };
  }
  const name = opts.keep ? `sl_bench_loaded_${n}` : `sl_bench_p${process.pid}_loaded`;
  return {
    url: pgUrlFor(opts.pgAdminUrl, name),
    exists: () => pgDatabaseExists(opts.pgAdminUrl, name),
    recreate: async () => {
      await pgDropDatabase(opts.pgAdminUrl, name);
      await pgCreateDatabase(opts.pgAdminUrl, name);
    },
    drop: () => pgDropDatabase(opts.pgAdminUrl, name),
  };
}

/** A hash of each migration's source, so a migration edited in place (during development) forces a rebuild. */
function migrationHashes(names: string[]): Record<string, string> {
  const dir = join(ROOT, 'src', 'core', 'db', 'migrations');
  return Object.fromEntries(
    names.map((n) => {
      try {
        return [n, createHash('sha256').update(readFileSync(join(dir, `${n}.ts`))).digest('hex').slice(0, 16)];
      } catch {
        return [n, 'unreadable'];
      }
    }),
  );
}

async function readMeta(url: string): Promise<LoadedMeta | null> {
  const dbh = createDb({ url });
  try {
    const r = await sql<{ value: string }>`SELECT value FROM bench_meta WHERE key = 'loaded'`.execute(dbh.db);
    return r.rows[0] ? (JSON.parse(r.rows[0].value) as LoadedMeta) : null;
  } catch {
    return null;
  } finally {
    await dbh.close();
  }
}

async function writeMeta(url: string, meta: LoadedMeta): Promise<void> {
  const dbh = createDb({ url });
  try {
    await sql`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)`.execute(dbh.db);
    await sql`DELETE FROM bench_meta WHERE key = 'loaded'`.execute(dbh.db);
    await sql`INSERT INTO bench_meta (key, value) VALUES ('loaded', ${JSON.stringify(meta)})`.execute(dbh.db);
  } finally {
    await dbh.close();
  }
}

/** Synthetic agents beside the seeded ones, so queues are per-agent sized as in a real centre. */
async function addAgents(url: string, teams: Record<string, string>, now: number): Promise<{ frontline: string[]; aftersales: string[] }> {
  const dbh = createDb({ url });
  const mk = (i: number, teamId: string): UsersTable => ({
    id: uuidv7(),
    email: `agent${String(i).padStart(3, '0')}@bench.local`,
    name: `坐席${i} Agent ${i}`,
    role: 'agent',
    team_id: teamId,
    customer_id: null,
    password_hash: null,
    locale: 'zh-CN',
    skills: '[]',
    languages: '["zh","en"]',
    active: 1,
    created_at: now,
    updated_at: now,
    post: null,
  });
  const front = Array.from({ length: EXTRA_FRONTLINE_AGENTS }, (_, i) => mk(i + 1, teams.frontline!));
  const after = Array.from({ length: EXTRA_AFTERSALES_AGENTS }, (_, i) => mk(EXTRA_FRONTLINE_AGENTS + i + 1, teams.aftersales!));
  try {
    await dbh.db.insertInto('users').values([...front, ...after]).execute();
  } finally {
    await dbh.close();
  }
  return { frontline: front.map((u) => u.id), aftersales: after.map((u) => u.id) };
}

interface Plan {
  n: number;
  now: number;
  org: Org;
  customers: CustomerPoolEntry[];
  customerRows: unknown[][];
  rng: Rng;
}

/** Cases in received order, in batches; collects the counters and a sample of ids on the way. */
function* caseBatches(p: Plan, size: number, counters: Map<string, number>, sample: string[]): Generator<SyntheticCase[]> {
  const start = p.now - SPAN_DAYS * DAY_MS;
  const step = (SPAN_DAYS * DAY_MS - 3600_000) / p.n;
  const every = Math.max(1, Math.floor(p.n / SAMPLE_IDS));
  let batch: SyntheticCase[] = [];
  for (let i = 0; i < p.n; i++) {
    const at = Math.floor(start + i * step + p.rng.next() * step * 0.9);
    const day = shanghaiDay(at);
    const seq = (counters.get(day) ?? 0) + 1;
    counters.set(day, seq);
    const c = syntheticCase(p.rng, p.org, p.customers, at, p.now, seq);
    if (i % every === 0) sample.push(c.row.id);
    batch.push(c);
    if (batch.length === size) {
      // recorded in the order they were entered (a fifth up to ten minutes after they were
      // received), as the app records them, so a search walks some cases out of received order
      yield batch.sort((a, b) => a.row.created_at - b.row.created_at);
      batch = [];
    }
  }
  if (batch.length) yield batch.sort((a, b) => a.row.created_at - b.row.created_at);
}

interface LoadStats {
  events: number;
  open: number;
  phases: Record<string, number>;
}

const secondsSince = (t: number) => Number(((performance.now() - t) / 1000).toFixed(1));

function progress(log: (s: string) => void, n: number) {
  const t0 = performance.now();
  let next = 0.1;
  return (done: number) => {
    if (done / n >= next || done === n) {
      const s = (performance.now() - t0) / 1000;
      log(`${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} cases (${Math.round(done / s).toLocaleString('en-US')}/s)`);
      while (done / n >= next) next += 0.1;
    }
  };
}

function sqliteLoad(file: string, p: Plan, log: (s: string) => void, counters: Map<string, number>, sample: string[]): LoadStats {
  const db = new SqliteDatabase(file);
  const phases: Record<string, number> = {};
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -1048576');
    db.pragma('temp_store = MEMORY');
    const indexes = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('cases', 'case_events', 'customers')`)
      .all() as Array<{ name: string; sql: string }>;
    for (const ix of indexes) db.exec(`DROP INDEX "${ix.name}"`);
    // cases.received_max (migration 2026_12_06_0900) is set here as its trigger would, without the trigger's UPDATE a row
    const trigger = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'cases_received_max'`).pluck().get() as string | undefined;
    if (!trigger) throw new Error('the cases_received_max trigger is missing: is the database migrated?');
    db.exec('DROP TRIGGER cases_received_max');
    let receivedMax = (db.prepare('SELECT received_max FROM cases ORDER BY rowid DESC LIMIT 1').pluck().get() as number | null | undefined) ?? 0;

    let t = performance.now();
    const insCustomer = db.prepare(`INSERT INTO customers (${CUSTOMER_COLUMNS.join(', ')}) VALUES (${CUSTOMER_COLUMNS.map(() => '?').join(', ')})`);
    db.transaction(() => {
      for (const r of p.customerRows) insCustomer.run(r);
    })();
    phases.customers = secondsSince(t);

    t = performance.now();
    const insCase = db.prepare(`INSERT INTO cases (${CASE_COLUMNS.join(', ')}, received_max) VALUES (${CASE_COLUMNS.map(() => '?').join(', ')}, ?)`);
    const insEvent = db.prepare(`INSERT INTO case_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`);
    const insFts = db.prepare('INSERT INTO case_fts (rowid, seq, uni) VALUES (?, ?, ?)');
    let events = 0;
    let open = 0;
    let done = 0;
    const tick = progress(log, p.n);
    const write = db.transaction((batch: SyntheticCase[]) => {
      for (const c of batch) {
        receivedMax = Math.max(receivedMax, c.row.received_at);
        const info = insCase.run([...CASE_COLUMNS.map((k) => c.row[k]), receivedMax]);
        const tok = indexTokens(c.searchText);
        insFts.run(info.lastInsertRowid, tok.seq.join(' '), tok.uni.join(' '));
        for (const e of c.events) insEvent.run(EVENT_COLUMNS.map((k) => e[k]));
        events += c.events.length;
        if (isOpenStatus(c.row.status)) open++;
      }
    });
    for (const batch of caseBatches(p, 10_000, counters, sample)) {
      write(batch);
      done += batch.length;
      tick(done);
    }
    phases.rows = secondsSince(t);
    db.exec(trigger);

    t = performance.now();
    for (const ix of indexes) {
      const ti = performance.now();
      db.exec(ix.sql);
      log(`index ${ix.name}: ${secondsSince(ti)} s`);
    }
    phases.indexes = secondsSince(t);
    const up = db.prepare('INSERT INTO case_number_counters (day, last) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET last = max(last, excluded.last)');
    db.transaction(() => {
      for (const [day, last] of counters) up.run(day, last);
    })();
    t = performance.now();
    db.pragma('wal_checkpoint(TRUNCATE)');
    phases.checkpoint = secondsSince(t);
    return { events, open, phases };
  } finally {
    db.close();
  }
}

const PG_ARRAY_TYPE: Record<string, string> = { text: 'text[]', bigint: 'bigint[]', integer: 'int[]', boolean: 'boolean[]' };

async function columnTypes(c: pg.Client, table: string): Promise<Record<string, string>> {
  const r = await c.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  return Object.fromEntries(r.rows.map((x) => [x.column_name, x.data_type]));
}

/** INSERT ... SELECT FROM unnest($1::t1[], $2::t2[], ...): one parameter per column, any number of rows. */
function unnestInsert(table: string, columns: readonly string[], types: Record<string, string>): string {
  const arr = columns.map((col, i) => {
    const t = PG_ARRAY_TYPE[types[col] ?? ''];
    if (!t) throw new Error(`no array type for ${table}.${col} (${types[col]})`);
    return `$${i + 1}::${t}`;
  });
  return `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${arr.join(', ')})`;
}

const columnsOf = (rows: unknown[][], width: number): unknown[][] => Array.from({ length: width }, (_, j) => rows.map((r) => r[j]));

async function postgresLoad(url: string, p: Plan, log: (s: string) => void, counters: Map<string, number>, sample: string[]): Promise<LoadStats> {
  const connect = async () => {
    const x = new pg.Client({ connectionString: url });
    await x.connect();
    await x.query('SET synchronous_commit = off');
    await x.query("SET maintenance_work_mem = '1GB'");
    try {
      // The loader writes consistent data; skip the per-row foreign-key triggers (superuser only).
      await x.query('SET session_replication_role = replica');
      return { client: x, replica: true };
    } catch {
      return { client: x, replica: false };
    }
  };
  const main = await connect();
  const c = main.client;
  // Without the foreign-key bypass, rows must arrive in order on one connection; with it, each
  // table gets its own connection so the server parses and inserts them on separate cores.
  const others = main.replica ? [await connect(), await connect()] : [];
  if (!main.replica) log('session_replication_role not permitted: one connection, foreign keys checked row by row');
  const phases: Record<string, number> = {};
  try {
    const indexes = (
      await c.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('cases', 'case_events', 'case_search', 'customers')
           AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
      )
    ).rows;
    for (const ix of indexes) await c.query(`DROP INDEX "${ix.indexname}"`);

    let t = performance.now();
    const custSql = unnestInsert('customers', CUSTOMER_COLUMNS, await columnTypes(c, 'customers'));
    for (let i = 0; i < p.customerRows.length; i += 20_000) await c.query(custSql, columnsOf(p.customerRows.slice(i, i + 20_000), CUSTOMER_COLUMNS.length));
    phases.customers = secondsSince(t);

    t = performance.now();
    const caseSql = unnestInsert('cases', CASE_COLUMNS, await columnTypes(c, 'cases'));
    const eventSql = unnestInsert('case_events', EVENT_COLUMNS, await columnTypes(c, 'case_events'));
    const searchSql = 'INSERT INTO case_search (case_id, tsv) SELECT id, tsv::tsvector FROM unnest($1::text[], $2::text[]) AS t(id, tsv)';
    const [cCases, cEvents, cSearch] = others.length ? [c, others[0]!.client, others[1]!.client] : [c, c, c];
    let events = 0;
    let open = 0;
    let done = 0;
    const tick = progress(log, p.n);
    // One batch per table in flight while the next batch is generated.
    let inFlight: Promise<unknown> = Promise.resolve();
    let waited = 0;
    for (const batch of caseBatches(p, 5_000, counters, sample)) {
      const caseCols = CASE_COLUMNS.map((k) => batch.map((x) => x.row[k]));
      const evs = batch.flatMap((x) => x.events);
      const eventCols = EVENT_COLUMNS.map((k) => evs.map((e) => e[k]));
      const search = [batch.map((x) => x.row.id), batch.map((x) => tsvectorLiteral(x.searchText))];
      events += evs.length;
      for (const x of batch) if (isOpenStatus(x.row.status)) open++;
      const tw = performance.now();
      await inFlight;
      waited += performance.now() - tw;
      inFlight = others.length
        ? Promise.all([cCases.query(caseSql, caseCols), cEvents.query(eventSql, eventCols), cSearch.query(searchSql, search)])
        : (async () => {
            await c.query(caseSql, caseCols);
            await c.query(eventSql, eventCols);
            await c.query(searchSql, search);
          })();
      done += batch.length;
      tick(done);
    }
    const tw = performance.now();
    await inFlight;
    waited += performance.now() - tw;
    phases.rows = secondsSince(t);
    phases.rowsWaitingForDb = Number((waited / 1000).toFixed(1));

    t = performance.now();
    for (const ix of indexes) {
      const ti = performance.now();
      await c.query(ix.indexdef);
      log(`index ${ix.indexname}: ${secondsSince(ti)} s`);
    }
    phases.indexes = secondsSince(t);
    const days = [...counters];
    await c.query(
      `INSERT INTO case_number_counters (day, last) SELECT * FROM unnest($1::text[], $2::int[])
         ON CONFLICT (day) DO UPDATE SET last = GREATEST(case_number_counters.last, excluded.last)`,
      [days.map((d) => d[0]), days.map((d) => d[1])],
    );
    t = performance.now();
    for (const table of ['customers', 'cases', 'case_events', 'case_search', 'users', 'case_number_counters']) await c.query(`VACUUM ANALYZE ${table}`);
    phases.vacuumAnalyze = secondsSince(t);
    return { events, open, phases };
  } finally {
    await c.end();
    for (const o of others) await o.client.end();
  }
}

async function databaseSizeMb(dialect: Dialect, url: string, file?: string): Promise<number> {
  if (dialect === 'sqlite') {
    let s = 0;
    for (const f of [file!, `${file!}-wal`]) {
      try {
        s += statSync(f).size;
      } catch {
        /* absent */
      }
    }
    return s / 2 ** 20;
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]!.n) / 2 ** 20;
  } finally {
    await c.end();
  }
}

/** Builds the loaded database once per run and database (or reuses a kept one with --keep). */
export async function ensureLoaded(env: LoaderEnv): Promise<LoadedDb> {
  const { opts } = env;
  const n = opts.cases;
  const target = targetFor(env);
  const migrationNames = Object.keys(migrations);
  if (!opts.keep) env.registerCleanup(target.drop);

  if (opts.keep && (await target.exists())) {
    const meta = await readMeta(target.url);
    // Migrations appended since the load are applied in place (what a deployment does); any other
    // difference (size, generator, extensions, an edited migration list) means a rebuild.
    const hashes = migrationHashes(migrationNames);
    const prefix =
      meta !== null && meta.migrations.every((m, i) => migrationNames[i] === m && (meta.migrationHashes?.[m] ?? hashes[m]) === hashes[m]);
    const same =
      meta &&
      meta.cases === n &&
      meta.generatorVersion === GENERATOR_VERSION &&
      prefix &&
      JSON.stringify(meta.extensions ?? []) === JSON.stringify(extensionKey());
    if (same && meta.migrations.length < migrationNames.length) {
      const added = migrationNames.slice(meta.migrations.length);
      const tm = performance.now();
      const dbh = createDb({ url: target.url });
      try {
        await migrateToLatest(dbh);
      } finally {
        await dbh.close();
      }
      env.log(`applied ${added.length} migration(s) added since the load to the kept database in ${secondsSince(tm)} s: ${added.join(', ')}`);
      meta.migrations = migrationNames;
      meta.migrationHashes = hashes;
      await writeMeta(target.url, meta);
    }
    if (same) {
      env.log(`reusing the kept database with ${n.toLocaleString('en-US')} cases (loaded ${new Date(meta.loadedAt).toISOString()})`);
      const size = await databaseSizeMb(env.dialect, target.url, target.file);
      env.details.reused = true;
      env.details.meta = { ...meta, sampleCaseIds: meta.sampleCaseIds.length };
      env.onFigures([env.figure({ name: `bulk load of ${n.toLocaleString('en-US')} cases (reused, kept with --keep)`, value: meta.cases / meta.seconds, unit: 'cases/s', note: `loaded earlier in ${meta.seconds.toFixed(0)} s; ${size.toFixed(0)} MB` })]);
      return { url: target.url, ...(target.file ? { file: target.file } : {}), cases: n, meta };
    }
    env.log('kept database is stale (size, generator, extensions or an edited migration): rebuilding');
  }

  await target.recreate();
  const t0 = performance.now();
  env.log(`loading ${n.toLocaleString('en-US')} cases into ${target.url.replace(/\/\/[^@]*@/, '//')}`);
  const seed = await seedBench(target.url);
  const now = Date.now();
  const agents = await addAgents(target.url, seed.teams, now);
  const org: Org = {
    categories: seed.categories,
    frontlineTeamId: seed.teams.frontline!,
    aftersalesTeamId: seed.teams.aftersales!,
    frontlineAgents: [seed.users.agent!, seed.users.agent2!, seed.users.agent3!, ...agents.frontline],
    aftersalesAgents: [seed.users.tech!, ...agents.aftersales],
  };
  const rng = new Rng(20261123);
  const nCustomers = Math.max(100, Math.round(n / 5));
  const customers: CustomerPoolEntry[] = [];
  const customerRows: unknown[][] = [];
  for (let i = 0; i < nCustomers; i++) {
    const { row, entry } = syntheticCustomer(rng, i + 1, now - (SPAN_DAYS + 365) * DAY_MS + Math.floor(rng.next() * SPAN_DAYS * DAY_MS));
    customers.push(entry);
    customerRows.push(CUSTOMER_COLUMNS.map((k) => row[k]));
  }
  const plan: Plan = { n, now, org, customers, customerRows, rng };
  const counters = new Map<string, number>();
  const sample: string[] = [];
  const stats =
    env.dialect === 'sqlite'
      ? sqliteLoad(target.file!, plan, env.log, counters, sample)
      : await postgresLoad(target.url, plan, env.log, counters, sample);
  const meta: LoadedMeta = {
    cases: n,
    customers: nCustomers,
    events: stats.events,
    migrations: migrationNames,
    migrationHashes: migrationHashes(migrationNames),
    loadedAt: now,
    seconds: 0,
    users: seed.users,
    teams: seed.teams,
    categories: seed.categories,
    frontlineAgents: org.frontlineAgents,
    aftersalesAgents: org.aftersalesAgents,
    sampleCaseIds: sample,
    generatorVersion: GENERATOR_VERSION,
    extensions: extensionKey(),
  };
  for (const x of extensions) {
    const tx = performance.now();
    await x.afterLoad({ url: target.url, dialect: env.dialect, meta, log: (m) => env.log(`${x.name}: ${m}`) });
    stats.phases[`ext_${x.name}`] = secondsSince(tx);
  }
  meta.seconds = (performance.now() - t0) / 1000;
  await writeMeta(target.url, meta);
  const seconds = meta.seconds;
  const size = await databaseSizeMb(env.dialect, target.url, target.file);
  env.log(`loaded in ${seconds.toFixed(1)} s: ${Math.round(n / seconds).toLocaleString('en-US')} cases/s, ${stats.events.toLocaleString('en-US')} events, ${stats.open.toLocaleString('en-US')} open, ${size.toFixed(0)} MB; phases ${JSON.stringify(stats.phases)}`);
  env.details.reused = false;
  env.details.phases = stats.phases;
  env.details.meta = { ...meta, sampleCaseIds: sample.length, open: stats.open, sizeMb: Math.round(size) };
  env.onFigures([
    env.figure({
      name: `bulk load of ${n.toLocaleString('en-US')} cases`,
      value: n / seconds,
      unit: 'cases/s',
      note: `${seconds.toFixed(0)} s; ${stats.events.toLocaleString('en-US')} events, ${nCustomers.toLocaleString('en-US')} customers, ${stats.open.toLocaleString('en-US')} open; ${size.toFixed(0)} MB`,
    }),
  ]);
  return { url: target.url, ...(target.file ? { file: target.file } : {}), cases: n, meta };
}

/** The loader as a section of its own (so its rate is reported even when nothing reads). */
export const section: Section = {
  name: 'load',
  title: 'Bulk load of the synthetic cases (built once, shared by the read sections)',
  async run(env) {
    await env.loaded();
    return [];
  },
};
