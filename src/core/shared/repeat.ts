import { trace, tracing } from './trace.ts';

export interface Repeater {
  start(): void;
  /** Stops the loop and waits for the run in progress. */
  stop(): Promise<void>;
  /** Brings the next run forward to `ms` from now (from its end, during a run) when it would come later (new work has arrived). */
  soon(ms: number): void;
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
  /** when the timer fires (performance.now()) */
  let dueAt = 0;
  let inFlight: Promise<NextRun> | null = null;
  /** the nearest soon() asked for while a run was in progress, in ms from its end */
  let soonAfterRun: number | null = null;
  const schedule = (ms: number) => {
    dueAt = performance.now() + ms;
    timer = setTimeout(() => void tick(), ms);
  };
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
    const asked = soonAfterRun;
    soonAfterRun = null;
    const next = more === true ? 0 : typeof more === 'number' ? Math.max(0, more) : opts.everyMs;
    if (!stopped) schedule(asked === null ? next : Math.min(next, asked));
  };
  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(opts.firstMs ?? 0);
    },
    soon(ms) {
      if (stopped) return;
      // a run in progress may have decided its next already: the ask waits for its end
      if (!timer) {
        soonAfterRun = soonAfterRun === null ? ms : Math.min(soonAfterRun, ms);
        return;
      }
      if (dueAt <= performance.now() + ms) return;
      clearTimeout(timer);
      schedule(ms);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
  };
}
