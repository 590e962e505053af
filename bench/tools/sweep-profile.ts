/**
 * One timer sweep, looked into: builds a sweep database of N open cases (1% due, as the bench's
 * commitments section does), runs sweepDueTimers once and prints its wall time, node's CPU time
 * (and on PostgreSQL the backends' CPU time and the WAL written), with where node's CPU went (V8
 * profiler, SWEEP_MODE=profile, the default), the time per SQL statement (SWEEP_MODE=sql, or the
 * older SWEEP_SQL=1), or nothing more (SWEEP_MODE=time, for A/B runs).
 *   [SWEEP_MODE=profile|sql|time] [SWEEP_KEEP=1] node --import tsx bench/tools/sweep-profile.ts [postgres|sqlite] [cases=300000]
 * SWEEP_BATCH=n sweeps in batches of n timers instead of the worker's default.
 * SWEEP_KEEP=1 keeps the built database as a template (PostgreSQL `sl_bench_sweep_template_<n>`,
 * SQLite `bench/.data/sweep-template-<n>.db`) and later runs sweep a fresh copy of it instead of
 * loading again (seconds instead of a minute or more); drop or delete it when done.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { sql } from 'kysely';
import { openCtx } from '../../src/core/bootstrap.ts';
import { commitmentConfig } from '../../src/core/modules/commitments/config.service.ts';
import { sweepDueTimers } from '../../src/core/modules/commitments/sweep.ts';
import { ManualClock } from '../../src/core/shared/clock.ts';
import { backendPids, buildSweepDatabase, SWEEP_NOW } from '../commitments.ts';
import { pgAdmin, procCpuMs, pgCreateDatabase, pgDatabaseExists, pgDropDatabase, pgUrlFor, removeSqliteFiles, sqliteUrl } from '../common.ts';
import { summarise } from './cpuprofile-top.ts';
import { report, timePgStatements, timeSqliteStatements, type StatementTimes } from './statement-times.ts';

const dialect = process.argv[2] === 'sqlite' ? 'sqlite' : 'postgres';
const n = Number(process.argv[3] ?? 300_000);
const mode = process.env.SWEEP_SQL === '1' ? 'sql' : (process.env.SWEEP_MODE ?? 'profile');
const keep = process.env.SWEEP_KEEP === '1';
const batchSize = process.env.SWEEP_BATCH ? Number(process.env.SWEEP_BATCH) : undefined;
const adminUrl = process.env.SL_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// the bench's prefix, so that a run that dies is cleaned up by the next `npm run bench`
const pgName = `sl_bench_p${process.pid}_sweep_profile`;
const pgTemplate = `sl_bench_sweep_template_${n}`;
const file = `/tmp/sl-sweep-profile-${process.pid}.db`;
const fileTemplate = `bench/.data/sweep-template-${n}.db`;

const times: StatementTimes = new Map();
let sweeping = false;
if (mode === 'sql') (dialect === 'postgres' ? timePgStatements : timeSqliteStatements)(times, () => sweeping);

const log = (s: string) => console.log(s);
let url: string;
if (dialect === 'postgres') {
  url = pgUrlFor(adminUrl, pgName);
  if (keep && (await pgDatabaseExists(adminUrl, pgTemplate))) {
    await pgAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${pgName}" TEMPLATE "${pgTemplate}"`));
    log(`copied ${pgTemplate}`);
  } else {
    await pgCreateDatabase(adminUrl, pgName);
    await buildSweepDatabase({ dialect, url, file, n, log });
    if (keep) {
      await pgAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${pgTemplate}" TEMPLATE "${pgName}"`));
      log(`kept as ${pgTemplate}`);
    }
  }
} else {
  url = sqliteUrl(file);
  if (keep && existsSync(fileTemplate)) {
    copyFileSync(fileTemplate, file);
    log(`copied ${fileTemplate}`);
  } else {
    await buildSweepDatabase({ dialect, url, file, n, log });
    if (keep) {
      mkdirSync('bench/.data', { recursive: true });
      copyFileSync(file, fileTemplate);
      log(`kept as ${fileTemplate}`);
    }
  }
}
try {
  const due = Math.max(2, Math.round(n * 0.01));
  const { ctx, dbh } = await openCtx({ url, clock: new ManualClock(SWEEP_NOW), migrate: false });
  try {
    await commitmentConfig(ctx); // a running server has its calendars cached
    // as the bench does: the load's (or the copy's) writes flushed before the sweep
    await sql.raw(dialect === 'postgres' ? 'CHECKPOINT' : 'PRAGMA wal_checkpoint(TRUNCATE)').execute(ctx.db);
    execFileSync('sync');
    const session = new Session();
    if (mode === 'profile') {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    }
    const pg = dialect === 'postgres';
    const lsn = async () => (await sql<{ l: string }>`select pg_current_wal_lsn()::text as l`.execute(ctx.db)).rows[0]!.l;
    const lsn0 = pg ? await lsn() : '';
    const pids = pg ? await backendPids(ctx) : [];
    const pg0 = new Map(pids.map((pid) => [pid, procCpuMs(pid)]));
    sweeping = true;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await sweepDueTimers(ctx, batchSize ? { batchSize } : {});
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    sweeping = false;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    let pgPart = '';
    if (pg) {
      let pgMs = 0;
      for (const pid of await backendPids(ctx)) pgMs += procCpuMs(pid) - (pg0.get(pid) ?? 0);
      const wal = (await sql<{ d: string }>`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${lsn0}::pg_lsn)::text as d`.execute(ctx.db)).rows[0]!.d;
      pgPart = `, PostgreSQL backends CPU ${pgMs.toFixed(0)} ms, WAL ${(Number(wal) / 1e6).toFixed(1)} MB`;
    }
    console.log(`${due} due: ${wall.toFixed(0)} ms wall, node CPU ${cpuMs.toFixed(0)} ms (${((cpuMs * 1000) / due).toFixed(0)} µs per timer)${pgPart} ${JSON.stringify(r)}`);
    if (mode === 'sql') {
      console.log(`statements${pg ? ' (two PostgreSQL batches overlap, so their times add up to more than the wall time)' : ''}:`);
      console.log(report(times, due, 'timer').join('\n'));
    } else if (mode === 'profile') {
      const { profile } = await session.post('Profiler.stop');
      const out = `/tmp/sweep-${dialect}.cpuprofile`;
      writeFileSync(out, JSON.stringify(profile));
      console.log(summarise(out, 30));
    }
  } finally {
    await dbh.close();
  }
} finally {
  if (dialect === 'postgres') await pgDropDatabase(adminUrl, pgName);
  else removeSqliteFiles(file);
}
