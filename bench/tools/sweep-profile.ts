/**
 * One timer sweep, looked into: builds a sweep database of N open cases (1% due, as the bench's
 * commitments section does), runs sweepDueTimers once and prints its wall and node CPU time with
 * either where node's CPU went (V8 profiler, the default) or the time per SQL statement (SWEEP_SQL=1).
 *   [SWEEP_SQL=1] node --import tsx bench/tools/sweep-profile.ts [postgres|sqlite] [cases=300000]
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { openCtx } from '../../src/core/bootstrap.ts';
import { commitmentConfig } from '../../src/core/modules/commitments/config.service.ts';
import { sweepDueTimers } from '../../src/core/modules/commitments/sweep.ts';
import { ManualClock } from '../../src/core/shared/clock.ts';
import { buildSweepDatabase, SWEEP_NOW } from '../commitments.ts';
import { pgCreateDatabase, pgDropDatabase, pgUrlFor, removeSqliteFiles, sqliteUrl } from '../common.ts';
import { summarise } from './cpuprofile-top.ts';
import { report, timePgStatements, timeSqliteStatements, type StatementTimes } from './statement-times.ts';

const dialect = process.argv[2] === 'sqlite' ? 'sqlite' : 'postgres';
const n = Number(process.argv[3] ?? 300_000);
const timing = process.env.SWEEP_SQL === '1';
const adminUrl = process.env.SL_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// the bench's prefix, so that a run that dies is cleaned up by the next `npm run bench`
const pgName = `sl_bench_p${process.pid}_sweep_profile`;
const file = `/tmp/sl-sweep-profile-${process.pid}.db`;

const times: StatementTimes = new Map();
let sweeping = false;
if (timing) (dialect === 'postgres' ? timePgStatements : timeSqliteStatements)(times, () => sweeping);

let url: string;
if (dialect === 'postgres') {
  await pgCreateDatabase(adminUrl, pgName);
  url = pgUrlFor(adminUrl, pgName);
} else url = sqliteUrl(file);
try {
  const { due } = await buildSweepDatabase({ dialect, url, file, n, log: (s) => console.log(s) });
  const { ctx, dbh } = await openCtx({ url, clock: new ManualClock(SWEEP_NOW), migrate: false });
  try {
    await commitmentConfig(ctx); // a running server has its calendars cached
    const session = new Session();
    if (!timing) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    }
    sweeping = true;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await sweepDueTimers(ctx);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    sweeping = false;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(`${due} due: ${wall.toFixed(0)} ms wall, node CPU ${cpuMs.toFixed(0)} ms (${((cpuMs * 1000) / due).toFixed(0)} µs per timer) ${JSON.stringify(r)}`);
    if (timing) {
      console.log('statements (two PostgreSQL batches overlap, so their times add up to more than the wall time):');
      console.log(report(times, due, 'timer').join('\n'));
    } else {
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
