import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseView } from '../../src/core/modules/cases/index.ts';
import { createCustomer, type CustomerView } from '../../src/core/modules/customers/index.ts';
import { createUser, type UserView } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

// SPEC 10: personal data masked for roles that do not need it (permissions.ts, personal.read).
describe.each(DIALECTS)('personal data masking on %s', (dialect) => {
  let t: TestApp;
  let caseId: string;
  let caseNumber: string;
  let customerId: string;
  const PHONE = '13755556666';
  const EMAIL = 'wang.fang@example.com';
  const PORTAL = 'mask.portal@example.com';
  const MASKED = { email: 'w***@example.com', phone: '137****6666' };

  beforeAll(async () => {
    t = await makeTestApp(dialect);
    const r = await t.as('agent', 'POST', '/api/v1/cases', {
      channel: 'phone',
      contact: { name: '王芳', email: EMAIL, phone: PHONE },
      type: 'complaint',
      subject: '洗衣机漏水',
      description: '洗衣机底部漏水，已经两次上门未修好',
    });
    expect(r.statusCode, r.body).toBe(201);
    const created = r.json() as CaseView;
    caseId = created.id;
    caseNumber = created.number;
    customerId = created.customerId!;
    const sys = systemActor('test');
    const portalCustomer = await createCustomer(t.ctx, { name: '门户客户', email: PORTAL, phone: '13900001111' }, sys);
    await createUser(t.ctx, { email: PORTAL, name: '门户用户', role: 'customer', customerId: portalCustomer.id, password: TEST_PASSWORD }, sys);
  });
  afterAll(async () => t?.close());

  const get = async <T>(who: string, url: string): Promise<T> => {
    const r = await t.as(who, 'GET', url);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as T;
  };
  const contactOf = (views: CaseView[]) => views.find((c) => c.id === caseId)?.contact;

  it('masks the contact on case list, search, detail and by-number for an inspector', async () => {
    const contact = { name: '王芳', ...MASKED };
    expect(contactOf((await get<{ items: CaseView[] }>('inspector', '/api/v1/cases?limit=100')).items)).toEqual(contact);
    // searching by the real phone and email still finds the case; it comes back masked
    for (const q of [PHONE, EMAIL]) {
      const found = await get<{ items: CaseView[] }>('inspector', `/api/v1/cases?q=${encodeURIComponent(q)}`);
      expect(contactOf(found.items), q).toEqual(contact);
    }
    expect((await get<CaseDetail>('inspector', `/api/v1/cases/${caseId}`)).case.contact).toEqual(contact);
    expect((await get<CaseDetail>('inspector', `/api/v1/cases/by-number/${caseNumber}`)).case.contact).toEqual(contact);
  });

  it('masks customer email and phone on customer list (searched by the real value) and detail for an inspector', async () => {
    const found = await get<CustomerView[]>('inspector', `/api/v1/customers?q=${PHONE}`);
    expect(found.map((c) => [c.id, c.email, c.phone])).toEqual([[customerId, MASKED.email, MASKED.phone]]);
    const byEmail = await get<CustomerView[]>('inspector', `/api/v1/customers?q=${encodeURIComponent(EMAIL)}`);
    expect(byEmail.map((c) => c.id)).toEqual([customerId]);
    expect(await get<CustomerView>('inspector', `/api/v1/customers/${customerId}`)).toMatchObject(MASKED);
    expect(await get<CustomerView>('admin', `/api/v1/customers/${customerId}`)).toMatchObject(MASKED);
  });

  it('shows them unmasked to the roles that handle cases', async () => {
    for (const who of ['agent', 'supervisor', 'manager', 'director']) {
      expect((await get<CaseDetail>(who, `/api/v1/cases/${caseId}`)).case.contact, who).toEqual({ name: '王芳', email: EMAIL, phone: PHONE });
      expect(contactOf((await get<{ items: CaseView[] }>(who, `/api/v1/cases?q=${PHONE}`)).items), who).toMatchObject({ email: EMAIL, phone: PHONE });
      expect(await get<CustomerView>(who, `/api/v1/customers/${customerId}`), who).toMatchObject({ email: EMAIL, phone: PHONE });
    }
  });

  it('masks portal accounts (not staff) in user views for roles without the permission', async () => {
    const portalOf = async (who: string) => (await get<UserView[]>(who, '/api/v1/users?role=customer')).find((u) => u.name === '门户用户')!;
    expect((await portalOf('inspector')).email).toBe('m***@example.com');
    expect((await portalOf('admin')).email).toBe('m***@example.com');
    expect((await get<UserView>('admin', `/api/v1/users/${(await portalOf('admin')).id}`)).email).toBe('m***@example.com');
    expect((await portalOf('supervisor')).email).toBe(PORTAL);
    const staff = await get<UserView[]>('inspector', '/api/v1/users?role=agent');
    expect(staff.length).toBeGreaterThan(0);
    for (const u of staff) expect(u.email).not.toContain('***');
  });

  it('shows a portal customer their own data unmasked', async () => {
    const r = await t.as(PORTAL, 'POST', '/api/v1/cases', { channel: 'web', contact: { name: '门户用户' }, subject: '积分未到账', description: '上周的积分还没有到账' });
    expect(r.statusCode, r.body).toBe(201);
    const own = r.json() as CaseView;
    expect((await get<CaseDetail>(PORTAL, `/api/v1/cases/${own.id}`)).case.contact).toEqual({ name: '门户用户', email: PORTAL, phone: '13900001111' });
    const listed = (await get<{ items: CaseView[] }>(PORTAL, '/api/v1/cases')).items;
    expect(listed.find((c) => c.id === own.id)?.contact).toMatchObject({ email: PORTAL, phone: '13900001111' });
    expect((await get<{ user: UserView }>(PORTAL, '/api/v1/auth/me')).user.email).toBe(PORTAL);
    // and an inspector sees that case masked
    expect((await get<CaseDetail>('inspector', `/api/v1/cases/${own.id}`)).case.contact).toMatchObject({ email: 'm***@example.com', phone: '139****1111' });
  });

  it('masks email and phone in audit entries for a reader without the permission, not in the log', async () => {
    const r = await t.as('agent', 'POST', '/api/v1/customers', { name: '赵先生', email: 'zhao@example.com', phone: '13812345678' });
    expect(r.statusCode, r.body).toBe(201);
    const id = (r.json() as CustomerView).id;
    expect((await t.as('agent', 'PATCH', `/api/v1/customers/${id}`, { phone: '13887654321' })).statusCode).toBe(200);
    type Entry = { action: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
    const trail = (who: string) => get<Entry[]>(who, `/api/v1/audit?targetType=customer&targetId=${id}`);
    const masked = await trail('admin');
    expect(masked.find((e) => e.action === 'customer.create')!.after).toMatchObject({ id, name: '赵先生', email: 'z***@example.com', phone: '138****5678' });
    const update = masked.find((e) => e.action === 'customer.update')!;
    expect(update.before).toMatchObject({ email: 'z***@example.com', phone: '138****5678' });
    expect(update.after).toMatchObject({ email: 'z***@example.com', phone: '138****4321' });
    const clear = await trail('director');
    expect(clear.find((e) => e.action === 'customer.update')!.after).toMatchObject({ email: 'zhao@example.com', phone: '13887654321' });
    // the log keeps the real values (its hash chain covers them)
    const stored = await t.ctx.db.selectFrom('audit_log').select('after').where('target_id', '=', id).where('action', '=', 'customer.create').executeTakeFirstOrThrow();
    expect(JSON.parse(stored.after!)).toMatchObject({ email: 'zhao@example.com', phone: '13812345678' });
    // an audited search by a customer's phone does not show the phone either
    await get('inspector', `/api/v1/customers?q=${PHONE}`);
    const searches = await get<Entry[]>('admin', '/api/v1/audit?targetType=customer&limit=20');
    expect(searches.find((e) => e.action === 'customer.list' && e.after?.['q'] !== null)!.after).toMatchObject({ q: MASKED.phone });
    expect((await get<{ ok: boolean }>('admin', '/api/v1/audit/verify')).ok).toBe(true);
  });
});
