import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../../db/database.ts';
import { formatCaseNumber } from './case.ts';

/**
 * Next human case number for the day of `at` in the centre's zone. One counter row per day,
 * incremented with an atomic upsert: unique under concurrency and never a scan of the cases.
 */
export async function allocateCaseNumber(trx: Kysely<Database>, at: number, timeZone: string): Promise<string> {
  const day = DateTime.fromMillis(at, { zone: timeZone }).toFormat('yyyyLLdd');
  const row = await trx
    .insertInto('case_number_counters')
    .values({ day, last: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ last: sql<number>`case_number_counters.last + 1` }))
    .returning('last')
    .executeTakeFirstOrThrow();
  return formatCaseNumber(day, Number(row.last));
}
