// New clients for the intake tests' worker threads (burst-client.cjs, backlog-client.cjs): each
// body is sent by a client of its own on a new connection (Connection: close). `onSent` is called
// once a request is in the kernel; `done` gets the statuses (0: no answer) once every connection
// has closed.
const net = require('node:net');

module.exports = function newClients(w, bodies, onSent, done) {
  const statuses = [];
  for (const body of bodies) {
    const head = [`POST ${w.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', `Authorization: Bearer ${w.token}`, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`];
    const s = net.connect(w.port, '127.0.0.1', () => s.write(`${head.join('\r\n')}\r\n\r\n${body}`, onSent));
    let answer = '';
    s.setEncoding('utf8');
    s.on('data', (c) => (answer += c));
    s.on('error', () => undefined);
    s.on('close', () => {
      statuses.push(Number(answer.split(' ')[1]) || 0);
      if (statuses.length === bodies.length) done(statuses);
    });
  }
};
