import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDueTimers } from '../../src/core/modules/commitments/index.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

const sh = (iso: string) => Date.parse(`${iso}+08:00`);

/**
 * A case change locks the case row, then its timers; the sweep must take them in the same order,
 * or the two deadlock. Here a change holds a case while the sweep runs: the sweep leaves that case
 * for the next pass instead of waiting on (or deadlocking with) it.
 */
describe('timer sweep beside a case change on postgres', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp('postgres', { useTokens: true });
  });
  afterAll(async () => t?.close());

  it('skips a case that is being changed and takes it on the next pass', async () => {
    const clock = t.clock as ManualClock;
    clock.set(sh('2026-11-23T09:00:00'));
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: `客户${n}`, phone: `1390000000${n}` }, subject: '咨询', description: '营业时间' });
      ids.push((r.json() as { id: string }).id);
    }
    clock.set(sh('2026-11-23T12:00:00')); // reception and first response of both are overdue
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const change = t.ctx.db.transaction().execute(async (trx) => {
      await trx.selectFrom('cases').select('id').where('id', '=', ids[0]!).forUpdate().execute();
      locked();
      await held;
    });
    await isLocked;
    // holding only the case row (a change about to lock its timers): the sweep must not wait on it
    const first = await Promise.race([
      sweepDueTimers(t.ctx),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the sweep waited on a case being changed')), 5000)),
    ]);
    expect(first.breaches).toBe(2); // the free case only
    release();
    await change;
    const second = await sweepDueTimers(t.ctx);
    expect(second.breaches).toBe(2);
    const breaches = await t.ctx.db.selectFrom('case_events').select('case_id').where('type', '=', 'sla_breach').execute();
    expect(breaches.filter((b) => b.case_id === ids[0])).toHaveLength(2);
    expect(breaches.filter((b) => b.case_id === ids[1])).toHaveLength(2);
  });
});
