import type { Kysely } from 'kysely';

/**
 * Intake finds the customer by contact, the earliest one first (email, then phone). With an
 * index on the contact alone each lookup sorted its matches in a temporary b-tree: ~80 µs a
 * request on SQLite, the costliest read of intake (bench/tools/intake-statements.ts). These
 * indexes end in the sort columns, so the lookup reads one entry; they replace the old ones.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('customers_email_first').on('customers').columns(['email', 'created_at', 'id']).execute();
  await db.schema.createIndex('customers_phone_first').on('customers').columns(['phone', 'created_at', 'id']).execute();
  await db.schema.dropIndex('customers_email').execute();
  await db.schema.dropIndex('customers_phone').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('customers_email').on('customers').column('email').execute();
  await db.schema.createIndex('customers_phone').on('customers').column('phone').execute();
  await db.schema.dropIndex('customers_email_first').execute();
  await db.schema.dropIndex('customers_phone_first').execute();
}
