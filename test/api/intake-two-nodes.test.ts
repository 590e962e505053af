import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { Db } from '../../src/core/db/create-db.ts';
import { verifyAuditChain } from '../../src/core/modules/audit/index.ts';
import { createCase, type NewCaseInput } from '../../src/core/modules/cases/index.ts';
import { seedBase } from '../../src/core/seed/base-seed.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS, freshDatabaseUrl, T0 } from '../helpers/db.ts';

/**
 * Two app nodes on one database take a flood of intakes at once, many from one new contact: each
 * node runs its own batches, and the two nodes' transactions meet on the day's counter row.
 */
describe.each(DIALECTS)('intake from two nodes at once on %s', (dialect) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  it('gives unique gap-free numbers, one customer per new contact and flags the repeats', async () => {
    const { url, drop } = await freshDatabaseUrl(dialect);
    cleanup.push(drop);
    const nodes: Array<{ ctx: Ctx; dbh: Db }> = [];
    for (let i = 0; i < 2; i++) {
      const n = await openCtx({ url, clock: new ManualClock(T0), config: { scryptCost: 1024, nodeId: `node-${i}` } });
      cleanup.push(() => n.dbh.close());
      nodes.push(n);
    }
    const seed = await seedBase(nodes[0]!.ctx, 'two-nodes-intake');
    // both pools connected, so that the nodes' first batches really run at the same moment
    await Promise.all(nodes.flatMap((n) => Array.from({ length: 8 }, () => sql`select 1`.execute(n.ctx.db))));
    const same = (i: number): NewCaseInput => ({
      channel: 'phone',
      type: 'complaint',
      teamId: seed.teams.frontline,
      contact: { name: '同一位客户', email: 'same@example.com' },
      subject: `投诉 ${i}`,
      description: '维修师傅没有按约定时间上门',
    });
    const other = (i: number): NewCaseInput => ({
      channel: 'web',
      contact: { name: `客户${i}`, email: `c${i}@example.com` },
      subject: `咨询 ${i}`,
      description: '请问保修期多长',
    });
    const inputs = Array.from({ length: 80 }, (_, i) => (i % 4 === 0 ? same(i) : other(i)));
    const results = await Promise.all(inputs.map((input, i) => createCase(nodes[(i >> 2) % 2]!.ctx, input, systemActor('test'))));

    const numbers = results.map((r) => Number(r.case.number.slice(-4))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    const db = nodes[0]!.ctx.db;
    const customers = await db.selectFrom('customers').select('id').where('email', '=', 'same@example.com').execute();
    expect(customers).toHaveLength(1);
    const complaints = await db.selectFrom('cases').select(['is_repeat', 'customer_id']).where('contact_email', '=', 'same@example.com').execute();
    expect(complaints).toHaveLength(20);
    expect(new Set(complaints.map((c) => c.customer_id))).toEqual(new Set([customers[0]!.id]));
    // the first of them to commit is the original, every later one a repeat of it
    expect(complaints.filter((c) => c.is_repeat === 0)).toHaveLength(1);
    // both nodes appended to one audit chain without forking it
    expect(await verifyAuditChain(nodes[0]!.ctx)).toMatchObject({ ok: true });
  });
});
