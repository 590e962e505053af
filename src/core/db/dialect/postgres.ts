import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { CustomersTable } from '../../modules/customers/customers.table.ts';
import type { DialectOps, WalkKey } from './dialect.ts';
import { indexTokens, queryTerms } from '../../shared/cjk-tokens.ts';
import { REUSE_MARK } from '../fast-insert.ts';

// Tokens are letters and digits only, so quoting them in tsvector/tsquery literals is safe.
// Literals (not to_tsvector) keep the result independent of the database's locale and parser.
const MAX_POS = 16383;

export function tsvectorLiteral(text: string): string {
  const t = indexTokens(text);
  const positions = new Map<string, number[]>();
  t.seq.forEach((tok, i) => {
    const p = positions.get(tok) ?? [];
    if (p.length < 256) p.push(Math.min(i + 1, MAX_POS));
    positions.set(tok, p);
  });
  const parts = [...positions].map(([tok, p]) => `'${tok}':${p.join(',')}`);
  for (const ch of t.uni) if (!positions.has(ch)) parts.push(`'${ch}'`);
  return parts.join(' ');
}

export function tsqueryLiteral(query: string): string | null {
  const terms = queryTerms(query);
  if (terms.length === 0) return null;
  return terms
    .map((t) => (t.kind === 'char' ? `'${t.char}':*` : `(${t.tokens.map((x) => `'${x}'`).join(' <-> ')})`))
    .join(' & ');
}

export const postgresOps: DialectOps = {
  name: 'postgres',
  supportsForUpdate: true,
  concurrentTransactions: true,
  async indexCase(db: Kysely<Database>, caseId: string, text: string) {
    const tsv = tsvectorLiteral(text);
    await sql`INSERT INTO case_search(case_id, tsv) VALUES (${caseId}, ${tsv}::tsvector)
      ON CONFLICT (case_id) DO UPDATE SET tsv = excluded.tsv`.execute(db);
  },
  async indexCases(db: Kysely<Database>, entries: ReadonlyArray<{ caseId: string; text: string }>) {
    for (let i = 0; i < entries.length; i += 10000) await upsertSearch(entries.slice(i, i + 10000)).execute(db);
  },
  indexCasesStatement(db: Kysely<Database>, entries: ReadonlyArray<{ caseId: string; text: string }>) {
    if (entries.length === 0 || entries.length > 10000) return undefined;
    // arrays, not a VALUES list: the same text for any number of entries (a batch's write is prepared)
    return sql`INSERT INTO case_search(case_id, tsv) SELECT c, t::tsvector FROM unnest(${entries.map((e) => e.caseId)}::text[], ${entries.map((e) => tsvectorLiteral(e.text))}::text[]) AS u(c, t)
    ON CONFLICT (case_id) DO UPDATE SET tsv = excluded.tsv`.compile(db);
  },
  searchCondition(query: string) {
    const q = tsqueryLiteral(query);
    if (q === null) return null;
    return sql<boolean>`cases.id IN (SELECT case_id FROM case_search WHERE tsv @@ ${q}::tsquery)`;
  },
  async matchingCases(db: Kysely<Database>, query: string, chunk: ReadonlyArray<WalkKey>) {
    const q = tsqueryLiteral(query);
    if (q === null || chunk.length === 0) return new Set<string>();
    const caseIds = chunk.map((c) => c.id);
    // By primary key, then the test: left to itself the planner may take every match of a common
    // word from the GIN index and filter those by the list (100 ms instead of 10).
    const r = await sql<{ case_id: string }>`WITH c AS MATERIALIZED (SELECT case_id, tsv FROM case_search WHERE case_id = ANY(${caseIds}::text[]))
      SELECT case_id FROM c WHERE tsv @@ ${q}::tsquery`.execute(db);
    return new Set(r.rows.map((x) => x.case_id));
  },
  async allMatchingCases(db: Kysely<Database>, query: string, cap: number) {
    const q = tsqueryLiteral(query);
    if (q === null) return [];
    const r = await sql<{ case_id: string }>`SELECT case_id FROM case_search WHERE tsv @@ ${q}::tsquery LIMIT ${cap + 1}`.execute(db);
    return r.rows.length > cap ? null : r.rows.map((x) => x.case_id);
  },
  caseIdIn(ids: readonly string[]) {
    return sql<boolean>`cases.id = any(${ids}::text[])`;
  },
  async auditChainHead(db: Kysely<Database>) {
    // lock and read in one round trip (migration 2026_12_03_0910)
    const r = await sql<{ hash: string | null }>`${sql.raw(REUSE_MARK)}SELECT sl_audit_chain_head() AS hash`.execute(db);
    return r.rows[0]?.hash ?? undefined;
  },
  async lockKeys(db: Kysely<Database>, keys: string[]) {
    if (keys.length === 0) return;
    const sorted = [...new Set(keys)].sort();
    await sql`${sql.raw(REUSE_MARK)}SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT k FROM unnest(${sorted}::text[]) AS k ORDER BY k) AS s`.execute(db);
  },
  async lockKeysFindCustomers(db: Kysely<Database>, keys: string[], emails: string[], phones: string[]) {
    // migration 2026_12_05_1000; the text does not change with the batch: prepared once per connection
    const r = await sql<CustomersTable>`${sql.raw(REUSE_MARK)}SELECT * FROM sl_lock_contacts_find_customers(${keys}::text[], ${emails}::text[], ${phones}::text[])`.execute(db);
    return r.rows;
  },
  isUniqueViolation(err: unknown) {
    return (err as { code?: string })?.code === '23505';
  },
  async mergeSearchPending(db: Kysely<Database>) {
    const r = await sql<{ pages: string }>`SELECT gin_clean_pending_list('case_search_tsv'::regclass) AS pages`.execute(db);
    return Number(r.rows[0]?.pages ?? 0);
  },
};

const upsertSearch = (entries: ReadonlyArray<{ caseId: string; text: string }>) =>
  sql`INSERT INTO case_search(case_id, tsv) VALUES ${sql.join(entries.map((e) => sql`(${e.caseId}, ${tsvectorLiteral(e.text)}::tsvector)`))}
    ON CONFLICT (case_id) DO UPDATE SET tsv = excluded.tsv`;
