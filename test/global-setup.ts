import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PG_ADMIN_URL } from './helpers/db.ts';
import { buildCliBundle } from './helpers/cli-bundle.ts';
import { ensureTemplates } from './helpers/db-template.ts';

/**
 * Every database suite runs on SQLite and PostgreSQL. PostgreSQL being down is a failure, not a
 * skip, so CI cannot pass without the PostgreSQL half having run.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const bundle = await buildCliBundle();
  project.provide('cliBundle', bundle.dir);
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
    const old = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'sl_t_%'");
    // Leftovers of crashed runs: drop only those whose worker process is gone (parallel runs share the server).
    for (const r of old.rows) {
      const [, , pid, born] = r.datname.split('_').map(Number);
      if (pid && alive(pid)) continue;
      if (born && Date.now() / 1000 - born < 3600) continue; // maybe another run's, on another pid namespace
      await client.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    }
    // migrated templates that each test database is copied from (helpers/db-template.ts)
    project.provide('dbTemplateHash', await ensureTemplates(PG_ADMIN_URL));
  } catch (err) {
    throw new Error(`PostgreSQL is required for the test suite (${PG_ADMIN_URL}): ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return bundle.remove;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
