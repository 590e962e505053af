import type { Kysely } from 'kysely';

/**
 * When a customer's personal data was erased by anonymisation (SPEC 10, modules/privacy): null
 * while it is kept. The row itself stays (its cases still count in the indicators), with a
 * placeholder name and no contact. Not indexed: only the daily retention job reads it, walking
 * all customers anyway.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customers').addColumn('erased_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customers').dropColumn('erased_at').execute();
}
