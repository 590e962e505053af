import type { Kysely } from 'kysely';

/**
 * Team-scoped case lists without a status filter (a team's queue by priority, type or channel,
 * newest first) had no index ending in the sort column: at 1,000,000 cases SQLite, which keeps
 * no statistics, took cases_team_status_received by team_id and sorted every case of the team
 * (about 1 s per page), and PostgreSQL walked cases_received filtering other teams out
 * (bench/reads.ts, docs/performance.md). With this index either walks one team newest first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_team_received').on('cases').columns(['team_id', 'received_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_team_received').execute();
}
