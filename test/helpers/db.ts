import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openCtx } from '../../src/core/bootstrap.ts';
import type { Ctx, CoreConfig } from '../../src/core/context.ts';
import type { Db } from '../../src/core/db/create-db.ts';
import type { CaseHook } from '../../src/core/modules/cases/index.ts';
import { ManualClock, type Clock } from '../../src/core/shared/clock.ts';
import { copySqliteTemplate, runPgTemplate } from './db-template.ts';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const PG_ADMIN_URL = process.env.SL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh database of the dialect: a temp SQLite file or a new PostgreSQL database; empty, or with
 * `migrated` a copy of the migrated template (test/helpers/db-template.ts, made by global setup).
 */
export async function freshDatabaseUrl(dialect: Dialect, opts: { migrated?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'sl-test-'));
    if (opts.migrated) copySqliteTemplate(join(dir, 'test.db'));
    return { url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `sl_t_${process.pid}_${Math.floor(Date.now() / 1000)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(opts.migrated ? `CREATE DATABASE "${name}" TEMPLATE "${runPgTemplate()}"` : `CREATE DATABASE "${name}"`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestDb {
  ctx: Ctx;
  dbh: Db;
  url: string;
  clock: Clock;
  close: () => Promise<void>;
}

/** 2026-11-23 10:00 Asia/Shanghai, a Monday and a working day. */
export const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);

export async function openTestDb(
  dialect: Dialect,
  opts: {
    clock?: Clock;
    config?: Partial<CoreConfig>;
    caseHooks?: CaseHook[];
    onQuery?: (sql: string, params: readonly unknown[]) => void;
    readThread?: boolean;
    lockTimeoutMs?: number;
  } = {},
): Promise<TestDb> {
  const { url, drop } = await freshDatabaseUrl(dialect, { migrated: true });
  const clock = opts.clock ?? new ManualClock(T0);
  const { ctx, dbh } = await openCtx({
    url,
    clock,
    config: { scryptCost: 1024, ...opts.config },
    ...(opts.caseHooks ? { caseHooks: opts.caseHooks } : {}),
    ...(opts.onQuery ? { onQuery: opts.onQuery } : {}),
    ...(opts.readThread !== undefined ? { readThread: opts.readThread } : {}),
    ...(opts.lockTimeoutMs !== undefined ? { lockTimeoutMs: opts.lockTimeoutMs } : {}),
  });
  return {
    ctx,
    dbh,
    url,
    clock,
    close: async () => {
      await dbh.close();
      await drop();
    },
  };
}
