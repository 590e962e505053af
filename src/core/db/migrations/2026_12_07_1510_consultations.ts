import type { Kysely } from 'kysely';

/**
 * SPEC 3, internal collaboration: consultation requests from a case to another team
 * (collaboration/consultation.table.ts), each with the team's own time limit.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consultations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('target_team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('requester_team_id', 'text')
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('limit_minutes', 'integer', (c) => c.notNull())
    .addColumn('calendar_id', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('overdue_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('closed_by', 'text')
    .addColumn('response', 'text')
    .execute();
  // a case's consultations (the close rule looks for open ones)
  await db.schema.createIndex('consultations_case_status').on('consultations').columns(['case_id', 'status']).execute();
  // a team's inbox, soonest due first
  await db.schema.createIndex('consultations_team_status_due').on('consultations').columns(['target_team_id', 'status', 'due_at', 'id']).execute();
  // the overdue sweep: open, not yet marked, by due time
  await db.schema.createIndex('consultations_status_overdue_due').on('consultations').columns(['status', 'overdue_at', 'due_at']).execute();
  // the report: requests in a period
  await db.schema.createIndex('consultations_requested').on('consultations').columns(['requested_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consultations').execute();
}
