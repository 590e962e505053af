import type { Kysely } from 'kysely';
import { atomically } from './helpers.ts';

/**
 * SPEC 7, appraisal (考核): a user's post (岗位, e.g. 一线坐席 / 二线专家 / 班长 / 质检员), so
 * scorecards break down by department, team and post; and the monthly supervision assessment of
 * each service department, with its rewards and discipline (scorecards/supervision.table.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await atomically(db, async (d) => {
    await d.schema.alterTable('users').addColumn('post', 'text').execute();
    await d.schema
      .createTable('supervision_assessments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull().references('teams.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('scores', 'text', (c) => c.notNull())
      .addColumn('total', 'double precision', (c) => c.notNull())
      .addColumn('comment', 'text')
      .addColumn('corrects_id', 'text', (c) => c.references('supervision_assessments.id'))
      .addColumn('correction_reason', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('published_by', 'text')
      .addColumn('published_at', 'bigint')
      .execute();
    await d.schema.createIndex('supervision_assessments_month_dept').on('supervision_assessments').columns(['month', 'department_id', 'version']).unique().execute();
    await d.schema
      .createTable('supervision_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('assessment_id', 'text', (c) => c.notNull().references('supervision_assessments.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('target_user_id', 'text', (c) => c.references('users.id'))
      .addColumn('target_team_id', 'text', (c) => c.references('teams.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('points', 'double precision')
      .addColumn('amount', 'double precision')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await d.schema.createIndex('supervision_entries_assessment').on('supervision_entries').column('assessment_id').execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('supervision_entries').execute();
  await db.schema.dropTable('supervision_assessments').execute();
  await db.schema.alterTable('users').dropColumn('post').execute();
}
