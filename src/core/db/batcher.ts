import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { attachBuffer, bufferedTransaction, CommitBuffer } from './commit-buffer.ts';

type Work<T> = (trx: Kysely<Database>) => Promise<T>;
interface Job {
  fn: Work<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for intake. While one transaction is committing, new requests queue; the next
 * transaction takes them all (up to maxBatch); a request that fails rolls back alone (the batch
 * is retried with a savepoint per request) and the others commit together with one durable
 * commit. Nobody is
 * answered before the commit that holds their data. Under no load a batch is one request, so
 * latency is that of a plain transaction.
 *
 * Each request gets a CommitBuffer: what it appends joins the batch's buffer when its savepoint
 * is released (and is dropped with it when it rolls back); the batch writes all of it in
 * multi-row statements just before the one COMMIT.
 */
export class TransactionBatcher {
  private queue: Job[] = [];
  private running = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 64,
  ) {}

  run<T>(fn: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        // better-sqlite3 is synchronous: a transaction started now would run to COMMIT inside
        // this microtask drain, before the event loop reads the other requests that arrived
        // with this one, and every batch would be one request. setImmediate runs after the
        // poll phase, so the batch takes every request read in this turn of the loop.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) await this.runBatch(this.queue.splice(0, this.maxBatch));
    } finally {
      this.running = false;
    }
  }

  private async runBatch(batch: Job[]): Promise<void> {
    if (batch.length === 1) {
      const job = batch[0]!;
      try {
        job.resolve(await bufferedTransaction(this.db, job.fn));
      } catch (err) {
        job.reject(err);
      }
      return;
    }
    if (await this.runTogether(batch)) return;
    await this.runIsolated(batch);
  }

  /**
   * The common case, every request succeeds: all of them in one transaction without savepoints
   * (a savepoint and its release cost SQLite ~0.1 ms a request). If one fails, nothing of the
   * batch is kept and it runs again with a savepoint per request; requests are only answered
   * after the commit, so running one twice is invisible.
   */
  private async runTogether(batch: Job[]): Promise<boolean> {
    const values: unknown[] = [];
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
      const buffer = attachBuffer(trx);
      for (const job of batch) values.push(await job.fn(trx));
      await buffer.flush(trx);
    } catch {
      await trx?.rollback().execute().catch(() => undefined);
      return false;
    }
    try {
      await trx.commit().execute();
    } catch (err) {
      await trx.rollback().execute().catch(() => undefined);
      for (const job of batch) job.reject(err);
      return true;
    }
    batch.forEach((job, i) => job.resolve(values[i]));
    return true;
  }

  private async runIsolated(batch: Job[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
      const all = new CommitBuffer();
      for (let i = 0; i < batch.length; i++) {
        const name = `job${i}`;
        const sp = await trx.savepoint(name).execute();
        const mine = attachBuffer(sp);
        try {
          outcomes.push({ ok: true, value: await batch[i]!.fn(sp) });
          await sp.releaseSavepoint(name).execute();
          mine.mergeInto(all);
        } catch (error) {
          await sp.rollbackToSavepoint(name).execute();
          outcomes.push({ ok: false, error });
        }
      }
      await all.flush(trx);
      await trx.commit().execute();
    } catch (err) {
      await trx?.rollback().execute().catch(() => undefined);
      for (const job of batch) job.reject(err);
      return;
    }
    batch.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }
}
