import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { assertConsent, type ConsentRegister, type ConsentView } from '../../src/core/modules/privacy/index.ts';
import { createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ZApp } from '../../src/server/routes/zapp.ts';
import type { Ctx } from '../../src/core/context.ts';
import { z } from 'zod';
import { DIALECTS, T0 } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/** A stand-in for a future path that carries personal data out (a webhook, an integration): it asks the register first. */
const integrationRoute = (app: ZApp, ctx: Ctx) =>
  app.post(
    '/api/v1/test/share/:id',
    { config: { permission: 'customer.read' }, schema: { params: z.strictObject({ id: z.string() }), body: z.strictObject({}) } },
    async (req) => {
      await assertConsent(ctx.db, req.params.id, 'third_party_sharing', 'Acme Install');
      return { shared: true };
    },
  );

// SPEC 10: the consent register, over HTTP.
describe.each(DIALECTS)('consent register API on %s', (dialect) => {
  let t: TestApp;
  let alpha: string;
  let beta: string;
  const portalA = 'consent-a@example.com';
  const portalB = 'consent-b@example.com';

  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [], plugins: [integrationRoute] });
    const sys = systemActor('test');
    alpha = (await createCustomer(t.ctx, { name: '客户甲', email: 'alpha@example.com' }, sys)).id;
    beta = (await createCustomer(t.ctx, { name: '客户乙', email: 'beta@example.com' }, sys)).id;
    await createUser(t.ctx, { email: portalA, name: 'Portal A', role: 'customer', customerId: alpha, password: TEST_PASSWORD }, sys);
    await createUser(t.ctx, { email: portalB, name: 'Portal B', role: 'customer', customerId: beta, password: TEST_PASSWORD }, sys);
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;

  it('records grants and withdrawals by staff, keeps the history, and audits each', async () => {
    const granted = await t.as('agent', 'POST', `/api/v1/customers/${alpha}/consents`, { purpose: 'call_recording', channel: 'phone', evidenceRef: 'REC-20261123-0042' });
    expect(granted.statusCode, granted.body).toBe(201);
    const g = granted.json() as ConsentView;
    expect(g).toMatchObject({ customerId: alpha, purpose: 'call_recording', channel: 'phone', evidenceRef: 'REC-20261123-0042', recordedBy: t.seed.users.agent!.id, grantedAt: T0, active: true });
    const twice = await t.as('supervisor', 'POST', `/api/v1/customers/${alpha}/consents`, { purpose: 'call_recording', channel: 'email' });
    expect([twice.statusCode, code(twice)]).toEqual([409, 'consent_already_granted']);

    const withdrawn = await t.as('supervisor', 'POST', `/api/v1/customers/${alpha}/consents/${g.id}/withdraw`, { reason: '客户来电撤回录音同意' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ id: g.id, active: false, withdrawnBy: t.seed.users.supervisor!.id, withdrawalReason: '客户来电撤回录音同意' });
    const again = await t.as('supervisor', 'POST', `/api/v1/customers/${alpha}/consents/${g.id}/withdraw`, {});
    expect([again.statusCode, code(again)]).toEqual([409, 'consent_already_withdrawn']);
    // withdrawn through beta's path: not beta's consent
    const wrongCustomer = await t.as('agent', 'POST', `/api/v1/customers/${beta}/consents/${g.id}/withdraw`, {});
    expect([wrongCustomer.statusCode, code(wrongCustomer)]).toEqual([404, 'consent_not_found']);

    const regrant = await t.as('agent', 'POST', `/api/v1/customers/${alpha}/consents`, { purpose: 'call_recording', channel: 'phone', evidenceRef: 'REC-20261123-0050' });
    expect(regrant.statusCode).toBe(201);
    const list = await t.as('inspector', 'GET', `/api/v1/customers/${alpha}/consents`); // inspectors may read
    expect(list.statusCode).toBe(200);
    const reg = list.json() as ConsentRegister;
    expect(reg.current.map((c) => c.id)).toEqual([(regrant.json() as ConsentView).id]);
    expect(reg.history.map((c) => c.id)).toEqual([g.id]);
    expect(reg.serviceContactImplied).toBe(false);

    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'after']).where('target_id', '=', alpha).where('action', 'like', 'consent.%').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['consent.grant', 'consent.withdraw', 'consent.grant', 'consent.read']);
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ consentId: g.id, purpose: 'call_recording', evidenceRef: 'REC-20261123-0042' });
    expect(audit[3]!.actor_id).toBe(t.seed.users.inspector!.id);

    const unknown = await t.as('agent', 'GET', '/api/v1/customers/no-such-customer/consents');
    expect([unknown.statusCode, code(unknown)]).toEqual([404, 'customer_not_found']);
    const badPurpose = await t.as('agent', 'POST', `/api/v1/customers/${alpha}/consents`, { purpose: 'profiling', channel: 'phone' });
    expect(badPurpose.statusCode).toBe(400);
  });

  it('lets only agents and their leads record consents; the admin, the inspector and customers are refused', async () => {
    for (const who of ['inspector', 'admin']) {
      const r = await t.as(who, 'POST', `/api/v1/customers/${beta}/consents`, { purpose: 'marketing', channel: 'phone' });
      expect([who, r.statusCode, code(r)]).toEqual([who, 403, 'forbidden']);
    }
    for (const [method, url] of [
      ['GET', `/api/v1/customers/${beta}/consents`],
      ['POST', `/api/v1/customers/${beta}/consents`],
    ] as const) {
      const r = await t.as(portalA, method, url, method === 'POST' ? { purpose: 'marketing', channel: 'portal' } : undefined);
      expect([url, r.statusCode]).toEqual([url, 403]);
    }
    expect((await t.as('agent', 'GET', '/api/v1/me/consents')).statusCode).toBe(403); // staff have no own register
    for (const who of ['agent', 'supervisor', 'manager', 'director']) {
      const r = await t.as(who, 'GET', `/api/v1/customers/${beta}/consents`);
      expect([who, r.statusCode]).toEqual([who, 200]);
    }
  });

  it('lets a portal customer list, give and withdraw their own consents only', async () => {
    const mine = await t.as(portalA, 'POST', '/api/v1/me/consents', { purpose: 'marketing', scope: '节日关怀' });
    expect(mine.statusCode, mine.body).toBe(201);
    const m = mine.json() as ConsentView;
    const userA = await t.ctx.db.selectFrom('users').select('id').where('email', '=', portalA).executeTakeFirstOrThrow();
    expect(m).toMatchObject({ customerId: alpha, purpose: 'marketing', scope: '节日关怀', channel: 'portal', evidenceRef: null, recordedBy: userA.id, active: true });
    // a customer cannot pose as staff recording how consent was obtained
    const spoof = await t.as(portalA, 'POST', '/api/v1/me/consents', { purpose: 'marketing', channel: 'phone', evidenceRef: 'x' });
    expect(spoof.statusCode).toBe(400);

    const theirs = (await t.as(portalB, 'POST', '/api/v1/me/consents', { purpose: 'satisfaction_survey' })).json() as ConsentView;
    expect(theirs.customerId).toBe(beta);
    const listA = (await t.as(portalA, 'GET', '/api/v1/me/consents')).json() as ConsentRegister;
    expect(listA.customerId).toBe(alpha);
    expect([...listA.current, ...listA.history].map((c) => c.customerId).every((id) => id === alpha)).toBe(true);
    expect(listA.current.map((c) => c.id)).toContain(m.id);
    expect(listA.current.map((c) => c.id)).not.toContain(theirs.id);

    // another customer's consent: not found, and untouched
    const other = await t.as(portalA, 'POST', `/api/v1/me/consents/${theirs.id}/withdraw`, { reason: 'not mine' });
    expect([other.statusCode, code(other)]).toEqual([404, 'consent_not_found']);
    expect(((await t.as(portalB, 'GET', '/api/v1/me/consents')).json() as ConsentRegister).current.map((c) => c.id)).toContain(theirs.id);

    const own = await t.as(portalA, 'POST', `/api/v1/me/consents/${m.id}/withdraw`, { reason: '不想再收到' });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ active: false, withdrawnBy: userA.id });
    const staffView = (await t.as('agent', 'GET', `/api/v1/customers/${alpha}/consents`)).json() as ConsentRegister;
    expect(staffView.history.map((c) => c.id)).toContain(m.id);
    const audited = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_kind']).where('actor_id', '=', userA.id).where('action', 'like', 'consent.%').orderBy('seq').execute();
    expect(audited).toEqual([
      { action: 'consent.grant', actor_kind: 'customer' },
      { action: 'consent.read', actor_kind: 'customer' },
      { action: 'consent.withdraw', actor_kind: 'customer' },
    ]);
  });

  it('puts the register, withdrawals included, in the customer\'s data export', async () => {
    const staff = await t.as('manager', 'GET', `/api/v1/customers/${alpha}/export`);
    expect(staff.statusCode, staff.body).toBe(200);
    const all = ((await t.as('agent', 'GET', `/api/v1/customers/${alpha}/consents`)).json() as ConsentRegister);
    const exported = (staff.json() as { consents: ConsentView[] }).consents;
    expect(exported.map((c) => c.id).sort()).toEqual([...all.current, ...all.history].map((c) => c.id).sort());
    expect(exported.some((c) => !c.active)).toBe(true);
    const own = await t.as(portalA, 'GET', '/api/v1/me/export');
    expect(own.statusCode).toBe(200);
    expect((own.json() as { consents: ConsentView[] }).consents.map((c) => c.id).sort()).toEqual(exported.map((c) => c.id).sort());
  });

  it('answers a path that would carry data out without consent with 409 consent_required', async () => {
    const refused = await t.as('agent', 'POST', `/api/v1/test/share/${beta}`, {});
    expect(refused.statusCode).toBe(409);
    const body = refused.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('consent_required');
    expect(body.error.message).toMatch(/has not consented to sharing with third parties \(Acme Install\)/);
    expect((await t.as('agent', 'POST', `/api/v1/customers/${beta}/consents`, { purpose: 'third_party_sharing', scope: 'Acme Install', channel: 'paper', evidenceRef: 'FORM-1' })).statusCode).toBe(201);
    const ok = await t.as('agent', 'POST', `/api/v1/test/share/${beta}`, {});
    expect([ok.statusCode, ok.json()]).toEqual([200, { shared: true }]);
  });
});
