import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';

/** Time spent per SQL text (its first 110 characters, whitespace folded), and its longest run. */
export type StatementTimes = Map<string, { n: number; ms: number; max: number }>;

export function record(times: StatementTimes, sql: string, ms: number): void {
  const key = sql.slice(0, 110).replace(/\s+/g, ' ');
  const e = times.get(key) ?? { n: 0, ms: 0, max: 0 };
  e.n++;
  e.ms += ms;
  e.max = Math.max(e.max, ms);
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

/**
 * Times every pg query while `on()` says so, from the call to its result (a statement waiting for
 * its connection's previous one counts that wait; within one transaction there is none).
 */
export function timePgStatements(times: StatementTimes, on: () => boolean = () => true): void {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const orig = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const r = orig.apply(this, args);
    if (on() && r instanceof Promise) {
      const t = performance.now();
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '?');
      r.then(() => record(times, text, performance.now() - t), () => undefined);
    }
    return r;
  };
}

/** The statements by time spent, most first: total time / `per` (e.g. per case), count, time each, longest. */
export function report(times: StatementTimes, per: number, perLabel = 'case', top = 40): string[] {
  return [...times.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([k, e]) => `${((e.ms / per) * 1000).toFixed(1).padStart(8)} µs/${perLabel} ${String(e.n).padStart(7)}× ${((e.ms / e.n) * 1000).toFixed(1).padStart(8)} µs  max ${e.max.toFixed(1).padStart(6)} ms  ${k}`);
}
