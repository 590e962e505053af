import type { Kysely } from 'kysely';

/** SPEC 7, training and certification: courses, questions, exams (versioned), sittings, attempts, certificates (training/training.table.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('training_courses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('material', 'text')
    .addColumn('target_roles', 'text', (c) => c.notNull())
    .addColumn('target_skills', 'text', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('training_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_courses.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_questions_course').on('training_questions').columns(['course_id', 'created_at']).execute();

  await db.schema
    .createTable('training_exams')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('current', 'integer', (c) => c.notNull())
    .addColumn('course_id', 'text', (c) => c.notNull().references('training_courses.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('questions', 'text', (c) => c.notNull())
    .addColumn('pass_score', 'integer', (c) => c.notNull())
    .addColumn('time_limit_minutes', 'integer', (c) => c.notNull())
    .addColumn('certifies', 'text')
    .addColumn('validity_months', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('published_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_exams_family_version').on('training_exams').columns(['family_id', 'version']).unique().execute();

  await db.schema
    .createTable('training_sittings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('exam_id', 'text', (c) => c.notNull().references('training_exams.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('opens_at', 'bigint', (c) => c.notNull())
    .addColumn('closes_at', 'bigint', (c) => c.notNull())
    .addColumn('allow_retake', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('training_sittings_opens').on('training_sittings').columns(['opens_at']).execute();

  await db.schema
    .createTable('training_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('sitting_id', 'text', (c) => c.notNull().references('training_sittings.id'))
    .addColumn('exam_id', 'text', (c) => c.notNull().references('training_exams.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('attempt_no', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('deadline_at', 'bigint', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'bigint')
    .addColumn('awarded', 'double precision')
    .addColumn('max_points', 'double precision')
    .addColumn('score', 'double precision')
    .addColumn('passed', 'integer')
    .addColumn('certificate_id', 'text')
    .execute();
  // one attempt a taker a sitting, a second only as a retake: two starts at once cannot both be the first
  await db.schema.createIndex('training_attempts_sitting_user_no').on('training_attempts').columns(['sitting_id', 'user_id', 'attempt_no']).unique().execute();
  await db.schema.createIndex('training_attempts_user').on('training_attempts').columns(['user_id', 'started_at']).execute();

  await db.schema
    .createTable('training_certificates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('skill', 'text', (c) => c.notNull())
    .addColumn('exam_id', 'text')
    .addColumn('attempt_id', 'text')
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_by', 'text')
    .addColumn('revoke_reason', 'text')
    .execute();
  // the enforcement's read: a skill's valid certificates among the candidates
  await db.schema.createIndex('training_certificates_skill_user').on('training_certificates').columns(['skill', 'user_id', 'expires_at']).execute();
  await db.schema.createIndex('training_certificates_user').on('training_certificates').columns(['user_id', 'issued_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('training_certificates').execute();
  await db.schema.dropTable('training_attempts').execute();
  await db.schema.dropTable('training_sittings').execute();
  await db.schema.dropTable('training_exams').execute();
  await db.schema.dropTable('training_questions').execute();
  await db.schema.dropTable('training_courses').execute();
}
