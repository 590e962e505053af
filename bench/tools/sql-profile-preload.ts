/**
 * Preload for a server under load: time spent in better-sqlite3 per SQL text, printed to stderr
 * (and the counts reset) on SIGUSR2.
 *   node --import tsx --import ./bench/tools/sql-profile-preload.ts src/cli/main.ts serve ...
 */
import { report, timeSqliteStatements, type StatementTimes } from './statement-times.ts';

const times: StatementTimes = new Map();
timeSqliteStatements(times);
process.on('SIGUSR2', () => {
  const total = [...times.values()].reduce((s, e) => s + e.ms, 0);
  process.stderr.write(`sql total ${total.toFixed(0)} ms\n${report(times, 1, 'run').join('\n')}\n`);
  times.clear();
});
