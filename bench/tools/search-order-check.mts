/**
 * Checks SQLite search pages against the list order worked out by brute force (every match, sorted
 * by received time and id): page 1 and a few pages deep, for the reads section's words.
 *   node --import tsx bench/tools/search-order-check.mts sqlite:bench/.data/loaded-1000000.db
 */
import { sql } from 'kysely';
import { openCtx } from '../../src/core/bootstrap.ts';
import { listCases } from '../../src/core/modules/cases/case.queries.ts';
import { actorOf } from '../../src/core/modules/users/index.ts';

const url = process.argv[2]!;
const { ctx, dbh } = await openCtx({ url });
const user = await ctx.db.selectFrom('users').selectAll().where('role', '=', 'supervisor').executeTakeFirstOrThrow();
const actor = actorOf(user, null);
let bad = 0;
for (const q of ['退款', '漏水 维修', '漏', 'refund', 'delivery late']) {
  const match = ctx.ops.ftsMatch!(q)!;
  const t0 = performance.now();
  const want = (await sql<{ number: string }>`SELECT number FROM cases WHERE rowid IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ${match}) ORDER BY received_at DESC, id DESC LIMIT 250`.execute(ctx.db)).rows.map((r) => r.number);
  const brute = performance.now() - t0;
  const got: string[] = [];
  let cursor: string | undefined;
  const t1 = performance.now();
  for (let p = 0; p < 5; p++) {
    const page = await listCases(ctx, { q, limit: 50, sort: '-receivedAt', cursor }, actor);
    got.push(...page.items.map((c) => c.number));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const walk = performance.now() - t1;
  const same = JSON.stringify(got) === JSON.stringify(want);
  if (!same) bad++;
  const late = (await sql<{ n: number }>`SELECT count(*) AS n FROM cases WHERE number IN (${sql.join(got)}) AND received_at < received_max`.execute(ctx.db)).rows[0]!.n;
  console.log(`${q.padEnd(14)} ${same ? 'same order' : 'DIFFERENT'} over ${got.length} results (${late} recorded out of received order); 5 pages ${walk.toFixed(1)} ms, brute force ${brute.toFixed(1)} ms`);
}
await dbh.close();
process.exit(bad ? 1 : 0);
