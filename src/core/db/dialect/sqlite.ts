import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { DialectOps, WalkKey } from './dialect.ts';
import { indexTokens, queryTerms } from '../../shared/cjk-tokens.ts';

function ftsMatch(query: string): string | null {
  const terms = queryTerms(query);
  if (terms.length === 0) return null;
  return terms.map((t) => (t.kind === 'char' ? `(seq : "${t.char}" * OR uni : "${t.char}")` : `seq : "${t.tokens.join(' ')}"`)).join(' AND ');
}

/**
 * A chunk's rowids as ranges to ask FTS5 for: rowids at most RUN_GAP apart share a range. Asked
 * for given rowids one by one FTS5 takes 0.1-3 ms each (it starts the query over for each); asked
 * for a range it reads the matches in it (a range of 2,000 rowids: 2-7 ms at 1,000,000 cases). A
 * chunk scattered into more than MAX_RANGES ranges is asked for as one, from its least rowid to
 * its greatest (at worst every match: ~20 ms for a word in a tenth of a million cases).
 */
const RUN_GAP = 256;
const MAX_RANGES = 16;

export function rowidRanges(rowids: number[]): Array<[number, number]> {
  const s = [...rowids].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const r of s) {
    const last = out[out.length - 1];
    if (last && r - last[1] <= RUN_GAP) last[1] = r;
    else out.push([r, r]);
  }
  return out.length <= MAX_RANGES ? out : [[s[0]!, s[s.length - 1]!]];
}

/** SQLite: an FTS5 table keyed by the cases table's rowid, fed pre-tokenised text. */
export const sqliteOps: DialectOps = {
  name: 'sqlite',
  supportsForUpdate: false,
  concurrentTransactions: false,
  async indexCase(db: Kysely<Database>, caseId: string, text: string) {
    const t = indexTokens(text);
    await sql`INSERT OR REPLACE INTO case_fts(rowid, seq, uni)
      SELECT rowid, ${t.seq.join(' ')}, ${t.uni.join(' ')} FROM cases WHERE id = ${caseId}`.execute(db);
  },
  async indexCases(db: Kysely<Database>, entries: ReadonlyArray<{ caseId: string; text: string }>) {
    for (let i = 0; i < entries.length; i += 5000) {
      const rows = entries.slice(i, i + 5000).map((e) => {
        const t = indexTokens(e.text);
        return sql`(${e.caseId}, ${t.seq.join(' ')}, ${t.uni.join(' ')})`;
      });
      await sql`WITH v(id, seq, uni) AS (VALUES ${sql.join(rows)})
        INSERT OR REPLACE INTO case_fts(rowid, seq, uni) SELECT c.rowid, v.seq, v.uni FROM v JOIN cases c ON c.id = v.id`.execute(db);
    }
  },
  searchCondition(query: string) {
    const match = ftsMatch(query);
    if (match === null) return null;
    return sql<boolean>`cases.rowid IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ${match})`;
  },
  ftsMatch,
  walkByRowid: true,
  async matchingCases(db: Kysely<Database>, query: string, chunk: ReadonlyArray<WalkKey>) {
    const match = ftsMatch(query);
    if (match === null || chunk.length === 0) return new Set<string>();
    const found = new Set<number>();
    for (const [lo, hi] of rowidRanges(chunk.map((c) => c.rk!))) {
      const r = await sql<{ r: number }>`SELECT rowid AS r FROM case_fts WHERE case_fts MATCH ${match} AND rowid BETWEEN ${lo} AND ${hi}`.execute(db);
      for (const x of r.rows) found.add(x.r);
    }
    return new Set(chunk.filter((c) => found.has(c.rk!)).map((c) => c.id));
  },
  async allMatchingCases(db: Kysely<Database>, query: string, cap: number) {
    const match = ftsMatch(query);
    if (match === null) return [];
    const r = await sql<{ id: string }>`SELECT cases.id FROM case_fts JOIN cases ON cases.rowid = case_fts.rowid
      WHERE case_fts MATCH ${match} LIMIT ${cap + 1}`.execute(db);
    return r.rows.length > cap ? null : r.rows.map((x) => x.id);
  },
  caseIdIn(ids: readonly string[]) {
    return sql<boolean>`cases.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
  },
  async auditChainHead(db: Kysely<Database>) {
    // SQLite has one writer at a time: the transaction already holds the write lock.
    const last = await db.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return last?.hash;
  },
  async lockKeys() {
    // One writer at a time already.
  },
  isUniqueViolation(err: unknown) {
    const code = (err as { code?: string })?.code ?? '';
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  },
};
