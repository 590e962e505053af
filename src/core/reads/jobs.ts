import type { Ctx } from '../context.ts';
import { analyticsSummary, type SummaryQuery } from '../modules/analytics/summary.service.ts';

/**
 * The reads that may run on the read thread (read-thread.ts): long, read-only, and answered with
 * plain data. Each takes the context and one structured-cloneable argument.
 *
 * The thread loads this file and everything it imports. So import a job's own file, not its
 * module's index, and keep the job's files off other modules' indexes too. Through `cases/index.ts`
 * and `commitments/index.ts` the thread once loaded both modules whole: at 1M cases, after a few
 * dashboards, the server's RSS was 415 MB, and 320 MB once the imports went to the files
 * (2026-12-07; 245 MB without the thread, 271 MB with its smaller page cache).
 */
export const readJobs = {
  'analytics.summary': (ctx: Ctx, q: SummaryQuery) => analyticsSummary(ctx, q),
} as const;

type Jobs = typeof readJobs;
export type ReadJobName = keyof Jobs;
export type ReadJobArgs<K extends ReadJobName> = Parameters<Jobs[K]>[1];
export type ReadJobResult<K extends ReadJobName> = Awaited<ReturnType<Jobs[K]>>;

export const isReadJob = (name: string): name is ReadJobName => Object.hasOwn(readJobs, name);

/** Runs a job here, on `ctx`, with "now" fixed at `now` (the instant the request was read). */
export function runReadJob<K extends ReadJobName>(ctx: Ctx, job: K, args: ReadJobArgs<K>, now: number): Promise<ReadJobResult<K>> {
  const fn = readJobs[job] as (ctx: Ctx, args: ReadJobArgs<K>) => Promise<ReadJobResult<K>>;
  return fn({ ...ctx, clock: { now: () => now } }, args);
}
