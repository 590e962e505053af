import { sql, type Kysely } from 'kysely';
import { isPg } from './helpers.ts';

/**
 * Analytics read models (SPEC 8): one metrics row per case, the backlog moves and two daily
 * rollups, kept by the analytics case hooks. On SQLite case_metrics is clustered on (received_at, case_id) (WITHOUT
 * ROWID), so the cases of a period are one contiguous range; PostgreSQL keeps it in insertion
 * order, which is receipt order for all but back-dated records.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPg(db);
  let t = db.schema
    .createTable('case_metrics')
    .addColumn('case_id', 'text', (c) => (pg ? c.primaryKey().references('cases.id') : c.notNull().references('cases.id')))
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('assignee_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_repeat', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_response_at', 'bigint')
    .addColumn('first_response_minutes', 'double precision')
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolution_minutes', 'double precision')
    .addColumn('paused_since', 'bigint')
    .addColumn('paused_minutes', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('closed_at', 'bigint')
    .addColumn('close_reason', 'text')
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transfer_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('field_visits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull());
  if (!pg) t = t.addPrimaryKeyConstraint('case_metrics_pk', ['received_at', 'case_id']).modifyEnd(sql`WITHOUT ROWID`);
  await t.execute();
  if (pg) await db.schema.createIndex('case_metrics_received').on('case_metrics').column('received_at').execute();
  else await db.schema.createIndex('case_metrics_case').on('case_metrics').column('case_id').unique().execute();
  // Closed in a period (resolution rate), and the backlog now: small partial indexes.
  await sql`CREATE INDEX case_metrics_closed ON case_metrics (closed_at, close_reason) WHERE closed_at IS NOT NULL`.execute(db);
  await sql`CREATE INDEX case_metrics_backlog ON case_metrics (status)
    WHERE status IN ('new', 'open', 'pending_customer', 'pending_internal', 'reopened')`.execute(db);
  await sql`CREATE INDEX case_metrics_escalated ON case_metrics (received_at) WHERE escalated = 1`.execute(db);
  // Escalations come from case changes and from the timer worker (no case hook runs there): the
  // flag is set where the escalation is written. One row of the case's own metrics, nothing shared.
  if (pg) {
    await sql`CREATE FUNCTION analytics_mark_escalated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE case_metrics SET escalated = 1 WHERE case_id = NEW.case_id AND escalated = 0;
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE TRIGGER case_escalations_analytics AFTER INSERT ON case_escalations
      FOR EACH ROW EXECUTE FUNCTION analytics_mark_escalated()`.execute(db);
  } else {
    await sql`CREATE TRIGGER case_escalations_analytics AFTER INSERT ON case_escalations BEGIN
      UPDATE case_metrics SET escalated = 1 WHERE case_id = NEW.case_id AND escalated = 0;
    END`.execute(db);
  }

  let m = db.schema
    .createTable('case_backlog_moves')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('delta', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_backlog_moves_pk', ['case_id', 'seq']);
  if (!pg) m = m.modifyEnd(sql`WITHOUT ROWID`);
  await m.execute();
  await db.schema.createIndex('case_backlog_moves_at').on('case_backlog_moves').columns(['at', 'delta']).execute();

  // Daily rollups (UTC days): counts by receipt day, close day and move day; SLA outcomes by due day.
  let d = db.schema
    .createTable('analytics_daily')
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('dim', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('repeats', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fcr', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('analytics_daily_pk', ['day', 'dim', 'key']);
  if (!pg) d = d.modifyEnd(sql`WITHOUT ROWID`);
  await d.execute();
  let s = db.schema
    .createTable('sla_daily')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('met', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('breached', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('sla_daily_pk', ['kind', 'day']);
  if (!pg) s = s.modifyEnd(sql`WITHOUT ROWID`);
  await s.execute();
  // The targets that exist already (the same rule as slaOf in modules/analytics/metrics.ts).
  await sql`INSERT INTO sla_daily (kind, day, met, breached)
    SELECT kind, due_at / 86400000,
      sum(CASE WHEN met_at IS NOT NULL AND met_at <= due_at THEN 1 ELSE 0 END),
      sum(CASE WHEN met_at IS NOT NULL AND met_at <= due_at THEN 0 ELSE 1 END)
    FROM case_targets WHERE NOT (state = 'cancelled' AND met_at IS NULL)
    GROUP BY kind, due_at / 86400000`.execute(db);

  // Active customers at a period's end (complaints per 10,000 customers).
  await db.schema.createIndex('customers_status_created').on('customers').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPg(db)) {
    await sql`DROP TRIGGER case_escalations_analytics ON case_escalations`.execute(db);
    await sql`DROP FUNCTION analytics_mark_escalated()`.execute(db);
  } else await sql`DROP TRIGGER case_escalations_analytics`.execute(db);
  await db.schema.dropIndex('customers_status_created').execute();
  await db.schema.dropTable('sla_daily').execute();
  await db.schema.dropTable('analytics_daily').execute();
  await db.schema.dropTable('case_backlog_moves').execute();
  await db.schema.dropTable('case_metrics').execute();
}
