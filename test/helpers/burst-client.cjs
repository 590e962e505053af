// A burst of clients for test/api/intake-batching.test.ts, run on a thread of its own: each opens
// a new connection, sends one request (Connection: close) and counts it in `sent` once it is in
// the kernel; the statuses go back to the test when every connection has closed.
const { workerData: w, parentPort } = require('node:worker_threads');
const net = require('node:net');

const statuses = [];
for (const body of w.bodies) {
  const head = [`POST ${w.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', `Authorization: Bearer ${w.token}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`];
  const s = net.connect(w.port, '127.0.0.1', () => s.write(`${head.join('\r\n')}\r\n\r\n${body}`, () => Atomics.add(w.sent, 0, 1)));
  let answer = '';
  s.setEncoding('utf8');
  s.on('data', (c) => (answer += c));
  s.on('close', () => {
    statuses.push(Number(answer.split(' ')[1]));
    if (statuses.length === w.bodies.length) parentPort.postMessage(statuses);
  });
}
