/**
 * Counts the statements this process sends to the database and the time spent waiting on
 * them, at the driver (pg.Client#query, better-sqlite3 Statement#run/all/get/iterate), so it
 * sees everything: the query builder, raw fast paths, BEGIN/COMMIT/SAVEPOINT. Only counts while
 * enabled. Patches the drivers of this (benchmark) process only.
 */
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';

export interface Meter {
  enabled: boolean;
  statements: number;
  waitMs: number;
  /** of which COMMIT (and RELEASE of the outermost savepoint is not separated): the durable write */
  commitMs: number;
  reset(): void;
}

const isCommit = (text: unknown): boolean => typeof text === 'string' && /^\s*commit\b/i.test(text);

let installed: Meter | null = null;

export function driverMeter(): Meter {
  if (installed) return installed;
  const m: Meter = {
    enabled: false,
    statements: 0,
    waitMs: 0,
    commitMs: 0,
    reset() {
      this.statements = 0;
      this.waitMs = 0;
      this.commitMs = 0;
    },
  };
  const clientProto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const origQuery = clientProto.query;
  clientProto.query = function (this: unknown, ...args: unknown[]) {
    if (!m.enabled) return origQuery.apply(this, args);
    m.statements++;
    const a0 = args[0];
    const commit = isCommit(typeof a0 === 'object' && a0 !== null ? (a0 as { text?: unknown }).text : a0);
    const t = performance.now();
    const r = origQuery.apply(this, args);
    if (r && typeof (r as Promise<unknown>).finally === 'function')
      return (r as Promise<unknown>).finally(() => {
        const d = performance.now() - t;
        m.waitMs += d;
        if (commit) m.commitMs += d;
      });
    return r;
  };
  const probe = new SqliteDatabase(':memory:');
  const stmtProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  for (const name of ['run', 'all', 'get', 'iterate']) {
    const orig = stmtProto[name]!;
    stmtProto[name] = function (this: unknown, ...args: unknown[]) {
      if (!m.enabled) return orig.apply(this, args);
      m.statements++;
      const t = performance.now();
      try {
        return orig.apply(this, args);
      } finally {
        const d = performance.now() - t;
        m.waitMs += d;
        if (isCommit((this as { source?: string }).source)) m.commitMs += d;
      }
    };
  }
  installed = m;
  return m;
}
