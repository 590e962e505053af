import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabaseUrl } from '../../../test/helpers/db.ts';
import { openCtx } from '../bootstrap.ts';
import { createDb } from '../db/create-db.ts';
import type { Ctx } from '../context.ts';
import { seedBase, isSeeded } from './base-seed.ts';
import { loadDemo } from './demo.ts';
import { claimDemo, closeKilledDemo, DEMO_STALE_MS, DemoInterrupted, demoPlan, demoProgress, finishDemo, resetUnfinishedDemo } from './demo-state.ts';
import { createCase } from '../modules/cases/index.ts';
import { ManualClock } from '../shared/clock.ts';
import { systemActor } from '../shared/actor.ts';

const SMALL = { cases: 60, customers: 15 } as const;

/** What a --demo start does first, on a connection of its own (closed by the reset when it resets). */
async function resetAt(url: string, now?: number) {
  const dbh = createDb({ url });
  const r = await resetUnfinishedDemo(dbh, now);
  if (!r?.reset) await dbh.close();
  return r;
}

describe.each(DIALECTS)('demo load state on %s', (dialect) => {
  let cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const f of cleanup.reverse()) await f();
    cleanup = [];
  });
  const freshUrl = async () => {
    const { url, drop } = await freshDatabaseUrl(dialect);
    cleanup.push(drop);
    return url;
  };
  const open = async (url: string): Promise<{ ctx: Ctx; close: () => Promise<void> }> => {
    const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= dbh.close());
    cleanup.push(close);
    return { ctx, close };
  };
  const state = async (ctx: Ctx) => (await ctx.db.selectFrom('seed_state').select('state').where('name', '=', 'demo').executeTakeFirst())?.state;
  const count = async (ctx: Ctx, table: 'cases' | 'users') => Number((await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('a load stopped by its signal is recorded, emptied by the next start and then loaded in full', { timeout: 60_000 }, async () => {
    const url = await freshUrl();
    const first = await open(url);
    expect(await demoPlan(first.ctx)).toBe('load');
    const stop = new AbortController();
    const log = (s: string) => {
      if (s === 'demo organisation created') stop.abort();
    };
    await expect(loadDemo(first.ctx, { ...SMALL, log, signal: stop.signal })).rejects.toBeInstanceOf(DemoInterrupted);
    expect(await state(first.ctx)).toBe('interrupted');
    expect(await count(first.ctx, 'users')).toBeGreaterThan(0); // part of it is there
    // the part's old notifications are marked sent, so that no worker mails them
    const unsent = await first.ctx.db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute();
    expect(unsent).toEqual([]);
    expect(await demoPlan(first.ctx)).toBe('skip'); // not loaded over the top of the part
    await first.close();

    expect(await resetAt(url)).toEqual({ reset: true, found: 'interrupted' });
    const second = await open(url);
    expect(await isSeeded(second.ctx)).toBe(false);
    expect(await demoPlan(second.ctx)).toBe('load');
    await loadDemo(second.ctx, SMALL);
    expect(await state(second.ctx)).toBe('ready');
    expect(await count(second.ctx, 'cases')).toBe(SMALL.cases);
    expect(await demoPlan(second.ctx)).toBe('skip');
    expect(await demoProgress(second.ctx)).toBe('ready');
    expect(await resetAt(url)).toBeNull();
    expect(await count(second.ctx, 'cases')).toBe(SMALL.cases);
  });

  it('a loader that stopped answering counts as killed after a minute; a live one is left alone', async () => {
    const url = await freshUrl();
    const { ctx, close } = await open(url);
    const t = Date.now();
    expect(await claimDemo(ctx, t)).toBe(true);
    expect(await claimDemo(ctx, t)).toBe(false); // one loader at a time
    await seedBase({ ...ctx, clock: new ManualClock(t - 60_000) }, 'demo-password-1'); // the loader dates its rows in the past
    expect(await demoPlan(ctx)).toBe('busy');
    // what a second server waits on before it starts its workers
    expect(await demoProgress(ctx, t + DEMO_STALE_MS - 1000)).toBe('loading');
    expect(await demoProgress(ctx, t + DEMO_STALE_MS + 1000)).toBe('stale');
    expect(await resetAt(url, t + DEMO_STALE_MS - 1000)).toBeNull();
    expect(await count(ctx, 'users')).toBeGreaterThan(0);
    await close();
    expect(await resetAt(url, t + DEMO_STALE_MS + 1000)).toEqual({ reset: true, found: 'killed' });
    const again = await open(url);
    expect(await count(again.ctx, 'users')).toBe(0);
    expect(await demoPlan(again.ctx)).toBe('load');
  });

  it('a demo cut short is left as it is once the database was used, and a failed one always', async () => {
    const url = await freshUrl();
    const { ctx } = await open(url);
    const t = Date.now() - 1000;
    expect(await claimDemo(ctx, t)).toBe(true);
    await seedBase({ ...ctx, clock: new ManualClock(t - 60_000) }, 'demo-password-1');
    await finishDemo(ctx, 'interrupted');
    // someone used the part that was there: a case taken now
    await createCase(ctx, { channel: 'phone', contact: { name: '用户', phone: '13800000000' }, subject: '咨询', description: '演示数据加载时建的' }, systemActor('test'));
    const r = await resetAt(url);
    expect(r).toMatchObject({ reset: false, found: 'interrupted' });
    expect(r && !r.reset && r.why).toMatch(/used since \(cases were created\)/);
    expect(await count(ctx, 'cases')).toBe(1);

    const failedUrl = await freshUrl();
    const failed = await open(failedUrl);
    expect(await claimDemo(failed.ctx, t)).toBe(true);
    await seedBase({ ...failed.ctx, clock: new ManualClock(t - 60_000) }, 'demo-password-1');
    await finishDemo(failed.ctx, 'failed'); // it would fail again
    expect(await resetAt(failedUrl)).toMatchObject({ reset: false, found: 'failed' });
    expect(await count(failed.ctx, 'users')).toBeGreaterThan(0);
  });

  it('a killed load on a database used since is closed, so that the workers run', async () => {
    const url = await freshUrl();
    const { ctx } = await open(url);
    const t = Date.now() - 1000;
    expect(await claimDemo(ctx, t)).toBe(true);
    await seedBase({ ...ctx, clock: new ManualClock(t - 60_000) }, 'demo-password-1');
    // a notification of the history, and one of the case taken after the load began
    const old = await createCase({ ...ctx, clock: new ManualClock(t - 30_000) }, { channel: 'phone', contact: { name: '历史', email: 'old@example.com' }, subject: '历史', description: '演示历史' }, systemActor('test'));
    const fresh = await createCase(ctx, { channel: 'phone', contact: { name: '用户', email: 'new@example.com' }, subject: '咨询', description: '演示数据加载时建的' }, systemActor('test'));
    const later = Date.now() + DEMO_STALE_MS + 10_000;
    expect(await closeKilledDemo(ctx, Date.now() + 1000)).toBe(false); // the loader may still be alive
    expect(await resetAt(url, later)).toMatchObject({ reset: false, found: 'killed' });
    expect(await demoPlan(ctx)).toBe('busy'); // what kept every later start's workers off
    expect(await closeKilledDemo(ctx, later)).toBe(true);
    expect(await state(ctx)).toBe('interrupted');
    expect(await demoPlan(ctx)).toBe('skip');
    const unsent = await ctx.db.selectFrom('outbox').select('case_id').where('sent_at', 'is', null).execute();
    expect(unsent.map((r) => r.case_id)).not.toContain(old.case.id);
    expect(unsent.map((r) => r.case_id)).toContain(fresh.case.id);
    expect(await closeKilledDemo(ctx, later)).toBe(false);
  });

  it('a database with data of its own is never emptied', async () => {
    const url = await freshUrl();
    const { ctx } = await open(url);
    await seedBase(ctx, 'demo-password-1');
    expect(await resetAt(url, Date.now() + 10 * DEMO_STALE_MS)).toBeNull();
    expect(await demoPlan(ctx)).toBe('skip');
    expect(await count(ctx, 'users')).toBeGreaterThan(0);
  });
});
