import type { ControlledTransaction, Kysely } from 'kysely';
import type { Database } from './database.ts';
import { attachBuffer, HandoverNoLongerHolds, type CommitBuffer, type Handover } from './commit-buffer.ts';
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
  /**
   * Whether the next batch may begin its transaction, run `prepare` and run its requests while
   * the one before is still writing (PostgreSQL: another connection of the pool). What its
   * requests must see of the batch before, which has not committed yet, is handed over in the
   * CommitBuffer (`follow`); it writes only after that batch has committed. Only a full batch is
   * opened so: below a backlog, waiting gathers more requests into one batch, which is cheaper.
   */
  openAhead?: boolean;
}

/** What a batch's requests gave: each one's value, or the first failure. */
type Ran = { values: unknown[] } | { error: unknown };

/** A batch whose transaction has begun and whose `prepare` has run, or failed to. */
type Opened = {
  batch: Job[];
  /** phase ends for SL_TRACE_MS: start, begun, prepared, then the requests' start and end */
  at: number[] | null;
  ahead: boolean;
  /** an opened-ahead batch's requests, run while the batch before writes */
  ran?: Promise<Ran>;
} & ({ trx: ControlledTransaction<Database>; buffer: CommitBuffer } | { failed: unknown; trx?: undefined });

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
 *
 * With openAhead (PostgreSQL), under a backlog the next full batch runs its requests while the
 * batch before it writes, and writes after that commit: one batch writes at a time, the next
 * one is ready behind it (see openAheadIfFull).
 */
export class TransactionBatcher {
  private queue: Job[] = [];
  private running = false;
  /** The batch opened ahead of the one in flight (openAhead), if any. */
  private ahead: Promise<Opened> | null = null;
  private readonly maxBatch: number;
  /**
   * What the batch writing now handed over, while it writes and commits: a queue that fills
   * meanwhile opens the next batch ahead with it. Taken before the write, which empties the buffer.
   */
  private writing: Handover | null = null;

  constructor(
    private readonly db: Trx,
    private readonly opts: BatcherOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 64;
  }

  run<T>(fn: Work<T>, hint?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, hint, resolve: resolve as (v: unknown) => void, reject });
      if (this.writing) this.openAheadIfFull(this.writing);
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
      while (this.queue.length || this.ahead) {
        const next = this.ahead ?? this.open(this.queue.splice(0, this.maxBatch), false);
        this.ahead = null;
        const opened = await next;
        if (await this.runTogether(opened)) continue;
        // A failed batch runs again alone, one savepoint per request; the batch opened behind it
        // gives its transaction (and its contact locks) back and is opened again afterwards.
        await this.cancelAhead();
        await this.runIsolated(opened.batch);
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Begins a transaction and runs `prepare` for a batch. Never rejects: a failure is kept in
   * `failed` for runTogether, which isolates the batch as for any other failure.
   */
  private async open(batch: Job[], ahead: boolean): Promise<Opened> {
    const at = tracing ? [performance.now()] : null;
    let trx: ControlledTransaction<Database> | undefined;
    try {
      trx = await this.db.startTransaction().execute();
      at?.push(performance.now());
      const buffer = attachBuffer(trx);
      await this.opts.prepare?.(trx, batch.map((j) => j.hint));
      at?.push(performance.now());
      return { batch, trx, buffer, at, ahead };
    } catch (failed) {
      await trx?.rollback().execute().catch(() => undefined);
      return { batch, failed, at, ahead };
    }
  }

  /**
   * While a batch writes and commits, a full batch waiting behind it begins, prepares (its
   * contact locks and customers) and runs its requests on another connection. They count their
   * case numbers on from the batch before and see its complaints through what it handed over;
   * a contact in both batches makes the later one's prepare wait for the earlier one's commit
   * (which never waits for it: no deadlock), so its customers are read committed. It writes
   * only after the batch before has committed (drain runs one batch's write at a time).
   */
  private openAheadIfFull(handed: Handover): void {
    if (!this.opts.openAhead || this.ahead || this.queue.length < this.maxBatch) return;
    this.ahead = this.open(this.queue.splice(0, this.maxBatch), true).then((opened) => {
      if ('failed' in opened) return opened;
      opened.buffer.follow(handed);
      return { ...opened, ran: this.runRequests(opened.batch, opened.trx, opened.at) };
    });
  }

  /** Takes back the batch opened ahead: once its requests are done, rolls it back and queues them first again. */
  private async cancelAhead(): Promise<void> {
    if (!this.ahead) return;
    const opened = await this.ahead;
    this.ahead = null;
    await opened.ran;
    await opened.trx?.rollback().execute().catch(() => undefined);
    this.queue.unshift(...opened.batch);
  }

  /** Runs a batch's requests in order in its transaction; never rejects. */
  private async runRequests(batch: Job[], trx: Trx, at: number[] | null): Promise<Ran> {
    at?.push(performance.now());
    const values: unknown[] = [];
    try {
      for (const job of batch) values.push(await job.fn(trx));
    } catch (error) {
      return { error };
    } finally {
      at?.push(performance.now());
    }
    return { values };
  }

  /**
   * The common case, every request succeeds: all of them in one transaction without savepoints
   * (a savepoint and its release cost SQLite ~0.1 ms a request). Returns false, having rolled
   * everything back, if one failed; requests are only answered after the commit, so running
   * one twice is invisible.
   */
  private async runTogether(opened: Opened): Promise<boolean> {
    const { batch, at } = opened;
    const failed = (err: unknown) => {
      if (batch.length > 1) return false;
      batch[0]!.reject(err); // nothing to isolate it from
      return true;
    };
    if ('failed' in opened) return failed(opened.failed); // open() rolled it back
    const { trx, buffer } = opened;
    const ran = await (opened.ran ?? this.runRequests(batch, trx, at));
    const writeStart = performance.now();
    try {
      if ('error' in ran) throw ran.error;
      if (this.opts.openAhead) {
        this.writing = buffer.handOver();
        this.openAheadIfFull(this.writing);
      }
      await buffer.flush(trx);
    } catch (err) {
      this.writing = null;
      await trx.rollback().execute().catch(() => undefined);
      if (err instanceof HandoverNoLongerHolds) {
        // nobody's request failed: the batch (and the one opened behind it) runs again as a fresh
        // batch, which assumes nothing (a second server's batch took the counter in between)
        await this.cancelAhead();
        this.queue.unshift(...batch);
        return true;
      }
      return failed(err);
    }
    const written = performance.now();
    try {
      await trx.commit().execute();
      this.writing = null;
    } catch (err) {
      this.writing = null;
      await trx.rollback().execute().catch(() => undefined);
      // the batch opened behind this one counted on its case numbers
      await this.cancelAhead();
      for (const job of batch) job.reject(err);
      return true;
    }
    if (at) {
      const end = performance.now();
      const [t0, begun, prepared, started, done] = at as [number, number, number, number, number];
      trace('batch', t0, end, {
        n: batch.length,
        begin: begun - t0,
        prepare: prepared - begun,
        requests: done - started,
        // an opened-ahead batch waits for the batch before to commit, then writes
        ...(opened.ahead ? { ahead: 1, wait: writeStart - done } : {}),
        writes: written - writeStart,
        commit: end - written,
      });
    }
    const { values } = ran;
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
