import type { Kysely } from 'kysely';

/**
 * SPEC 10: the consent register (privacy/consent.table.ts), kept as history: a withdrawal marks
 * the row, a new grant is a new row; and the unusual-access alerts (audit/access-alerts.table.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('evidence_ref', 'text')
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'bigint')
    .addColumn('withdrawn_by', 'text')
    .addColumn('withdrawal_reason', 'text')
    .execute();
  // the check: a customer's consents of a purpose, the active one first
  await db.schema.createIndex('consents_customer_purpose').on('consents').columns(['customer_id', 'purpose', 'withdrawn_at']).execute();

  await db.schema
    .createTable('security_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'text')
    .execute();
  await db.schema.createIndex('security_alerts_open_at').on('security_alerts').columns(['acknowledged_at', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('security_alerts').execute();
  await db.schema.dropTable('consents').execute();
}
