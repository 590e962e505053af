import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

/**
 * "No query on a hot path scans the cases table": every query the agent workspace runs (intake,
 * queue lists with each filter and sort, deep pages, search, counts, one case with its timeline)
 * is captured and EXPLAINed; none may read the cases table without an index. PostgreSQL is asked
 * with sequential scans discouraged, so a missing index shows as a Seq Scan even on a small table.
 */
describe.each(DIALECTS)('hot-path query plans on %s', (dialect) => {
  let t: TestApp;
  const seen: Array<{ sql: string; params: readonly unknown[] }> = [];
  let capture = false;
  const seenHooks: Array<(q: string, params: readonly unknown[]) => void> = [];
  beforeAll(async () => {
    t = await makeTestApp(dialect, {
      useTokens: true,
      onQuery: (q, params) => {
        for (const h of seenHooks) h(q, params);
        if (capture && /"?cases"?\b/.test(q) && /^\s*select/i.test(q)) seen.push({ sql: q, params });
      },
    });
  });
  afterAll(async () => t?.close());

  /** The plan of a captured query; PostgreSQL with sequential scans discouraged, so a missing index shows even on a small table. */
  const planOf = (q: { sql: string; params: readonly unknown[] }): Promise<string> =>
    t.ctx.db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const explain = dialect === 'sqlite' ? `EXPLAIN QUERY PLAN ${q.sql}` : `EXPLAIN ${q.sql}`;
      const rows = (await trx.executeQuery({ sql: explain, parameters: q.params, query: { kind: 'RawNode' } as never, queryId: { queryId: 'x' } as never })).rows as Array<Record<string, string>>;
      return rows.map((r) => r.detail ?? r['QUERY PLAN'] ?? '').join('\n');
    });

  it('uses an index for every read of cases', async () => {
    for (let i = 0; i < 30; i++) {
      const r = await t.as('agent', 'POST', '/api/v1/cases', {
        channel: i % 2 ? 'email' : 'phone',
        teamId: t.seed.teams.frontline,
        contact: { name: `客户${i}`, email: `p${i}@example.com` },
        subject: i % 3 ? '退款申请' : 'Refund request',
        description: i % 2 ? '订单退款一直没有到账' : 'my refund has not arrived',
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const first = (await t.as('agent', 'GET', '/api/v1/cases?limit=5')).json() as { items: Array<{ id: string; customerId: string }>; nextCursor: string };
    capture = true;
    const me = t.seed.users.agent!.id;
    const urls = [
      '/api/v1/cases?limit=20',
      `/api/v1/cases?limit=20&cursor=${first.nextCursor}`,
      '/api/v1/cases?status=new,open&limit=20',
      '/api/v1/cases?status=new,open&sort=-updatedAt&limit=20',
      `/api/v1/cases?assigneeId=${me}&status=open&limit=20`,
      '/api/v1/cases?assigneeId=none&status=new&limit=20',
      `/api/v1/cases?teamId=${t.seed.teams.frontline}&status=new&limit=20`,
      `/api/v1/cases?customerId=${first.items[0]!.customerId}&limit=20`,
      `/api/v1/cases?q=${encodeURIComponent('退款')}&limit=20`,
      '/api/v1/cases?q=refund&limit=20',
      '/api/v1/cases/counts',
      `/api/v1/cases/${first.items[0]!.id}`,
    ];
    for (const u of urls) expect((await t.as('supervisor', 'GET', u)).statusCode, u).toBe(200);
    await t.as('agent', 'POST', '/api/v1/cases', { channel: 'web', contact: { name: 'x', email: 'p1@example.com' }, subject: '投诉', description: '再次投诉退款', type: 'complaint' });
    capture = false;
    expect(seen.length).toBeGreaterThan(urls.length);

    const scans: string[] = [];
    for (const q of seen) {
      const plan = await planOf(q);
      const fullScan = dialect === 'sqlite' ? /SCAN cases(?! USING)/.test(plan) : /Seq Scan on cases\b/.test(plan);
      if (fullScan) scans.push(`${q.sql}\n${plan}`);
    }
    expect(scans).toEqual([]);
  });

  it("reads the dashboard's response and resolution times from the covering index alone", async () => {
    const times: Array<{ sql: string; params: readonly unknown[] }> = [];
    const watch = (q: string, params: readonly unknown[]) => {
      if (/from "case_metrics"/.test(q) && /first_response_minutes/.test(q) && !/group by|"team_id"|"assignee_id"/i.test(q)) times.push({ sql: q, params });
    };
    seenHooks.push(watch);
    const r = await t.as('supervisor', 'GET', '/api/v1/analytics/summary?days=90');
    seenHooks.length = 0;
    expect(r.statusCode, r.body).toBe(200);
    expect(times.length).toBeGreaterThan(0);
    for (const q of times) {
      const plan = await planOf(q);
      expect(plan).toMatch(dialect === 'sqlite' ? /USING COVERING INDEX case_metrics_received_times/ : /using case_metrics_received_times/);
    }
  });
});
