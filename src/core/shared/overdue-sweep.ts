import type { Kysely } from 'kysely';
import type { Ctx } from '../context.ts';
import type { Database } from '../db/database.ts';
import { repeat } from './repeat.ts';

/** One batch of a sweep, in its own transaction: how many items it marked (fewer than batchSize: the last). */
export type SweepBatch = (ctx: Ctx, trx: Kysely<Database>, batchSize: number) => Promise<number>;

export interface OverdueSweepResult {
  /** Items marked overdue by this sweep. */
  marked: number;
}

/**
 * Marks every item past due, a batch a transaction and a turn of the event loop between batches:
 * the loop the overdue sweeps share (consultations, follow-ups, CAPA actions). Each batch claims
 * its rows itself, exactly once across app nodes (see each module's sweepBatch).
 */
export async function sweepInBatches(ctx: Ctx, batch: SweepBatch, opts: { batchSize?: number; maxBatches?: number } = {}): Promise<OverdueSweepResult> {
  const batchSize = Math.max(1, opts.batchSize ?? 200);
  let marked = 0;
  for (let i = 0; i < (opts.maxBatches ?? 100); i++) {
    const n = await ctx.db.transaction().execute((trx) => batch(ctx, trx, batchSize));
    marked += n;
    if (n < batchSize) break;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { marked };
}

export interface OverdueWorker {
  start(): void;
  /** Stops the loop and waits for a sweep in progress. */
  stop(): Promise<void>;
  runOnce(): Promise<OverdueSweepResult>;
}

/** A server's overdue sweep (main.ts): `runOnce` every `everyMs`, on every app node. */
export function overdueWorker(name: string, runOnce: () => Promise<OverdueSweepResult>, opts: { everyMs: number; onError?: ((err: unknown) => void) | undefined }): OverdueWorker {
  const loop = repeat(async () => void (await runOnce()), { everyMs: opts.everyMs, name, ...(opts.onError ? { onError: opts.onError } : {}) });
  return { runOnce, start: () => loop.start(), stop: () => loop.stop() };
}
