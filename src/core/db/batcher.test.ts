import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDb, T0, type TestDb } from '../../../test/helpers/db.ts';
import { TransactionBatcher } from './batcher.ts';
import { appendRows, bufferOf, HandoverNoLongerHolds } from './commit-buffer.ts';

/**
 * The group-commit batcher on its own, on a real database. On PostgreSQL a full batch waiting
 * behind the one in flight begins, prepares and runs its requests on another connection while
 * that one writes, seeing what it handed over; it writes only after the commit before it, and a
 * batch that fails takes the one opened behind it back before it runs again alone.
 */
describe.each(DIALECTS)('transaction batcher on %s', (dialect) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(dialect);
  });
  afterAll(async () => t?.close());

  const outboxRow = (id: string) => ({ id, topic: 'test', payload: '{}', case_id: null, created_at: T0, available_at: T0, attempts: 0, sent_at: null, last_error: null, claimed_until: null, failed_at: null });

  /**
   * A batcher of 4 whose prepare and requests log themselves; request `i` appends outbox row
   * `<tag>-i` (twice when asked to fail at the write, a duplicate key found only then).
   */
  function harness(tag: string, failAtWrite: (i: number) => boolean = () => false, failPrepare: (hints: unknown[]) => boolean = () => false) {
    const log: string[] = [];
    const batcher = new TransactionBatcher(t.ctx.db, {
      maxBatch: 4,
      openAhead: dialect === 'postgres',
      prepare: async (trx, hints) => {
        log.push(`prepare ${String(hints[0])}`);
        await trx.selectFrom('outbox').select('id').limit(1).execute();
        if (failPrepare(hints)) throw new Error('prepare failed');
      },
    });
    const submit = (i: number, extra?: (trx: Parameters<typeof bufferOf>[0]) => void) =>
      batcher
        .run(async (trx) => {
          extra?.(trx);
          // what the batch before this one appended, handed over while it still writes
          log.push(`run ${i} after ${bufferOf(trx)!.rowsBefore('outbox').length}`);
          const id = `${tag}-${i}`;
          await appendRows(trx, 'outbox', failAtWrite(i) ? [outboxRow(id), outboxRow(id)] : [outboxRow(id)]);
          // rows of its own (PendingWrite.ownRows): written early by a batch opened ahead
          bufferOf(trx)!.work('own', 1, () => ({
            ownRows: true,
            flush: async () => {
              log.push(`rows ${i}`);
            },
          }));
          // every batch's write takes 200 ms more, long enough for the next two batches to open and
          // run beside it even on a loaded machine (with 50 ms, two test runs side by side once
          // saw the third batch prepared only after the first was answered)
          bufferOf(trx)!.work('slow', 50, () => ({
            flush: async () => {
              log.push(`write ${i}`);
              await new Promise<void>((r) => setTimeout(r, 200));
            },
          }));
          return i;
        }, i)
        .then((v) => {
          log.push(`answered ${i}`);
          return v;
        });
    const stored = async () => (await t.ctx.db.selectFrom('outbox').select('id').where('id', 'like', `${tag}-%`).execute()).map((r) => Number(r.id.slice(tag.length + 1))).sort((a, b) => a - b);
    return { log, submit, stored };
  }

  it('runs the next full batch while the one before writes, and writes it after that commit', async () => {
    const h = harness('ahead');
    const values = await Promise.all(Array.from({ length: 12 }, (_, i) => h.submit(i)));
    expect(values).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(await h.stored()).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const at = (prefix: string) => h.log.findIndex((l) => l.startsWith(prefix));
    for (const first of [0, 4, 8]) expect(h.log.filter((l) => l === `prepare ${first}`)).toHaveLength(1);
    // the second batch writes only after the first batch was answered (committed)
    expect(at('write 4')).toBeGreaterThan(at('answered 3'));
    if (dialect === 'postgres') {
      // ...but prepares and runs its requests during the first batch's write, seeing its four rows
      expect(at('prepare 4')).toBeGreaterThan(at('write 0'));
      expect(at('run 7')).toBeLessThan(at('answered 0'));
      expect(h.log).toContain('run 4 after 4');
      // ...and the third as soon as the second's requests are done, seeing the rows of both before it
      expect(at('prepare 8')).toBeLessThan(at('answered 0'));
      expect(h.log).toContain('run 8 after 8');
      // each writes its own rows before the batch before it commits, in order
      expect(at('rows 4')).toBeLessThan(at('answered 0'));
      expect(at('rows 8')).toBeGreaterThan(at('rows 4'));
      expect(at('rows 8')).toBeLessThan(at('answered 4'));
    } else {
      expect(at('prepare 4')).toBeGreaterThan(at('answered 3')); // one connection: one at a time
      expect(h.log).toContain('run 4 after 0');
    }
  });

  it('opens the next batch as soon as the queue fills during a write, with what that batch handed over', async () => {
    const h = harness('fills');
    const first = Array.from({ length: 4 }, (_, i) => h.submit(i));
    // the next four arrive while the first batch writes
    while (!h.log.includes('write 0')) await new Promise((r) => setTimeout(r, 1));
    const next = Array.from({ length: 4 }, (_, i) => h.submit(4 + i));
    expect(await Promise.all([...first, ...next])).toEqual(Array.from({ length: 8 }, (_, i) => i));
    const at = (prefix: string) => h.log.findIndex((l) => l.startsWith(prefix));
    expect(at('write 4')).toBeGreaterThan(at('answered 3'));
    if (dialect === 'postgres') {
      expect(at('run 7')).toBeLessThan(at('answered 0'));
      expect(h.log).toContain('run 4 after 4');
    } else expect(at('run 4')).toBeGreaterThan(at('answered 3'));
  });

  it('takes back the batch prepared behind one that fails at its write, and runs both again correctly', async () => {
    const h = harness('fail', (i) => i === 2); // a duplicate primary key, found only when the batch writes
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => h.submit(i)));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, (_, i) => (i === 2 ? 'rejected' : 'fulfilled')));
    expect(await h.stored()).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
    // on PostgreSQL the second batch was prepared and run during the first's failed write, then again after it
    expect(h.log.filter((l) => l === 'prepare 4')).toHaveLength(dialect === 'postgres' ? 2 : 1);
    expect(h.log.filter((l) => l.startsWith('run 4 '))).toHaveLength(dialect === 'postgres' ? 2 : 1);
    // the second time alone, after the first batch ran again one by one, and it wrote only then
    expect(h.log.lastIndexOf('run 4 after 0')).toBeGreaterThan(h.log.lastIndexOf('answered 3'));
    expect(h.log.filter((l) => l === 'write 4')).toHaveLength(1);
    // and no transaction was left open (the one opened ahead was rolled back, not forgotten)
    if (dialect === 'postgres') {
      const open = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`.execute(t.ctx.db);
      expect(open.rows[0]!.n).toBe(0);
    }
  });

  it('runs a batch opened ahead whose rows fail to write again as a fresh batch, then one by one', async () => {
    const h = harness('early', (i) => i === 6); // a duplicate key in the second batch's rows
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => h.submit(i)));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i === 6 ? 'rejected' : 'fulfilled')));
    expect(await h.stored()).toEqual([0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11]);
    // on PostgreSQL: prepared ahead, then again in line (where its write fails), then isolated
    expect(h.log.filter((l) => l === 'prepare 4')).toHaveLength(dialect === 'postgres' ? 2 : 1);
    expect(h.log.filter((l) => l === 'write 4')).toHaveLength(1);
    if (dialect === 'postgres') {
      const open = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`.execute(t.ctx.db);
      expect(open.rows[0]!.n).toBe(0);
    }
  });

  it('takes back the batch opened behind a one-request batch that fails, which it followed', async () => {
    const h = harness('single', (i) => i === 0);
    let more: Array<Promise<number>> = [];
    // four more arrive while the first request runs alone: they open ahead, following it
    const first = h.submit(0, () => {
      if (more.length === 0) more = [1, 2, 3, 4].map((i) => h.submit(i));
    });
    const failed = await first.then(() => 'fulfilled', () => 'rejected');
    const results = [{ status: failed }, ...(await Promise.allSettled(more))];
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await h.stored()).toEqual([1, 2, 3, 4]);
    // on PostgreSQL it ran once seeing the failed request's rows (appended twice: the duplicate key)
    if (dialect === 'postgres') expect(h.log).toContain('run 1 after 2');
    // ...and ran again, not seeing it, after the failure: what it followed was rolled back
    expect(h.log.filter((l) => l.startsWith('run 1 ')).at(-1)).toBe('run 1 after 0');
  });

  it('runs a batch again from the start, not one by one, when what it assumed from the batch before no longer holds', async () => {
    const h = harness('stale');
    let stale = true;
    const values = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i === 5
          ? // request 5's batch confirms, before it writes, something that no longer holds: once
            h.submit(i, (trx) =>
              bufferOf(trx)!.work('assumed', 1, () => ({
                flush: async () => undefined,
                confirm: async () => {
                  if (!stale) return;
                  stale = false;
                  throw new HandoverNoLongerHolds('moved');
                },
              })),
            )
          : h.submit(i),
      ),
    );
    expect(values).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(await h.stored()).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // prepared and run twice as a batch (isolation would not prepare again), written once
    expect(h.log.filter((l) => l === 'prepare 4')).toHaveLength(2);
    expect(h.log.filter((l) => l.startsWith('run 5 '))).toHaveLength(2);
    expect(h.log.filter((l) => l === 'write 4')).toHaveLength(1);
    expect(h.log.lastIndexOf('prepare 4')).toBeGreaterThan(h.log.indexOf('answered 3'));
  });

  it('runs what a request left for after the commit once it committed, before answering it, and never for a request rolled back', async () => {
    const h = harness('after', (i) => i === 2); // the first batch fails at its write and runs again one by one
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => h.submit(i, (trx) => bufferOf(trx)!.afterCommit(() => h.log.push(`committed ${i}`)))));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, (_, i) => (i === 2 ? 'rejected' : 'fulfilled')));
    for (let i = 0; i < 10; i++) {
      // on PostgreSQL requests 4-7 ran twice (opened ahead, taken back), requests 0-3 twice (together, then alone)
      expect(h.log.filter((l) => l === `committed ${i}`)).toHaveLength(i === 2 ? 0 : 1);
      if (i !== 2) expect(h.log.indexOf(`committed ${i}`)).toBeLessThan(h.log.indexOf(`answered ${i}`));
    }
    expect(h.log.filter((l) => l.startsWith('run 4 '))).toHaveLength(dialect === 'postgres' ? 2 : 1);
  });

  it('runs the requests of a batch whose prepare failed one by one, as for any failure', async () => {
    const h = harness('prep', () => false, (hints) => hints.includes(5));
    const values = await Promise.all(Array.from({ length: 12 }, (_, i) => h.submit(i)));
    expect(values).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(await h.stored()).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(h.log.filter((l) => l.startsWith('prepare 4'))).toHaveLength(1); // isolated: no prepare again
  });
});
