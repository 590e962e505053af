import type { Kysely } from 'kysely';

/** SPEC 7, quality inspection: rubrics (versioned), sampling plans, inspections, appeals (quality/quality.table.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('quality_rubrics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('current', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('pass_score', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quality_rubrics_family_version').on('quality_rubrics').columns(['family_id', 'version']).unique().execute();
  await db.schema.createIndex('quality_rubrics_current').on('quality_rubrics').columns(['current', 'name']).execute();

  await db.schema
    .createTable('quality_plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('rubric_family_id', 'text', (c) => c.notNull())
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('quality_inspections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('agent_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('agent_team_id', 'text')
    .addColumn('inspector_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('rubric_id', 'text', (c) => c.notNull().references('quality_rubrics.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text', (c) => c.references('quality_plans.id'))
    .addColumn('period_key', 'text')
    .addColumn('sample_reason', 'text')
    .addColumn('scores', 'text')
    .addColumn('comment', 'text')
    .addColumn('awarded', 'double precision')
    .addColumn('max_points', 'double precision')
    .addColumn('score', 'double precision')
    .addColumn('critical_failed', 'integer', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('submitted_at', 'bigint')
    .addColumn('appeal_due_at', 'bigint')
    .execute();
  // a plan draws a case once a period (a second draw does not double it)
  await db.schema.createIndex('quality_inspections_plan_period_case').on('quality_inspections').columns(['plan_id', 'period_key', 'case_id']).unique().execute();
  // an inspector's tasks; an agent's inspections; a case's; the report's period
  await db.schema.createIndex('quality_inspections_inspector_status').on('quality_inspections').columns(['inspector_id', 'status', 'created_at']).execute();
  await db.schema.createIndex('quality_inspections_agent_submitted').on('quality_inspections').columns(['agent_id', 'submitted_at']).execute();
  await db.schema.createIndex('quality_inspections_case').on('quality_inspections').columns(['case_id']).execute();
  await db.schema.createIndex('quality_inspections_submitted').on('quality_inspections').columns(['status', 'submitted_at']).execute();
  await db.schema.createIndex('quality_inspections_rubric').on('quality_inspections').columns(['rubric_id']).execute();

  await db.schema
    .createTable('quality_appeals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('inspection_id', 'text', (c) => c.notNull().references('quality_inspections.id'))
    .addColumn('agent_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('decision_note', 'text')
    .addColumn('adjusted_scores', 'text')
    .addColumn('adjusted_score', 'double precision')
    .addColumn('adjusted_result', 'text')
    .execute();
  // one appeal an inspection
  await db.schema.createIndex('quality_appeals_inspection').on('quality_appeals').columns(['inspection_id']).unique().execute();
  await db.schema.createIndex('quality_appeals_status_created').on('quality_appeals').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('quality_appeals').execute();
  await db.schema.dropTable('quality_inspections').execute();
  await db.schema.dropTable('quality_plans').execute();
  await db.schema.dropTable('quality_rubrics').execute();
}
