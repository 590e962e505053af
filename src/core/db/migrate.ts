import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import { createDb, isPostgresUrl, type Db } from './create-db.ts';
import * as m0900 from './migrations/2026_11_23_0900_users_and_teams.ts';
import * as m0910 from './migrations/2026_11_23_0910_customers_and_cases.ts';
import * as m0920 from './migrations/2026_11_23_0920_audit_and_outbox.ts';
import * as m1100 from './migrations/2026_11_23_1100_commitments.ts';
import * as m1000 from './migrations/2026_11_23_1000_outbox_failed.ts';
import * as m1200 from './migrations/2026_11_23_1200_analytics.ts';
import * as m1300 from './migrations/2026_11_23_1300_cases_team_received.ts';
import * as m1400 from './migrations/2026_11_23_1400_customers_contact_order.ts';
import * as m20261203 from './migrations/2026_12_03_0910_audit_chain_head.ts';
import * as m20261204 from './migrations/2026_12_04_0900_escalation_trigger_per_statement.ts';
import * as m20261204b from './migrations/2026_12_04_1200_seed_state.ts';
import * as m20261204c from './migrations/2026_12_04_1600_metrics_times_index.ts';
import * as m20261205 from './migrations/2026_12_05_1000_contact_customers.ts';
import * as m20261206 from './migrations/2026_12_06_0900_cases_received_max.ts';
import * as m20261207 from './migrations/2026_12_07_0900_sla_outcomes_by_state.ts';
import * as m20261207b from './migrations/2026_12_07_1000_normalise_phones.ts';
import * as m20261207erase from './migrations/2026_12_07_1300_customer_erasure.ts';
import * as m20261207consent from './migrations/2026_12_07_1310_consents_and_alerts.ts';
import * as m20261207settings from './migrations/2026_12_07_1330_settings.ts';
import * as m20261207email from './migrations/2026_12_07_1340_email_threads.ts';
import * as m20261207routing from './migrations/2026_12_07_1500_routing.ts';
import * as m20261207consult from './migrations/2026_12_07_1510_consultations.ts';
import * as m20261207caseErased from './migrations/2026_12_07_1530_cases_erased.ts';
import * as m20261207quality from './migrations/2026_12_07_1920_quality.ts';
import * as m20261207surveys from './migrations/2026_12_07_1900_surveys.ts';
import * as m20261207problems from './migrations/2026_12_07_1940_problems.ts';
import * as m20261207knowledge from './migrations/2026_12_07_1930_knowledge.ts';
import * as m20261207followups from './migrations/2026_12_07_1910_followups.ts';
import * as m20261207imports from './migrations/2026_12_07_1950_imports.ts';
import * as m20261208training from './migrations/2026_12_08_0940_training.ts';
import * as m20261208scorecards from './migrations/2026_12_08_0900_scorecards.ts';
import * as m20261208reports from './migrations/2026_12_08_0910_reports.ts';
import * as m20261208fieldService from './migrations/2026_12_08_0930_field_service.ts';
import * as m20261208customerProfiles from './migrations/2026_12_08_0920_customer_profiles.ts';
import * as m20261208workOrderProblem from './migrations/2026_12_08_1020_work_order_problem.ts';
import * as m20261208trainingCompletions from './migrations/2026_12_08_1030_training_completions.ts';
import * as m20261208surveyWaves from './migrations/2026_12_08_1100_survey_waves.ts';

/** Listed explicitly (not read from disk) so the bundle and tsx run the same set. Append only. */
export const migrations: Record<string, Migration> = {
  '2026_11_23_0900_users_and_teams': m0900,
  '2026_11_23_0910_customers_and_cases': m0910,
  '2026_11_23_0920_audit_and_outbox': m0920,
  '2026_11_23_1100_commitments': m1100,
  '2026_11_23_1000_outbox_failed': m1000,
  '2026_11_23_1200_analytics': m1200,
  '2026_11_23_1300_cases_team_received': m1300,
  '2026_11_23_1400_customers_contact_order': m1400,
  '2026_12_03_0910_audit_chain_head': m20261203,
  '2026_12_04_0900_escalation_trigger_per_statement': m20261204,
  '2026_12_04_1200_seed_state': m20261204b,
  '2026_12_04_1600_metrics_times_index': m20261204c,
  '2026_12_05_1000_contact_customers': m20261205,
  '2026_12_06_0900_cases_received_max': m20261206,
  '2026_12_07_0900_sla_outcomes_by_state': m20261207,
  '2026_12_07_1000_normalise_phones': m20261207b,
  '2026_12_07_1300_customer_erasure': m20261207erase,
  '2026_12_07_1310_consents_and_alerts': m20261207consent,
  '2026_12_07_1330_settings': m20261207settings,
  '2026_12_07_1340_email_threads': m20261207email,
  '2026_12_07_1500_routing': m20261207routing,
  '2026_12_07_1510_consultations': m20261207consult,
  '2026_12_07_1530_cases_erased': m20261207caseErased,
  '2026_12_07_1900_surveys': m20261207surveys,
  '2026_12_07_1920_quality': m20261207quality,
  '2026_12_07_1940_problems': m20261207problems,
  '2026_12_07_1930_knowledge': m20261207knowledge,
  '2026_12_07_1910_followups': m20261207followups,
  '2026_12_07_1950_imports': m20261207imports,
  '2026_12_08_0940_training': m20261208training,
  '2026_12_08_0900_scorecards': m20261208scorecards,
  '2026_12_08_0910_reports': m20261208reports,
  '2026_12_08_0920_customer_profiles': m20261208customerProfiles,
  '2026_12_08_0930_field_service': m20261208fieldService,
  '2026_12_08_1020_work_order_problem': m20261208workOrderProblem,
  '2026_12_08_1030_training_completions': m20261208trainingCompletions,
  '2026_12_08_1100_survey_waves': m20261208surveyWaves,
};

const migrator = (d: Db) =>
  new Migrator({ db: d.db, provider: { getMigrations: async () => migrations } });

function check(r: MigrationResultSet): MigrationResultSet {
  if (r.error) throw r.error instanceof Error ? r.error : new Error(String(r.error));
  return r;
}

/**
 * PostgreSQL migrations run on a connection of their own without a lock timeout: another node
 * starting at the same moment waits for the one migrating (Kysely's migration lock), however long
 * its migrations take, instead of failing to start.
 */
async function unhurried<T>(d: Db, fn: (d: Db) => Promise<T>): Promise<T> {
  if (!isPostgresUrl(d.url)) return fn(d);
  const own = createDb({ url: d.url, poolSize: 1, lockTimeoutMs: 0 });
  try {
    return await fn(own);
  } finally {
    await own.close();
  }
}

export const migrateToLatest = (d: Db) => unhurried(d, async (m) => check(await migrator(m).migrateToLatest()));
export const migrateDownAll = (d: Db) =>
  unhurried(d, async (m) => {
    const { NO_MIGRATIONS } = await import('kysely');
    return check(await migrator(m).migrateTo(NO_MIGRATIONS));
  });
