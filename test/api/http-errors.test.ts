import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

/** What the server writes back to bytes sent on a raw connection, until it closes it. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
  });
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };

// The README promises `{"error":{"code","message"}}` for every error, including those fastify and
// node's HTTP parser answer before a route runs.
describe.each(DIALECTS)('errors answered before any route, on %s', (dialect) => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [] });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t?.close());

  it('answers a URL whose %-escapes are not UTF-8 with 400 bad_url', async () => {
    for (const url of ['/api/v1/cases/%ff', '/api/v1/cases/%ED%A0%80']) {
      const r = await t.app.inject({ method: 'GET', url, headers: { cookie: await t.cookie('agent') } });
      expect(r.statusCode, url).toBe(400);
      expect(r.json(), url).toEqual({ error: { code: 'bad_url', message: expect.stringContaining('URL') } });
    }
  });

  it('answers a body shorter than its Content-Length, and a malformed request line, with a coded 400', async () => {
    const short = await raw(port, 'POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n{"channel":"phone"}');
    expect(short).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(short).error.code).toBe('malformed_request');
    const garbled = await raw(port, 'GET /api/v1/health HTTP/1.1 extra\r\n\r\n');
    expect(garbled).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(garbled).error).toEqual({ code: 'malformed_request', message: expect.any(String) });
  });

  it('answers headers over the limit with 431 headers_too_large', async () => {
    const big = await raw(port, `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(big).error.code).toBe('headers_too_large');
  });

  it('tells valid JSON with a prototype key from JSON that is not valid', async () => {
    const post = async (payload: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { cookie: await t.cookie('agent'), 'content-type': 'application/json' }, payload });
    const poisoned = await post('{"__proto__":{"x":1},"channel":"email"}');
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json()).toEqual({ error: { code: 'forbidden_json_key', message: expect.stringContaining('__proto__') } });
    const broken = await post('{"__proto__":{"x":1},');
    expect(broken.statusCode).toBe(400);
    expect((broken.json() as { error: { code: string } }).error.code).toBe('invalid_json');
  });
});
