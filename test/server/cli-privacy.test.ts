import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS, freshDatabaseUrl, T0 } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';


// `serviceloop privacy export|erase|retention`: thin over the privacy module (SPEC 10).
describe.each(DIALECTS)('serviceloop privacy on %s', (dialect) => {
  let url: string;
  let drop: () => Promise<void>;
  let old: string; // created at T0 (2026-11-23): past a 1-day limit by the real clock the CLI runs on
  let recent: string;
  const erasedAt = async (id: string) => {
    const { ctx, dbh } = await openCtx({ url, migrate: false, readThread: false });
    try {
      return (await ctx.db.selectFrom('customers').select('erased_at').where('id', '=', id).executeTakeFirstOrThrow()).erased_at;
    } finally {
      await dbh.close();
    }
  };

  beforeAll(async () => {
    ({ url, drop } = await freshDatabaseUrl(dialect));
    const { ctx, dbh } = await openCtx({ url, clock: new ManualClock(T0), config: { scryptCost: 1024 }, readThread: false });
    old = (await createCustomer(ctx, { name: '郑华', email: 'zheng.hua@example.com', phone: '13900112233' }, systemActor('test'))).id;
    ctx.clock = { now: () => Date.now() };
    recent = (await createCustomer(ctx, { name: '冯雪', email: 'feng.xue@example.com' }, systemActor('test'))).id;
    await dbh.close();
  });
  afterAll(async () => drop?.());

  it('exports a customer as JSON, and fails with the code and message for an unknown one', { timeout: 60_000 }, async () => {
    const r = await runCli(['privacy', 'export', '--customer', old, '--db', url]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ scope: 'staff', customer: { id: old, name: '郑华', email: 'zheng.hua@example.com', phone: '13900112233' }, cases: [], portalAccounts: [] });
    const none = await runCli(['privacy', 'export', '--customer', 'nobody', '--db', url]);
    expect(none.code).toBe(1);
    expect(none.err).toContain('customer_not_found');
    expect(none.err).not.toMatch(/^\s+at /m);
  });

  it('lists on --dry-run and erases with retention only the customers past the limit; a bad limit stops it', { timeout: 90_000 }, async () => {
    const bad = await runCli(['privacy', 'retention', '--dry-run', '--db', url], { SL_RETENTION_DAYS: 'three years' });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('SL_RETENTION_DAYS must be a whole number of days');
    const dry = await runCli(['privacy', 'retention', '--dry-run', '--db', url], { SL_RETENTION_DAYS: '1' });
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain(`would erase ${old}`);
    expect(dry.out).not.toContain(recent);
    expect(dry.out).toMatch(/dry run: 1 customer\(s\) past the retention limit \(1 days/);
    expect(await erasedAt(old)).toBeNull();
    const run = await runCli(['privacy', 'retention', '--db', url], { SL_RETENTION_DAYS: '1' });
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(`erased ${old}`);
    expect(run.out).toContain('1 customer(s) erased');
    expect(await erasedAt(old)).not.toBeNull();
    expect(await erasedAt(recent)).toBeNull();
  });

  it('erases a customer with a reason, and refuses a second time and a missing reason', { timeout: 60_000 }, async () => {
    const noReason = await runCli(['privacy', 'erase', '--customer', recent, '--reason', ' ', '--db', url]);
    expect(noReason.code).toBe(1);
    expect(noReason.err).toContain('--reason');
    const r = await runCli(['privacy', 'erase', '--customer', recent, '--reason', '客户书面申请删除', '--db', url]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`customer ${recent} erased`);
    expect(await erasedAt(recent)).not.toBeNull();
    const again = await runCli(['privacy', 'erase', '--customer', recent, '--reason', '再次', '--db', url]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already_erased');
  });
});
