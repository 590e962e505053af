import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { createDb } from './create-db.ts';

// Two connections to one SQLite file stand for two processes (the server and the CLI): a
// transaction that reads and then writes must not fail because the other committed in between.
describe('SQLite transactions across connections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-begin-'));
  const url = `sqlite:${join(dir, 'x.db')}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('take the write lock at BEGIN, so a read-then-write transaction is not refused midway', async () => {
    const a = createDb({ url });
    const b = createDb({ url, lockTimeoutMs: 100 });
    await sql`create table t (n integer)`.execute(a.db);
    let other: unknown = null;
    // A deferred BEGIN reads a snapshot, the other connection commits, and the write that follows
    // fails at once with SQLITE_BUSY ("database is locked"): no busy wait can help a stale snapshot.
    await a.db.transaction().execute(async (trx) => {
      await sql`select count(*) from t`.execute(trx);
      other = await sql`insert into t values (2)`.execute(b.db).then(() => null, (e: unknown) => e);
      await sql`insert into t values (1)`.execute(trx);
    });
    // the other writer waited for the lock (here, where the transaction waits for it, past its 100 ms) instead
    expect((other as { code?: string } | null)?.code).toBe('SQLITE_BUSY');
    expect((await sql<{ n: number }>`select n from t`.execute(a.db)).rows).toEqual([{ n: 1 }]);
    await b.close();
    await a.close();
  });

  it('wait for a lock another process holds between turns of the event loop, reads going on meanwhile', async () => {
    const a = createDb({ url, lockTimeoutMs: 3000 });
    const holder = new SqliteDatabase(url.replace(/^sqlite:/, ''));
    await sql`create table if not exists w (n integer)`.execute(a.db);
    holder.exec('begin immediate; insert into w values (0)');
    let written = false;
    const write = sql`insert into w values (1)`.execute(a.db).then(() => (written = true));
    // the event loop turns, and a read on the same connection is answered, while the write waits
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 20));
    const timerLate = performance.now() - started - 20;
    expect((await sql<{ n: number }>`select count(*) as n from w`.execute(a.db)).rows[0]!.n).toBe(0);
    expect(written).toBe(false);
    // SQLite's busy handler would have held the thread until the lock was given up
    expect(timerLate).toBeLessThan(500);
    holder.exec('commit');
    await write;
    expect((await sql<{ n: number }>`select count(*) as n from w`.execute(a.db)).rows[0]!.n).toBe(2);
    // and gives up at the lock timeout
    holder.exec('begin immediate');
    const b = createDb({ url, lockTimeoutMs: 200 });
    const t0 = performance.now();
    const refused = await sql`insert into w values (3)`.execute(b.db).then(() => null, (e: unknown) => e);
    expect((refused as { code?: string } | null)?.code).toBe('SQLITE_BUSY');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    holder.exec('rollback');
    holder.close();
    await b.close();
    await a.close();
  });
});
