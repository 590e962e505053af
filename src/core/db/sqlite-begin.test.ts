import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from './create-db.ts';

// Two connections to one SQLite file stand for two processes (the server and the CLI): a
// transaction that reads and then writes must not fail because the other committed in between.
describe('SQLite transactions across connections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-begin-'));
  const url = `sqlite:${join(dir, 'x.db')}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('take the write lock at BEGIN, so a read-then-write transaction is not refused midway', async () => {
    const a = createDb({ url });
    const b = createDb({ url });
    await sql`create table t (n integer)`.execute(a.db);
    await sql`PRAGMA busy_timeout = 100`.execute(b.db);
    let other: unknown = null;
    // A deferred BEGIN reads a snapshot, the other connection commits, and the write that follows
    // fails at once with SQLITE_BUSY ("database is locked"): no busy wait can help a stale snapshot.
    await a.db.transaction().execute(async (trx) => {
      await sql`select count(*) from t`.execute(trx);
      other = await sql`insert into t values (2)`.execute(b.db).then(() => null, (e: unknown) => e);
      await sql`insert into t values (1)`.execute(trx);
    });
    // the other writer waited for the lock (here, in one thread, past its 100 ms) instead
    expect((other as { code?: string } | null)?.code).toBe('SQLITE_BUSY');
    expect((await sql<{ n: number }>`select n from t`.execute(a.db)).rows).toEqual([{ n: 1 }]);
    await b.close();
    await a.close();
  });
});
