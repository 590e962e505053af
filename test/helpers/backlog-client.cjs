// A steady backlog and a burst of new clients for test/api/intake-batching.test.ts, on a thread
// of its own: `kept` clients post without pause on kept-alive connections (more waiting than one
// batch takes); once `warm` of their requests were answered, each of `bodies` is sent by a new
// client on a connection of its own (Connection: close). Reports the new clients' statuses and
// how many of the kept-alive requests were answered from the burst until its last answer.
const { workerData: w, parentPort } = require('node:worker_threads');
const http = require('node:http');
const newClients = require('./new-clients.cjs');

const agent = new http.Agent({ keepAlive: true, maxSockets: w.kept });
const headers = { Authorization: `Bearer ${w.token}`, 'Content-Type': 'application/json' };
let answered = 0;
let burstAt = -1;
let during = -1;
let stop = false;
const keptStatuses = {};

const post = () =>
  new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: w.port, path: w.path, method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end(w.keptBody);
  });

let burstDone;
const burstOver = new Promise((resolve) => (burstDone = resolve));
let statuses = [];
function burst() {
  burstAt = answered;
  newClients(w, w.bodies, undefined, (all) => {
    statuses = all;
    during = answered - burstAt;
    stop = true;
    burstDone();
  });
}

const loop = async () => {
  while (!stop) {
    const status = await post();
    keptStatuses[status] = (keptStatuses[status] ?? 0) + 1;
    if (++answered === w.warm) burst();
  }
};
Promise.all(Array.from({ length: w.kept }, loop))
  .then(() => burstOver)
  .then(() => {
    agent.destroy();
    parentPort.postMessage({ statuses, during, kept: answered, keptStatuses });
  });
