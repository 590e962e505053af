import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, createUser, login, permissionsOf, updateUser, type UserView } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { randomToken, sha256 } from '../../src/core/shared/ids.ts';
import { DIALECTS, freshDatabaseUrl, T0 } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { cli } from '../helpers/cli.ts';

type ErrorBody = { error: { code: string; message: string } };
const sys = systemActor('test');

const mail = (messageId: string, subject: string) =>
  [
    'From: 顾客 <gu.ke@example.com>',
    'To: help@support.example.com',
    `Subject: ${subject}`,
    `Date: ${new Date(T0 - 60_000).toUTCString()}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    '热水器打不着火',
  ].join('\r\n');

// The integration role (roles.ts): a mail gateway's service account, by API token only, holding
// channel.ingest and nothing else; admin keeps channel.ingest for gateways set up before it.
describe.each(DIALECTS)('the integration role on %s', (dialect) => {
  let t: TestApp;
  let gateway: UserView;
  let token: string;
  const inbound = (headers: Record<string, string>, body: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/channels/email/inbound', headers: { 'content-type': 'message/rfc822', ...headers }, payload: body });

  beforeAll(async () => {
    t = await makeTestApp(dialect);
    const r = await t.as('admin', 'POST', '/api/v1/users', { email: 'mail-gateway@serviceloop.local', name: 'Mail gateway', role: 'integration' });
    expect(r.statusCode, r.body).toBe(201);
    gateway = r.json() as UserView;
    token = (await createApiToken(t.ctx, gateway.id, 'gateway', null, sys)).token;
  });
  afterAll(async () => t?.close());

  it('holds channel.ingest and nothing else', () => {
    expect(permissionsOf('integration')).toEqual(['channel.ingest']);
    expect(permissionsOf('admin')).toContain('channel.ingest');
  });

  it('hands a mail in with its token (a new case), and is refused every other thing with 403', async () => {
    const r = await inbound({ authorization: `Bearer ${token}` }, mail('gw-1@example.com', '热水器打不着火'));
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ outcome: 'created', case: { id: expect.any(String), number: expect.any(String) } });
    // who handed it over is recorded
    const entry = await t.ctx.db.selectFrom('audit_log').select(['actor_id', 'actor_kind']).where('action', '=', 'channel.email_inbound').executeTakeFirstOrThrow();
    expect(entry.actor_id).toBe(gateway.id);
    // (test/api/rbac.test.ts goes through every route; these are the ones a gateway's token would most want)
    const caseId = (r.json() as { case: { id: string } }).case.id;
    for (const [method, url, body] of [
      ['GET', '/api/v1/cases', undefined],
      ['GET', `/api/v1/cases/${caseId}`, undefined],
      ['POST', '/api/v1/cases', { channel: 'email', contact: { name: 'x', email: 'x@example.com' }, subject: 's', description: 'd' }],
      ['POST', `/api/v1/cases/${caseId}/replies`, { body: 'hi' }],
      ['GET', '/api/v1/customers', undefined],
      ['GET', '/api/v1/users', undefined],
      ['GET', '/api/v1/analytics/summary', undefined],
      ['GET', '/api/v1/auth/me', undefined],
      ['POST', '/api/v1/auth/tokens', { name: 'another' }],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });
      expect([method, url, res.statusCode, (res.json() as ErrorBody).error?.code]).toEqual([method, url, 403, 'forbidden']);
    }
  });

  it('admin may still hand mail in (gateways set up before the role)', async () => {
    const r = await inbound({ cookie: await t.cookie('admin') }, mail('gw-admin@example.com', '洗衣机漏水'));
    expect(r.statusCode, r.body).toBe(201);
    for (const who of ['agent', 'supervisor', 'director', 'inspector']) {
      const res = await inbound({ cookie: await t.cookie(who) }, mail(`gw-${who}@example.com`, 'x'));
      expect([who, res.statusCode]).toEqual([who, 403]);
    }
  });

  it('has no password and cannot log in: a password is refused for it, and an account made one loses its password and sessions', async () => {
    const withPassword = await t.as('admin', 'POST', '/api/v1/users', { email: 'gw2@serviceloop.local', name: 'GW2', role: 'integration', password: 'long-enough-password' });
    expect([withPassword.statusCode, (withPassword.json() as ErrorBody).error.code]).toEqual([422, 'password_not_allowed']);
    const setPassword = await t.as('admin', 'PATCH', `/api/v1/users/${gateway.id}`, { password: 'long-enough-password' });
    expect([setPassword.statusCode, (setPassword.json() as ErrorBody).error.code]).toEqual([422, 'password_not_allowed']);
    // an admin account that ran a gateway, made an integration account: its password and sessions go, its token stays
    const old = await createUser(t.ctx, { email: 'old-gw@serviceloop.local', name: 'Old GW', role: 'admin', password: TEST_PASSWORD }, sys);
    const oldToken = (await createApiToken(t.ctx, old.id, 'gateway', null, sys)).token;
    const session = await login(t.ctx, 'old-gw@serviceloop.local', TEST_PASSWORD, null);
    await updateUser(t.ctx, old.id, { role: 'integration' }, sys);
    const row = await t.ctx.db.selectFrom('users').select(['role', 'password_hash']).where('id', '=', old.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'integration', password_hash: null });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `sl_session=${session.token}` } });
    expect(me.statusCode).toBe(401);
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'old-gw@serviceloop.local', password: TEST_PASSWORD } });
    expect([r.statusCode, (r.json() as ErrorBody).error.code]).toEqual([401, 'invalid_credentials']);
    expect((await inbound({ authorization: `Bearer ${oldToken}` }, mail('gw-old@example.com', '冰箱不制冷'))).statusCode).toBe(201);
    // even with a hash left in the row (written behind the service's back), no password login and no session
    await t.ctx.db.updateTable('users').set({ password_hash: (await t.ctx.db.selectFrom('users').select('password_hash').where('email', '=', t.seed.users.agent!.email).executeTakeFirstOrThrow()).password_hash }).where('id', '=', gateway.id).execute();
    await expect(login(t.ctx, 'mail-gateway@serviceloop.local', TEST_PASSWORD, null)).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 });
    // and a session row for it (written behind the service's back) is no way in either: 401, not the 403 of a known caller
    const forged = randomToken();
    await t.ctx.db.insertInto('sessions').values({ id: sha256(forged), user_id: gateway.id, created_at: T0, expires_at: T0 + 3_600_000, last_seen_at: T0, ip: null }).execute();
    for (const url of ['/api/v1/auth/me', '/api/v1/channels/email/inbound']) {
      const res = await t.app.inject({ method: url.endsWith('me') ? 'GET' : 'POST', url, headers: { cookie: `sl_session=${forged}`, 'content-type': 'message/rfc822' }, payload: url.endsWith('me') ? undefined : mail('gw-session@example.com', 'x') });
      expect([url, res.statusCode]).toEqual([url, 401]);
    }
  });

  it('is not staff: no case is assigned or handed over to it, and it leads no team', async () => {
    const c = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '客户', phone: '13700001111' }, subject: '咨询', description: '咨询保修' });
    const id = (c.json() as { id: string }).id;
    const assign = await t.as('supervisor', 'POST', `/api/v1/cases/${id}/assign`, { assigneeId: gateway.id });
    expect([assign.statusCode, (assign.json() as ErrorBody).error.code]).toEqual([404, 'user_not_found']);
    const transfer = await t.as('supervisor', 'POST', `/api/v1/cases/${id}/transfer`, { toUserId: gateway.id, handoverNote: '交给邮件网关账号处理此工单' });
    expect([transfer.statusCode, (transfer.json() as ErrorBody).error.code]).toEqual([404, 'user_not_found']);
    const lead = await t.as('admin', 'PATCH', `/api/v1/teams/${t.seed.teams.frontline}`, { leadUserId: gateway.id });
    expect([lead.statusCode, (lead.json() as ErrorBody).error.code]).toEqual([404, 'user_not_found']);
  });
});

// The CLI makes the account without a password and gives it its token.
describe('serviceloop user create --role integration', () => {
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ url, drop } = await freshDatabaseUrl('sqlite')));
  afterAll(async () => drop?.());

  it('creates it without a password, refuses one, and `token --email` gives it a token', { timeout: 60_000 }, async () => {
    const args = ['user', 'create', '--email', 'mail-gateway@example.com', '--name', 'Mail gateway', '--role', 'integration', '--db', url];
    const refused = await cli(...args, '--password', 'long-enough-password');
    expect(refused.code, refused.err).toBe(1);
    expect(refused.err).toContain('API token only');
    const made = await cli(...args);
    expect(made.code, made.err).toBe(0);
    expect(JSON.parse(made.out)).toMatchObject({ email: 'mail-gateway@example.com', role: 'integration' });
    const tok = await cli('token', '--email', 'mail-gateway@example.com', '--db', url);
    expect(tok.code, tok.err).toBe(0);
    expect(tok.out.trim().split('\n').at(-1)).toMatch(/^slt_/);
  });
});
