import { sql, type Kysely } from 'kysely';
import { blobType, isPg } from './helpers.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('company', 'text')
    .addColumn('tier', 'text', (c) => c.notNull().defaultTo('normal'))
    .addColumn('region', 'text')
    .addColumn('branch', 'text')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('zh-CN'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customers_email').on('customers').column('email').execute();
  await db.schema.createIndex('customers_phone').on('customers').column('phone').execute();

  await db.schema
    .createTable('categories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.references('categories.id'))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('contact_name', 'text', (c) => c.notNull())
    .addColumn('contact_email', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('received_by', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('request', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.references('categories.id'))
    .addColumn('impact', 'integer', (c) => c.notNull())
    .addColumn('urgency', 'integer', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('complaint_grade', 'text')
    .addColumn('is_repeat', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('repeat_of_id', 'text')
    .addColumn('sensitive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('service_kind', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('close_reason', 'text')
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('first_response_at', 'bigint')
    .addColumn('first_resolved_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('resolution_cause', 'text')
    .addColumn('resolution_solution', 'text')
    .addColumn('compensation', 'text')
    .addColumn('corrective_action', 'text')
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transfer_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('external_ref', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Every list the agents and dashboards use is served by one of these, newest first.
  await db.schema.createIndex('cases_received').on('cases').columns(['received_at', 'id']).execute();
  await db.schema.createIndex('cases_status_received').on('cases').columns(['status', 'received_at', 'id']).execute();
  await db.schema.createIndex('cases_team_status_received').on('cases').columns(['team_id', 'status', 'received_at', 'id']).execute();
  await db.schema.createIndex('cases_assignee_status_received').on('cases').columns(['assignee_id', 'status', 'received_at', 'id']).execute();
  await db.schema.createIndex('cases_customer_received').on('cases').columns(['customer_id', 'received_at']).execute();
  await db.schema.createIndex('cases_contact_email').on('cases').columns(['contact_email', 'received_at']).execute();
  await db.schema.createIndex('cases_updated').on('cases').columns(['updated_at', 'id']).execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('data', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_events_case').on('case_events').columns(['case_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('case_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('event_id', 'text')
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', blobType(db), (c) => c.notNull())
    .addColumn('uploaded_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_attachments_case').on('case_attachments').column('case_id').execute();

  await db.schema
    .createTable('case_number_counters')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('last', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['actor_id', 'key'])
    .execute();

  if (isPg(db)) {
    await db.schema
      .createTable('case_search')
      .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id'))
      .addColumn('tsv', sql`tsvector`, (c) => c.notNull())
      .execute();
    await sql`CREATE INDEX case_search_tsv ON case_search USING gin (tsv)`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE case_fts USING fts5(seq, uni, content='', contentless_delete=1,
      tokenize='unicode61 remove_diacritics 0')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPg(db)) await db.schema.dropTable('case_search').execute();
  else await sql`DROP TABLE case_fts`.execute(db);
  for (const t of ['idempotency_keys', 'case_number_counters', 'case_attachments', 'case_events', 'cases', 'categories', 'customers'])
    await db.schema.dropTable(t).execute();
}
