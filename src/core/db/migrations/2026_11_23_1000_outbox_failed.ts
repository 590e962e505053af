import { sql, type Kysely } from 'kysely';

/**
 * Outbox messages the worker gave up on (after maxAttempts, or a permanent error) get failed_at,
 * so they leave the queue but stay visible for operators. The pending index now covers only the
 * rows the worker still has to look at.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('failed_at', 'bigint').execute();
  await db.schema.dropIndex('outbox_pending').execute();
  await db.schema
    .createIndex('outbox_due')
    .on('outbox')
    .column('available_at')
    .where((eb) => eb.and([eb(sql.ref('sent_at'), 'is', null), eb(sql.ref('failed_at'), 'is', null)]))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_due').execute();
  await db.schema.alterTable('outbox').dropColumn('failed_at').execute();
  await db.schema.createIndex('outbox_pending').on('outbox').column('available_at').where(sql.ref('sent_at'), 'is', null).execute();
}
