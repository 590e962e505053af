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

describe.each(DIALECTS)('credentials after an account change on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [] });
  });
  afterAll(async () => t?.close());

  const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
  const newToken = async (who: string) => ((await t.as(who, 'POST', '/api/v1/auth/tokens', { name: 'script' })).json() as { token: string }).token;
  const patch = (who: string, body: object) => t.as('admin', 'PATCH', `/api/v1/users/${t.seed.users[who]!.id}`, body);

  it('ends API tokens with a new password, for good', async () => {
    const token = await newToken('agent');
    expect((await me(token)).statusCode).toBe(200);
    expect((await patch('agent', { password: 'a-brand-new-password-1' })).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('ends them on deactivation, and does not bring them back on reactivation', async () => {
    const token = await newToken('agent2');
    expect((await patch('agent2', { active: false })).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
    expect((await patch('agent2', { active: true })).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
    const audit = await t.ctx.db.selectFrom('audit_log').select('after').where('action', '=', 'user.update').where('target_id', '=', t.seed.users.agent2!.id).orderBy('seq').execute();
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ tokensRevoked: 1 });
  });

  it('lifts a lock from failed logins when an admin sets a new password', async () => {
    const email = t.seed.users.tech!.email;
    const login = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    for (let i = 0; i < 5; i++) expect((await login(`wrong-${i}`)).statusCode).toBe(401);
    expect((await login('wrong-again')).statusCode).toBe(429);
    expect((await patch('tech', { password: 'reset-by-the-admin-1' })).statusCode).toBe(200);
    expect((await login('reset-by-the-admin-1')).statusCode).toBe(200);
  });
});
