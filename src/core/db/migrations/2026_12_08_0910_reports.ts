import type { Kysely } from 'kysely';

/**
 * SPEC 8, reports: the service reports generated (daily and weekly digests, the monthly service
 * supervision report), each a frozen snapshot; who subscribed to which digest; and the digest
 * periods already sent (one row a kind and period: the claim that makes it go out once).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('period_from', 'bigint', (c) => c.notNull())
    .addColumn('period_to', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('generated_by', 'text')
    .addColumn('generated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('service_reports_version', ['kind', 'period_key', 'version'])
    .execute();
  // the list: newest first, of a kind
  await db.schema.createIndex('service_reports_kind_generated').on('service_reports').columns(['kind', 'generated_at']).execute();

  await db.schema
    .createTable('report_subscriptions')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_subscriptions_pk', ['user_id', 'kind'])
    .execute();

  await db.schema
    .createTable('report_digest_runs')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_digest_runs_pk', ['kind', 'period_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_digest_runs').execute();
  await db.schema.dropTable('report_subscriptions').execute();
  await db.schema.dropTable('service_reports').execute();
}
