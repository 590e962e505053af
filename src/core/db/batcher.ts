import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

type Work<T> = (trx: Kysely<Database>) => Promise<T>;
interface Job {
  fn: Work<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for intake. While one transaction is committing, new requests queue; the next
 * transaction takes them all (up to maxBatch), each inside its own savepoint, so a request that
 * fails rolls back alone and the others commit together with one durable commit. Nobody is
 * answered before the commit that holds their data. Under no load a batch is one request, so
 * latency is that of a plain transaction.
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
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
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
        job.resolve(await this.db.transaction().execute(job.fn));
      } catch (err) {
        job.reject(err);
      }
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    let trx;
    try {
      trx = await this.db.startTransaction().execute();
      for (let i = 0; i < batch.length; i++) {
        const name = `job${i}`;
        const sp = await trx.savepoint(name).execute();
        try {
          outcomes.push({ ok: true, value: await batch[i]!.fn(sp) });
          await sp.releaseSavepoint(name).execute();
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
