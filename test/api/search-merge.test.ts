import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSearchMergeWorker } from '../../src/core/db/search-merge.worker.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

/**
 * The text index's pending list (PostgreSQL GIN fastupdate) is merged by the server's worker,
 * not by whichever intake happens to find it full; search finds the same cases before and after.
 */
describe.each(DIALECTS)('search index merge worker on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const intake = async (n: number) => {
    const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: `客户${n}`, phone: `1380000${String(n).padStart(4, '0')}` }, subject: `冰箱漏水 ${n}`, description: 'water leaking under the fridge' });
    expect(r.statusCode, r.body).toBe(201);
  };
  const found = async (q: string) => ((await t.as('agent', 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}&limit=100`)).json() as { items: unknown[] }).items.length;

  it('merges what intake left pending, once, and search finds the same cases', async () => {
    for (let n = 0; n < 12; n++) await intake(n);
    expect(await found('漏水')).toBe(12);
    if (dialect === 'sqlite') {
      expect(t.ctx.ops.mergeSearchPending).toBeUndefined(); // FTS5 merges its own segments
      return;
    }
    expect(await t.ctx.ops.mergeSearchPending!(t.ctx.db)).toBeGreaterThan(0);
    expect(await t.ctx.ops.mergeSearchPending!(t.ctx.db)).toBe(0);
    expect(await found('漏水')).toBe(12);
    expect(await found('leaking fridge')).toBe(12);
  });

  it('runs every interval until stopped, one merge at a time', async () => {
    let calls = 0;
    let inFlight = 0;
    let overlapped = false;
    const ops = {
      ...t.ctx.ops,
      mergeSearchPending: async (db: typeof t.ctx.db) => {
        calls++;
        overlapped ||= inFlight > 0;
        inFlight++;
        try {
          await new Promise((r) => setTimeout(r, 15));
          return t.ctx.ops.mergeSearchPending ? await t.ctx.ops.mergeSearchPending(db) : 0;
        } finally {
          inFlight--;
        }
      },
    };
    const w = createSearchMergeWorker(t.ctx.db, ops, { everyMs: 5 });
    w.start();
    for (let n = 100; n < 104; n++) await intake(n);
    // until two merges have begun after the intakes (three at least in all), not for a fixed time:
    // beside another test run on two cores a merge behind the intakes took the whole of a fixed
    // 120 ms. One begun after the last intake is what merges that intake's entries (checked below).
    const afterIntakes = calls;
    for (const until = Date.now() + 10_000; (calls < 3 || calls - afterIntakes < 2) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
    await w.stop();
    const after = calls;
    expect(after).toBeGreaterThanOrEqual(3);
    expect(overlapped).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(after);
    if (dialect === 'postgres') expect(await t.ctx.ops.mergeSearchPending!(t.ctx.db)).toBe(0); // the worker merged the new cases
    expect(await found('漏水')).toBe(16);
  });
});
