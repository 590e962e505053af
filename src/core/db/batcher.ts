import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { attachBuffer } from './commit-buffer.ts';
import { trace, tracing } from '../shared/trace.ts';

type Trx = Kysely<Database>;
type Work<T> = (trx: Trx) => Promise<T>;
interface Job {
  fn: Work<unknown>;
  hint: unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface BatcherOptions {
  maxBatch?: number;
  /**
   * Runs first in a batch's transaction with the hints of its requests, to read for all of them
   * at once what each would read alone (the customers of their contacts), into the batch's
   * CommitBuffer memo. Not run when requests are retried one by one.
   */
  prepare?: (trx: Trx, hints: unknown[]) => Promise<void>;
}

/**
 * Group commit for intake. While one transaction is committing, new requests queue; the next
 * transaction takes them all (up to maxBatch) and commits them with one durable commit. Nobody
 * is answered before the commit that holds their data. Under no load a batch is one request, so
 * latency is that of a plain transaction.
 *
 * The requests of a batch share one CommitBuffer: what they append is written in multi-row
 * statements just before the COMMIT. If one fails, the batch is rolled back and run again with
 * each request in a savepoint and a buffer of its own, so a failing request takes nothing with
 * it and leaves nothing behind.
 */
export class TransactionBatcher {
  private queue: Job[] = [];
  private running = false;
  private readonly maxBatch: number;

  constructor(
    private readonly db: Trx,
    private readonly opts: BatcherOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 64;
  }

  run<T>(fn: Work<T>, hint?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, hint, resolve: resolve as (v: unknown) => void, reject });
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
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (!(await this.runTogether(batch))) await this.runIsolated(batch);
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * The common case, every request succeeds: all of them in one transaction without savepoints
   * (a savepoint and its release cost SQLite ~0.1 ms a request). Returns false, having rolled
   * everything back, if one failed; requests are only answered after the commit, so running
   * one twice is invisible.
   */
  private async runTogether(batch: Job[]): Promise<boolean> {
    const values: unknown[] = [];
    // phase ends for SL_TRACE_MS: begin, prepare, requests, writes, commit
    const at = tracing ? [performance.now()] : null;
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
      at?.push(performance.now());
      const buffer = attachBuffer(trx);
      await this.opts.prepare?.(trx, batch.map((j) => j.hint));
      at?.push(performance.now());
      for (const job of batch) values.push(await job.fn(trx));
      at?.push(performance.now());
      await buffer.flush(trx);
      at?.push(performance.now());
    } catch (err) {
      await trx?.rollback().execute().catch(() => undefined);
      if (batch.length === 1) {
        batch[0]!.reject(err); // nothing to isolate it from
        return true;
      }
      return false;
    }
    try {
      await trx.commit().execute();
    } catch (err) {
      await trx.rollback().execute().catch(() => undefined);
      for (const job of batch) job.reject(err);
      return true;
    }
    if (at) {
      const end = performance.now();
      const [t0, begun, prepared, ran, written] = at as [number, number, number, number, number];
      trace('batch', t0, end, { n: batch.length, begin: begun - t0, prepare: prepared - begun, requests: ran - prepared, writes: written - ran, commit: end - written });
    }
    batch.forEach((job, i) => job.resolve(values[i]));
    return true;
  }

  /** Each request in its own savepoint, its appended rows written before the savepoint is released. */
  private async runIsolated(batch: Job[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
      for (let i = 0; i < batch.length; i++) {
        const name = `job${i}`;
        const sp = await trx.savepoint(name).execute();
        const mine = attachBuffer(sp);
        try {
          const value = await batch[i]!.fn(sp);
          await mine.flush(sp);
          await sp.releaseSavepoint(name).execute();
          outcomes.push({ ok: true, value });
        } catch (error) {
          await sp.rollbackToSavepoint(name).execute();
          outcomes.push({ ok: false, error });
        }
      }
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
