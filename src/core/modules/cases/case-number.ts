import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { formatCaseNumber } from './case.ts';
import { prepared } from '../../db/prepared.ts';
import { bufferOf, FLUSH_ORDER, HandoverNoLongerHolds, type PendingWrite } from '../../db/commit-buffer.ts';
import { pad2, wallClock } from '../../shared/wall-clock.ts';

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
 * In a buffered transaction (a batch of intakes), the first number of a day comes from the
 * counter row, which the transaction then holds locked; the next ones are counted here and the
 * row is set to the last one at commit. One statement per day and batch instead of per case.
 *
 * A batch that runs while the batch before it writes (PostgreSQL, under a backlog) counts on
 * from that batch's last number of the day (`assumed`) instead of waiting for its commit. When
 * it writes, the batch before has committed, and the counter must hold exactly that number, or
 * the batch runs again from the start, taking its numbers under the lock (a second server took
 * numbers in between, or the batch before did not commit).
 */
class PendingNumbers implements PendingWrite {
  readonly days = new Map<string, { stored: number; last: number; assumed?: boolean }>();
  async confirm(trx: Kysely<Database>): Promise<void> {
    for (const [day, v] of this.days) {
      if (!v.assumed) continue;
      const moved = await moveFrom(trx, day, v.stored, v.last);
      if (moved.length !== 1) throw new CaseNumbersMoved(day, v.stored);
      v.stored = v.last;
      v.assumed = false;
    }
  }
  async flush(trx: Kysely<Database>): Promise<void> {
    for (const [day, v] of this.changed()) await setLast(trx, day, v.last);
  }
  statement(trx: Kysely<Database>): CompiledQuery | null | undefined {
    const changed = this.changed();
    if (changed.length === 0) return null;
    return changed.length === 1 ? setLastQuery(trx, changed[0]![0], changed[0]![1].last).compile() : undefined;
  }
  private changed() {
    return [...this.days].filter(([, v]) => v.last > v.stored);
  }
}

/** The day's counter moved from `from` to `to`; no row when it did not hold `from`. */
const moveFrom = prepared((db, day: string, from: number, to: number) =>
  db.updateTable('case_number_counters').set({ last: to }).where('day', '=', day).where('last', '=', from).returning('last'),
);

/** The day's counter did not hold the number a batch counted on from the batch before it. */
export class CaseNumbersMoved extends HandoverNoLongerHolds {
  constructor(day: string, expected: number) {
    super(`the case-number counter of ${day} no longer holds ${expected}, the last number of the batch before`);
  }
}

const setLastQuery = (trx: Kysely<Database>, day: string, last: number) => trx.updateTable('case_number_counters').set({ last }).where('day', '=', day);
const setLast = (trx: Kysely<Database>, day: string, last: number) => setLastQuery(trx, day, last).execute();

export async function allocateCaseNumber(trx: Kysely<Database>, at: number, timeZone: string): Promise<string> {
  const day = localDay(at, timeZone);
  const pending = bufferOf(trx)?.work('case_numbers', FLUSH_ORDER.rollup, () => new PendingNumbers());
  const counted = pending?.days.get(day);
  if (counted) return formatCaseNumber(day, ++counted.last);
  // the nearest uncommitted batch before this one that counted the day (up to two may be in flight)
  const before = pending && bufferOf(trx)!.worksBefore<PendingNumbers>('case_numbers').map((w) => w.days.get(day)).find((d) => d !== undefined);
  if (before) {
    pending.days.set(day, { stored: before.last, last: before.last + 1, assumed: true });
    return formatCaseNumber(day, before.last + 1);
  }
  const [row] = await nextOfDay(trx, day);
  const last = Number(row!.last);
  pending?.days.set(day, { stored: last, last });
  return formatCaseNumber(day, last);
}

/** YYYYMMDD of an instant in a zone. */
export function localDay(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.year}${pad2(w.month)}${pad2(w.day)}`;
}
