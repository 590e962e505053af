import SqliteDatabase from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './create-db.ts';
import { REUSE_MARK } from './fast-insert.ts';

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
});
