// A burst of clients for test/api/intake-batching.test.ts, run on a thread of its own: each opens
// a new connection, sends one request and counts it in `sent` once it is in the kernel; the
// statuses go back to the test when every connection has closed.
const { workerData: w, parentPort } = require('node:worker_threads');
const newClients = require('./new-clients.cjs');

newClients(
  w,
  w.bodies,
  () => Atomics.add(w.sent, 0, 1),
  (statuses) => parentPort.postMessage(statuses),
);
