import { trace, tracing } from './trace.ts';

export interface Repeater {
  start(): void;
  /** Stops the loop and waits for the run in progress. */
  stop(): Promise<void>;
}

/**
 * What a run says about the next: true, at once (more work is waiting); a number, after that many
 * ms; false or nothing, after everyMs.
 */
export type NextRun = boolean | number | void;

/**
 * The background workers' loop: runs `run` over and over, one run at a time, until stop(). The
 * first run comes `firstMs` after start(), each next one when the last run said (NextRun), or
 * `everyMs` after it. A run that throws goes to onError and the loop goes on after everyMs.
 */
export function repeat(run: () => Promise<NextRun>, opts: { everyMs: number; firstMs?: number; onError?: (err: unknown) => void; name?: string }): Repeater {
  let stopped = true;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<NextRun> | null = null;
  const tick = async () => {
    timer = null;
    if (stopped) return;
    const started = tracing ? performance.now() : 0;
    inFlight = run().catch((err: unknown) => {
      opts.onError?.(err);
      return false;
    });
    const more = await inFlight;
    if (tracing) trace(`worker:${opts.name ?? 'unnamed'}`, started, performance.now());
    inFlight = null;
    if (!stopped) timer = setTimeout(() => void tick(), more === true ? 0 : typeof more === 'number' ? Math.max(0, more) : opts.everyMs);
  };
  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(() => void tick(), opts.firstMs ?? 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
  };
}
