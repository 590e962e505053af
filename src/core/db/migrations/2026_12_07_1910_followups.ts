import type { Kysely } from 'kysely';

/**
 * SPEC 5, follow-ups (回访): after a case is resolved, and periodic ones for customers under a
 * delivered project (followups/followup.table.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('followup_plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('delivered_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('last_step', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('followup_plans_customer').on('followup_plans').columns(['customer_id', 'status']).execute();
  await db.schema.createIndex('followup_plans_status_created').on('followup_plans').columns(['status', 'created_at', 'id']).execute();

  await db.schema
    .createTable('followups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('plan_id', 'text', (c) => c.references('followup_plans.id'))
    .addColumn('plan_step', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('scheduled_at', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('calendar_id', 'text', (c) => c.notNull())
    .addColumn('working_days', 'integer')
    .addColumn('overdue_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('closed_by', 'text')
    .addColumn('method', 'text')
    .addColumn('result', 'text')
    .addColumn('action', 'text')
    .addColumn('escalation_level', 'integer')
    .addColumn('notes', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // a case's follow-ups (one pending a case: the hooks look for it)
  await db.schema.createIndex('followups_case_status').on('followups').columns(['case_id', 'status']).execute();
  // a plan's follow-ups
  await db.schema.createIndex('followups_plan_status').on('followups').columns(['plan_id', 'status']).execute();
  // my follow-ups and the team's, soonest due first
  await db.schema.createIndex('followups_assignee_status_due').on('followups').columns(['assignee_id', 'status', 'due_at', 'id']).execute();
  await db.schema.createIndex('followups_team_status_due').on('followups').columns(['team_id', 'status', 'due_at', 'id']).execute();
  // the overdue sweep: pending, not yet marked, by due time
  await db.schema.createIndex('followups_status_overdue_due').on('followups').columns(['status', 'overdue_at', 'due_at']).execute();
  // the report: follow-ups due in a period; erasure: a customer's
  await db.schema.createIndex('followups_due').on('followups').columns(['due_at', 'id']).execute();
  await db.schema.createIndex('followups_customer').on('followups').columns(['customer_id']).execute();

  await db.schema
    .createTable('followup_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('followup_id', 'text', (c) => c.notNull().references('followups.id'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('by_user', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('reached', 'integer', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('notes', 'text')
    .execute();
  await db.schema.createIndex('followup_attempts_followup').on('followup_attempts').columns(['followup_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('followup_attempts').execute();
  await db.schema.dropTable('followups').execute();
  await db.schema.dropTable('followup_plans').execute();
}
