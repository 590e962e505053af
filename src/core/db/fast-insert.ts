import { CompiledQuery, PostgresAdapter, type Compilable, type Insertable, type Kysely } from 'kysely';
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
 * Marks a write that is only bookkeeping (a credential's last use): on SQLite it does not wait for
 * a lock another process holds, and fails at once instead (see ImmediateSqliteDriver).
 */
export const NO_WAIT_MARK = '/* no-wait */ ';

/** The query, compiled, with NO_WAIT_MARK in front. */
export function noWait(query: Compilable): CompiledQuery {
  const { sql, parameters } = query.compile();
  return CompiledQuery.raw(NO_WAIT_MARK + sql, [...parameters]);
}

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
export const rowsJson = (rows: ReadonlyArray<object>): string => storableJson(rows);

/** A value's JSON text with storableText applied to every string in it (only walked when one needs it). */
function storableJson(value: unknown): string {
  const text = JSON.stringify(value);
  return UNSTORABLE_ESCAPE.test(text) ? JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' ? storableText(v) : v)) : text;
}

/**
 * Marks a PostgreSQL `COPY … FROM STDIN` whose one parameter is the data, in COPY's text format:
 * create-db.ts runs such a statement through pg-copy-streams instead of as a query.
 */
export const COPY_MARK = '/* copy */ ';

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPE: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const UNSTORABLE_CHAR = /\0|[\uD800-\uDFFF]/;

/** One value in COPY's text format: NULL as \N, the rest as text with \, tab, newline and CR escaped. */
function copyValue(v: unknown, json: boolean): string {
  if (v === null || v === undefined) return '\\N';
  let s: string;
  if (json && typeof v === 'object') s = storableJson(v);
  else if (typeof v === 'string') s = UNSTORABLE_CHAR.test(v) ? storableText(v) : v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else throw new Error(`copyRows: a ${typeof v} value has no COPY text (binary rows go through insertRows)`);
  return COPY_SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPE[ch]!) : s;
}

const SQLITE_CHUNK = 200;

/**
 * PostgreSQL: many rows of one table by COPY instead of an INSERT of one JSON parameter: the
 * server has no JSON to parse and puts the rows on the heap a page at a time (the timer sweep's
 * thousands of events a pass: a sixth less of PostgreSQL's CPU). `jsonColumns` hold JSON values,
 * stored as their JSON text as jsonRowsInsert stores them (a string as it is); every other value
 * is text, a number, a boolean or null. What is stored is what the JSON insert stores, NUL and
 * lone surrogates included (U+FFFD). SQLite: multi-row INSERTs, JSON columns as their text.
 */
export async function copyRows<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: ReadonlyArray<Record<string, unknown>>,
  jsonColumns: readonly string[] = [],
): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const json = cols.map((c) => jsonColumns.includes(c));
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    // SQLite stores JSON columns as text; multi-row INSERTs of one size, compiled once (REUSE_MARK)
    const text = (r: Record<string, unknown>) =>
      Object.fromEntries(cols.map((c, i) => [c, json[i] && r[c] !== null && typeof r[c] === 'object' ? JSON.stringify(r[c]) : r[c]]));
    for (let i = 0; i < rows.length; i += SQLITE_CHUNK)
      await insertRows(db, table, rows.slice(i, i + SQLITE_CHUNK).map(text) as Array<Insertable<Database[T]>>, { reuse: true });
    return;
  }
  const lines: string[] = [];
  for (const r of rows) {
    let line = '';
    for (let i = 0; i < cols.length; i++) line += (i ? '\t' : '') + copyValue(r[cols[i]!], json[i]!);
    lines.push(line);
  }
  lines.push('');
  await db.executeQuery(CompiledQuery.raw(`${COPY_MARK}copy "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) from stdin`, [lines.join('\n')]));
}
