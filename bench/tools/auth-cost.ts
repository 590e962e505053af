/**
 * What resolving an API token costs a request: node --import tsx bench/tools/auth-cost.ts <database-url> [calls=20000] [concurrency=8]
 * on a fresh database. SL_AUTH_CACHE_MS=0 reads the token from the database on every call, as every request did before 2026-12-05.
 */
import { openCtx } from '../../src/core/bootstrap.ts';
import { seedBase } from '../../src/core/seed/base-seed.ts';
import { actorFromApiToken, createApiToken } from '../../src/core/modules/users/auth.service.ts';
import { actorOf } from '../../src/core/modules/users/index.ts';
import { procCpuMs } from '../common.ts';
import { backendPids } from '../commitments.ts';

const [url = 'sqlite:/tmp/auth-cost.db', callsArg = '20000', concArg = '8'] = process.argv.slice(2);
const calls = Number(callsArg);
const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
const seed = await seedBase(ctx, 'bench-password-123');
const agent = await ctx.db.selectFrom('users').selectAll().where('id', '=', seed.users.agent!.id).executeTakeFirstOrThrow();
const { token } = await createApiToken(ctx, agent.id, 'auth-cost', null, actorOf(agent, null));
for (let i = 0; i < 500; i++) await actorFromApiToken(ctx, token, null);
const pids = ctx.ops.name === 'postgres' ? await backendPids(ctx) : [];
const pg0 = new Map(pids.map((p) => [p, procCpuMs(p)]));
let done = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: Number(concArg) }, async () => { while (done++ < calls) if (!(await actorFromApiToken(ctx, token, null))) throw new Error('denied'); }));
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
let pgCpu = 0;
for (const pid of new Set([...pg0.keys(), ...(ctx.ops.name === 'postgres' ? await backendPids(ctx) : [])])) pgCpu += procCpuMs(pid) - (pg0.get(pid) ?? 0);
console.log(`${calls} lookups: ${((ms / calls) * 1000).toFixed(1)} us each; node CPU ${(((cpu.user + cpu.system) / calls)).toFixed(1)} us; PostgreSQL CPU ${((pgCpu * 1000) / calls).toFixed(1)} us`);
await dbh.close();
