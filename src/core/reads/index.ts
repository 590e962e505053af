import type { Ctx } from '../context.ts';
import { runReadJob, type ReadJobArgs, type ReadJobName, type ReadJobResult } from './jobs.ts';

export { runReadJob, type ReadJobName, type ReadJobArgs, type ReadJobResult } from './jobs.ts';
export { ReadThread } from './read-thread.ts';

/**
 * A long read (a dashboard): on the read thread when the context has one, so that it does not hold
 * the event loop that takes intake; here otherwise. Both see committed data only.
 */
export function runRead<K extends ReadJobName>(ctx: Ctx, job: K, args: ReadJobArgs<K>): Promise<ReadJobResult<K>> {
  const now = ctx.clock.now();
  return ctx.reads ? (ctx.reads.run(job, args, now) as Promise<ReadJobResult<K>>) : runReadJob(ctx, job, args, now);
}
