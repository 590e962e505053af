import { sql, type Kysely } from 'kysely';
import { isPg } from './helpers.ts';

/**
 * PostgreSQL: the analytics mark of escalated cases once per INSERT statement, not per row. The
 * timer sweep inserts 500 escalations in one statement; a row trigger ran a PL/pgSQL call and an
 * UPDATE for each. The statement trigger reads the inserted rows from a transition table and
 * updates their cases' metrics in one UPDATE.
 * SQLite has row triggers only; its trigger stays.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPg(db)) return;
  await sql`DROP TRIGGER case_escalations_analytics ON case_escalations`.execute(db);
  await sql`CREATE FUNCTION analytics_mark_escalated_rows() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE case_metrics m SET escalated = 1
        FROM (SELECT DISTINCT case_id FROM added) a
        WHERE m.case_id = a.case_id AND m.escalated = 0;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER case_escalations_analytics AFTER INSERT ON case_escalations
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_escalated_rows()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPg(db)) return;
  await sql`DROP TRIGGER case_escalations_analytics ON case_escalations`.execute(db);
  await sql`DROP FUNCTION analytics_mark_escalated_rows()`.execute(db);
  await sql`CREATE TRIGGER case_escalations_analytics AFTER INSERT ON case_escalations
    FOR EACH ROW EXECUTE FUNCTION analytics_mark_escalated()`.execute(db);
}
