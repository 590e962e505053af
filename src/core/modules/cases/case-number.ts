import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { formatCaseNumber } from './case.ts';
import { prepared } from '../../db/prepared.ts';

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

export async function allocateCaseNumber(trx: Kysely<Database>, at: number, timeZone: string): Promise<string> {
  const day = localDay(at, timeZone);
  const [row] = await nextOfDay(trx, day);
  return formatCaseNumber(day, Number(row!.last));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** YYYYMMDD of an instant in a zone (Intl, cached: luxon costs ~10x more per call on this path). */
export function localDay(at: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(at).replace(/-/g, '');
}
