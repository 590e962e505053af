import type { Kysely } from 'kysely';

/**
 * SPEC 9, customer profiles (客户档案): each customer's value, pinned tier, account manager (客户经理),
 * computed lifecycle stage and churn-risk reasons (customers/profile.table.ts), and care campaigns
 * (关怀活动) with their recipients.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customer_profiles')
    .addColumn('customer_id', 'text', (c) => c.primaryKey().references('customers.id'))
    .addColumn('annual_value', 'bigint', (c) => c.notNull())
    .addColumn('previous_value', 'bigint')
    .addColumn('tier_pinned', 'integer', (c) => c.notNull())
    .addColumn('account_manager_id', 'text', (c) => c.references('users.id'))
    .addColumn('stage', 'text')
    .addColumn('stage_reasons', 'text', (c) => c.notNull())
    .addColumn('risk_reasons', 'text', (c) => c.notNull())
    .addColumn('at_risk', 'integer', (c) => c.notNull())
    .addColumn('computed_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // a leaving manager's customers; the at-risk list
  await db.schema.createIndex('customer_profiles_manager').on('customer_profiles').columns(['account_manager_id']).execute();
  await db.schema.createIndex('customer_profiles_risk').on('customer_profiles').columns(['at_risk', 'customer_id']).execute();

  await db.schema
    .createTable('customer_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_zh', 'text', (c) => c.notNull())
    .addColumn('body_en', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_by', 'text')
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('customer_campaigns_created').on('customer_campaigns').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('customer_campaign_recipients')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('customer_campaigns.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_campaign_recipients_pk', ['campaign_id', 'customer_id'])
    .execute();
  await db.schema.createIndex('customer_campaign_recipients_customer').on('customer_campaign_recipients').columns(['customer_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('customer_campaign_recipients').execute();
  await db.schema.dropTable('customer_campaigns').execute();
  await db.schema.dropTable('customer_profiles').execute();
}
