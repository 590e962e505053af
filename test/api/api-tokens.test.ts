import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

describe.each(DIALECTS)('API tokens through the API on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [] });
  });
  afterAll(async () => t?.close());

  it('refuses a token that would be expired when made, and makes one that expires later or never', async () => {
    const now = t.ctx.clock.now();
    for (const expiresAt of [1000, now]) {
      const r = await t.as('agent', 'POST', '/api/v1/auth/tokens', { name: 'past', expiresAt });
      expect(r.statusCode, r.body).toBe(400);
      expect((r.json() as { error: { code: string } }).error.code).toBe('expiry_in_past');
    }
    const listed = (await t.as('agent', 'GET', '/api/v1/auth/tokens')).json() as unknown[];
    expect(listed).toEqual([]);
    for (const expiresAt of [now + 60_000, null]) {
      const r = await t.as('agent', 'POST', '/api/v1/auth/tokens', { name: 'ok', expiresAt });
      expect(r.statusCode, r.body).toBe(201);
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${(r.json() as { token: string }).token}` } });
      expect(me.statusCode).toBe(200);
    }
  });
});
