import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendars')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('commitment_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('calendar_id', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('warn_fractions', 'text', (c) => c.notNull())
    .addColumn('escalate_on_warning', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('case_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text')
    .addColumn('calendar_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('budget_minutes', 'double precision', (c) => c.notNull())
    .addColumn('consumed_minutes', 'double precision', (c) => c.notNull())
    .addColumn('running_since', 'bigint')
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('warned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('met_at', 'bigint')
    .addColumn('breached_at', 'bigint')
    .addColumn('elapsed_minutes', 'double precision')
    .addColumn('next_check_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_targets_case').on('case_targets').columns(['case_id', 'kind']).execute();
  // The timer worker reads only what is due: its cost follows due timers, not open cases.
  await db.schema.createIndex('case_targets_due').on('case_targets').column('next_check_at').where(sql.ref('next_check_at'), 'is not', null).execute();
  await db.schema.createIndex('case_targets_kind_due').on('case_targets').columns(['kind', 'due_at']).execute();
  await db.schema
    .createTable('case_escalations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('notified', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // A case reaches each level once, even when two app processes breach two of its targets together.
  await db.schema.createIndex('case_escalations_case').on('case_escalations').columns(['case_id', 'level']).unique().execute();
  await db.schema.createIndex('case_escalations_at').on('case_escalations').column('created_at').execute();
  await db.schema
    .createTable('team_handling_limits')
    .addColumn('team_id', 'text', (c) => c.primaryKey().references('teams.id'))
    .addColumn('minutes', 'double precision')
    .addColumn('working_days', 'integer')
    .addColumn('calendar_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('remedy_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('proposal', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('remedies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('target_id', 'text')
    .addColumn('rule_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('proposal', 'text', (c) => c.notNull())
    .addColumn('final', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('remedies_case').on('remedies').column('case_id').execute();
  await db.schema.createIndex('remedies_status').on('remedies').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['remedies', 'remedy_rules', 'team_handling_limits', 'case_escalations', 'case_targets', 'commitment_policies', 'calendars'])
    await db.schema.dropTable(t).execute();
}
