import { sql, type Kysely } from 'kysely';
import { isPg } from './helpers.ts';

/**
 * PostgreSQL: the audit chain's lock and the read of its head in one round trip. A VOLATILE
 * function takes a fresh snapshot for each of its queries, so the head is read after the lock
 * is held and sees the last committed entry (one statement doing both would read from a
 * snapshot taken before it waited). SQLite's single writer needs neither.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPg(db)) return;
  await sql`CREATE FUNCTION sl_audit_chain_head() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(727001);
      RETURN (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1);
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPg(db)) return;
  await sql`DROP FUNCTION sl_audit_chain_head()`.execute(db);
}
