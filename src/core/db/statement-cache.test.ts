import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './create-db.ts';
import type { Database } from './database.ts';
import { insertRows, REUSE_MARK } from './fast-insert.ts';

describe('SQLite statement cache', () => {
  const sqlite = new SqliteDatabase(':memory:');
  sqlite.exec('create table t (a integer, b text)');
  const values = (n: number) => Array.from({ length: n }, () => '(?, ?)').join(', ');
  const long = `insert into t (a, b) values ${values(1000)}`; // longer than the cache's limit

  it('keeps short statements and those marked for reuse, prepares other long ones anew', () => {
    const db = withStatementCache(sqlite);
    expect(db.prepare('select a from t')).toBe(db.prepare('select a from t'));
    expect(db.prepare(long)).not.toBe(db.prepare(long));
    expect(db.prepare(REUSE_MARK + long)).toBe(db.prepare(REUSE_MARK + long));
  });

  it('keeps only a few long statements, dropping the one prepared first', () => {
    const db = withStatementCache(sqlite, 1000, 4096, 2);
    const text = (n: number) => `${REUSE_MARK}insert into t (a, b) values ${values(n)}`;
    const first = db.prepare(text(1000));
    db.prepare(text(1001));
    db.prepare(text(1002)); // evicts text(1000)
    expect(db.prepare(text(1000))).not.toBe(first);
  });

  it('compiles a chunk of rows inserted with reuse once, one without it every time', async () => {
    const file = new SqliteDatabase(':memory:');
    file.exec('create table outbox (id text, topic text)');
    const compiled: string[] = [];
    const prepare = file.prepare.bind(file);
    file.prepare = ((text: string) => (compiled.push(text), prepare(text))) as typeof file.prepare;
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(file) }) });
    // 600 rows: a statement longer than the cache's 4,096 characters, as the sweep's 200-row chunks are
    const rows = (from: number) => Array.from({ length: 600 }, (_, i) => ({ id: `m${from + i}`, topic: 'notify' })) as never;
    for (const reuse of [true, false]) {
      compiled.length = 0;
      await insertRows(db, 'outbox', rows(0), { reuse });
      await insertRows(db, 'outbox', rows(600), { reuse });
      expect(compiled.filter((c) => c.includes('insert into "outbox"'))).toHaveLength(reuse ? 1 : 2);
    }
    const n = file.prepare('select count(*) as n from outbox').get() as { n: number };
    expect(n.n).toBe(2400);
    await db.destroy();
  });
});
