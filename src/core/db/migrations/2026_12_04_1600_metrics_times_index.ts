import { sql, type Kysely } from 'kysely';
import { isPg } from './helpers.ts';

/**
 * The dashboard's response and resolution times (median and p90 over every case received in the
 * period) read only the receipt time and the two durations: an index holding all three lets the
 * scan skip the metrics rows (~350 bytes each; 123,000 of them for 90 days at 1,000,000 cases).
 * PostgreSQL: replaces the plain index on received_at (the columns ride as INCLUDE, which
 * every other range read on received_at can use as before). SQLite: the rows are clustered by
 * (received_at, case_id) already, so this is an index of its own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPg(db)) {
    await sql`CREATE INDEX case_metrics_received_times ON case_metrics (received_at) INCLUDE (first_response_minutes, resolution_minutes)`.execute(db);
    await sql`DROP INDEX case_metrics_received`.execute(db);
  } else {
    await sql`CREATE INDEX case_metrics_received_times ON case_metrics (received_at, first_response_minutes, resolution_minutes)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPg(db)) await sql`CREATE INDEX case_metrics_received ON case_metrics (received_at)`.execute(db);
  await sql`DROP INDEX case_metrics_received_times`.execute(db);
}
