import { sql, type Kysely } from 'kysely';
import { isPg } from './helpers.ts';

/**
 * SQLite: each case row keeps the latest time any case recorded up to it (by rowid) was received,
 * `received_max`, kept by a trigger. A text search walks FTS5's matches newest-recorded first (a
 * common word matches a tenth of all cases; walking is what keeps it fast), and a case entered
 * today for a call of last week (staff may set receivedAt) is recorded out of received order:
 * with this bound the walk knows when no older-recorded match can still belong on the page, so
 * search pages come in the list's order (received time, then id), as on PostgreSQL.
 * Deleting a case leaves the bound above the truth, which is safe; a change of received_at is
 * refused (a second trigger), as it could leave later rows' bounds below the truth.
 * One transaction (Kysely runs SQLite's migrations without one): a crash in the backfill, seconds
 * at a million cases, must not leave the column without its trigger, or rows without their bound.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPg(db)) return;
  await db.transaction().execute(async (trx) => {
    await sql`ALTER TABLE cases ADD COLUMN received_max INTEGER`.execute(trx);
    await sql`UPDATE cases SET received_max = m.mx
      FROM (SELECT rowid AS r, max(received_at) OVER (ORDER BY rowid) AS mx FROM cases) AS m
      WHERE cases.rowid = m.r`.execute(trx);
    await sql`CREATE TRIGGER cases_received_max AFTER INSERT ON cases BEGIN
      UPDATE cases SET received_max = max(NEW.received_at,
        coalesce((SELECT received_max FROM cases WHERE rowid < NEW.rowid ORDER BY rowid DESC LIMIT 1), NEW.received_at))
      WHERE rowid = NEW.rowid;
    END`.execute(trx);
    await sql`CREATE TRIGGER cases_received_at_fixed BEFORE UPDATE OF received_at ON cases
      WHEN NEW.received_at IS NOT OLD.received_at BEGIN
      SELECT RAISE(ABORT, 'cases.received_at cannot change once recorded');
    END`.execute(trx);
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPg(db)) return;
  await db.transaction().execute(async (trx) => {
    await sql`DROP TRIGGER IF EXISTS cases_received_at_fixed`.execute(trx);
    await sql`DROP TRIGGER IF EXISTS cases_received_max`.execute(trx);
    await sql`ALTER TABLE cases DROP COLUMN received_max`.execute(trx);
  });
}
