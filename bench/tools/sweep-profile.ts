/**
 * Profiles one timer sweep on PostgreSQL or SQLite: builds a sweep database of N open cases (1%
 * due; see bench/commitments.ts), then runs sweepDueTimers under the V8 profiler and prints where
 * node's CPU went, with the wall and CPU time.
 *   node --import tsx bench/tools/sweep-profile.ts [postgres|sqlite] [cases=300000]
 */
import { rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { openCtx } from '../../src/core/bootstrap.ts';
import { sweepDueTimers } from '../../src/core/modules/commitments/sweep.ts';
import { commitmentConfig } from '../../src/core/modules/commitments/config.service.ts';
import { ManualClock } from '../../src/core/shared/clock.ts';
import { buildSweepDatabase, SWEEP_NOW } from '../commitments.ts';
import { summarise } from './cpuprofile-top.ts';
import { record, report, type StatementTimes } from './statement-times.ts';

const dialect = (process.argv[2] ?? 'postgres') as 'postgres' | 'sqlite';
const n = Number(process.argv[3] ?? 300_000);
let url: string;
let file: string | undefined;
if (dialect === 'postgres') {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query('drop database if exists sl_sweep_profile');
  await admin.query('create database sl_sweep_profile');
  await admin.end();
  url = 'postgres://postgres@127.0.0.1:5432/sl_sweep_profile';
} else {
  file = '/tmp/sl-sweep-profile.db';
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
  url = `sqlite:${file}`;
}
// SWEEP_SQL=1: time each PostgreSQL statement (first 110 characters) instead of profiling.
const times: StatementTimes = new Map();
const timing = process.env.SWEEP_SQL === '1';
let sweeping = false;
if (timing) {
  const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
    const r = query.apply(this, a);
    const text = typeof a[0] === 'string' ? a[0] : ((a[0] as { text?: string }).text ?? '?');
    if (sweeping && r instanceof Promise) {
      const t = performance.now();
      void r.then(() => record(times, text, performance.now() - t), () => undefined);
    }
    return r;
  } as never;
}
const { due } = await buildSweepDatabase({ dialect, url, file, n, log: (s) => console.log(s) });
const { ctx, dbh } = await openCtx({ url, clock: new ManualClock(SWEEP_NOW), migrate: false });
await commitmentConfig(ctx);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
if (!timing) await session.post('Profiler.start');
sweeping = true;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = await sweepDueTimers(ctx);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
sweeping = false;
console.log(`${due} due: ${wall.toFixed(0)} ms wall, node CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (${(((cpu.user + cpu.system) / due)).toFixed(0)} µs per timer) ${JSON.stringify(r)}`);
if (timing) console.log(report(times, 1, 'query').join('\n'));
else {
  const { profile } = await session.post('Profiler.stop');
  const out = `/tmp/sweep-${dialect}.cpuprofile`;
  writeFileSync(out, JSON.stringify(profile));
  console.log(summarise(out, 30));
}
await dbh.close();
