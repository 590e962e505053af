import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDb, T0, type TestDb } from '../../../../test/helpers/db.ts';
import { TransactionBatcher } from '../../db/batcher.ts';
import { bufferOf } from '../../db/commit-buffer.ts';
import { allocateCaseNumber, localDay } from './case-number.ts';

/**
 * Case numbers under group commit. A batch opened ahead (PostgreSQL, under a backlog) counts on
 * from the last number of the batch before it, which has not committed yet; when it writes, the
 * counter must still hold that number, or its requests take their numbers again.
 */
describe.each(DIALECTS)('case numbers of batches on %s', (dialect) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(dialect);
  });
  afterAll(async () => t?.close());

  const day = () => localDay(T0, t.ctx.config.timeZone);
  const counter = async () => Number((await t.ctx.db.selectFrom('case_number_counters').select('last').where('day', '=', day()).executeTakeFirst())?.last ?? 0);
  const numberOf = (n: string) => Number(n.slice(-4));

  /**
   * A batcher of 4 whose every write takes 200 ms more, long enough for the next batch to run
   * beside it even on a loaded machine (with 50 ms, two test runs side by side once saw the other
   * server's update reach the counter only after the second batch had written).
   */
  function batcher() {
    return new TransactionBatcher(t.ctx.db, { maxBatch: 4, openAhead: dialect === 'postgres' });
  }
  const slowWrite = (trx: Parameters<typeof bufferOf>[0]) => bufferOf(trx)!.work('slow', 50, () => ({ flush: () => new Promise<void>((r) => setTimeout(r, 200)) }));

  it('counts on across batches: unique and gap-free, the counter at the last', async () => {
    const b = batcher();
    const start = await counter();
    const numbers = await Promise.all(
      Array.from({ length: 12 }, () =>
        b.run(async (trx) => {
          slowWrite(trx);
          return allocateCaseNumber(trx, T0, t.ctx.config.timeZone);
        }),
      ),
    );
    expect(numbers.map(numberOf)).toEqual(Array.from({ length: 12 }, (_, i) => start + i + 1));
    expect(await counter()).toBe(start + 12);
  });

  it('counts a day on from the batch two before when the batch before did not count it', async () => {
    const b = batcher();
    const tz = t.ctx.config.timeZone;
    const backdated = T0 - 2 * 86_400_000; // a staff-logged intake of two days ago
    const countOf = async (at: number) => Number((await t.ctx.db.selectFrom('case_number_counters').select('last').where('day', '=', localDay(at, tz)).executeTakeFirst())?.last ?? 0);
    const [startOld, startToday] = [await countOf(backdated), await countOf(T0)];
    // batches of 4: the first and second count the old day, the third only today, the fourth the
    // old day again. The second is slow to confirm its numbers, so the fourth, opened ahead when
    // the second starts writing, counts while neither the second nor the third has committed.
    const numbers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        b.run(async (trx) => {
          if (i >= 4 && i < 8) bufferOf(trx)!.work('slow-confirm', 1, () => ({ flush: async () => undefined, confirm: () => new Promise<void>((r) => setTimeout(r, 100)) }));
          return allocateCaseNumber(trx, i >= 8 && i < 12 ? T0 : backdated, tz);
        }),
      ),
    );
    const old = numbers.filter((_, i) => i < 8 || i >= 12).map(numberOf);
    expect(old).toEqual(Array.from({ length: 12 }, (_, i) => startOld + i + 1));
    expect(numbers.slice(8, 12).map(numberOf)).toEqual([1, 2, 3, 4].map((k) => startToday + k));
    expect([await countOf(backdated), await countOf(T0)]).toEqual([startOld + 12, startToday + 4]);
  });

  // One SQLite connection holds one transaction: there is no second server's number to take in between.
  it.skipIf(dialect === 'sqlite')('takes its numbers again when another server took one while the batch before was writing', async () => {
    const b = batcher();
    const start = await counter();
    let otherServer: Promise<unknown> | undefined;
    const numbers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        b.run(async (trx) => {
          slowWrite(trx);
          const n = await allocateCaseNumber(trx, T0, t.ctx.config.timeZone);
          // request 4 runs in the second batch, during the first one's write: another server takes
          // the next number, waiting for the first batch's lock on the counter, so before the second batch writes
          // (once: the request runs again when its batch takes its numbers again)
          if (i === 4 && !otherServer)
            otherServer = sql`UPDATE case_number_counters SET last = last + 1 WHERE day = ${day()}`.execute(t.ctx.db);
          return n;
        }),
      ),
    );
    await otherServer;
    // the first batch's four, the other server's one, then the second batch's four after it
    expect(numbers.map(numberOf)).toEqual([1, 2, 3, 4, 6, 7, 8, 9].map((k) => start + k));
    expect(await counter()).toBe(start + 9);
  });
});
