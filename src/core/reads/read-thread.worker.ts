import { parentPort, workerData } from 'node:worker_threads';
import { createDb, type Db } from '../db/create-db.ts';
import type { Ctx } from '../context.ts';
import { isReadJob, runReadJob } from './jobs.ts';
import { wireError, type ReadReply, type ReadRequest, type WorkerInit } from './read-wire.ts';

// The read thread (read-thread.ts): its own read-only connection, the jobs of reads/jobs.ts.
const init = workerData as WorkerInit;
const port = parentPort!;
const reply = (m: ReadReply) => port.postMessage(m);
let dbh: Db;
try {
  // a smaller page cache than the server's 64 MB: the dashboards' pages are in the OS's cache
  // anyway, and at 1M cases the thread then adds ~25 MB to the server's RSS instead of ~75 MB
  dbh = createDb({ url: init.url, readonly: true, poolSize: init.poolSize, sqliteCacheMb: 16 });
} catch (err) {
  // (an error thrown here would reach the server as a bare object, without its message)
  reply({ fatal: wireError(err) });
  throw err;
}
reply({ ready: true });
const ctx: Ctx = { db: dbh.db, ops: dbh.ops, config: init.config, clock: { now: () => Date.now() }, caseHooks: [] };

port.on('message', (m: ReadRequest) => {
  if ('close' in m) {
    void dbh.close().finally(() => port.close());
    return;
  }
  if (!isReadJob(m.job)) return reply({ id: m.id, ok: false, error: { name: 'Error', message: `no read job named ${m.job}` } });
  runReadJob(ctx, m.job, m.args as never, m.now).then(
    (result) => {
      try {
        reply({ id: m.id, ok: true, result });
      } catch (err) {
        reply({ id: m.id, ok: false, error: wireError(err) }); // a result that cannot be cloned
      }
    },
    (err: unknown) => reply({ id: m.id, ok: false, error: wireError(err) }),
  );
});
