/**
 * EXPLAIN ANALYZE of the intake batch's write statement on PostgreSQL (the data-modifying WITH
 * that writes a batch's rows): runs createCase() in-process with `concurrency` callers and,
 * for the `explain` batches after the warm-up, runs that statement as EXPLAIN (ANALYZE, BUFFERS)
 * inside the batch's own transaction (so its writes happen and commit as usual), printing the
 * plan: time per CTE (each table's insert), the foreign-key triggers and the buffers touched.
 *   node --import tsx bench/tools/explain-batch.ts <postgres-url> [concurrency=64] [explain=2]
 */
import pg from 'pg';
import { REUSE_MARK } from '../../src/core/db/fast-insert.ts';
import { openCtx } from '../../src/core/bootstrap.ts';
import { createCase, type NewCaseInput } from '../../src/core/modules/cases/index.ts';
import { actorOf } from '../../src/core/modules/users/index.ts';
import { seedBase } from '../../src/core/seed/base-seed.ts';
import { intakeBody, Rng } from '../synthetic.ts';

const [url, concArg = '64', explainArg = '2'] = process.argv.slice(2);
if (!url?.startsWith('postgres')) throw new Error('usage: explain-batch.ts <postgres-url> [concurrency] [explain]');
const concurrency = Number(concArg);
let left = 0;

const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
const orig = proto.query;
proto.query = function (this: pg.Client, ...args: unknown[]) {
  const a0 = args[0] as { text?: string; values?: unknown[] } | string;
  const text = typeof a0 === 'string' ? a0 : a0?.text;
  if (left > 0 && typeof text === 'string' && text.replace(REUSE_MARK, '').startsWith('with w0 AS')) {
    left--;
    const values = typeof a0 === 'string' ? (args[1] as unknown[]) : a0.values;
    return (orig.call(this, `EXPLAIN (ANALYZE, BUFFERS, VERBOSE false) ${text}`, values) as Promise<pg.QueryResult<Record<string, string>>>).then((r) => {
      console.log(`--- batch statement, ${text.length} characters, ${values?.length ?? 0} parameters`);
      for (const row of r.rows) console.log(row['QUERY PLAN']);
      return { ...r, rows: [{ '?column?': 1 }], rowCount: 1 };
    });
  }
  return orig.apply(this, args);
};

const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
const seed = await seedBase(ctx, 'bench-password-123');
const agent = await ctx.db.selectFrom('users').selectAll().where('id', '=', seed.users.agent!.id).executeTakeFirstOrThrow();
const actor = actorOf(agent, '127.0.0.1');
const rng = new Rng(7);
const round = (n: number) => Promise.all(Array.from({ length: n }, () => createCase(ctx, intakeBody(rng) as unknown as NewCaseInput, actor)));
for (let i = 0; i < 40; i++) await round(concurrency); // warm: caches, JIT, a few thousand rows
left = Number(explainArg);
while (left > 0) await round(concurrency);
await dbh.close();
