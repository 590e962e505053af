import type { Kysely } from 'kysely';

/** The demo loader's progress (seed/seed-state.table.ts), so a start after a cut-short load can redo it. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('seed_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('seed_state').execute();
}
