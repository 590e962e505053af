import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { DialectOps } from './dialect.ts';
import { indexTokens, queryTerms } from '../../shared/cjk-tokens.ts';

function ftsMatch(query: string): string | null {
  const terms = queryTerms(query);
  if (terms.length === 0) return null;
  return terms.map((t) => (t.kind === 'char' ? `(seq : "${t.char}" * OR uni : "${t.char}")` : `seq : "${t.tokens.join(' ')}"`)).join(' AND ');
}

/** SQLite: an FTS5 table keyed by the cases table's rowid, fed pre-tokenised text. */
export const sqliteOps: DialectOps = {
  name: 'sqlite',
  supportsForUpdate: false,
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
