import { sql, type Kysely } from 'kysely';
import { isPg } from './helpers.ts';

/**
 * PostgreSQL: an intake batch's contact locks and the read of those contacts' customers in one
 * round trip (it was two, of a batch's nine). As in sl_audit_chain_head, a VOLATILE function
 * takes a fresh snapshot for each of its queries, so the customers are read after the locks are
 * held and a customer created by a batch that held one of them is seen (one statement doing both
 * would read from a snapshot taken before it waited). The locks are the keys' hashtext, as
 * DialectOps.lockKeys takes them, in sorted order. SQLite's single writer needs neither.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPg(db)) return;
  await sql`CREATE FUNCTION sl_lock_contacts_find_customers(keys text[], emails text[], phones text[]) RETURNS SETOF customers
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext(k)) FROM (SELECT DISTINCT k FROM unnest(keys) AS k ORDER BY k) AS s;
      RETURN QUERY SELECT * FROM customers WHERE email = ANY(emails) OR phone = ANY(phones);
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPg(db)) return;
  await sql`DROP FUNCTION sl_lock_contacts_find_customers(text[], text[], text[])`.execute(db);
}
