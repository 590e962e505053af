/**
 * What a SQLite WAL commit costs per page it writes, apart from the app: a table of 200,000 rows
 * with an index on a random key, then 300 transactions of `rows` random-key inserts each (so
 * about that many index leaves and the table's last leaf a commit), timing COMMIT alone, with
 * the process's user and system CPU, under synchronous NORMAL and FULL and with checkpoints off
 * (wal_autocheckpoint 0) and at SQLite's default (1,000 pages).
 *   node --import tsx bench/tools/wal-commit-cost.ts [rows=50] [dir=/tmp/wal-commit-cost]
 * (2026-12-06, Intel, 64 frames a commit: NORMAL without checkpoints 376 us, 5.9 us a frame, three
 * quarters of it user CPU; with a checkpoint every 1,000 pages 888 us; FULL 938 / 1,125 us.)
 */
import SqliteDatabase from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';

const rows = Number(process.argv[2] ?? 50);
const dir = process.argv[3] ?? '/tmp/wal-commit-cost';
const commits = 300;

for (const [sync, checkpoint] of [['NORMAL', 0], ['NORMAL', 1000], ['FULL', 0], ['FULL', 1000]] as const) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = new SqliteDatabase(`${dir}/c.db`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.pragma('cache_size = -65536');
  db.pragma(`wal_autocheckpoint = ${checkpoint}`);
  db.exec('create table t (id integer primary key, k text, v text); create index t_k on t (k)');
  const insert = db.prepare('insert into t (k, v) values (?, ?)');
  const pad = 'x'.repeat(200);
  const key = () => Math.random().toString(36);
  db.transaction(() => {
    for (let i = 0; i < 200_000; i++) insert.run(key(), pad);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const begin = db.prepare('begin');
  const commit = db.prepare('commit');
  const framesNow = () => (db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log;
  // with checkpoints off the WAL only grows, so its frame count is what the commits wrote
  const frames0 = checkpoint === 0 ? framesNow() : 0;
  let ms = 0;
  let user = 0;
  let system = 0;
  for (let c = 0; c < commits; c++) {
    begin.run();
    for (let i = 0; i < rows; i++) insert.run(key(), pad);
    const cpu = process.cpuUsage();
    const t = performance.now();
    commit.run();
    ms += performance.now() - t;
    const used = process.cpuUsage(cpu);
    user += used.user;
    system += used.system;
  }
  const perCommit = (ms / commits) * 1000;
  let line = `${sync.padEnd(6)} checkpoint ${String(checkpoint).padStart(4)}: COMMIT ${perCommit.toFixed(0)} us (user ${(user / commits).toFixed(0)}, system ${(system / commits).toFixed(0)} us)`;
  if (checkpoint === 0) {
    const frames = (framesNow() - frames0) / commits;
    line += `, ${frames.toFixed(1)} frames a commit, ${(perCommit / frames).toFixed(1)} us a frame (user ${(user / commits / frames).toFixed(1)}, system ${(system / commits / frames).toFixed(1)})`;
  }
  console.log(line);
  db.close();
}
rmSync(dir, { recursive: true, force: true });
