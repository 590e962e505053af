import type { ControlledTransaction, Kysely } from 'kysely';
import type { Database } from './database.ts';
import { attachBuffer, HandoverNoLongerHolds, type CommitBuffer, type Handover } from './commit-buffer.ts';
import { settleAccepts } from '../shared/new-connections.ts';
import { trace, tracing } from '../shared/trace.ts';
import { waitsAgain } from './transient-errors.ts';

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

/**
 * A batch in flight, for the batch opened ahead behind it: what it handed over once its requests
 * were done (null until then, or when they failed), and when its rows were written.
 */
interface Link {
  handover: Handover | null;
  rowsWritten: Promise<void>;
  /** resolved once it has committed or given up (rolled back) */
  settled: Promise<void>;
  settle: () => void;
  /** the same of the batch before it: the batch after this one may have to wait for both */
  settledBefore: Promise<void> | undefined;
}

const newLink = (handover: Handover | null, rowsWritten: Promise<void>, before?: Link): Link => {
  const s = deferred();
  return { handover, rowsWritten, settled: s.promise, settle: s.resolve, settledBefore: before?.settled };
};

/** A batch whose transaction has begun and whose `prepare` has run, or failed to. */
type Opened = {
  batch: Job[];
  /** phase ends for SL_TRACE_MS: start, begun, prepared, the requests' start and end, then an ahead batch's rows' start and end */
  at: number[] | null;
  ahead: boolean;
  /** an opened-ahead batch's requests and rows, run while the batches before it write */
  ran?: Promise<Ran>;
  link?: Link;
} & ({ trx: ControlledTransaction<Database>; buffer: CommitBuffer } | { failed: unknown; trx?: undefined });
type Live = Extract<Opened, { buffer: CommitBuffer }>;

/** An opened-ahead batch's rows failed to write: the batch runs again from the start, in line. */
class RowsNotWritten extends HandoverNoLongerHolds {
  constructor(cause: unknown) {
    super(`the rows of a batch opened ahead were not written: ${String((cause as Error)?.message ?? cause)}`, { cause });
  }
}

/**
 * Batches opened ahead at most. Two keep both cores busy: one runs its requests (node) while the
 * one before writes its rows and the one before that its counters, rollups, audit and COMMIT.
 */
const MAX_AHEAD = 2;

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

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
 * With openAhead (PostgreSQL), under a backlog the next full batch opens as soon as the requests
 * of the batch before it are done, runs its requests while that one writes, then writes its own
 * appended rows (cases, events, timers, search entries: rows no other batch locks) while the
 * batches before it finish; its counters, rollups, audit chain and COMMIT come after the commit
 * before it. Batches commit in order; a batch never waits for the database on a later one (see
 * openAheadIfFull).
 */
export class TransactionBatcher {
  private queue: Job[] = [];
  private running = false;
  /** Batches opened ahead of the one in flight (openAhead), in order. */
  private aheads: Array<Promise<Opened>> = [];
  private readonly maxBatch: number;
  /** The last batch in flight: the next batch opened ahead follows it. Null when none is. */
  private last: Link | null = null;

  constructor(
    private readonly db: Trx,
    private readonly opts: BatcherOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 64;
  }

  run<T>(fn: Work<T>, hint?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, hint, resolve: resolve as (v: unknown) => void, reject });
      this.openAheadIfFull();
      if (!this.running) {
        this.running = true;
        // better-sqlite3 is synchronous: a transaction started now would run to COMMIT inside
        // this microtask drain, before the event loop reads the other requests that arrived
        // with this one, and every batch would be one request. setImmediate runs after the
        // poll phase, so the batch takes every request read in this turn of the loop; and while
        // the turn accepted a new connection, the loop turns again first (libuv accepts one a
        // turn), so a burst of new clients joins this batch instead of one batch each.
        settleAccepts(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length || this.aheads.length) {
        const next = this.aheads.shift() ?? this.open(this.queue.splice(0, this.maxBatch));
        // a place ahead is free again
        this.openAheadIfFull();
        const opened = await next;
        if (await this.runTogether(opened)) continue;
        // A failed batch runs again alone, one savepoint per request; the batches opened behind
        // it give their transactions (and contact locks) back and are opened again afterwards.
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
  private async open(batch: Job[], follows?: Handover): Promise<Opened> {
    const at = tracing ? [performance.now()] : null;
    const ahead = follows !== undefined;
    let trx: ControlledTransaction<Database> | undefined;
    try {
      trx = await this.db.startTransaction().execute();
      at?.push(performance.now());
      const buffer = attachBuffer(trx);
      // before prepare, which takes the contacts the batches before decided from them
      if (follows) buffer.follow(follows);
      await this.opts.prepare?.(trx, batch.map((j) => j.hint));
      at?.push(performance.now());
      return { batch, trx, buffer, at, ahead };
    } catch (failed) {
      await trx?.rollback().execute().catch(() => undefined);
      return { batch, failed, at, ahead };
    }
  }

  /**
   * When the requests of the last batch in flight are done and a full batch waits, that batch
   * begins, prepares (its contact locks and customers) and runs its requests on another
   * connection. Through what the batches before it (at most two uncommitted) handed over, they
   * count their case numbers on from the batch before, see those batches' complaints, and take
   * the customers they found or created for a contact (`prepare` locks only the other
   * contacts; a lock an earlier batch holds makes it wait for that batch's commit). Then it
   * writes its appended rows, once the batch before has written its own (and, when they refer
   * to rows of the batches before, which a foreign key sees only committed, once those have
   * committed), and the rest after that batch's commit (drain runs one batch's flush and COMMIT
   * at a time).
   *
   * What an earlier batch still writes (its rows, counters, rollups, audit chain) never waits
   * for a lock a later one holds: a later batch's contact locks and rows are nothing an earlier
   * batch touches, and every row a later batch could wait on (a complaint's earlier case, a
   * customer created before it, a key inserted first) belongs to an earlier batch.
   */
  private openAheadIfFull(): void {
    const before = this.last;
    if (!this.opts.openAhead || !before?.handover || this.aheads.length >= MAX_AHEAD || this.queue.length < this.maxBatch) return;
    const handed = before.handover;
    const written = deferred();
    const link = newLink(null, written.promise, before);
    this.last = link;
    const opening = this.open(this.queue.splice(0, this.maxBatch), handed).then((opened): Opened => {
      if ('failed' in opened) {
        written.resolve();
        return { ...opened, link };
      }
      const ran = this.runAhead(opened, link, before).finally(written.resolve);
      return { ...opened, link, ran };
    });
    this.aheads.push(opening);
  }

  /**
   * An opened-ahead batch's requests, then its rows once the batch before has written its own,
   * or, when they refer to rows of the batches before (which a foreign key sees only committed),
   * once those have committed.
   */
  private async runAhead(opened: Live, link: Link, before: Link): Promise<Ran> {
    const ran = await this.runRequests(opened.batch, opened.trx, opened.at);
    if ('error' in ran) return ran;
    link.handover = opened.buffer.handOver();
    if (this.last === link) this.openAheadIfFull();
    await before.rowsWritten;
    if (opened.buffer.refersToRowsBefore()) await Promise.all([before.settled, before.settledBefore]);
    opened.at?.push(performance.now());
    try {
      await opened.buffer.writeRows(opened.trx);
    } catch (error) {
      // give its locks back at once: the batch runs again from the start when its turn comes
      await opened.trx.rollback().execute().catch(() => undefined);
      return { error: new RowsNotWritten(error) };
    } finally {
      opened.at?.push(performance.now());
    }
    return ran;
  }

  /**
   * Takes back the batches opened ahead, first to last (a later one may wait for an earlier
   * one's locks): once each one's requests are done, rolls it back; queues them first again.
   */
  private async cancelAhead(): Promise<void> {
    const aheads = this.aheads.splice(0);
    this.last = null;
    const batches: Job[][] = [];
    for (const p of aheads) {
      const opened = await p;
      await opened.ran;
      await opened.trx?.rollback().execute().catch(() => undefined);
      opened.link?.settle();
      batches.push(opened.batch);
    }
    this.queue.unshift(...batches.flat());
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
    const failed = async (err: unknown) => {
      // a lock held too long or a lost connection is nobody's request: run alone, each one would
      // wait out the same lock in turn
      if (batch.length > 1 && !waitsAgain(err)) return false;
      // nothing to isolate it from; the batches opened behind it followed what it handed over
      await this.cancelAhead();
      for (const job of batch) job.reject(err);
      return true;
    };
    const done = () => {
      opened.link?.settle();
      if (this.last === opened.link) this.last = null;
    };
    if ('failed' in opened) {
      done();
      return failed(opened.failed); // open() rolled it back
    }
    const { trx, buffer } = opened;
    if (!opened.ahead) this.last = null; // nothing is in flight before a batch opened in line
    const ran = await (opened.ran ?? this.runRequests(batch, trx, at));
    const writeStart = performance.now();
    const written = deferred();
    try {
      if ('error' in ran) throw ran.error;
      if (this.opts.openAhead && !opened.ahead) {
        // take the handover before the write, which empties the buffer
        this.last = opened.link = newLink(buffer.handOver(), written.promise);
        this.openAheadIfFull();
        // a batch opened behind this one writes its rows once this one's are written (by flush
        // below, when none is opened yet: one opened during it waits for all of it)
        if (this.aheads.length) {
          await buffer.writeRows(trx);
          written.resolve();
        }
      }
      await buffer.flush(trx);
      written.resolve();
    } catch (err) {
      // before cancelAhead: the batch behind waits for this one's rows before it is done
      written.resolve();
      await trx.rollback().execute().catch(() => undefined);
      done();
      if (err instanceof HandoverNoLongerHolds) {
        // nobody's request failed: the batch (and those opened behind it) runs again as a fresh
        // batch, which assumes nothing (a second server's batch took the counter in between)
        await this.cancelAhead();
        this.queue.unshift(...batch);
        return true;
      }
      return failed(err);
    }
    const flushed = performance.now();
    try {
      await trx.commit().execute();
      done();
    } catch (err) {
      await trx.rollback().execute().catch(() => undefined);
      done();
      // the batches opened behind this one counted on its case numbers
      await this.cancelAhead();
      for (const job of batch) job.reject(err);
      return true;
    }
    if (at) {
      const end = performance.now();
      const [t0, begun, prepared, started, requested, rowsFrom, rowsDone] = at as [number, number, number, number, number, number?, number?];
      trace('batch', t0, end, {
        n: batch.length,
        begin: begun - t0,
        prepare: prepared - begun,
        requests: requested - started,
        // an opened-ahead batch writes its rows, waits for the batch before to commit, then writes the rest
        ...(opened.ahead && rowsFrom !== undefined && rowsDone !== undefined
          ? { ahead: 1, rowsWait: rowsFrom - requested, rows: rowsDone - rowsFrom, wait: writeStart - rowsDone }
          : {}),
        writes: flushed - writeStart,
        commit: end - flushed,
      });
    }
    buffer.committed();
    const { values } = ran;
    batch.forEach((job, i) => job.resolve(values[i]));
    return true;
  }

  /** Each request in its own savepoint, its appended rows written before the savepoint is released. */
  private async runIsolated(batch: Job[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    /** the buffers of the requests whose savepoints were released */
    const kept: CommitBuffer[] = [];
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
          kept.push(mine);
        } catch (error) {
          await sp.rollbackToSavepoint(name).execute();
          outcomes.push({ ok: false, error });
          if (waitsAgain(error)) {
            // the requests after it would meet the same lock or lost connection: not tried
            for (let j = i + 1; j < batch.length; j++) outcomes.push({ ok: false, error });
            break;
          }
        }
      }
      await trx.commit().execute();
    } catch (err) {
      await trx?.rollback().execute().catch(() => undefined);
      for (const job of batch) job.reject(err);
      return;
    }
    for (const b of kept) b.committed();
    batch.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  }
}
