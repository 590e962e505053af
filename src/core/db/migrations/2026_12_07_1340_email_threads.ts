import type { Kysely } from 'kysely';

/**
 * The email channel (modules/channels): the Message-ID of every mail that made a case or was
 * threaded into one, so that a retried delivery makes nothing twice and a later reply naming it
 * (In-Reply-To, References) finds its case. Mails we sent are found by their outbox id instead.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_email_messages')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_email_messages_case').on('case_email_messages').column('case_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_email_messages').execute();
}
