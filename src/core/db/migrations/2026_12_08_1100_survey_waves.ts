import { sql, type Kysely } from 'kysely';
import { atomically, isPg } from './helpers.ts';

/**
 * SPEC 6, periodic satisfaction surveys (定期满意度调查): a wave (its audience, schedule and quiet
 * period), the survey each of its runs issues to a customer (one per wave, run and customer: the
 * unique key is the claim two nodes cannot both win), and the recovery task of a low periodic
 * score, which has no case: survey_recovery_tasks.case_id becomes nullable, its survey_id names a
 * resolution survey or a periodic one (so no foreign key), and customer_id says whom to call.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('survey_waves')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scale', 'integer', (c) => c.notNull())
    .addColumn('expiry_days', 'integer', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('quiet_days', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('first_run_at', 'bigint', (c) => c.notNull())
    .addColumn('next_run_at', 'bigint')
    .addColumn('last_run_at', 'bigint')
    .addColumn('runs', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // the worker: scheduled waves by their next run
  await db.schema.createIndex('survey_waves_due').on('survey_waves').columns(['status', 'next_run_at']).execute();

  await db.schema
    .createTable('survey_wave_surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('wave_id', 'text', (c) => c.notNull().references('survey_waves.id'))
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('not_sent_reason', 'text')
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('scale', 'integer', (c) => c.notNull())
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
    .addUniqueConstraint('survey_wave_surveys_once', ['wave_id', 'run_at', 'customer_id'])
    .execute();
  // the quiet period: a customer's surveys issued lately
  await db.schema.createIndex('survey_wave_surveys_customer').on('survey_wave_surveys').columns(['customer_id', 'issued_at']).execute();
  await db.schema.createIndex('survey_wave_surveys_issued').on('survey_wave_surveys').columns(['issued_at', 'id']).execute();
  // (the quiet period over resolution surveys)
  await db.schema.createIndex('surveys_customer_issued').on('surveys').columns(['customer_id', 'issued_at']).execute();

  if (isPg(db)) {
    await sql`alter table survey_recovery_tasks drop constraint if exists survey_recovery_tasks_survey_id_fkey`.execute(db);
    await sql`alter table survey_recovery_tasks alter column case_id drop not null`.execute(db);
    await db.schema.alterTable('survey_recovery_tasks').addColumn('customer_id', 'text').execute();
  } else await atomically(db, (d) => rebuildRecovery(d, true));
}

/** SQLite changes no column's constraints in place: the table is copied into its new shape. */
async function rebuildRecovery(db: Kysely<any>, periodic: boolean): Promise<void> {
  await db.schema
    .createTable('survey_recovery_tasks_new')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_id', 'text', (c) => (periodic ? c.notNull() : c.notNull().references('surveys.id')))
    .addColumn('case_id', 'text', (c) => (periodic ? c.references('cases.id') : c.notNull().references('cases.id')))
    .addColumn('team_id', 'text')
    .addColumn('assignee_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addColumn('closed_by', 'text')
    .addColumn('outcome', 'text')
    .$call((b) => (periodic ? b.addColumn('customer_id', 'text') : b))
    .execute();
  const cols = 'id, survey_id, case_id, team_id, assignee_id, status, created_at, due_at, closed_at, closed_by, outcome';
  await sql.raw(`insert into survey_recovery_tasks_new (${cols}) select ${cols} from survey_recovery_tasks${periodic ? '' : ' where case_id is not null'}`).execute(db);
  await db.schema.dropTable('survey_recovery_tasks').execute();
  await db.schema.alterTable('survey_recovery_tasks_new').renameTo('survey_recovery_tasks').execute();
  await db.schema.createIndex('survey_recovery_assignee').on('survey_recovery_tasks').columns(['assignee_id', 'status', 'due_at', 'id']).execute();
  await db.schema.createIndex('survey_recovery_team').on('survey_recovery_tasks').columns(['team_id', 'status', 'due_at', 'id']).execute();
  await db.schema.createIndex('survey_recovery_case').on('survey_recovery_tasks').columns(['case_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPg(db)) {
    await db.deleteFrom('survey_recovery_tasks').where('case_id', 'is', null).execute();
    await db.schema.alterTable('survey_recovery_tasks').dropColumn('customer_id').execute();
    await sql`alter table survey_recovery_tasks alter column case_id set not null`.execute(db);
    await sql`alter table survey_recovery_tasks add constraint survey_recovery_tasks_survey_id_fkey foreign key (survey_id) references surveys (id)`.execute(db);
  } else await atomically(db, (d) => rebuildRecovery(d, false));
  await db.schema.dropIndex('surveys_customer_issued').execute();
  await db.schema.dropTable('survey_wave_surveys').execute();
  await db.schema.dropTable('survey_waves').execute();
}
