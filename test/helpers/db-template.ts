import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb } from '../../src/core/db/create-db.ts';
import { migrateToLatest } from '../../src/core/db/migrate.ts';

/**
 * Migrated template databases: a test database is a copy of one instead of running every
 * migration again (about 3 s a PostgreSQL database, 0.4 s a SQLite file, times some 150 a run).
 * A template is named by a hash of the migration code, so a change to a migration makes a new one;
 * runs at other commits (a newcomer's clone beside a working tree) share the server safely.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** How long a template of other migration code is kept (another working tree's run may be using it). */
const KEEP_OTHERS_MS = 24 * 3600_000;

function migrationsHash(): string {
  const h = createHash('sha256');
  const dir = join(ROOT, 'src/core/db/migrations');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  h.update(readFileSync(join(ROOT, 'src/core/db/migrate.ts')));
  return h.digest('hex').slice(0, 16);
}

/** The templates of a hash; the PostgreSQL name does not match global-setup's `sl_t_%` leftovers. */
const pgTemplate = (hash: string) => `slx_tpl_${hash}`;
const sqliteTemplate = (hash: string) => join(tmpdir(), `slx-tpl-${hash}.db`);

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplateHash: string;
  }
}

/**
 * Makes the templates if missing (global setup, once a run) and returns their hash, which global
 * setup hands to the test workers: a migration edited during the run does not change the name they
 * copy. Safe when two runs start together.
 */
export async function ensureTemplates(adminUrl: string): Promise<string> {
  const hash = migrationsHash();
  await ensureSqliteTemplate(hash);
  await ensurePgTemplate(adminUrl, hash);
  return hash;
}

async function ensureSqliteTemplate(HASH: string): Promise<void> {
  const SQLITE_TEMPLATE = sqliteTemplate(HASH);
  for (const f of readdirSync(tmpdir()))
    if (f.startsWith('slx-tpl-') && !f.includes(HASH)) {
      const p = join(tmpdir(), f);
      if (Date.now() - statSync(p).mtimeMs > KEEP_OTHERS_MS) rmSync(p, { force: true });
    }
  if (existsSync(SQLITE_TEMPLATE)) return;
  const tmp = `${SQLITE_TEMPLATE}.${process.pid}.tmp`;
  const db = createDb({ url: `sqlite:${tmp}` });
  await migrateToLatest(db);
  await db.close(); // checkpoints the WAL into the file
  for (const ext of ['-wal', '-shm']) rmSync(tmp + ext, { force: true });
  renameSync(tmp, SQLITE_TEMPLATE);
}

async function ensurePgTemplate(adminUrl: string, HASH: string): Promise<void> {
  const PG_TEMPLATE = pgTemplate(HASH);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // templates of other migration code (other commits, other working trees) are dropped a day after
    // they were made (the time is the database's comment): a run at another commit may be copying one
    const rows = (
      await admin.query<{ datname: string; made: string | null }>("SELECT datname, shobj_description(oid, 'pg_database') AS made FROM pg_database WHERE datname LIKE 'slx\\_%'")
    ).rows;
    const now = Math.floor(Date.now() / 1000);
    for (const r of rows) {
      const made = Number(r.made ?? r.datname.split('_')[3]); // a half-made one: its name holds the time
      if (r.datname !== PG_TEMPLATE && made && now - made > KEEP_OTHERS_MS / 1000) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    }
    if (rows.some((r) => r.datname === PG_TEMPLATE)) return;
    // made under a name of its own, then renamed: another run never copies a half-migrated one
    const making = `slx_mk_${HASH}_${Math.floor(Date.now() / 1000)}_${process.pid}`;
    await admin.query(`CREATE DATABASE "${making}"`);
    const db = createDb({ url: adminUrl.replace(/\/[^/]*$/, `/${making}`) });
    try {
      await migrateToLatest(db);
    } finally {
      await db.close();
    }
    await admin.query(`COMMENT ON DATABASE "${making}" IS '${Math.floor(Date.now() / 1000)}'`);
    try {
      await admin.query(`ALTER DATABASE "${making}" RENAME TO "${PG_TEMPLATE}"`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42P04') throw err; // duplicate_database: another run made it first
      await admin.query(`DROP DATABASE IF EXISTS "${making}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/** A migrated SQLite database file at `path`, copied from the run's template. */
export function copySqliteTemplate(path: string): void {
  copyFileSync(sqliteTemplate(inject('dbTemplateHash')), path);
}

/** The run's PostgreSQL template, for CREATE DATABASE ... TEMPLATE. */
export const runPgTemplate = (): string => pgTemplate(inject('dbTemplateHash'));
