import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { createDb } from '../db/create-db.ts';
import { makeTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { DIALECTS } from '../../../test/helpers/db.ts';
import type { AnalyticsSummary } from '../modules/analytics/index.ts';
import { DomainError } from '../shared/errors.ts';
import type { ManualClock } from '../shared/clock.ts';
import { ReadThread, runRead, runReadJob } from './index.ts';
import { errorFromWire } from './read-thread.ts';
import { wireError } from './read-wire.ts';

describe('errors from the read thread', () => {
  it('come back as DomainErrors (the API answers their status) or as errors with their code', () => {
    const d = errorFromWire(wireError(new DomainError('period_too_long', 'A period of at most 1100 days.', 422, { days: 2000 })));
    expect(d).toBeInstanceOf(DomainError);
    expect(d).toMatchObject({ code: 'period_too_long', status: 422, details: { days: 2000 }, message: 'A period of at most 1100 days.' });
    const busy = Object.assign(new Error('database is locked'), { name: 'SqliteError', code: 'SQLITE_BUSY' });
    const e = errorFromWire(wireError(busy));
    expect(e).not.toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ name: 'SqliteError', code: 'SQLITE_BUSY', message: 'database is locked' });
    expect(e.stack).toContain('(on the read thread)');
  });
});

describe.each(DIALECTS)('read thread on %s', (dialect) => {
  let t: TestApp;
  /** the statements run on the server's own connection */
  const seen: string[] = [];
  const summaryArgs = { days: 30, groupBy: 'agent' as const };
  const create = async (n: number) => {
    const r = await t.as('agent', 'POST', '/api/v1/cases', {
      channel: 'phone',
      type: 'complaint',
      subject: `读线程 ${n}`,
      description: `测试 ${n}`,
      impact: 2,
      urgency: 2,
      teamId: t.seed.teams.frontline,
      contact: { name: `客户${n}`, phone: `1390000000${n}` },
    });
    expect(r.statusCode, r.body).toBe(201);
    (t.clock as ManualClock).advance(60_000); // a period [from, now) holds the cases received before now
  };
  const readsOf = () => seen.filter((s) => /case_metrics|analytics_daily|sla_daily/.test(s));
  const threadOf = () => t.ctx.reads as ReadThread;
  /** A read thread of its own on `url`, counting the jobs it ran inline and the errors it reported. */
  const spyThread = (url: string) => {
    let inline = 0;
    const errors: unknown[] = [];
    const rt = new ReadThread({
      url,
      config: t.ctx.config,
      inline: (job, args, now) => {
        inline++;
        return runReadJob(t.ctx, job as 'analytics.summary', args as never, now);
      },
      onError: (e) => errors.push(e),
    });
    return { rt, errors, inline: () => inline };
  };

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true, readThread: true, onQuery: (sql) => seen.push(sql) });
    for (let n = 1; n <= 3; n++) await create(n);
  });
  afterAll(async () => t?.close());

  it('answers a dashboard as the server would itself, without a statement on the server connection', async () => {
    seen.length = 0;
    const viaThread = await runRead(t.ctx, 'analytics.summary', summaryArgs);
    expect(readsOf()).toEqual([]);
    const inline = await runReadJob(t.ctx, 'analytics.summary', summaryArgs, t.clock.now());
    expect(readsOf().length).toBeGreaterThan(0);
    expect(viaThread).toEqual(inline);
    expect(viaThread.received.count).toBe(3);
    seen.length = 0;
    const r = await t.as('supervisor', 'GET', '/api/v1/analytics/summary?days=30&groupBy=agent');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual(JSON.parse(JSON.stringify(inline)));
    expect(readsOf()).toEqual([]);
  });

  it('sees what was committed after it started, and "now" is the server clock', async () => {
    await create(4);
    expect((await runRead(t.ctx, 'analytics.summary', summaryArgs)).received.count).toBe(4);
    // the test clock is far from the wall clock: a thread reading its own would find no case in the last 30 days
    const s = await runRead(t.ctx, 'analytics.summary', { days: 1 });
    expect(s.period.to).toBe(t.clock.now());
  });

  it('still refuses the agent the dashboard (403) and a bad period (400)', async () => {
    expect((await t.as('agent', 'GET', '/api/v1/analytics/summary')).statusCode).toBe(403);
    expect((await t.as(null, 'GET', '/api/v1/analytics/summary')).statusCode).toBe(401);
    const bad = await t.as('supervisor', 'GET', '/api/v1/analytics/summary?days=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('runs the jobs of a thread that died on the server connection, then starts a new thread', async () => {
    const { rt, errors, inline } = spyThread(t.url);
    try {
      const now = t.clock.now();
      const first = (await rt.run('analytics.summary', summaryArgs, now)) as AnalyticsSummary;
      expect(inline()).toBe(0);
      // the thread dies with a job sent to it (sent after the kill, so that it cannot answer first)
      void (rt as unknown as { worker: Worker }).worker.terminate();
      const job = rt.run('analytics.summary', summaryArgs, now);
      expect(rt.inFlight).toBe(1);
      expect(await job).toEqual(first);
      expect(inline()).toBe(1);
      expect(errors).toHaveLength(1);
      expect(await rt.run('analytics.summary', summaryArgs, now)).toEqual(first);
      expect(inline()).toBe(1); // a new thread answered
      await rt.close();
      expect(await rt.run('analytics.summary', summaryArgs, now)).toEqual(first);
      expect(inline()).toBe(2);
    } finally {
      await rt.close();
    }
  });

  it('reads through a connection that refuses writes', async () => {
    const count = async (db: typeof t.ctx.db) => (await db.selectFrom('cases').select('id').execute()).length;
    const before = await count(t.ctx.db);
    expect(before).toBeGreaterThan(0);
    const ro = createDb({ url: t.url, readonly: true });
    try {
      expect(await count(ro.db)).toBe(before);
      await expect(ro.db.deleteFrom('cases').execute()).rejects.toThrow(/read-?only/i);
    } finally {
      await ro.close();
    }
    expect(await count(t.ctx.db)).toBe(before);
  });

  it('answers dashboards asked at once, each with its own period', async () => {
    const all = await Promise.all([1, 2, 3, 4].map((d) => runRead(t.ctx, 'analytics.summary', { days: d * 10 })));
    expect(all.map((s) => s.received.count)).toEqual([4, 4, 4, 4]);
    expect(threadOf().inFlight).toBe(0);
  });

  if (dialect === 'sqlite')
    it('leaves the reads on the server connection when the thread cannot start', async () => {
      const missing = join(mkdtempSync(join(tmpdir(), 'sl-no-db-')), 'gone', 'none.db');
      const { rt, errors, inline } = spyThread(`sqlite:${missing}`);
      try {
        const expected = await runReadJob(t.ctx, 'analytics.summary', summaryArgs, t.clock.now());
        for (let i = 0; i < 2; i++) expect(await rt.run('analytics.summary', summaryArgs, t.clock.now())).toEqual(expected);
        expect(inline()).toBe(2);
        expect(errors).toHaveLength(1); // not started again for the second read
        expect(String(errors[0])).toMatch(/unable to open|directory does not exist|SQLITE_CANTOPEN/i);
        expect(existsSync(dirname(missing))).toBe(false); // a read-only open creates nothing
      } finally {
        await rt.close();
        rmSync(dirname(dirname(missing)), { recursive: true, force: true });
      }
    });
});
