import type { Kysely } from 'kysely';

/**
 * SPEC 8, root-cause analysis and corrective/preventive actions (CAPA): problem records, the cases
 * linked to them, their actions and effectiveness checks (improvement/problem.table.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('problems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('root_cause_category', 'text')
    .addColumn('root_cause', 'text')
    .addColumn('check_days', 'integer', (c) => c.notNull())
    .addColumn('actions_done_at', 'bigint')
    .addColumn('check_date', 'text')
    .addColumn('check_due_at', 'bigint')
    .addColumn('check_result', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  // the list: by status, newest first
  await db.schema.createIndex('problems_status_created').on('problems').columns(['status', 'created_at', 'id']).execute();
  await db.schema.createIndex('problems_owner_status').on('problems').columns(['owner_id', 'status']).execute();

  await db.schema
    .createTable('problem_cases')
    .addColumn('problem_id', 'text', (c) => c.notNull().references('problems.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('linked_by', 'text', (c) => c.notNull())
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('problem_cases_pk', ['problem_id', 'case_id'])
    .execute();
  // a case's problem records (the case page's card, the candidates' "not yet linked")
  await db.schema.createIndex('problem_cases_case').on('problem_cases').columns(['case_id', 'problem_id']).execute();

  await db.schema
    .createTable('problem_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('problem_id', 'text', (c) => c.notNull().references('problems.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('calendar_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('completion_note', 'text')
    .addColumn('done_at', 'bigint')
    .addColumn('done_by', 'text')
    .addColumn('overdue_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('problem_actions_problem').on('problem_actions').columns(['problem_id', 'due_at']).execute();
  // the overdue sweep: open, not yet marked, by due time
  await db.schema.createIndex('problem_actions_status_overdue_due').on('problem_actions').columns(['status', 'overdue_at', 'due_at']).execute();

  await db.schema
    .createTable('problem_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('problem_id', 'text', (c) => c.notNull().references('problems.id'))
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('checked_by', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'bigint', (c) => c.notNull())
    .addColumn('cases_before', 'integer')
    .addColumn('cases_after', 'integer')
    .addColumn('window_days', 'integer')
    .execute();
  await db.schema.createIndex('problem_checks_problem').on('problem_checks').columns(['problem_id', 'checked_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('problem_checks').execute();
  await db.schema.dropTable('problem_actions').execute();
  await db.schema.dropTable('problem_cases').execute();
  await db.schema.dropTable('problems').execute();
}
