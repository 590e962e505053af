import type { Kysely } from 'kysely';

/**
 * SPEC 7 (经培训合格后上岗): who completed which course (training/training.table.ts). A required
 * course's targeted staff without a row here are due; an exam of a required course is sat only
 * after its course is completed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('training_completions')
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_courses.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('completed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('training_completions_pk', ['course_id', 'user_id'])
    .execute();
  await db.schema.createIndex('training_completions_user').on('training_completions').columns(['user_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('training_completions').execute();
}
