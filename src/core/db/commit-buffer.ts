import { CompiledQuery, PostgresAdapter, type Insertable, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import { insertRows, jsonRowsInsert, REUSE_MARK, rowsJson } from './fast-insert.ts';

type Trx = Kysely<Database>;
type Row = Record<string, unknown>;

/** Work accumulated in a transaction and written once, just before it commits. */
export interface PendingWrite {
  flush(trx: Trx): Promise<void>;
  /**
   * PostgreSQL: the same writes as one statement that may run inside the statement that writes
   * the appended rows (a data-modifying WITH); null when there is nothing to write, undefined to
   * be flushed on its own.
   */
  statement?(trx: Trx): CompiledQuery | null | undefined;
  /**
   * Runs first in a flush: checks what the work assumed from the transaction before it (see
   * CommitBuffer.follow) against the database, which that transaction has committed by now, and
   * throws when it no longer holds.
   */
  confirm?(trx: Trx): Promise<void>;
  /**
   * Writes only rows keyed by this transaction's own new records (a case's search entry), which
   * no other transaction locks: written with the appended rows by writeRows, before the
   * transaction before this one has committed.
   */
  ownRows?: boolean;
}

/**
 * Thrown by PendingWrite.confirm: what a transaction assumed from the one before it no longer
 * holds. Its requests are not at fault: the batch runs again from the start, without a handover.
 */
export class HandoverNoLongerHolds extends Error {}

/** What one transaction appended, counted and read once for all its requests (memo). */
export interface Handed {
  rows: ReadonlyArray<{ table: string; rows: Row[] }>;
  works: ReadonlyMap<string, PendingWrite>;
  memos: ReadonlyMap<string, unknown>;
}

/**
 * What a transaction hands to the one that follows it (CommitBuffer.handOver): its own, and what
 * was handed to it, since the transaction before it may not have committed either.
 */
export interface Handover extends Handed {
  earlier: Handed | null;
}

/** Flush order of pending work: appended rows first, then rollup deltas, the audit chain last. */
export const FLUSH_ORDER = { rollup: 10, audit: 100 } as const;

/** Tables other appended rows point at: written first, in this order, whenever they were appended. */
const FLUSH_FIRST: ReadonlyArray<string> = ['customers', 'cases'];

/** Parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 30_000;

/**
 * Write-behind for the rows a transaction only appends and never reads back (timeline events,
 * timers, outbox messages, metrics rows, audit entries, rollup deltas). Intake writes a case
 * with ~20 statements; appended rows of many requests go out in one multi-row statement per
 * table, and the audit chain is sealed once per commit instead of once per request, so its
 * lock (PostgreSQL) is held only for the moment before COMMIT.
 *
 * Only what is written without a buffer is visible to reads in the same transaction: code that
 * reads rows back (a case's targets, say) asks `pendingRows` first. Transactions without a buffer
 * (most of them) write through at once.
 */
export class CommitBuffer {
  /** table|columns -> rows, in the order tables were first appended to (foreign keys point backwards; see FLUSH_FIRST). */
  private readonly rows = new Map<string, { table: keyof Database & string; rows: Row[] }>();
  private readonly pending = new Map<string, { order: number; work: PendingWrite }>();
  private readonly memos = new Map<string, unknown>();
  private readonly onCommit: Array<() => void> = [];

  /** What the batch before this one appended and counted, while that batch writes (see `follow`). */
  private before: Handover | undefined;

  /** What a batch read once for all its requests (never written). */
  memo<T>(key: string, make?: () => T): T | undefined {
    if (!this.memos.has(key) && make) this.memos.set(key, make());
    return this.memos.get(key) as T | undefined;
  }

  append(table: keyof Database & string, rows: readonly Row[]): void {
    if (rows.length === 0) return;
    const key = `${table}|${Object.keys(rows[0]!).join(',')}`;
    let e = this.rows.get(key);
    if (!e) this.rows.set(key, (e = { table, rows: [] }));
    for (const r of rows) e.rows.push(r);
  }

  /**
   * Runs `fn` once the transaction has committed (never when it rolls back: a batch that runs
   * again, or a request isolated in a savepoint that fails, has a new buffer).
   */
  afterCommit(fn: () => void): void {
    this.onCommit.push(fn);
  }

  /** Called by whoever committed the transaction; what runs here must not throw. */
  committed(): void {
    for (const fn of this.onCommit.splice(0)) fn();
  }

  /** Rows appended to `table` and not yet written. */
  rowsOf(table: keyof Database & string): Row[] {
    const out: Row[] = [];
    for (const e of this.rows.values()) if (e.table === table) out.push(...e.rows);
    return out;
  }

  /** The pending work of one kind (created on first use). */
  work<T extends PendingWrite>(key: string, order: number, make: () => T): T {
    let e = this.pending.get(key);
    if (!e) this.pending.set(key, (e = { order, work: make() }));
    return e.work as T;
  }

  /**
   * What this transaction has appended and counted so far, for a transaction that will run its
   * requests while this one writes and commit after it (the intake batch opened ahead).
   */
  handOver(): Handover {
    const b = this.before;
    return {
      rows: [...this.rows.values()].map((e) => ({ table: e.table, rows: e.rows.slice() })),
      works: new Map([...this.pending].map(([k, e]) => [k, e.work])),
      memos: new Map(this.memos),
      // two back at most: not what was handed to that one
      earlier: b ? { rows: b.rows, works: b.works, memos: b.memos } : null,
    };
  }

  /** What the transactions before this one handed over, nearest first (see `follow`). */
  private handed(): Handed[] {
    const b = this.before;
    return b ? (b.earlier ? [b, b.earlier] : [b]) : [];
  }

  /**
   * This transaction commits after the one that handed `h` over, and reads before that one has
   * committed: what it must not miss of it (the day's last case number, complaints taken) it
   * reads here.
   */
  follow(h: Handover): void {
    this.before = h;
  }

  /** Rows of `table` the transaction before this one (see `follow`) appended, committed or not yet. */
  rowsBefore(table: keyof Database & string): Row[] {
    const out: Row[] = [];
    for (const h of this.handed()) for (const e of h.rows) if (e.table === table) out.push(...e.rows);
    return out;
  }

  /** A memo of the transaction before this one, then of the one before it, while they may not have committed (see `follow`). */
  memosBefore<T>(key: string): T[] {
    return this.handed().flatMap((h) => (h.memos.has(key) ? [h.memos.get(key) as T] : []));
  }

  /** Pending work of one kind of the transaction before this one, then of the one before it (see `follow`). */
  worksBefore<T extends PendingWrite>(key: string): T[] {
    return this.handed().flatMap((h) => (h.works.has(key) ? [h.works.get(key) as T] : []));
  }

  /**
   * Whether a row this transaction appended refers to a row the transactions before it appended
   * (see `follow`): a case of a customer one of them created, an event on a complaint one of
   * them took. A foreign key does not see another transaction's uncommitted row, so such rows
   * are written only after those transactions have committed.
   */
  refersToRowsBefore(): boolean {
    const ids = new Set<unknown>();
    for (const h of this.handed()) for (const e of h.rows) for (const r of e.rows) if (r.id !== undefined) ids.add(r.id);
    if (ids.size === 0) return false;
    for (const e of this.rows.values())
      for (const r of e.rows)
        for (const [k, v] of Object.entries(r)) if (k !== 'id' && typeof v === 'string' && ids.has(v)) return true;
    return false;
  }

  async flush(trx: Trx): Promise<void> {
    // what was assumed from the transaction before is confirmed before anything else is written
    for (const e of this.pending.values()) await e.work.confirm?.(trx);
    await this.write(trx, () => true);
  }

  /**
   * Writes the appended rows and the pending work that writes only its own rows (ownRows), and
   * leaves the rest (counters, rollups, the audit chain) to flush: an intake batch opened ahead
   * writes these while the batch before it still writes and commits.
   */
  writeRows(trx: Trx): Promise<void> {
    return this.write(trx, (w) => w.ownRows === true);
  }

  private async write(trx: Trx, take: (w: PendingWrite) => boolean): Promise<void> {
    const rank = (t: string) => {
      const i = FLUSH_FIRST.indexOf(t);
      return i === -1 ? FLUSH_FIRST.length : i;
    };
    // stable: tables not in FLUSH_FIRST keep their first-appended order
    const groups = [...this.rows.values()].sort((a, b) => rank(a.table) - rank(b.table));
    const taken = [...this.pending].filter(([, e]) => take(e.work)).sort(([, a], [, b]) => a.order - b.order);
    let works = taken.map(([, e]) => e.work);
    if (trx.getExecutor().adapter instanceof PostgresAdapter) {
      // the leading pending work that can (search, rollups; not the audit chain, which needs its
      // lock first) joins the appended rows' statement
      let lead = 0;
      while (lead < works.length && works[lead]!.statement) lead++;
      const statements = works.slice(0, lead).map((w) => w.statement!(trx));
      const fits = statements.every((q) => q !== undefined);
      const joined = fits ? statements.filter((q): q is CompiledQuery => q !== null && q !== undefined) : [];
      if (groups.length + joined.length > 1 && (await writeAtOnce(trx, groups, joined))) {
        groups.length = 0;
        if (fits) works = works.slice(lead);
      }
    }
    for (const { table, rows } of groups) {
      const per = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(rows[0]!).length));
      for (let i = 0; i < rows.length; i += per) await insertRows(trx, table, rows.slice(i, i + per) as Insertable<Database[typeof table]>[]);
    }
    for (const work of works) await work.flush(trx);
    this.rows.clear();
    for (const [key] of taken) this.pending.delete(key);
  }
}

/** PostgreSQL's limit of parameters per statement is 65,535. */
const PG_MAX_PARAMS = 65_000;

/**
 * PostgreSQL: every table's rows, and the statements of pending work, in one statement (a
 * data-modifying WITH each): one round trip instead of one per table and rollup, which were
 * most of a batch's round trips. Foreign keys are checked at the end of the statement, when
 * all rows are in. False (nothing written) when it would take more parameters than a statement.
 *
 * Each table's rows are one JSON parameter (jsonRowsInsert), not a VALUES list with a parameter
 * per cell: PostgreSQL planned a batch of 64 intakes' ~8,000 parameters in 5.7 ms, more than a
 * third of the time it took to write them (0.4 ms now).
 */
async function writeAtOnce(trx: Trx, groups: ReadonlyArray<{ table: string; rows: Row[] }>, statements: CompiledQuery[]): Promise<boolean> {
  const binary = groups.map(({ table, rows }) => scanRows(table, rows));
  let total = 0;
  groups.forEach((g, i) => (total += binary[i] ? g.rows.length * Object.keys(g.rows[0]!).length : 1));
  for (const q of statements) total += q.parameters.length;
  if (total > PG_MAX_PARAMS) return false;
  const params: unknown[] = [];
  const parts = groups.map(({ table, rows }, i) => {
    const keys = Object.keys(rows[0]!);
    const cols = keys.map((c) => `"${c}"`).join(', ');
    if (binary[i]) {
      const tuples = rows.map((r) => `(${keys.map((c) => `$${params.push(r[c] ?? null)}`).join(', ')})`);
      return `w${i} AS (insert into "${table}" (${cols}) values ${tuples.join(', ')})`;
    }
    return `w${i} AS (${jsonRowsInsert(table, keys, `$${params.push(rowsJson(rows))}`)})`;
  });
  statements.forEach((q, i) => {
    const offset = params.length;
    params.push(...q.parameters);
    // the statements come from Kysely and sql``: placeholders only, no literal `$n` in their text
    parts.push(`s${i} AS (${q.sql.replace(/\$(\d+)/g, (_, n: string) => `$${offset + Number(n)}`)})`);
  });
  // Without binary rows (a VALUES list per row) the text depends only on which tables and pending
  // writes a batch has: prepared once per connection (REUSE_MARK).
  await trx.executeQuery(CompiledQuery.raw(`${binary.some(Boolean) ? '' : REUSE_MARK}with ${parts.join(', ')} select 1`, params));
  return true;
}

/**
 * Whether rows hold binary values (attachments' content), which have no JSON form: those go in
 * as a VALUES list. A number that is not finite is refused: JSON would turn it into NULL, where
 * a parameter fails.
 */
function scanRows(table: string, rows: Row[]): boolean {
  let binary = false;
  for (const r of rows)
    for (const [k, v] of Object.entries(r)) {
      if (v instanceof Uint8Array) binary = true;
      else if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${table}.${k}: ${v} is not a value the database can store`);
    }
  return binary;
}

const buffers = new WeakMap<object, CommitBuffer>();

export const bufferOf = (trx: Trx): CommitBuffer | undefined => buffers.get(trx);

export function attachBuffer(trx: Trx, buffer = new CommitBuffer()): CommitBuffer {
  buffers.set(trx, buffer);
  return buffer;
}

/** Appends rows: buffered until commit when the transaction has a buffer, written now otherwise. */
export async function appendRows<T extends keyof Database & string>(trx: Trx, table: T, rows: ReadonlyArray<Insertable<Database[T]>>): Promise<void> {
  const b = buffers.get(trx);
  if (b) b.append(table, rows as readonly Row[]);
  else await insertRows(trx, table, rows);
}

export const appendRow = <T extends keyof Database & string>(trx: Trx, table: T, row: Insertable<Database[T]>): Promise<void> => appendRows(trx, table, [row]);

/** Rows appended in this transaction and not yet written, or undefined when it writes through. */
export const pendingRows = <T extends keyof Database & string>(trx: Trx, table: T): Array<Database[T]> | undefined =>
  buffers.get(trx)?.rowsOf(table) as Array<Database[T]> | undefined;

/** Rows of `table` that the transaction before this one (an intake batch still writing) appended. */
export const rowsBefore = <T extends keyof Database & string>(trx: Trx, table: T): Array<Database[T]> =>
  (buffers.get(trx)?.rowsBefore(table) ?? []) as unknown as Array<Database[T]>;

/** A transaction whose appended rows and pending work are written just before COMMIT. */
export function bufferedTransaction<T>(db: Trx, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const b = attachBuffer(trx);
    const result = await work(trx);
    await b.flush(trx);
    return { result, b };
  }).then(({ result, b }) => {
    b.committed();
    return result;
  });
}
