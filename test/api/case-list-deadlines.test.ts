import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDueTimers } from '../../src/core/modules/commitments/index.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

// Shanghai wall time -> epoch ms
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

interface Item {
  id: string;
  status: string;
  nextDeadline: { targetId: string; kind: string; state: string; dueAt: number | null; pausedMinutesLeft: number | null } | null;
}

/**
 * The queue's "time left" (GET /api/v1/cases: each item's nextDeadline), worked out by hand on the
 * standard calendar (Mon-Fri 09:00-12:00, 13:30-18:00) and the default commitments (reception 15
 * minutes, first response 1 hour, resolution 24 business hours; warnings at 75% and 90%).
 */
describe.each(DIALECTS)('case list deadlines on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let capture = false;
  const targetQueries: Array<{ sql: string; params: readonly unknown[] }> = [];
  beforeAll(async () => {
    t = await makeTestApp(dialect, {
      useTokens: true,
      onQuery: (q, params) => {
        if (capture && /case_targets/.test(q)) targetQueries.push({ sql: q, params });
      },
    });
    clock = t.clock as ManualClock;
  });
  afterAll(async () => t?.close());

  const at = (iso: string) => clock.set(sh(iso));
  const create = async (subject: string) => {
    const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '李女士', phone: '13800138000' }, subject, description: `${subject}，请尽快处理` });
    expect(r.statusCode, r.body).toBe(201);
    return (r.json() as { id: string }).id;
  };
  const act = async (id: string, action: string, body: unknown = {}) => {
    const r = await t.as('agent', 'POST', `/api/v1/cases/${id}/${action}`, body);
    expect(r.statusCode, r.body).toBe(200);
  };
  const list = async (query = 'limit=50') => {
    const r = await t.as('agent', 'GET', `/api/v1/cases?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return new Map((r.json() as { items: Item[] }).items.map((i) => [i.id, i]));
  };

  it("gives each open case the commitment due first: running, warned, breached (also before the worker marked it), or paused with the business time left", async () => {
    at('2026-11-23T10:00:00'); // Monday
    const a = await create('发票抬头错误'); // untouched: reception due 10:15
    const b = await create('空调漏水'); // taken at 10:05: reception met, first response due 11:00
    const c = await create('积分未到账'); // taken at 10:05, waiting for the customer from 10:20 (first response paused)
    const d = await create('咨询营业时间'); // answered and resolved at 10:05
    at('2026-11-23T10:05:00');
    await act(b, 'take');
    await act(c, 'take');
    await act(d, 'take');
    await act(d, 'replies', { body: '营业时间为每天9点至18点。' });
    await act(d, 'resolve', { cause: '咨询', solution: '已告知营业时间' });

    at('2026-11-23T10:10:00');
    let items = await list();
    expect(items.get(a)!.nextDeadline).toMatchObject({ kind: 'reception', state: 'running', dueAt: sh('2026-11-23T10:15:00'), pausedMinutesLeft: null });
    expect(items.get(b)!.nextDeadline).toMatchObject({ kind: 'first_response', state: 'running', dueAt: sh('2026-11-23T11:00:00'), pausedMinutesLeft: null });
    expect(items.get(c)!.nextDeadline).toMatchObject({ kind: 'first_response', state: 'running', dueAt: sh('2026-11-23T11:00:00') });
    expect(items.get(d)!.status).toBe('resolved');
    expect(items.get(d)!.nextDeadline).toBeNull();
    // the target named is the case's own timer
    const target = await t.ctx.db.selectFrom('case_targets').select(['id', 'case_id', 'kind']).where('id', '=', items.get(b)!.nextDeadline!.targetId).executeTakeFirstOrThrow();
    expect(target).toEqual({ id: items.get(b)!.nextDeadline!.targetId, case_id: b, kind: 'first_response' });

    // 10:16: A's reception deadline has passed; no worker has run, the list says so all the same
    at('2026-11-23T10:16:00');
    items = await list();
    expect((await t.ctx.db.selectFrom('case_targets').select('state').where('case_id', '=', a).where('kind', '=', 'reception').executeTakeFirstOrThrow()).state).toBe('running');
    expect(items.get(a)!.nextDeadline).toMatchObject({ kind: 'reception', state: 'breached', dueAt: sh('2026-11-23T10:15:00') });
    expect(items.get(b)!.nextDeadline).toMatchObject({ kind: 'first_response', state: 'running' });

    // 10:20: C waits for the customer: first response paused with 20 of its 60 business minutes used
    // (10:00-10:20), 40 left; the resolution has 1,420 left: the first response is shown
    at('2026-11-23T10:20:00');
    await act(c, 'status', { status: 'pending_customer' });
    items = await list();
    expect(items.get(c)!.nextDeadline).toMatchObject({ kind: 'first_response', state: 'paused', dueAt: null, pausedMinutesLeft: 40 });

    // 10:50: the worker has run; B's first response is past 75% of its hour (warned at 10:45), A's reception breached as stored
    at('2026-11-23T10:50:00');
    await sweepDueTimers(t.ctx);
    items = await list();
    expect(items.get(a)!.nextDeadline).toMatchObject({ kind: 'reception', state: 'breached', dueAt: sh('2026-11-23T10:15:00') });
    expect(items.get(b)!.nextDeadline).toMatchObject({ kind: 'first_response', state: 'warned', dueAt: sh('2026-11-23T11:00:00'), pausedMinutesLeft: null });
    expect(items.get(c)!.nextDeadline).toMatchObject({ kind: 'first_response', state: 'paused', pausedMinutesLeft: 40 });

    // B answered at 10:55: its first response is met; next, the progress update (24 business hours from 10:55) and
    // the resolution (Thu 11:30) run: the resolution is due first
    at('2026-11-23T10:55:00');
    await act(b, 'replies', { body: '师傅明天上门。' });
    items = await list();
    expect(items.get(b)!.nextDeadline).toMatchObject({ kind: 'resolution', state: 'running', dueAt: sh('2026-11-26T11:30:00') });
  });

  it('reads the deadlines of a page in one indexed query, and none for a page without open cases', async () => {
    targetQueries.length = 0;
    capture = true;
    const page = await list('limit=50');
    capture = false;
    expect(page.size).toBeGreaterThan(1);
    expect(targetQueries).toHaveLength(1);
    const plan = await t.ctx.db.transaction().execute(async (trx) => {
      const q = targetQueries[0]!;
      if (dialect === 'postgres') await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const explain = dialect === 'sqlite' ? `EXPLAIN QUERY PLAN ${q.sql}` : `EXPLAIN ${q.sql}`;
      const rows = (await trx.executeQuery({ sql: explain, parameters: q.params, query: { kind: 'RawNode' } as never, queryId: { queryId: 'x' } as never })).rows as Array<Record<string, string>>;
      return rows.map((r) => r.detail ?? r['QUERY PLAN'] ?? '').join('\n');
    });
    expect(plan).toContain('case_targets_case');
    expect(plan).not.toMatch(dialect === 'sqlite' ? /SCAN case_targets(?! USING)/ : /Seq Scan on case_targets/);

    targetQueries.length = 0;
    capture = true;
    const resolved = await list('status=resolved&limit=50');
    capture = false;
    expect(resolved.size).toBe(1);
    expect([...resolved.values()][0]!.nextDeadline).toBeNull();
    expect(targetQueries).toHaveLength(0);
  });

  it('documents the field in the OpenAPI description of the list', async () => {
    const doc = (await t.as(null, 'GET', '/api/docs/json')).json() as { paths: Record<string, { get?: { responses?: Record<string, unknown> } }> };
    const json = JSON.stringify(doc.paths['/api/v1/cases']?.get?.responses?.['200']);
    for (const field of ['nextDeadline', 'pausedMinutesLeft', 'dueAt', 'breached']) expect(json).toContain(field);
  });
});
