/**
 * Preload for a server under load: time spent in better-sqlite3 per SQL text, printed to stderr
 * on SIGUSR2 (and at exit). `node --import tsx --import ./bench/tools/sql-profile-preload.ts src/cli/main.ts serve ...`
 */
import SqliteDatabase from 'better-sqlite3';

const bySql = new Map<string, { n: number; ms: number }>();
const probe = new SqliteDatabase(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
probe.close();
for (const name of ['run', 'all', 'get', 'iterate']) {
  const orig = proto[name]!;
  proto[name] = function (this: { source: string }, ...args: unknown[]) {
    const t = performance.now();
    try {
      return orig.apply(this, args);
    } finally {
      const d = performance.now() - t;
      const key = this.source.slice(0, 100).replace(/\s+/g, ' ');
      const e = bySql.get(key) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += d;
      bySql.set(key, e);
    }
  };
}
const dump = () => {
  const rows = [...bySql.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, e]) => s + e.ms, 0);
  process.stderr.write(`sql total ${total.toFixed(0)} ms\n`);
  for (const [k, e] of rows.slice(0, 40)) process.stderr.write(`${e.ms.toFixed(0).padStart(7)} ms ${String(e.n).padStart(7)}× ${(e.ms / e.n * 1000).toFixed(1).padStart(8)} µs  ${k}\n`);
  bySql.clear();
};
process.on('SIGUSR2', dump);
