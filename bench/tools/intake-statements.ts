/**
 * Where one intake's time goes, statement by statement: runs createCase() in-process on a fresh
 * database with `concurrency` callers (through the group-commit batcher where the database has
 * one) and prints time per SQL text, statements per case and the batch sizes.
 *   node --import tsx bench/tools/intake-statements.ts <database-url> [cases=3000] [concurrency=32]
 * SL_EXP_SQL="stmt;stmt" runs those statements after the migrations, for an experiment on the
 * schema (e.g. `drop index ...`, or a page size: `pragma journal_mode=delete;pragma page_size=16384;vacuum;pragma journal_mode=wal`).
 */
import pg from 'pg';
import { sql } from 'kysely';
import { openCtx } from '../../src/core/bootstrap.ts';
import { createCase, type NewCaseInput } from '../../src/core/modules/cases/index.ts';
import { actorOf } from '../../src/core/modules/users/index.ts';
import { seedBase } from '../../src/core/seed/base-seed.ts';
import { intakeBody, Rng } from '../synthetic.ts';
import { procCpuMs } from '../common.ts';
import { backendPids } from '../commitments.ts';
import { record, report, timeSqliteStatements, type StatementTimes } from './statement-times.ts';

const [url = 'sqlite:/tmp/prof/intake.db', casesArg = '3000', concArg = '32'] = process.argv.slice(2);
const total = Number(casesArg);
const concurrency = Number(concArg);

const bySql: StatementTimes = new Map();
let on = false;
timeSqliteStatements(bySql, () => on);

const clientProto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
const origQuery = clientProto.query;
clientProto.query = function (this: unknown, ...args: unknown[]) {
  if (!on) return origQuery.apply(this, args);
  const a0 = args[0];
  const text = String(typeof a0 === 'object' && a0 !== null ? (a0 as { text?: unknown }).text : a0).slice(0, 110);
  const t = performance.now();
  const r = origQuery.apply(this, args) as Promise<unknown>;
  const done = () => record(bySql, text, performance.now() - t);
  return r && typeof r.finally === 'function' ? r.finally(done) : (done(), r);
};

const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
for (const stmt of (process.env.SL_EXP_SQL ?? '').split(';').filter((x) => x.trim())) await sql.raw(stmt).execute(ctx.db);
const seed = await seedBase(ctx, 'bench-password-123');
const agent = await ctx.db.selectFrom('users').selectAll().where('id', '=', seed.users.agent!.id).executeTakeFirstOrThrow();
const actor = actorOf(agent, '127.0.0.1');
const rng = new Rng(7);
for (let i = 0; i < 300; i++) await createCase(ctx, intakeBody(rng) as unknown as NewCaseInput, actor); // warm
const pgPids = async (): Promise<number[]> => (ctx.ops.name === 'postgres' ? backendPids(ctx) : []);
const pg0 = new Map((await pgPids()).map((pid) => [pid, procCpuMs(pid)]));
on = true;
let done = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (done < total) {
      done++;
      await createCase(ctx, intakeBody(rng) as unknown as NewCaseInput, actor);
    }
  }),
);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
on = false;
let pgCpu = 0;
for (const pid of new Set([...pg0.keys(), ...(await pgPids())])) pgCpu += procCpuMs(pid) - (pg0.get(pid) ?? 0);
const rows = [...bySql.entries()].sort((a, b) => b[1].ms - a[1].ms);
const dbMs = rows.reduce((s, [, e]) => s + e.ms, 0);
console.log(`${total} cases, concurrency ${concurrency}: ${(total / (ms / 1000)).toFixed(0)}/s, ${(ms / total).toFixed(3)} ms/case; db ${(dbMs / total).toFixed(3)} ms/case; cpu user ${(cpu.user / 1000 / total).toFixed(3)} sys ${(cpu.system / 1000 / total).toFixed(3)} ms/case${ctx.ops.name === 'postgres' ? `; PostgreSQL backends' CPU ${(pgCpu / total).toFixed(3)} ms/case` : ''}`);
console.log(`statements/case ${(rows.reduce((s, [, e]) => s + e.n, 0) / total).toFixed(1)}`);
for (const line of report(bySql, total)) console.log(line);
await dbh.close();
