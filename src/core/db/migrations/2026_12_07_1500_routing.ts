import type { Kysely } from 'kysely';
import { atomically } from './helpers.ts';

/**
 * SPEC 3, routing (modules/routing): ordered rules that send a new case to a team and an agent,
 * and each round-robin rule's cursor (the agent it gave the last case to). Least-loaded counts an
 * agent's open cases by cases_assignee_status_received (assignee_id, status, ...): no index added.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await atomically(db, async (d) => {
    await d.schema
      .createTable('routing_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('conditions', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
      .addColumn('strategy', 'text', (c) => c.notNull())
      .addColumn('required_skills', 'text', (c) => c.notNull())
      .addColumn('match_language', 'integer', (c) => c.notNull())
      .addColumn('max_open_per_agent', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await d.schema
      .createTable('routing_cursors')
      // no foreign key: an intake's cursor write must not fail because an admin deleted the rule meanwhile (the delete removes it)
      .addColumn('rule_id', 'text', (c) => c.primaryKey())
      .addColumn('last_user_id', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await atomically(db, async (d) => {
    await d.schema.dropTable('routing_cursors').execute();
    await d.schema.dropTable('routing_rules').execute();
  });
}
