/**
 * Preload for a server under load: every second, the event loop's delay (max, p99) and the time
 * spent in GC by kind, on stderr. NODE_OPTIONS="--import ./bench/tools/loop-delay-preload.mjs"
 * with SL_BENCH_SERVER_LOG=error keeps it in the bench's server log.
 */
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';
if (process.argv.some((a) => a.endsWith('main.ts')) ) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const gc = { minor: 0, major: 0, other: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = e.detail?.kind;
      const k = kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : kind === constants.NODE_PERFORMANCE_GC_MAJOR ? 'major' : 'other';
      gc[k] += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  const t0 = Date.now();
  setInterval(() => {
    const mem = process.memoryUsage();
    process.stderr.write(`[loop ${((Date.now() - t0) / 1000).toFixed(0)}s] delay max ${(h.max / 1e6).toFixed(1)} p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms; gc minor ${gc.minor.toFixed(0)} major ${gc.major.toFixed(0)} other ${gc.other.toFixed(0)} max ${gc.maxMs.toFixed(1)} ms; heap ${(mem.heapUsed / 1e6).toFixed(0)} MB rss ${(mem.rss / 1e6).toFixed(0)} MB\n`);
    h.reset();
    gc.minor = gc.major = gc.other = gc.maxMs = 0;
  }, 1000).unref();
}
