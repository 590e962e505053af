import type { Kysely } from 'kysely';

/**
 * SPEC 6, satisfaction: a survey issued at each resolution of a case (surveys/survey.table.ts),
 * and the recovery task a low score opens for a supervisor.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('customer_id', 'text')
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('not_sent_reason', 'text')
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('scale', 'integer', (c) => c.notNull())
    .addColumn('team_id', 'text')
    .addColumn('agent_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .addColumn('csat', 'integer')
    .addColumn('band', 'text')
    .addColumn('attitude', 'integer')
    .addColumn('speed', 'integer')
    .addColumn('solution', 'integer')
    .addColumn('completeness', 'integer')
    .addColumn('nps', 'integer')
    .addColumn('comment', 'text')
    .addColumn('expired_at', 'bigint')
    .execute();
  // a case's surveys (the pending one a new resolution expires)
  await db.schema.createIndex('surveys_case_status').on('surveys').columns(['case_id', 'status']).execute();
  // the report and the list: surveys issued in a period, newest first
  await db.schema.createIndex('surveys_issued').on('surveys').columns(['issued_at', 'id']).execute();
  // low-score cases answered in a period (quality sampling)
  await db.schema.createIndex('surveys_band_answered').on('surveys').columns(['band', 'answered_at']).execute();

  await db.schema
    .createTable('survey_recovery_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('team_id', 'text')
    .addColumn('assignee_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addColumn('closed_by', 'text')
    .addColumn('outcome', 'text')
    .execute();
  // my inbox and my team's, soonest due first
  await db.schema.createIndex('survey_recovery_assignee').on('survey_recovery_tasks').columns(['assignee_id', 'status', 'due_at', 'id']).execute();
  await db.schema.createIndex('survey_recovery_team').on('survey_recovery_tasks').columns(['team_id', 'status', 'due_at', 'id']).execute();
  await db.schema.createIndex('survey_recovery_case').on('survey_recovery_tasks').columns(['case_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('survey_recovery_tasks').execute();
  await db.schema.dropTable('surveys').execute();
}
