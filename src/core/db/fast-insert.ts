import { CompiledQuery, PostgresAdapter, type Insertable, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import { storableText, UNSTORABLE_ESCAPE } from '../shared/unicode.ts';

const sqlCache = new Map<string, string>();

/**
 * Marks a long statement the caller will run again with the same text (a fixed chunk of rows, a
 * batch's write), so that SQLite's statement cache keeps its compiled program although it is
 * long, and PostgreSQL prepares it once per connection (create-db.ts).
 */
export const REUSE_MARK = '/* reuse */ ';

/**
 * INSERT of plain rows for the hot intake path. Kysely's builder parses and freezes every value
 * on every call (a 45-column case row costs more to build than to store); this writes the same
 * statement from the row's keys, cached per table and column list, with the driver's own
 * placeholders. Rows must already follow the data conventions (ms integers, 0/1, JSON text).
 * `reuse`: the same number of rows will come again (see REUSE_MARK).
 */
export async function insertRows<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  opts: { reuse?: boolean } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const key = `${pg ? 'pg' : 'lite'}|${table}|${rows.length}|${cols.join(',')}|${opts.reuse ? 1 : 0}`;
  let text = sqlCache.get(key);
  if (!text) {
    let n = 0;
    const tuple = () => `(${cols.map(() => (pg ? `$${++n}` : '?')).join(', ')})`;
    text = `${opts.reuse ? REUSE_MARK : ''}insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values ${rows.map(tuple).join(', ')}`;
    if (sqlCache.size > 2000) sqlCache.clear();
    sqlCache.set(key, text);
  }
  const params: unknown[] = [];
  for (const r of rows) for (const c of cols) params.push((r as Record<string, unknown>)[c] ?? null);
  await db.executeQuery(CompiledQuery.raw(text, params));
}

/**
 * insertRows for rows that come in any number per transaction (a batch's audit entries): on
 * PostgreSQL as one JSON parameter, so that the text is always the same and prepared once per
 * connection (REUSE_MARK). Rows must hold no binary values.
 */
export async function insertRowsAnyCount<T extends keyof Database & string>(db: Kysely<Database>, table: T, rows: ReadonlyArray<Insertable<Database[T]>>): Promise<void> {
  if (rows.length === 0) return;
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return insertRows(db, table, rows);
  await db.executeQuery(CompiledQuery.raw(REUSE_MARK + jsonRowsInsert(table, Object.keys(rows[0]!), '$1'), [rowsJson(rows)]));
}

export const insertRow = <T extends keyof Database & string>(db: Kysely<Database>, table: T, row: Insertable<Database[T]>): Promise<void> =>
  insertRows(db, table, [row]);

/**
 * PostgreSQL: INSERT of rows given as one JSON array (`param`, the placeholder of its text), read
 * back as rows of the table's own type. One parameter whatever the number of rows, so the text is
 * the same for every batch (planned once in a while, not per batch as a VALUES list would be).
 */
export const jsonRowsInsert = (table: string, columns: readonly string[], param: string): string => {
  const cols = columns.map((c) => `"${c}"`).join(', ');
  return `insert into "${table}" (${cols}) select ${cols} from json_populate_recordset(null::"${table}", ${param}::json)`;
};

/**
 * Rows as JSON text for jsonRowsInsert. Strings go in as they are (JSON columns hold JSON text,
 * stored as text; a nested value is stored as its JSON text). NUL and a lone UTF-16 surrogate,
 * which JSON.stringify writes as escapes that PostgreSQL refuses, become U+FFFD (the driver does
 * the same for a surrogate in a parameter; a request's text was already made storable).
 */
export function rowsJson(rows: ReadonlyArray<object>): string {
  const text = JSON.stringify(rows);
  return UNSTORABLE_ESCAPE.test(text) ? JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'string' ? storableText(v) : v)) : text;
}
