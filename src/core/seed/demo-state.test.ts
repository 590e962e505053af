import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabaseUrl } from '../../../test/helpers/db.ts';
import { openCtx } from '../bootstrap.ts';
import type { Ctx } from '../context.ts';
import { seedBase, isSeeded } from './base-seed.ts';
import { loadDemo } from './demo.ts';
import { claimDemo, DEMO_STALE_MS, DemoInterrupted, demoPlan, resetUnfinishedDemo } from './demo-state.ts';

const SMALL = { cases: 60, customers: 15 } as const;

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
    expect(await demoPlan(first.ctx)).toBe('skip'); // not loaded over the top of the part
    await first.close();

    expect(await resetUnfinishedDemo(url)).toBe('interrupted');
    const second = await open(url);
    expect(await isSeeded(second.ctx)).toBe(false);
    expect(await demoPlan(second.ctx)).toBe('load');
    await loadDemo(second.ctx, SMALL);
    expect(await state(second.ctx)).toBe('ready');
    expect(await count(second.ctx, 'cases')).toBe(SMALL.cases);
    expect(await demoPlan(second.ctx)).toBe('skip');
    expect(await resetUnfinishedDemo(url)).toBeNull();
    expect(await count(second.ctx, 'cases')).toBe(SMALL.cases);
  });

  it('a loader that stopped answering counts as killed after a minute; a live one is left alone', async () => {
    const url = await freshUrl();
    const { ctx, close } = await open(url);
    const t = Date.now();
    expect(await claimDemo(ctx, t)).toBe(true);
    expect(await claimDemo(ctx, t)).toBe(false); // one loader at a time
    await seedBase(ctx, 'demo-password-1');
    expect(await demoPlan(ctx)).toBe('busy');
    expect(await resetUnfinishedDemo(url, t + DEMO_STALE_MS - 1000)).toBeNull();
    expect(await count(ctx, 'users')).toBeGreaterThan(0);
    await close();
    expect(await resetUnfinishedDemo(url, t + DEMO_STALE_MS + 1000)).toBe('killed');
    const again = await open(url);
    expect(await count(again.ctx, 'users')).toBe(0);
    expect(await demoPlan(again.ctx)).toBe('load');
  });

  it('a database with data of its own is never emptied', async () => {
    const url = await freshUrl();
    const { ctx } = await open(url);
    await seedBase(ctx, 'demo-password-1');
    expect(await resetUnfinishedDemo(url, Date.now() + 10 * DEMO_STALE_MS)).toBeNull();
    expect(await demoPlan(ctx)).toBe('skip');
    expect(await count(ctx, 'users')).toBeGreaterThan(0);
  });
});
