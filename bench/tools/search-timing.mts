/** Times listCases() with a search term against a database, query by query: node --import tsx bench/tools/search-timing.mts <url> <term> [role] */
import { openCtx } from '../../src/core/bootstrap.ts';
import { listCases } from '../../src/core/modules/cases/case.queries.ts';
import { actorOf } from '../../src/core/modules/users/index.ts';
const url = process.argv[2]!;
let t = 0;
const { ctx, dbh } = await openCtx({ url, migrate: false, onQuery: (s) => { const n = performance.now(); console.log(`  +${(n - t).toFixed(1)} ms before: ${s.slice(0, 90)}`); t = n; } });
const u = await ctx.db.selectFrom('users').selectAll().where('role', '=', process.argv[4] ?? 'agent').limit(1).executeTakeFirstOrThrow();
for (let i = 0; i < 3; i++) {
  t = performance.now();
  const t0 = t;
  const r = await listCases(ctx, { q: process.argv[3]!, limit: 50 }, actorOf(u, null));
  console.log(`total ${(performance.now() - t0).toFixed(1)} ms, ${r.items.length} items`);
}
await dbh.close();
