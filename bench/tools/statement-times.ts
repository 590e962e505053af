import SqliteDatabase from 'better-sqlite3';

/** Time spent per SQL text (its first 110 characters, whitespace folded). */
export type StatementTimes = Map<string, { n: number; ms: number }>;

export function record(times: StatementTimes, sql: string, ms: number): void {
  const key = sql.slice(0, 110).replace(/\s+/g, ' ');
  const e = times.get(key) ?? { n: 0, ms: 0 };
  e.n++;
  e.ms += ms;
  times.set(key, e);
}

/** Times every better-sqlite3 statement this process runs while `on()` says so (a profiling aid, never in the product). */
export function timeSqliteStatements(times: StatementTimes, on: () => boolean = () => true): void {
  const probe = new SqliteDatabase(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  for (const name of ['run', 'all', 'get', 'iterate']) {
    const orig = proto[name]!;
    proto[name] = function (this: { source: string }, ...args: unknown[]) {
      if (!on()) return orig.apply(this, args);
      const t = performance.now();
      try {
        return orig.apply(this, args);
      } finally {
        record(times, this.source, performance.now() - t);
      }
    };
  }
}

/** The statements by time spent, most first: total time / `per` (e.g. per case), count, time each. */
export function report(times: StatementTimes, per: number, perLabel = 'case', top = 40): string[] {
  return [...times.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([k, e]) => `${((e.ms / per) * 1000).toFixed(1).padStart(8)} µs/${perLabel} ${String(e.n).padStart(7)}× ${((e.ms / e.n) * 1000).toFixed(1).padStart(8)} µs  ${k}`);
}
