export interface Repeater {
  start(): void;
  /** Stops the loop and waits for the run in progress. */
  stop(): Promise<void>;
}

/**
 * The background workers' loop: runs `run` over and over, one run at a time, until stop(). The
 * first run comes `firstMs` after start(), each next one `everyMs` after the last ended, or at
 * once when `run` returned true (more work is waiting). A run that throws goes to onError and
 * the loop goes on.
 */
export function repeat(run: () => Promise<boolean | void>, opts: { everyMs: number; firstMs?: number; onError?: (err: unknown) => void }): Repeater {
  let stopped = true;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<boolean | void> | null = null;
  const tick = async () => {
    timer = null;
    if (stopped) return;
    inFlight = run().catch((err: unknown) => {
      opts.onError?.(err);
      return false;
    });
    const more = await inFlight;
    inFlight = null;
    if (!stopped) timer = setTimeout(() => void tick(), more ? 0 : opts.everyMs);
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
