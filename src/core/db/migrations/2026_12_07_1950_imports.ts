import type { Kysely } from 'kysely';

/** SPEC 1, bulk import of offline records (channels/import/import.table.ts). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_rows', 'integer', (c) => c.notNull())
    .addColumn('created_count', 'integer', (c) => c.notNull())
    .addColumn('skipped_count', 'integer', (c) => c.notNull())
    .addColumn('failed_count', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  // the history, newest first
  await db.schema.createIndex('import_jobs_created').on('import_jobs').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('import_rows')
    .addColumn('job_id', 'text', (c) => c.notNull().references('import_jobs.id'))
    .addColumn('row_no', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('idem_key', 'text')
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('errors', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_rows_pk', ['job_id', 'row_no'])
    .execute();
  // a record is imported once, whichever file or job brings it again (NULLs, the rows not created, do not collide)
  await db.schema.createIndex('import_rows_idem_key').on('import_rows').column('idem_key').unique().execute();
  await db.schema.createIndex('import_rows_case').on('import_rows').column('case_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('import_rows').execute();
  await db.schema.dropTable('import_jobs').execute();
}
