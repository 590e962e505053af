import { sql, type Kysely } from 'kysely';
import { isPg } from './helpers.ts';

/**
 * SQLite: each case row keeps the latest time any case recorded up to it (by rowid) was received,
 * `received_max`, kept by a trigger. A text search walks FTS5's matches newest-recorded first (a
 * common word matches a tenth of all cases; walking is what keeps it fast), and a case entered
 * today for a call of last week (staff may set receivedAt) is recorded out of received order:
 * with this bound the walk knows when no older-recorded match can still belong on the page, so
 * search pages come in the list's order (received time, then id), as on PostgreSQL.
 * Deleting a case leaves the bound above the truth, which is safe; received_at is never updated.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPg(db)) return;
  await sql`ALTER TABLE cases ADD COLUMN received_max INTEGER`.execute(db);
  await sql`UPDATE cases SET received_max = m.mx
    FROM (SELECT rowid AS r, max(received_at) OVER (ORDER BY rowid) AS mx FROM cases) AS m
    WHERE cases.rowid = m.r`.execute(db);
  await sql`CREATE TRIGGER cases_received_max AFTER INSERT ON cases BEGIN
    UPDATE cases SET received_max = max(NEW.received_at,
      coalesce((SELECT received_max FROM cases WHERE rowid < NEW.rowid ORDER BY rowid DESC LIMIT 1), NEW.received_at))
    WHERE rowid = NEW.rowid;
  END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPg(db)) return;
  await sql`DROP TRIGGER cases_received_max`.execute(db);
  await sql`ALTER TABLE cases DROP COLUMN received_max`.execute(db);
}
