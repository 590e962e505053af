import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRoutes, type RouteInfo } from '../../src/server/app.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { can, createApiToken, createUser, login, PERMISSIONS, ROLES, type Permission, type Role } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/**
 * Routes anyone may call: the login form, the health probe, the start page, the public commitments page (SPEC 4),
 * the staff web app's files (/app/: its data comes from the protected API)
 * and the API under /api/v1/public/. A new public route must be added here on purpose.
 */
const PUBLIC_ROUTES = new Set(['POST /api/v1/auth/login', 'GET /api/v1/health', 'GET /', 'GET /commitments', 'GET /app', 'GET /app/*']);
// the customer's one-time satisfaction survey page (SPEC 6): the token in the address is the credential
for (const r of ['GET /survey/:token', 'POST /survey/:token']) PUBLIC_ROUTES.add(r);
// the public help centre (SPEC 9, knowledge base / FAQ): public published articles and their helpful/not-helpful vote
for (const r of ['GET /help', 'GET /help/articles/:id', 'POST /help/articles/:id/vote']) PUBLIC_ROUTES.add(r);
const mayBePublic = (r: RouteInfo) => PUBLIC_ROUTES.has(`${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`) || r.url.startsWith('/api/v1/public/');
const isDocs = (r: RouteInfo) => r.url === '/api/docs' || r.url.startsWith('/api/docs/');

const concrete = (url: string) => url.replace(/:(\w+)/g, (_m, name: string) => (name === 'number' ? 'SL-20991231-9999' : randomUUID()));
const hasBody = (method: string) => ['POST', 'PUT', 'PATCH'].includes(method);

describe.each(DIALECTS)('RBAC on %s', (dialect) => {
  let t: TestApp;
  let routes: RouteInfo[];
  const emailOf: Partial<Record<Role, string>> = {};
  let customerA: { id: string };
  let customerB: { id: string };
  const portalA = 'portal-a@example.com';
  /** The integration role acts by API token only (it cannot log in): a mail gateway's service account. */
  const gateway = 'gateway@example.com';
  let gatewayToken: string;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [], config: { authCacheMs: 60_000 } }); // the case record alone, without other modules' hooks
    routes = listRoutes(t.app);
    const sys = systemActor('test');
    customerA = await createCustomer(t.ctx, { name: '客户甲 Alpha Ltd', email: 'alpha@example.com' }, sys);
    customerB = await createCustomer(t.ctx, { name: '客户乙 Beta Ltd', email: 'beta@example.com' }, sys);
    await createUser(t.ctx, { email: portalA, name: 'Portal A', role: 'customer', customerId: customerA.id, password: TEST_PASSWORD }, sys);
    const g = await createUser(t.ctx, { email: gateway, name: 'Mail gateway', role: 'integration' }, sys);
    gatewayToken = (await createApiToken(t.ctx, g.id, 'gateway', null, sys)).token;
    for (const role of ROLES) emailOf[role] = role === 'customer' ? portalA : role === 'integration' ? gateway : t.seed.users[role]!.email;
  });
  afterAll(async () => t?.close());

  /** A session of its own for each call, so a route that ends sessions (logout) cannot disturb the next check. */
  const freshCookie = async (role: Role) => `sl_session=${(await login(t.ctx, emailOf[role]!, TEST_PASSWORD, null)).token}`;
  /** The role's credentials: a fresh session, or for a token-only role (integration) its API token. */
  const credentials = async (role: Role): Promise<Record<string, string>> =>
    role === 'integration' ? { authorization: `Bearer ${gatewayToken}` } : { cookie: await freshCookie(role) };
  /**
   * One session a role for routes that cannot end a session (each login costs a password hash, and
   * the check below makes one call per route and role); a fresh one for the auth routes (logout).
   */
  const sessions = new Map<Role, Record<string, string>>();
  const credentialsFor = async (role: Role, r: RouteInfo): Promise<Record<string, string>> => {
    if (r.url.startsWith('/api/v1/auth/')) return credentials(role);
    if (!sessions.has(role)) sessions.set(role, await credentials(role));
    return sessions.get(role)!;
  };
  /** The error code of an answer; a file (a spreadsheet, an attachment) has none. */
  const errorCode = (res: { body: string; headers: Record<string, unknown> }) =>
    res.body && String(res.headers['content-type'] ?? '').includes('application/json') ? (JSON.parse(res.body) as { error?: { code?: string } }).error?.code : undefined;

  const call = (r: RouteInfo, headers: Record<string, string> = {}) =>
    t.app.inject({ method: r.method as 'GET', url: concrete(r.url), headers, ...(hasBody(r.method) ? { payload: {} } : {}) });

  it('collects every route, and each names a permission of the matrix or is deliberately public', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    for (const k of ['POST /api/v1/cases', 'GET /api/v1/cases/:id', 'POST /api/v1/cases/:id/transfer', 'GET /api/v1/audit/verify', 'DELETE /api/v1/auth/tokens/:id'])
      expect(keys).toContain(k);
    expect(routes.filter((r) => !isDocs(r) && r.method !== 'HEAD').length).toBeGreaterThanOrEqual(30);
    const misdeclared = routes
      .filter((r) => !isDocs(r))
      .filter((r) =>
        r.public ? !mayBePublic(r) : !(r.permission && r.permission in PERMISSIONS),
      )
      .map((r) => `${r.method} ${r.url} (${r.public ? 'public' : r.permission})`);
    expect(misdeclared).toEqual([]);
  });

  it('answers every protected route without credentials (or with bad ones) with 401 unauthenticated', async () => {
    const wrong: string[] = [];
    const protectedRoutes = routes.filter((r) => !isDocs(r) && !r.public);
    for (const r of protectedRoutes)
      for (const headers of [{}, { cookie: 'sl_session=not-a-session' }, { authorization: 'Bearer slt_forged' }] as Array<Record<string, string>>) {
        const res = await call(r, headers);
        const code = r.method === 'HEAD' ? 'unauthenticated' : (res.json() as { error?: { code?: string } }).error?.code;
        if (res.statusCode !== 401 || code !== 'unauthenticated') wrong.push(`${r.method} ${r.url} ${JSON.stringify(headers)} -> ${res.statusCode} ${code}`);
      }
    expect(protectedRoutes.length).toBeGreaterThan(30); // HEAD twins included
    expect(wrong).toEqual([]);
  });

  it('refuses each role lacking the permission with 403 forbidden, and lets each role having it through', async () => {
    const wrong: string[] = [];
    let allowed = 0;
    let denied = 0;
    const checked = routes.filter((r) => !isDocs(r) && !r.public && r.method !== 'HEAD');
    for (const r of checked)
      for (const role of ROLES) {
        const ok = can(role, r.permission as Permission);
        const res = await call(r, await credentialsFor(role, r));
        const code = errorCode(res);
        if (ok) {
          allowed++;
          if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode >= 500)
            wrong.push(`${role} may ${r.permission} but ${r.method} ${r.url} -> ${res.statusCode} ${code}`);
        } else {
          denied++;
          if (res.statusCode !== 403 || code !== 'forbidden')
            wrong.push(`${role} lacks ${r.permission} but ${r.method} ${r.url} -> ${res.statusCode} ${code}`);
        }
      }
    expect(wrong).toEqual([]);
    expect(allowed).toBeGreaterThan(100);
    expect(denied).toBeGreaterThan(50);
  }, 120_000);

  it('confines a customer portal account to its own cases and their public timeline', async () => {
    const request = {
      channel: 'phone', // a customer always comes in through the portal
      contact: { name: 'Alpha 联系人', email: 'alpha@example.com' },
      subject: '门户提交的咨询',
      description: '请问发票什么时候寄出？',
    };
    // a customer cannot file for someone else, nor backdate the request
    for (const extra of [{ customerId: customerB.id }, { receivedAt: (t.clock as ManualClock).now() - 30 * 86_400_000 }]) {
      const refused = await t.as(portalA, 'POST', '/api/v1/cases', { ...request, ...extra });
      expect({ status: refused.statusCode, code: (refused.json() as { error: { code: string } }).error.code }).toEqual({ status: 422, code: 'staff_only_fields' });
    }
    const own = await t.as(portalA, 'POST', '/api/v1/cases', request);
    expect(own.statusCode).toBe(201);
    const mine = own.json() as { id: string; number: string; customerId: string; channel: string; receivedAt: number };
    expect(mine.customerId).toBe(customerA.id);
    expect(mine.channel).toBe('web');
    expect(mine.receivedAt).toBe(t.clock.now());

    const other = await t.as('agent', 'POST', '/api/v1/cases', {
      channel: 'phone',
      customerId: customerB.id,
      contact: { name: 'Beta 联系人', phone: '13800000002' },
      subject: '乙公司的电话咨询',
      description: '设备安装时间确认',
    });
    expect(other.statusCode).toBe(201);
    const theirs = other.json() as { id: string; number: string };
    const theirFile = await t.as('agent', 'POST', `/api/v1/cases/${theirs.id}/attachments`, { filename: 'b.txt', contentType: 'text/plain', contentBase64: Buffer.from('beta').toString('base64') });
    expect(theirFile.statusCode).toBe(200);

    // staff work on the customer's own case: a public reply, an internal note, a public and an internal file
    expect((await t.as('agent', 'POST', `/api/v1/cases/${mine.id}/replies`, { body: '您好，发票已于今日寄出。' })).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${mine.id}/notes`, { body: '内部：客户是大客户，注意语气' })).statusCode).toBe(200);
    const pub = await t.as('agent', 'POST', `/api/v1/cases/${mine.id}/attachments`, { filename: 'invoice.txt', contentType: 'text/plain', contentBase64: Buffer.from('invoice').toString('base64') });
    const priv = await t.as('agent', 'POST', `/api/v1/cases/${mine.id}/attachments`, { filename: 'internal.txt', contentType: 'text/plain', contentBase64: Buffer.from('secret').toString('base64'), visibility: 'internal' });
    expect([pub.statusCode, priv.statusCode]).toEqual([200, 200]);

    const list = await t.as(portalA, 'GET', '/api/v1/cases?limit=200');
    expect(list.statusCode).toBe(200);
    const items = (list.json() as { items: Array<{ id: string; customerId: string }> }).items;
    expect(items.map((c) => c.id)).toEqual([mine.id]);
    const spoofed = await t.as(portalA, 'GET', `/api/v1/cases?customerId=${customerB.id}`);
    expect((spoofed.json() as { items: unknown[] }).items).toEqual([]);
    const searched = await t.as(portalA, 'GET', `/api/v1/cases?q=${encodeURIComponent('安装')}`);
    expect((searched.json() as { items: unknown[] }).items).toEqual([]);

    const theirAttachment = (
      (await t.as('agent', 'GET', `/api/v1/cases/${theirs.id}`)).json() as { attachments: Array<{ id: string }> }
    ).attachments[0]!.id;
    for (const [method, url, body] of [
      ['GET', `/api/v1/cases/${theirs.id}`, undefined],
      ['GET', `/api/v1/cases/by-number/${theirs.number}`, undefined],
      ['GET', `/api/v1/cases/${theirs.id}/attachments/${theirAttachment}`, undefined],
      ['POST', `/api/v1/cases/${theirs.id}/replies`, { body: '我来看看' }],
      ['POST', `/api/v1/cases/${theirs.id}/attachments`, { filename: 'x.txt', contentType: 'text/plain', contentBase64: 'eA==' }],
      ['POST', `/api/v1/cases/${theirs.id}/confirm`, {}],
      ['POST', `/api/v1/cases/${theirs.id}/reopen`, { reason: 'not mine' }],
    ] as const) {
      const res = await t.as(portalA, method, url, body);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
      if (!url.includes(theirs.id)) expect(res.body).not.toContain(theirs.id);
    }
    const untouched = (await t.as('agent', 'GET', `/api/v1/cases/${theirs.id}`)).json() as { timeline: Array<{ type: string }> };
    expect(untouched.timeline.map((e) => e.type)).not.toContain('customer_reply');
    expect((await t.as(portalA, 'GET', '/api/v1/cases/counts')).statusCode).toBe(403);

    const detail = await t.as(portalA, 'GET', `/api/v1/cases/${mine.id}`);
    expect(detail.statusCode).toBe(200);
    const d = detail.json() as { timeline: Array<{ type: string; visibility: string; body: string | null }>; attachments: Array<{ id: string; filename: string }> };
    expect(d.timeline.every((e) => e.visibility === 'public')).toBe(true);
    expect(d.timeline.map((e) => e.type)).toEqual(['created', 'acknowledged', 'reply', 'attachment']);
    expect(JSON.stringify(d)).not.toContain('内部');
    expect(d.attachments.map((a) => a.filename)).toEqual(['invoice.txt']);
    const privId = (priv.json() as { id: string }).id;
    expect((await t.as(portalA, 'GET', `/api/v1/cases/${mine.id}/attachments/${privId}`)).statusCode).toBe(404);
    const file = await t.as(portalA, 'GET', `/api/v1/cases/${mine.id}/attachments/${(pub.json() as { id: string }).id}`);
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('invoice');
    // staff see the whole timeline
    const staffView = (await t.as('agent', 'GET', `/api/v1/cases/${mine.id}`)).json() as { timeline: Array<{ type: string }>; attachments: unknown[] };
    expect(staffView.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['classified', 'taken', 'note']));
    expect(staffView.attachments).toHaveLength(2);
  });

  it("answers a customer with the customer's view of their case on every route that returns one (no staff-only fields)", async () => {
    const staffOnly = ['receivedBy', 'complaintGrade', 'isRepeat', 'repeatOfId', 'sensitive', 'teamId', 'assigneeId', 'ownerId', 'version'];
    const leaks = (v: Record<string, unknown>) => [
      ...staffOnly.filter((k) => k in v),
      ...('correctiveAction' in (v.resolution as object) ? ['resolution.correctiveAction'] : []),
      ...('nextDeadline' in v ? ['nextDeadline'] : []),
    ];
    const seen: Array<{ route: string; leaks: string[] }> = [];
    const check = (route: string, res: { statusCode: number; json: () => unknown }, pick: (b: any) => Record<string, unknown> = (b) => b) => {
      expect({ route, status: res.statusCode }).toEqual({ route, status: expect.any(Number) as number });
      expect(res.statusCode).toBeLessThan(300);
      seen.push({ route, leaks: leaks(pick(res.json())) });
    };
    const request = { channel: 'web', contact: { name: 'Alpha 联系人', email: 'alpha@example.com' }, subject: '门户：保修维修进度', description: '报修的设备什么时候修好？' };
    const made = await t.as(portalA, 'POST', '/api/v1/cases', request, { 'idempotency-key': 'rbac-customer-view-1' });
    check('POST /cases', made);
    const again = await t.as(portalA, 'POST', '/api/v1/cases', request, { 'idempotency-key': 'rbac-customer-view-1' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    check('POST /cases (replayed)', again);
    const { id, number } = made.json() as { id: string; number: string };

    // staff take it, answer and resolve it with an internal corrective action
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/replies`, { body: '您好，正在安排维修。' })).statusCode).toBe(200);
    const resolved = await t.as('agent', 'POST', `/api/v1/cases/${id}/resolve`, { cause: '配件缺货', solution: '配件已到，设备已修好。', correctiveAction: '整改：备件库存预警' });
    expect(resolved.statusCode).toBe(200);

    check('GET /cases', await t.as(portalA, 'GET', '/api/v1/cases?limit=200'), (b) => b.items.find((c: { id: string }) => c.id === id));
    const detail = await t.as(portalA, 'GET', `/api/v1/cases/${id}`);
    check('GET /cases/:id', detail, (b) => b.case);
    const byNumber = await t.as(portalA, 'GET', `/api/v1/cases/by-number/${number}`);
    check('GET /cases/by-number/:number', byNumber, (b) => b.case);
    // nor in the timeline: the resolution's corrective action, nor which staff member did what
    for (const res of [detail, byNumber]) {
      expect(res.body).not.toContain('整改');
      const timeline = (res.json() as { timeline: Array<{ actorKind: string; actorId: string | null }> }).timeline;
      expect(timeline.filter((e) => e.actorKind === 'staff').map((e) => e.actorId)).toEqual([null, null]);
      expect(res.body).not.toContain(t.seed.users.agent!.id);
    }
    check('POST /cases/:id/confirm', await t.as(portalA, 'POST', `/api/v1/cases/${id}/confirm`, { comment: '谢谢' }));
    check('POST /cases/:id/reopen', await t.as(portalA, 'POST', `/api/v1/cases/${id}/reopen`, { reason: '又坏了' }));
    check('POST /cases/:id/replies', await t.as(portalA, 'POST', `/api/v1/cases/${id}/replies`, { body: '还是不能开机' }));
    expect(seen.filter((s) => s.leaks.length > 0)).toEqual([]);
    expect(seen).toHaveLength(8);
    // nor the internal timers and escalations (the portal shows the promises made to them); someone else's case: not found
    const timers = await t.as(portalA, 'GET', `/api/v1/cases/${id}/commitments`);
    expect([timers.statusCode, (timers.json() as { error: { code: string } }).error.code]).toEqual([403, 'forbidden']);
    expect((await t.as('agent', 'GET', `/api/v1/cases/${id}/commitments`)).statusCode).toBe(200);
    const theirs = (await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId: customerB.id, contact: { name: 'Beta' }, subject: '乙的问题', description: '乙' })).json() as { id: string };
    expect((await t.as(portalA, 'GET', `/api/v1/cases/${theirs.id}/commitments`)).statusCode).toBe(404);
    // the customer's own data export (SPEC 10 right of access) is the same view
    const exported = await t.as(portalA, 'GET', '/api/v1/me/export');
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.body).toContain('配件已到，设备已修好。');
    expect(exported.body).not.toContain('整改');
    expect(exported.body).not.toContain(t.seed.users.agent!.id);

    // staff still get the whole case
    const staff = (await t.as('agent', 'GET', `/api/v1/cases/${id}`)).json() as { case: Record<string, unknown> & { resolution: Record<string, unknown> }; timeline: Array<{ actorId: string | null }> };
    expect(staff.case).toMatchObject({ ownerId: t.seed.users.agent!.id, assigneeId: t.seed.users.agent!.id, version: expect.any(Number) as number, sensitive: false, isRepeat: false });
    expect(staff.case.resolution.correctiveAction).toBe('整改：备件库存预警');
    expect(staff.timeline.map((e) => e.actorId)).toContain(t.seed.users.agent!.id);
    const staffList = (await t.as('agent', 'GET', '/api/v1/cases?limit=200')).json() as { items: Array<Record<string, unknown>> };
    expect(staffList.items.find((c) => c.id === id)).toHaveProperty('nextDeadline');
    expect(staffList.items.find((c) => c.id === id)).toHaveProperty('receivedBy', null);
  });

  it('accepts an API token as a Bearer credential until it is revoked or expires', async () => {
    const created = await t.as('agent', 'POST', '/api/v1/auth/tokens', { name: 'integration' });
    expect(created.statusCode).toBe(201);
    const tok = created.json() as { id: string; token: string; prefix: string };
    expect(tok.token.startsWith('slt_')).toBe(true);
    const bearer = { authorization: `Bearer ${tok.token}` };

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer });
    expect(me.statusCode).toBe(200);
    expect((me.json() as { user: { id: string } }).user.id).toBe(t.seed.users.agent!.id);
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: bearer,
      payload: { channel: 'api', contact: { name: 'API 客户' }, subject: 'from an integration', description: 'created with a token' },
    });
    expect(made.statusCode).toBe(201);
    expect((made.json() as { receivedBy: string }).receivedBy).toBe(t.seed.users.agent!.id);
    // the token carries its user's rights, no more
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: bearer })).statusCode).toBe(403);
    // someone else cannot revoke it (and cannot learn it exists)
    expect((await t.as('agent2', 'DELETE', `/api/v1/auth/tokens/${tok.id}`)).statusCode).toBe(404);

    expect((await t.as('agent', 'DELETE', `/api/v1/auth/tokens/${tok.id}`)).statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer });
    expect(after.statusCode).toBe(401);
    expect((after.json() as { error: { code: string } }).error.code).toBe('unauthenticated');
    const listed = (await t.as('agent', 'GET', '/api/v1/auth/tokens')).json() as Array<{ id: string; revokedAt: number | null }>;
    expect(listed.find((x) => x.id === tok.id)?.revokedAt).toBe(t.clock.now());

    const short = (await t.as('agent', 'POST', '/api/v1/auth/tokens', { name: 'short', expiresAt: t.clock.now() + 60_000 })).json() as { token: string };
    const shortBearer = { authorization: `Bearer ${short.token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: shortBearer })).statusCode).toBe(200);
    (t.clock as ManualClock).advance(60_001);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: shortBearer })).statusCode).toBe(401);
  });

  it('shuts a deactivated user out of sessions and tokens at once', async () => {
    const tok = (await t.as('agent3', 'POST', '/api/v1/auth/tokens', { name: 'x' })).json() as { token: string };
    const session = await t.cookie('agent3');
    // in use (and so remembered by this process for authCacheMs, a minute here) before the change
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${tok.token}` } })).statusCode).toBe(200);
    const off = await t.as('admin', 'PATCH', `/api/v1/users/${t.seed.users.agent3!.id}`, { active: false });
    expect(off.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: session } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${tok.token}` } })).statusCode).toBe(401);
    const relogin = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: t.seed.users.agent3!.email, password: TEST_PASSWORD } });
    expect(relogin.statusCode).toBe(401);
  });
});
