import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabaseUrl, T0 } from '../../../test/helpers/db.ts';
import { openCtx } from '../bootstrap.ts';
import type { Ctx } from '../context.ts';
import { createCase } from '../modules/cases/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { systemActor } from '../shared/actor.ts';
import { preparesMarked, type Db } from './create-db.ts';
import { REUSE_MARK } from './fast-insert.ts';

const intake = (i: number) => ({
  channel: 'email' as const,
  contact: { name: `客户${i}`, email: `c${i}@example.com` },
  subject: `热水器漏水 ${i}`,
  description: '维修后仍未解决',
});

// One connection, so that its prepared statements can be read back (pg_prepared_statements is per session).
describe.each(DIALECTS)('intake batches of any size write with the same statements on %s', (dialect) => {
  let ctx: Ctx;
  let dbh: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabaseUrl(dialect);
    drop = fresh.drop;
    ({ ctx, dbh } = await openCtx({ url: fresh.url, clock: new ManualClock(T0), poolSize: 1, config: { scryptCost: 1024 } }));
  });
  afterAll(async () => {
    await dbh?.close();
    await drop?.();
  });

  it('writes batches of two and three, rollups, search and the audit chain included, and finds a known contact\'s customer', async () => {
    await Promise.all([1, 2].map((i) => createCase(ctx, intake(i), systemActor('test'))));
    await Promise.all([3, 4, 5].map((i) => createCase(ctx, intake(i), systemActor('test'))));
    const cases = await ctx.db.selectFrom('cases').select(['number']).orderBy('number').execute();
    expect(cases.map((c) => c.number)).toEqual([1, 2, 3, 4, 5].map((n) => `SL-20261123-000${n}`));
    const daily = await ctx.db.selectFrom('analytics_daily').select(['n']).where('dim', '=', 'received').execute();
    expect(daily.reduce((s, r) => s + Number(r.n), 0)).toBe(5);
    const found = await ctx.db.selectFrom('cases').select('id').where(ctx.ops.searchCondition('漏水')!).execute();
    expect(found).toHaveLength(5);
    const audit = await ctx.db.selectFrom('audit_log').select(['action']).where('action', '=', 'case.create').execute();
    expect(audit).toHaveLength(5);
    // a batch whose contact has a customer already: found by the batch's one lookup of its contacts
    await Promise.all([1, 6].map((i) => createCase(ctx, intake(i), systemActor('test'))));
    const c1 = await ctx.db.selectFrom('cases').select('customer_id').where('contact_email', '=', 'c1@example.com').execute();
    expect(c1).toHaveLength(2);
    expect(new Set(c1.map((c) => c.customer_id)).size).toBe(1);
    expect(await ctx.db.selectFrom('customers').select('id').where('email', '=', 'c1@example.com').execute()).toHaveLength(1);
    if (dialect !== 'postgres') return;
    // the contacts' locks and customers: one prepared call in each of the three batches
    const calls = await sql<{ runs: number }>`select (generic_plans + custom_plans)::int as runs from pg_prepared_statements where statement like '%sl_lock_contacts_find_customers%'`.execute(ctx.db);
    expect(calls.rows.map((c) => c.runs)).toEqual([3]);
    // the batch's write (rollups and search inside it) and the audit insert: one prepared text
    // each, run by both batches (two executions), not one text per batch size
    const r = await sql<{ statement: string; runs: number }>`select statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements`.execute(ctx.db);
    const runs = (needle: string) => r.rows.filter((s) => s.statement.startsWith(REUSE_MARK) && s.statement.includes(needle)).map((s) => s.runs);
    expect(runs('with w0 AS')).toEqual([3]);
    expect(runs('insert into "audit_log"')).toEqual([3]);
  });
});

describe('preparesMarked (PostgreSQL)', () => {
  let pool: pg.Pool;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshDatabaseUrl('postgres');
    drop = fresh.drop;
    pool = new pg.Pool({ connectionString: fresh.url, max: 1 });
    pool.on('connect', (client) => preparesMarked(client, 2));
  });
  afterAll(async () => {
    await pool?.end();
    await drop?.();
  });

  it('prepares marked statements once per connection, at most the given number, and runs the rest unnamed', async () => {
    const client = await pool.connect();
    try {
      // as Kysely calls it: text and values
      const texts = [1, 2, 3].map((n) => `${REUSE_MARK}select $1::int + ${n} as v`);
      for (const [i, text] of texts.entries()) for (let k = 0; k < 2; k++) expect((await client.query(text, [10])).rows[0].v).toBe(11 + i);
      expect((await client.query('select $1::int as v', [5])).rows[0].v).toBe(5);
      const prepared = await client.query<{ statement: string; runs: number }>('select statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements order by statement');
      expect(prepared.rows).toEqual(texts.slice(0, 2).map((statement) => ({ statement, runs: 2 })));
    } finally {
      client.release();
    }
  });
});
