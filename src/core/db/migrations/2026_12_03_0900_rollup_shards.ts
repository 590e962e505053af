import { sql, type Kysely } from 'kysely';
import { isPg } from './helpers.ts';

/**
 * Rollup rows get a shard: on PostgreSQL every intake batch added to the same rows of the day
 * (analytics_daily's day totals, sla_daily's kinds) and held them locked until it committed, so
 * the parallel intake lanes ran their ends one after another. Each lane now adds to its own
 * shard; readers sum over shards as they already sum over days. Rebuilt rather than altered:
 * SQLite cannot change a primary key in place.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await rebuild(db, true);
}

export async function down(db: Kysely<any>): Promise<void> {
  await rebuild(db, false);
}

async function rebuild(db: Kysely<any>, sharded: boolean): Promise<void> {
  const pg = isPg(db);
  let d = db.schema
    .createTable('analytics_daily_next')
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('dim', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('repeats', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fcr', 'integer', (c) => c.notNull().defaultTo(0));
  if (sharded) d = d.addColumn('shard', 'integer', (c) => c.notNull().defaultTo(0));
  d = d.addPrimaryKeyConstraint('analytics_daily_next_pk', (sharded ? ['day', 'dim', 'key', 'shard'] : ['day', 'dim', 'key']) as never);
  if (!pg) d = d.modifyEnd(sql`WITHOUT ROWID`);
  await d.execute();
  let s = db.schema
    .createTable('sla_daily_next')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('met', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('breached', 'integer', (c) => c.notNull().defaultTo(0));
  if (sharded) s = s.addColumn('shard', 'integer', (c) => c.notNull().defaultTo(0));
  s = s.addPrimaryKeyConstraint('sla_daily_next_pk', (sharded ? ['kind', 'day', 'shard'] : ['kind', 'day']) as never);
  if (!pg) s = s.modifyEnd(sql`WITHOUT ROWID`);
  await s.execute();
  // down: the shards of a row summed back into one
  await sql`INSERT INTO analytics_daily_next (day, dim, key, n, repeats, resolved, fcr)
    SELECT day, dim, key, sum(n), sum(repeats), sum(resolved), sum(fcr) FROM analytics_daily GROUP BY day, dim, key`.execute(db);
  await sql`INSERT INTO sla_daily_next (kind, day, met, breached)
    SELECT kind, day, sum(met), sum(breached) FROM sla_daily GROUP BY kind, day`.execute(db);
  await db.schema.dropTable('analytics_daily').execute();
  await db.schema.dropTable('sla_daily').execute();
  await db.schema.alterTable('analytics_daily_next').renameTo('analytics_daily').execute();
  await db.schema.alterTable('sla_daily_next').renameTo('sla_daily').execute();
  if (pg) {
    // constraint names follow the table (as created by the analytics migration)
    await sql`ALTER TABLE analytics_daily RENAME CONSTRAINT analytics_daily_next_pk TO analytics_daily_pk`.execute(db);
    await sql`ALTER TABLE sla_daily RENAME CONSTRAINT sla_daily_next_pk TO sla_daily_pk`.execute(db);
  }
}
