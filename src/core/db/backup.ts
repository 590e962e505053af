import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, openSync, readSync, closeSync, realpathSync, rmSync, statSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { verifyAuditChain } from '../modules/audit/index.ts';
import { createDb, isPostgresUrl } from './create-db.ts';

/**
 * Backups with a tested restore (SPEC 10). A backup is a consistent snapshot of a running
 * database — SQLite's `VACUUM INTO` (one file, compacted), PostgreSQL's `pg_dump` custom format —
 * and it is restored somewhere else and checked before it is called good: the restored copy opens,
 * its audit hash chain verifies, and its head is an entry of the live chain (the backup is the
 * live history up to a point, not another one).
 */

export class BackupError extends Error {}

export interface BackupCheck {
  /** Where it was restored to be checked: the file itself (SQLite) or a scratch database (PostgreSQL). */
  restoredInto: string;
  integrity: 'ok' | string;
  cases: number;
  customers: number;
  auditEntries: number;
  auditHead: { seq: number; hash: string } | null;
}

export interface BackupResult {
  file: string;
  bytes: number;
  tookMs: number;
  check: BackupCheck;
}

const sqliteFile = (url: string) => url.replace(/^sqlite:/, '');

const SQLITE_MAGIC = 'SQLite format 3\0';
const PGDUMP_MAGIC = 'PGDMP';

function fileKind(file: string): 'sqlite' | 'pgdump' | 'unknown' {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    const head = buf.subarray(0, n).toString('latin1');
    if (head === SQLITE_MAGIC) return 'sqlite';
    if (head.startsWith(PGDUMP_MAGIC)) return 'pgdump';
    return 'unknown';
  } finally {
    closeSync(fd);
  }
}

/**
 * A PostgreSQL URL for a client program's command line, without its password (another local user
 * could read it in `ps`), and the environment that carries the password instead.
 */
function pgTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: password ? { ...process.env, PGPASSWORD: password } : process.env };
}

/** Runs a PostgreSQL client program on `url`'s database; its stderr becomes the error. */
function run(cmd: string, args: string[], url: string): Promise<void> {
  const { dbname, env } = pgTarget(url);
  return new Promise((done, fail) => {
    const p = spawn(cmd, [...args, `--dbname=${dbname}`], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('error', (e: NodeJS.ErrnoException) =>
      fail(new BackupError(e.code === 'ENOENT' ? `${cmd} is not installed: PostgreSQL backups use its client programs (Debian: apt-get install postgresql-client)` : e.message)),
    );
    p.on('close', (code) => (code === 0 ? done() : fail(new BackupError(`${cmd} failed (exit ${code}): ${err.trim()}`))));
  });
}

/** A URL for another database on the same PostgreSQL server. */
const withDatabase = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

async function onServer(url: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** Opens a database copy without migrating it, and reads what the check reports. */
async function inspect(url: string, restoredInto: string): Promise<BackupCheck> {
  const dbh = createDb({ url, readonly: true });
  try {
    let integrity = 'ok';
    if (!isPostgresUrl(url)) {
      const rows = (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(dbh.db)).rows;
      integrity = rows.map((r) => r.integrity_check).join('; ');
    }
    const count = async (table: 'cases' | 'customers') => Number((await dbh.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const chain = await verifyAuditChain(dbh);
    if (!chain.ok) throw new BackupError(`the backup's audit chain is broken at seq ${chain.brokenAt!.seq} (${chain.brokenAt!.reason})`);
    return { restoredInto, integrity, cases: await count('cases'), customers: await count('customers'), auditEntries: chain.checked, auditHead: chain.head };
  } finally {
    await dbh.close();
  }
}

/** The backup's audit head must be an entry of the live chain: the same seq with the same hash. */
async function assertPrefixOfLive(liveUrl: string, head: BackupCheck['auditHead']): Promise<void> {
  if (!head) return;
  const dbh = createDb({ url: liveUrl, readonly: true });
  try {
    const live = await dbh.db.selectFrom('audit_log').select('hash').where('seq', '=', head.seq).executeTakeFirst();
    if (live?.hash !== head.hash) throw new BackupError(`the backup's audit entry ${head.seq} is not the live database's: the backup is not of this database's history`);
  } finally {
    await dbh.close();
  }
}

async function restoreCheckPg(url: string, file: string): Promise<BackupCheck> {
  const scratch = `sl_restore_check_${process.pid}_${Date.now().toString(36)}`;
  const scratchUrl = withDatabase(url, scratch);
  try {
    await onServer(url, `CREATE DATABASE "${scratch}"`);
  } catch (err) {
    throw new BackupError(`the backup is checked by restoring it into a scratch database on the same server, and creating one failed (the role needs CREATEDB): ${(err as Error).message}`);
  }
  try {
    await run('pg_restore', ['--no-owner', '--exit-on-error', file], scratchUrl);
    return await inspect(scratchUrl, `database ${scratch} (dropped after the check)`);
  } finally {
    await onServer(url, `DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`);
  }
}

/** Writes a consistent snapshot of the database at `url` to `out`, then restores and checks it. */
export async function backupDatabase(url: string, out: string): Promise<BackupResult> {
  if (existsSync(out)) throw new BackupError(`${out} exists: a backup is never written over a file (choose another name)`);
  const started = Date.now();
  let check: BackupCheck;
  try {
    if (isPostgresUrl(url)) {
      await run('pg_dump', ['--format=custom', '--no-owner', `--file=${out}`], url);
      check = await restoreCheckPg(url, out);
    } else {
      const dbh = createDb({ url, readonly: true });
      try {
        // a snapshot in one read transaction, beside writers (WAL), into a new compacted file
        await sql`vacuum into ${out}`.execute(dbh.db);
      } finally {
        await dbh.close();
      }
      check = await inspect(`sqlite:${out}`, `${out} (opened read-only, as a restore opens it)`);
      if (check.integrity !== 'ok') throw new BackupError(`the backup file fails SQLite's integrity check: ${check.integrity}`);
    }
    await assertPrefixOfLive(url, check.auditHead);
  } catch (err) {
    // a backup that did not check out is not left where it could be mistaken for a good one
    rmSync(out, { force: true });
    throw err;
  }
  return { file: out, bytes: statSync(out).size, tookMs: Date.now() - started, check };
}

/** Whether the target database holds any table (a restore goes only into an empty one unless forced). */
async function pgHasTables(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: string }>(`select count(*) as n from information_schema.tables where table_schema = 'public'`);
    return Number(r.rows[0]!.n) > 0;
  } finally {
    await c.end();
  }
}

/** A SQLite file a server (or anything else) has open for writing is not replaced under it. */
function assertNotInUse(file: string): void {
  const db = new SqliteDatabase(file, { timeout: 0 });
  try {
    // in WAL mode an exclusive transaction alone passes beside idle readers; the exclusive locking
    // mode needs every other connection gone
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
  } catch {
    throw new BackupError(`${file} is in use (a server running on it?): stop it before restoring over it`);
  } finally {
    db.close();
  }
}

/**
 * Restores a backup into the database at `url` and checks it. The target must be empty (a new
 * SQLite file, a PostgreSQL database without tables) unless `force`, which replaces what is
 * there; no server may be running on it.
 */
export async function restoreDatabase(file: string, url: string, opts: { force?: boolean } = {}): Promise<BackupCheck> {
  if (!existsSync(file)) throw new BackupError(`no backup file ${file}`);
  const kind = fileKind(file);
  if (isPostgresUrl(url)) {
    if (kind !== 'pgdump') throw new BackupError(`${file} is not a PostgreSQL backup (pg_dump custom format)${kind === 'sqlite' ? ': it is a SQLite one, restore it to a sqlite: URL' : ''}`);
    if (await pgHasTables(url)) {
      if (!opts.force) throw new BackupError('the target database is not empty: restore into a new database, or pass --force to replace what it holds');
      // all of it, not only what the dump names (pg_restore --clean): tables of later migrations would stay behind
      await onServer(url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    }
    await run('pg_restore', ['--no-owner', '--exit-on-error', file], url);
    return inspect(url, url);
  }
  if (kind !== 'sqlite') throw new BackupError(`${file} is not a SQLite backup${kind === 'pgdump' ? ': it is a PostgreSQL one, restore it to a postgres:// URL' : ''}`);
  const target = sqliteFile(url);
  if (existsSync(target) && realpathSync(target) === realpathSync(file)) throw new BackupError(`${file} is the target itself: restore it into another file`);
  if (existsSync(target)) {
    if (!opts.force) throw new BackupError(`${target} exists: restore to a new file, or pass --force to replace it`);
    assertNotInUse(target);
  }
  for (const f of [target, `${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
  copyFileSync(file, target);
  const check = await inspect(url, target);
  if (check.integrity !== 'ok') throw new BackupError(`the restored file fails SQLite's integrity check: ${check.integrity}`);
  return check;
}
