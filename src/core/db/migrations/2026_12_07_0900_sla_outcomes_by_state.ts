import { sql, type Kysely } from 'kysely';
import { atomically } from './helpers.ts';

/**
 * SLA outcomes are judged by a target's state, no longer by `met_at > due_at` (the deadline of a
 * paused target is stale; see modules/commitments/outcome.ts).
 * Targets recorded `met` after their deadline are of two kinds: completed while paused, within
 * their budget (met, rightly), and completed while running past the deadline before the timer
 * worker saw it, which was wrongly recorded `met` with no breach: their business time used
 * reached the budget (to a rounding tolerance), and they become breached at their deadline.
 * sla_daily is rebuilt by the new rule (the same rule as slaOf in modules/analytics/metrics.ts).
 * down() rebuilds sla_daily by the old rule and leaves the corrected targets as they are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await atomically(db, async (trx) => {
    await sql`UPDATE case_targets SET state = 'breached', breached_at = due_at
      WHERE state = 'met' AND met_at > due_at AND elapsed_minutes >= budget_minutes - 0.001`.execute(trx);
    await sql`DELETE FROM sla_daily`.execute(trx);
    await sql`INSERT INTO sla_daily (kind, day, met, breached)
      SELECT kind, due_at / 86400000,
        sum(CASE WHEN state = 'met' THEN 1 ELSE 0 END),
        sum(CASE WHEN state = 'met' THEN 0 ELSE 1 END)
      FROM case_targets WHERE state IN ('met', 'breached', 'running')
      GROUP BY kind, due_at / 86400000`.execute(trx);
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await atomically(db, async (trx) => {
    await sql`DELETE FROM sla_daily`.execute(trx);
    await sql`INSERT INTO sla_daily (kind, day, met, breached)
      SELECT kind, due_at / 86400000,
        sum(CASE WHEN met_at IS NOT NULL AND met_at <= due_at THEN 1 ELSE 0 END),
        sum(CASE WHEN met_at IS NOT NULL AND met_at <= due_at THEN 0 ELSE 1 END)
      FROM case_targets WHERE NOT (state = 'cancelled' AND met_at IS NULL)
      GROUP BY kind, due_at / 86400000`.execute(trx);
  });
}
