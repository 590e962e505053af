import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { formatCaseNumber } from './case.ts';
import { prepared } from '../../db/prepared.ts';
import { bufferOf, FLUSH_ORDER, type PendingWrite } from '../../db/commit-buffer.ts';

/**
 * Next human case number for the day of `at` in the centre's zone. One counter row per day,
 * incremented with an atomic upsert: unique under concurrency and never a scan of the cases.
 */
const nextOfDay = prepared((db, day: string) =>
  db
    .insertInto('case_number_counters')
    .values({ day, last: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ last: sql<number>`case_number_counters.last + 1` }))
    .returning('last'),
);

/**
 * SQLite (one writer): in a buffered transaction (a batch of intakes), the first number of a day
 * comes from the counter row; the next ones are counted here and the row is set to the last one
 * at commit. One statement per day and batch instead of per case; a rollback undoes it all.
 */
class PendingNumbers implements PendingWrite {
  readonly days = new Map<string, { stored: number; last: number }>();
  async flush(trx: Kysely<Database>): Promise<void> {
    for (const [day, v] of this.days)
      if (v.last > v.stored) await trx.updateTable('case_number_counters').set({ last: v.last }).where('day', '=', day).execute();
  }
}

/**
 * +n on the day's counter in a transaction of its own, which does not wait for its commit to be
 * flushed (synchronous_commit off for it alone): a case that uses one of the numbers commits
 * later, and flushing its commit flushes the reservation's before it. A crash can forget only
 * reservations whose numbers no committed case holds.
 */
const RESERVE = `with s as (select set_config('synchronous_commit', 'off', true))
  insert into case_number_counters (day, last) select $1, $2::integer from s
  on conflict (day) do update set last = case_number_counters.last + excluded.last
  returning last`;

async function reserveBlock(db: Kysely<Database>, day: string, n: number): Promise<number> {
  const r = await db.executeQuery<{ last: number | string }>(CompiledQuery.raw(RESERVE, [day, n]));
  return Number(r.rows[0]!.last);
}

/**
 * PostgreSQL (parallel transactions): numbers are reserved in blocks, a batch's worth at a time,
 * by a statement of their own outside the intake transactions. Holding the counter row from the
 * first intake of a batch to its commit would let only one transaction of the day run at a time
 * (intake ran at 20% of the raw commit rate). Numbers a transaction took and did not commit come
 * back here and go to the next intakes, so numbers stay gap-free but for what a process holds
 * when it stops; they follow the order of reservation, not strictly of commit.
 */
class NumberReserve {
  /** day -> numbers reserved by this process and not handed out, ascending */
  private readonly free = new Map<string, number[]>();
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `want` numbers of `day` for one transaction (at least one). */
  async take(day: string, want: number): Promise<number[]> {
    if (!this.free.get(day)?.length) {
      const last = await reserveBlock(this.db, day, want);
      const block: number[] = [];
      for (let n = last - want + 1; n <= last; n++) block.push(n);
      this.giveBack(day, block); // others may have reserved or given back meanwhile
    }
    return this.free.get(day)!.splice(0, want);
  }

  giveBack(day: string, numbers: number[]): void {
    if (numbers.length === 0) return;
    const free = this.free.get(day) ?? [];
    free.push(...numbers);
    free.sort((a, b) => a - b);
    this.free.set(day, free);
  }
}

const reserves = new WeakMap<Kysely<Database>, NumberReserve>();

/** A transaction's numbers from the reserve: those it did not use, or all on rollback, go back. */
interface Taken {
  day: string;
  numbers: number[];
  used: number;
}

export async function allocateCaseNumber(db: Kysely<Database>, trx: Kysely<Database>, at: number, timeZone: string, parallel: boolean): Promise<string> {
  const day = localDay(at, timeZone);
  const buffer = bufferOf(trx);
  if (buffer && parallel) {
    const taken = buffer.memo<Map<string, Taken>>('case_numbers', () => new Map())!;
    let t = taken.get(day);
    if (!t || t.used === t.numbers.length) {
      let reserve = reserves.get(db);
      if (!reserve) reserves.set(db, (reserve = new NumberReserve(db)));
      const more = await reserve.take(day, Math.max(1, buffer.requests - (t?.used ?? 0)));
      if (!t) {
        const mine = (t = { day, numbers: more, used: 0 });
        taken.set(day, mine);
        buffer.onSettled((committed) => reserve.giveBack(day, mine.numbers.slice(committed ? mine.used : 0)));
      } else t.numbers.push(...more);
    }
    return formatCaseNumber(day, t.numbers[t.used++]!);
  }
  const pending = buffer?.work('case_numbers', FLUSH_ORDER.rollup, () => new PendingNumbers());
  const counted = pending?.days.get(day);
  if (counted) return formatCaseNumber(day, ++counted.last);
  const [row] = await nextOfDay(trx, day);
  const last = Number(row!.last);
  pending?.days.set(day, { stored: last, last });
  return formatCaseNumber(day, last);
}

const formatters = new Map<string, { f: Intl.DateTimeFormat; minute: number; day: string }>();

/**
 * YYYYMMDD of an instant in a zone (Intl, cached: luxon costs ~10x more per call on this path;
 * and the last minute's answer is kept, since a burst of intakes falls in one minute).
 */
export function localDay(at: number, timeZone: string): string {
  let e = formatters.get(timeZone);
  if (!e) {
    e = { f: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }), minute: NaN, day: '' };
    formatters.set(timeZone, e);
  }
  // Zone offsets are whole minutes, so a day never starts inside a minute.
  const minute = Math.floor(at / 60_000);
  if (minute !== e.minute) {
    e.day = e.f.format(at).replace(/-/g, '');
    e.minute = minute;
  }
  return e.day;
}
