import Database from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabaseUrl } from '../../../test/helpers/db.ts';
import { createDb } from './create-db.ts';
import { transientDbFailure, waitsAgain } from './transient-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('transientDbFailure', () => {
  it('knows a lock or deadlock from PostgreSQL and SQLite as busy', () => {
    for (const code of ['55P03', '40P01', '40001', '57014', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']) {
      expect(transientDbFailure(withCode(code)), code).toBe('database_busy');
    }
  });

  it('knows a lost or refused connection, and a full disk, as unavailable', () => {
    for (const code of ['08006', '08001', '57P01', '53300', '53100', 'ECONNREFUSED', 'ECONNRESET', 'SQLITE_FULL', 'SQLITE_IOERR_WRITE']) {
      expect(transientDbFailure(withCode(code)), code).toBe('database_unavailable');
    }
    expect(transientDbFailure(new Error('Connection terminated unexpectedly'))).toBe('database_unavailable');
    expect(transientDbFailure(new Error('Client has encountered a connection error and is not queryable'))).toBe('database_unavailable');
  });

  it('expects a lock, a lost connection or a full disk to be met again, not a deadlock', () => {
    for (const code of ['55P03', '57014', 'SQLITE_BUSY', '08006', 'SQLITE_FULL']) expect(waitsAgain(withCode(code)), code).toBe(true);
    for (const code of ['40P01', '40001', '23505']) expect(waitsAgain(withCode(code)), code).toBe(false);
    expect(waitsAgain(new Error('wrapped', { cause: withCode('40P01') }))).toBe(false);
  });

  it('looks through the errors that wrap one', () => {
    const wrapped = new Error('the rows of a batch opened ahead were not written', { cause: new Error('outer', { cause: withCode('55P03') }) });
    expect(transientDbFailure(wrapped)).toBe('database_busy');
  });

  it('leaves a request\'s own failures and bugs alone', () => {
    for (const code of ['23505', '23503', '22P02', 'SQLITE_CONSTRAINT_UNIQUE', 'ERR_INVALID_ARG_TYPE']) {
      expect(transientDbFailure(withCode(code)), code).toBeNull();
    }
    expect(transientDbFailure(new TypeError('x is undefined'))).toBeNull();
    expect(transientDbFailure('a string')).toBeNull();
    expect(transientDbFailure(null)).toBeNull();
  });
});

/** The errors the drivers really give, not ones made up to look like them. */
describe.each(DIALECTS)('transientDbFailure on what %s really throws', (dialect) => {
  it('knows a lock it could not take as busy, and a connection lost or refused as unavailable', async () => {
    const { url, drop } = await freshDatabaseUrl(dialect);
    try {
      if (dialect === 'sqlite') {
        const file = url.replace(/^sqlite:/, '');
        const holder = new Database(file);
        holder.pragma('journal_mode = WAL');
        holder.exec('create table t (x); begin immediate');
        const other = createDb({ url, lockTimeoutMs: 50 });
        const busy = await sql`insert into t values (1)`.execute(other.db).catch((e: unknown) => e);
        expect(transientDbFailure(busy)).toBe('database_busy');
        holder.exec('rollback');
        holder.close();
        await other.close();
        return;
      }
      const a = createDb({ url, lockTimeoutMs: 50, poolSize: 1 });
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await sql`create table t (x int)`.execute(a.db);
        await admin.query('begin; lock table t in exclusive mode');
        const busy = await sql`insert into t values (1)`.execute(a.db).catch((e: unknown) => e);
        expect(transientDbFailure(busy)).toBe('database_busy');
        await admin.query('rollback');
        // a transaction whose connection an administrator ends
        const lost = await a.db
          .transaction()
          .execute(async (trx) => {
            await sql`insert into t values (2)`.execute(trx);
            await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
            await sql`insert into t values (3)`.execute(trx);
          })
          .catch((e: unknown) => e);
        expect(transientDbFailure(lost)).toBe('database_unavailable');
      } finally {
        await admin.end();
        await a.close().catch(() => undefined);
      }
      const refused = createDb({ url: 'postgres://postgres@127.0.0.1:1/nowhere', poolSize: 1 });
      const e = await sql`select 1`.execute(refused.db).catch((err: unknown) => err);
      expect(transientDbFailure(e)).toBe('database_unavailable');
      await refused.close();
    } finally {
      await drop();
    }
  });
});
