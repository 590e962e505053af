/**
 * How fast FTS5 answers the ways a search could test a chunk of the list against the text index
 * (a loaded SQLite database; ms p50/max over 20 runs): the matches among 2,000 given rowids
 * (`rowid IN`), the matches in their rowid range, the newest-recorded page (what the search
 * walks), and every match up to 20,001. Why SQLite's search walks FTS5 by rowid (ADR 0003).
 *   node --import tsx bench/tools/fts-probe.mts bench/.data/loaded-1000000.db
 */
import Database from 'better-sqlite3';
import { sqliteOps } from '../../src/core/db/dialect/sqlite.ts';
const db = new Database(process.argv[2]!, { readonly: true });
const queries = ['退款', '漏水 维修', '漏', 'refund', 'delivery late', '冰雹'];
const time = (f: () => unknown, n = 20) => {
  f();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); f(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  return `${ts[Math.floor(n / 2)]!.toFixed(2)}/${ts[n - 1]!.toFixed(2)}`;
};
const newest = db.prepare('SELECT id, rowid AS rk, received_at FROM cases ORDER BY received_at DESC, id DESC LIMIT 2000').all() as Array<{ id: string; rk: number; received_at: number }>;
const mid = db.prepare('SELECT id, rowid AS rk, received_at FROM cases WHERE received_at < ? ORDER BY received_at DESC, id DESC LIMIT 2000').all(newest[1999]!.received_at - 200 * 86400_000) as typeof newest;
const byUpdated = db.prepare('SELECT id, rowid AS rk FROM cases ORDER BY updated_at DESC, id DESC LIMIT 2000').all() as typeof newest;
const inList = db.prepare('SELECT rowid FROM case_fts WHERE case_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))').pluck();
const range = db.prepare('SELECT rowid FROM case_fts WHERE case_fts MATCH ? AND rowid BETWEEN ? AND ?').pluck();
const newestFirst = db.prepare('SELECT rowid FROM case_fts WHERE case_fts MATCH ? ORDER BY rowid DESC LIMIT 51').pluck();
const all = db.prepare('SELECT rowid FROM case_fts WHERE case_fts MATCH ? LIMIT 20001').pluck();
console.log(db.prepare("EXPLAIN QUERY PLAN SELECT rowid FROM case_fts WHERE case_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))").all('x', '[]'));
for (const [name, chunk] of [['newest', newest], ['mid', mid], ['updated', byUpdated]] as const) {
  const rks = chunk.map((c) => c.rk);
  const lo = Math.min(...rks), hi = Math.max(...rks);
  console.log(name, 'rowid span', hi - lo);
  for (const q of queries) {
    const m = sqliteOps.ftsMatch!(q)!;
    const j = JSON.stringify(rks);
    console.log(' ', q.padEnd(14), 'in-list', time(() => inList.all(m, j)), 'hits', inList.all(m, j).length, '| range', time(() => range.all(m, lo, hi)), 'in range', range.all(m, lo, hi).length,
      '| newest-first', time(() => newestFirst.all(m)), '| all<=20001', time(() => all.all(m), 5), all.all(m).length);
  }
}
