import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView } from '../../src/core/modules/cases/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { createOutboxWorker, type OutboxEnvelope } from '../../src/core/modules/notifications/index.ts';
import { createRetentionWorker, ERASED_NAME, REDACTED, runRetention, type CustomerExport, type ErasureResult, type RetentionReport } from '../../src/core/modules/privacy/index.ts';
import { createApiToken, createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS, T0 } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

const DAY = 86_400_000;
const sys = systemActor('test');
type ErrorBody = { error: { code: string; message: string } };

/** A case taken in by the agent for this contact, answered, noted, with a public and an internal file. */
async function caseWithHistory(t: TestApp, contact: { name: string; email?: string; phone?: string }, subject: string, description: string, extra: Record<string, unknown> = {}) {
  const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', type: 'inquiry', contact, subject, description, request: `${contact.name}要求尽快回电`, ...extra });
  expect(r.statusCode, r.body).toBe(201);
  const c = r.json() as CaseView;
  const ok = async (path: string, body: unknown) => {
    const res = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/${path}`, body);
    expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
  };
  await ok('replies', { body: `${contact.name}您好，工程师明天上门。` });
  await ok('notes', { body: '内部备注：该客户情绪激动，注意语气' });
  await ok('attachments', { filename: '发票-公开.txt', contentType: 'text/plain', contentBase64: Buffer.from('公开的发票内容').toString('base64') });
  await ok('attachments', { filename: '内部-截图.txt', contentType: 'text/plain', contentBase64: Buffer.from('内部的截图内容').toString('base64'), visibility: 'internal' });
  return c;
}

async function closeCase(t: TestApp, id: string) {
  const r1 = await t.as('agent', 'POST', `/api/v1/cases/${id}/resolve`, { cause: '配件老化', solution: '更换进水阀，客户家中已测试正常', compensation: '赠送延保一年' });
  expect(r1.statusCode, r1.body).toBe(200);
  const r2 = await t.as('agent', 'POST', `/api/v1/cases/${id}/close`, { reason: 'solved' });
  expect(r2.statusCode, r2.body).toBe(200);
}

// SPEC 10: right of access (export) — staff in clear, a customer their own as the portal shows it.
describe.each(DIALECTS)('customer data export on %s', (dialect) => {
  let t: TestApp;
  let own: CaseView;
  let customerId: string;
  let otherCustomerId: string;
  const PORTAL = 'export.portal@example.com';
  const EMAIL = 'zhou.min@example.com';
  const PHONE = '13711223344';

  beforeAll(async () => {
    t = await makeTestApp(dialect);
    own = await caseWithHistory(t, { name: '周敏', email: EMAIL, phone: PHONE }, '空调不制冷', '客厅空调开机半小时仍不制冷');
    customerId = own.customerId!;
    await createUser(t.ctx, { email: PORTAL, name: '周敏', role: 'customer', customerId, password: TEST_PASSWORD }, sys);
    await t.as(PORTAL, 'GET', '/api/v1/auth/me'); // a login to report
    otherCustomerId = (await caseWithHistory(t, { name: '吴刚', email: 'wu.gang@example.com' }, '冰箱异响', '冰箱夜间噪音大')).customerId!;
  });
  afterAll(async () => t?.close());

  it('gives a manager and a director everything about the customer in clear, as a JSON file', async () => {
    for (const who of ['manager', 'director']) {
      const r = await t.as(who, 'GET', `/api/v1/customers/${customerId}/export`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toContain('application/json');
      expect(r.headers['content-disposition']).toMatch(/^attachment; filename="serviceloop-customer-[\w-]+-\d{4}-\d{2}-\d{2}\.json"$/);
      const e = r.json() as CustomerExport;
      expect(e.scope).toBe('staff');
      expect(e.customer).toMatchObject({ id: customerId, name: '周敏', email: EMAIL, phone: PHONE });
      expect(e.cases.map((c) => c.case.id)).toEqual([own.id]);
      const [c] = e.cases;
      expect(c!.case).toMatchObject({ subject: '空调不制冷', contact: { name: '周敏', email: EMAIL, phone: PHONE }, assigneeId: expect.any(String) });
      const bodies = c!.timeline.map((ev) => ev.body);
      expect(bodies).toContain('内部备注：该客户情绪激动，注意语气');
      expect(bodies).toContain('周敏您好，工程师明天上门。');
      expect(c!.attachments.map((a) => a.filename).sort()).toEqual(['内部-截图.txt', '发票-公开.txt']);
      expect(JSON.stringify(c!.attachments)).not.toContain(Buffer.from('公开的发票内容').toString('base64'));
      expect(c!.commitments!.targets.length).toBeGreaterThan(0);
      expect(Array.isArray(c!.remedies)).toBe(true);
      expect(e.portalAccounts).toEqual([
        { id: expect.any(String), email: PORTAL, name: '周敏', locale: 'zh-CN', active: true, createdAt: expect.any(Number), lastLoginAt: expect.any(Number) },
      ]);
      expect(r.body).not.toMatch(/password|token_hash|scrypt/i);
    }
    const audited = await t.ctx.db.selectFrom('audit_log').select(['actor_id', 'after']).where('action', '=', 'privacy.export').where('target_id', '=', customerId).execute();
    expect(audited.map((a) => a.actor_id).sort()).toEqual([t.seed.users.director!.id, t.seed.users.manager!.id].sort());
    expect(JSON.parse(audited[0]!.after!)).toEqual({ scope: 'staff', cases: 1, portalAccounts: 1 });
  });

  it("gives a portal customer their own data as the portal shows it: no internal notes, files or staff-only fields", async () => {
    const r = await t.as(PORTAL, 'GET', '/api/v1/me/export');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename=".+\.json"$/);
    const e = r.json() as CustomerExport;
    expect(e.scope).toBe('customer');
    expect(e.customer).toMatchObject({ id: customerId, email: EMAIL, phone: PHONE });
    expect(e.cases).toHaveLength(1);
    const [c] = e.cases;
    expect(c!.case).toMatchObject({ id: own.id, subject: '空调不制冷', contact: { email: EMAIL } });
    for (const k of ['assigneeId', 'ownerId', 'teamId', 'receivedBy', 'complaintGrade', 'sensitive', 'isRepeat', 'repeatOfId', 'version']) expect(c!.case, k).not.toHaveProperty(k);
    expect(c!.case.resolution).not.toHaveProperty('correctiveAction');
    expect(c!.timeline.every((ev) => ev.visibility === 'public')).toBe(true);
    expect(c!.timeline.map((ev) => ev.body)).toContain('周敏您好，工程师明天上门。');
    expect(r.body).not.toContain('内部备注');
    expect(c!.attachments.map((a) => a.filename)).toEqual(['发票-公开.txt']);
    expect(c).not.toHaveProperty('commitments');
    expect(c).not.toHaveProperty('remedies');
    expect(e.portalAccounts.map((a) => a.email)).toEqual([PORTAL]);
    expect(r.body).not.toContain('wu.gang@example.com');
    const audited = await t.ctx.db.selectFrom('audit_log').select('after').where('action', '=', 'privacy.export').where('actor_kind', '=', 'customer').executeTakeFirstOrThrow();
    expect(JSON.parse(audited.after!)).toMatchObject({ scope: 'customer', cases: 1 });
  });

  it('refuses the staff export to agents, admins, inspectors and customers, and answers 404 for an unknown customer', async () => {
    for (const who of ['agent', 'supervisor', 'admin', 'inspector', PORTAL]) {
      for (const id of [customerId, otherCustomerId]) {
        const r = await t.as(who, 'GET', `/api/v1/customers/${id}/export`);
        expect([who, r.statusCode, (r.json() as ErrorBody).error.code]).toEqual([who, 403, 'forbidden']);
      }
    }
    // a portal customer has no way to name another customer: /me/export takes no id
    const q = await t.as(PORTAL, 'GET', `/api/v1/me/export?customerId=${otherCustomerId}`);
    expect(q.statusCode).toBe(400);
    for (const who of ['agent', 'manager', 'admin']) expect((await t.as(who, 'GET', '/api/v1/me/export')).statusCode, who).toBe(403);
    const none = await t.as('manager', 'GET', '/api/v1/customers/no-such-customer/export');
    expect([none.statusCode, (none.json() as ErrorBody).error.code]).toEqual([404, 'customer_not_found']);
  });
});

// SPEC 10: right to erasure, by anonymisation.
describe.each(DIALECTS)('customer erasure on %s', (dialect) => {
  let t: TestApp;
  let erased: CaseView;
  let customerId: string;
  let portalToken: string;
  let portalCookie: string;
  let metricsBefore: unknown;
  let targetsBefore: unknown;
  const PORTAL = 'erase.portal@example.com';
  const EMAIL = 'sun.li@example.com';
  const PHONE = '13866667777';
  const WORD = '洗碗机漏电跳闸';

  beforeAll(async () => {
    t = await makeTestApp(dialect);
    erased = await caseWithHistory(t, { name: '孙丽', email: EMAIL, phone: PHONE }, WORD, `孙丽家的${WORD}，住址朝阳区幸福路8号`, { type: 'complaint', complaintGrade: 'general' });
    customerId = erased.customerId!;
    const portal = await createUser(t.ctx, { email: PORTAL, name: '孙丽', role: 'customer', customerId, password: TEST_PASSWORD }, sys);
    portalToken = (await createApiToken(t.ctx, portal.id, 'portal', null, sys)).token;
    portalCookie = await t.cookie(PORTAL);
    const r1 = await t.as('agent', 'POST', `/api/v1/cases/${erased.id}/resolve`, { cause: '配件老化', solution: '孙丽家中更换电源板', compensation: '补偿孙丽 200 元' });
    expect(r1.statusCode, r1.body).toBe(200);
    const r2 = await t.as('agent', 'POST', `/api/v1/cases/${erased.id}/close`, { reason: 'solved' });
    expect(r2.statusCode, r2.body).toBe(200);
    metricsBefore = await t.ctx.db.selectFrom('case_metrics').selectAll().where('case_id', '=', erased.id).executeTakeFirst();
    targetsBefore = await t.ctx.db.selectFrom('case_targets').select(['kind', 'state', 'met_at', 'breached_at', 'elapsed_minutes']).where('case_id', '=', erased.id).orderBy('kind').execute();
  });
  afterAll(async () => t?.close());

  const erase = (who: string, id: string, reason = '客户来函要求删除个人信息 (工单 DSR-1)') => t.as(who, 'POST', `/api/v1/customers/${id}/erase`, { reason });

  it('refuses agents, supervisors, managers, admins, inspectors and customers', async () => {
    for (const who of ['agent', 'supervisor', 'manager', 'admin', 'inspector', PORTAL]) {
      const r = await erase(who, customerId);
      expect([who, r.statusCode, (r.json() as ErrorBody).error.code]).toEqual([who, 403, 'forbidden']);
    }
    expect((await t.ctx.db.selectFrom('customers').select('erased_at').where('id', '=', customerId).executeTakeFirstOrThrow()).erased_at).toBeNull();
  });

  it('refuses an unknown customer (404), one with a case not closed (409 naming it), and a reason that is missing or too long', async () => {
    const unknown = await erase('director', 'no-such-customer');
    expect([unknown.statusCode, (unknown.json() as ErrorBody).error.code]).toEqual([404, 'customer_not_found']);
    const open = await caseWithHistory(t, { name: '钱进', email: 'qian.jin@example.com' }, '热水器不出热水', '热水器不出热水');
    const r = await erase('director', open.customerId!);
    expect(r.statusCode).toBe(409);
    const body = r.json() as ErrorBody;
    expect(body.error.code).toBe('open_cases');
    expect(body.error.message).toContain(open.number);
    const row = await t.ctx.db.selectFrom('customers').selectAll().where('id', '=', open.customerId!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: '钱进', email: 'qian.jin@example.com', erased_at: null });
    for (const reason of ['', 'x'.repeat(501)]) expect((await erase('director', customerId, reason)).statusCode).toBe(400);
  });

  it('anonymises the customer, their cases, timelines, files, search entries, portal accounts and queued messages', async () => {
    // before: found by its words, its email and its phone
    for (const q of [WORD, EMAIL, PHONE]) {
      const found = (await t.as('agent', 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}`)).json() as { items: CaseView[] };
      expect(found.items.map((c) => c.id), q).toContain(erased.id);
    }
    const pendingBefore = await t.ctx.db.selectFrom('outbox').select('id').where('case_id', '=', erased.id).where('sent_at', 'is', null).execute();
    expect(pendingBefore.length).toBeGreaterThan(0); // the acknowledgement and the resolution mail, never sent here

    const r = await erase('director', customerId);
    expect(r.statusCode, r.body).toBe(200);
    const result = r.json() as ErasureResult;
    expect(result).toMatchObject({ customerId, reason: '客户来函要求删除个人信息 (工单 DSR-1)' });
    expect(result.counts).toMatchObject({ cases: 1, attachments: 2, portalAccounts: 1, tokensRevoked: 1, outboxCancelled: pendingBefore.length });
    expect(result.counts.sessionsEnded).toBeGreaterThanOrEqual(1);

    const db = t.ctx.db;
    expect(await db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirstOrThrow()).toMatchObject({
      name: ERASED_NAME, email: null, phone: null, company: null, region: null, branch: null, status: 'inactive', erased_at: t.clock.now(),
    });
    const c = await db.selectFrom('cases').selectAll().where('id', '=', erased.id).executeTakeFirstOrThrow();
    expect(c).toMatchObject({
      contact_name: ERASED_NAME, contact_email: null, contact_phone: null, subject: REDACTED, description: REDACTED, request: REDACTED,
      resolution_solution: REDACTED, compensation: REDACTED, resolution_cause: '配件老化',
      // what the indicators are made of stays
      type: 'complaint', channel: 'phone', status: 'closed', close_reason: 'solved', priority: erased.priority, received_at: erased.receivedAt,
    });
    expect(c.closed_at).not.toBeNull();
    expect(await db.selectFrom('case_metrics').selectAll().where('case_id', '=', erased.id).executeTakeFirst()).toEqual(metricsBefore);
    expect(await db.selectFrom('case_targets').select(['kind', 'state', 'met_at', 'breached_at', 'elapsed_minutes']).where('case_id', '=', erased.id).orderBy('kind').execute()).toEqual(targetsBefore);

    const events = await db.selectFrom('case_events').selectAll().where('case_id', '=', erased.id).execute();
    expect(events.length).toBeGreaterThan(5);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'reply', 'note', 'attachment', 'resolved', 'closed']));
    for (const e of events) {
      if (e.body !== null) expect(e.body).toBe(REDACTED);
      expect(e.data ?? '').not.toMatch(/孙丽|sun\.li|13866667777|洗碗机|发票|截图|幸福路/);
    }
    const files = await db.selectFrom('case_attachments').selectAll().where('case_id', '=', erased.id).execute();
    expect(files).toHaveLength(2);
    for (const f of files) {
      expect(Buffer.from(f.content).length).toBe(0);
      expect(f.size).toBeGreaterThan(0);
      expect(f.filename).not.toMatch(/发票|截图/);
    }

    // the search no longer finds it by the erased text, email or phone
    for (const q of [WORD, EMAIL, PHONE, '幸福路']) {
      const found = (await t.as('agent', 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}`)).json() as { items: CaseView[] };
      expect(found.items.map((x) => x.id), q).not.toContain(erased.id);
    }

    // the portal account: deactivated, renamed, no way in
    const account = await db.selectFrom('users').selectAll().where('customer_id', '=', customerId).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ active: 0, name: ERASED_NAME, password_hash: null });
    expect(account.email).toMatch(/@erased\.invalid$/);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: PORTAL, password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: portalCookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${portalToken}` } })).statusCode).toBe(401);

    // the queued messages to the customer are cancelled: an outbox worker sends none of them
    const outbox = await db.selectFrom('outbox').selectAll().where('case_id', '=', erased.id).execute();
    for (const m of outbox) {
      expect(m.failed_at).not.toBeNull();
      expect(m.payload).not.toMatch(/sun\.li|孙丽|13866667777/);
    }
    const sent: OutboxEnvelope[] = [];
    const transport = { send: async (m: OutboxEnvelope) => void sent.push(m) };
    const worker = createOutboxWorker(t.ctx, { transports: { email: transport, notify: transport, sms: transport, webhook: transport }, log: { info: () => {}, warn: () => {}, error: () => {} } });
    await worker.runOnce();
    await worker.stop();
    expect(sent.filter((m) => m.caseId === erased.id || JSON.stringify(m.payload).includes(EMAIL))).toEqual([]);
    expect(await db.selectFrom('outbox').select('id').where('case_id', '=', erased.id).where('sent_at', 'is not', null).execute()).toEqual([]);

    // the audit entry has the reason and counts, not the erased values; the chain is intact
    const entry = await db.selectFrom('audit_log').selectAll().where('action', '=', 'privacy.erase').where('target_id', '=', customerId).executeTakeFirstOrThrow();
    expect(entry.actor_id).toBe(t.seed.users.director!.id);
    expect(JSON.parse(entry.after!)).toMatchObject({ reason: '客户来函要求删除个人信息 (工单 DSR-1)', cases: 1, attachments: 2 });
    expect(entry.after).not.toMatch(/sun\.li|孙丽|13866667777|洗碗机/);
    expect(((await t.as('director', 'GET', '/api/v1/audit/verify')).json() as { ok: boolean }).ok).toBe(true);
  });

  it('refuses a second erasure (409 already_erased), and a later intake from the same contact makes a new customer, not a repeat', async () => {
    const again = await erase('director', customerId);
    expect([again.statusCode, (again.json() as ErrorBody).error.code]).toEqual([409, 'already_erased']);
    const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', type: 'complaint', complaintGrade: 'general', contact: { name: '孙丽', email: EMAIL, phone: PHONE }, subject: WORD, description: `${WORD}，又坏了` });
    expect(r.statusCode, r.body).toBe(201);
    const next = r.json() as CaseView;
    expect(next.customerId).not.toBeNull();
    expect(next.customerId).not.toBe(customerId);
    expect(next.isRepeat).toBe(false);
    const byPhone = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', type: 'inquiry', contact: { name: '孙丽', phone: PHONE }, subject: '咨询', description: '咨询保修' });
    expect((byPhone.json() as CaseView).customerId).toBe(next.customerId);
    // nor can staff file a case for, or fill in again, the erased customer
    const forErased = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId, contact: { name: 'x' }, subject: '咨询', description: '咨询' });
    expect([forErased.statusCode, (forErased.json() as ErrorBody).error.code]).toEqual([409, 'customer_erased']);
    const patch = await t.as('agent', 'PATCH', `/api/v1/customers/${customerId}`, { email: EMAIL });
    expect([patch.statusCode, (patch.json() as ErrorBody).error.code]).toEqual([409, 'customer_erased']);
    // a new portal account may use the address again
    await createUser(t.ctx, { email: PORTAL, name: '孙丽', role: 'customer', customerId: next.customerId!, password: TEST_PASSWORD }, sys);
  });
});

// SPEC 10: retention limit and the destruction job.
describe.each(DIALECTS)('retention job on %s', (dialect) => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true, config: { retentionDays: 30 } });
    const clock = t.clock as ManualClock;
    const closedCase = async (name: string) => {
      const c = await caseWithHistory(t, { name, email: `${name}@example.com` }, `${name}的咨询`, '咨询内容');
      await closeCase(t, c.id);
      return c.customerId!;
    };
    ids.closedEarly = await closedCase('early'); // last closed at T0
    ids.noCasesEarly = (await createCustomer(t.ctx, { name: '无工单甲', email: 'none1@example.com' }, sys)).id; // created at T0
    ids.open = (await caseWithHistory(t, { name: 'open', email: 'open@example.com' }, '未结案', '未结案')).customerId!; // never closed
    ids.both = await closedCase('both'); // a case closed at T0 ...
    clock.set(T0 + 20 * DAY);
    ids.closedLater = await closedCase('later'); // closed at T0 + 20 d
    ids.noCasesLater = (await createCustomer(t.ctx, { name: '无工单乙', email: 'none2@example.com' }, sys)).id;
    expect(await closedCase('both')).toBe(ids.both); // ... and another at T0 + 20 d: the last closing counts
  });
  afterAll(async () => t?.close());

  const erasedOnes = async () =>
    (await t.ctx.db.selectFrom('customers').select(['id', 'erased_at']).where('erased_at', 'is not', null).execute()).map((c) => c.id).sort();

  it('lists, on a dry run, only the customers past the limit, and changes nothing', async () => {
    (t.clock as ManualClock).set(T0 + 31 * DAY);
    const auditBefore = await t.ctx.db.selectFrom('audit_log').select('seq').execute();
    const r = await runRetention(t.ctx, { dryRun: true });
    expect(r).toMatchObject({ dryRun: true, retentionDays: 30, due: 2, erased: [], cutoff: T0 + DAY });
    expect(r.customers.sort()).toEqual([ids.closedEarly, ids.noCasesEarly].sort());
    expect(await erasedOnes()).toEqual([]);
    expect((await t.ctx.db.selectFrom('audit_log').select('seq').execute()).length).toBe(auditBefore.length);
  });

  it('erases exactly those past the limit, as the system with reason retention, in batches; later the others', async () => {
    const r = await runRetention(t.ctx, { batchSize: 1 });
    expect(r.erased.sort()).toEqual([ids.closedEarly, ids.noCasesEarly].sort());
    expect(await erasedOnes()).toEqual([ids.closedEarly, ids.noCasesEarly].sort());
    const row = await t.ctx.db.selectFrom('customers').selectAll().where('id', '=', ids.closedEarly!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: ERASED_NAME, email: null });
    const entries = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'privacy.erase').execute();
    expect(entries.map((e) => [e.actor_kind, JSON.parse(e.after!).reason])).toEqual([
      ['system', 'retention'],
      ['system', 'retention'],
    ]);
    // nothing more is due now; a month later the later ones are, never the one with an open case
    expect((await runRetention(t.ctx)).erased).toEqual([]);
    (t.clock as ManualClock).set(T0 + 51 * DAY);
    expect((await runRetention(t.ctx)).erased.sort()).toEqual([ids.both, ids.closedLater, ids.noCasesLater].sort());
    (t.clock as ManualClock).set(T0 + 3000 * DAY);
    expect((await runRetention(t.ctx)).erased).toEqual([]);
    expect(await erasedOnes()).not.toContain(ids.open);
  });

  it("runs from the server's worker, which stops cleanly", async () => {
    const id = (await createCustomer(t.ctx, { name: '无工单丙', email: 'none3@example.com' }, sys)).id;
    (t.clock as ManualClock).advance(31 * DAY);
    const reports: RetentionReport[] = [];
    let first!: () => void;
    const done = new Promise<void>((r) => (first = r));
    const worker = createRetentionWorker(t.ctx, { firstAfterMs: 0, everyMs: 3_600_000, onReport: (r) => (reports.push(r), first()), onError: (err) => { throw err; } });
    worker.start();
    await done;
    await worker.stop();
    expect(reports.map((r) => r.erased)).toEqual([[id]]);
    expect(await erasedOnes()).toContain(id);
  });
});

// Review findings: what an erasure must also remove, and what it must wait for (SPEC 10).
describe.each(DIALECTS)('erasure of remedies, root causes, consents and mail ids on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it("replaces the remedies' letters, a root cause naming the person, the consents' texts and the mail ids; withdraws the consents; refuses new ones", async () => {
    const NAME = '郑爽';
    const c = await caseWithHistory(t, { name: NAME, email: 'zheng.shuang@example.com', phone: '13912345678' }, '燃气灶打不着火', '燃气灶打不着火');
    const customerId = c.customerId!;
    const other = await caseWithHistory(t, { name: '冯涛', email: 'feng.tao@example.com' }, '电视黑屏', '电视黑屏');
    const resolved = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/resolve`, { cause: `${NAME}家的点火针老化`, solution: '更换点火针', correctiveAction: '巡检规程增加点火针检查' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/close`, { reason: 'solved' })).statusCode).toBe(200);
    const letter = { kind: 'compensation', amount: 100, currency: 'CNY', text: `${NAME}您好，补偿100元`, textEn: `Dear ${NAME}, CNY 100` };
    await t.ctx.db
      .insertInto('remedies')
      .values({ id: 'remedy-erase-1', case_id: c.id, target_id: null, rule_id: null, status: 'approved', proposal: JSON.stringify({ ...letter, text: '补偿100元' }), final: JSON.stringify(letter), decided_by: t.seed.users.supervisor!.id, decided_at: T0, note: null, created_at: T0 })
      .execute();
    await t.ctx.db
      .insertInto('case_email_messages')
      .values([
        { message_id: 'a1@mail.zheng.example.com', case_id: c.id, kind: 'case', created_at: T0 },
        { message_id: 'b1@mail.feng.example.com', case_id: other.id, kind: 'case', created_at: T0 },
      ])
      .execute();
    const grant = async (body: Record<string, unknown>) => {
      const r = await t.as('agent', 'POST', `/api/v1/customers/${customerId}/consents`, body);
      expect(r.statusCode, r.body).toBe(201);
      return (r.json() as { id: string }).id;
    };
    await grant({ purpose: 'marketing', channel: 'phone', scope: `${NAME}的手机短信`, evidenceRef: 'REC-ZS-0001' });
    const old = await grant({ purpose: 'call_recording', channel: 'phone', evidenceRef: 'REC-ZS-0002' });
    expect((await t.as('agent', 'POST', `/api/v1/customers/${customerId}/consents/${old}/withdraw`, { reason: `${NAME}来电撤回` })).statusCode).toBe(200);

    const r = await t.as('director', 'POST', `/api/v1/customers/${customerId}/erase`, { reason: 'DSR-2' });
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json() as ErasureResult).counts).toMatchObject({ remedies: 1, consentsWithdrawn: 1, emailMessages: 1 });
    const db = t.ctx.db;

    // (a) the letter goes, the kind and amount stay
    const remedy = await db.selectFrom('remedies').selectAll().where('id', '=', 'remedy-erase-1').executeTakeFirstOrThrow();
    expect(JSON.parse(remedy.final!)).toEqual({ kind: 'compensation', amount: 100, currency: 'CNY', text: REDACTED, textEn: REDACTED });
    expect(JSON.parse(remedy.proposal)).toEqual({ kind: 'compensation', amount: 100, currency: 'CNY', text: REDACTED, textEn: REDACTED });
    // (b) a root cause naming the person goes; a corrective action about the process stays
    const row = await db.selectFrom('cases').select(['resolution_cause', 'corrective_action']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ resolution_cause: REDACTED, corrective_action: '巡检规程增加点火针检查' });
    // (c) every consent withdrawn, its texts replaced; no new consent for an erased customer
    const consents = await db.selectFrom('consents').selectAll().where('customer_id', '=', customerId).orderBy('granted_at').orderBy('id').execute();
    expect(consents).toHaveLength(2);
    for (const k of consents) {
      expect(k.withdrawn_at).not.toBeNull();
      expect(JSON.stringify(k)).not.toMatch(/郑爽|REC-ZS/);
      if (k.scope !== null) expect(k.scope).toBe(REDACTED);
      expect(k.evidence_ref).toBe(REDACTED);
    }
    expect(consents.find((k) => k.purpose === 'marketing')).toMatchObject({ withdrawn_by: t.seed.users.director!.id, withdrawal_reason: 'erased', withdrawn_at: t.clock.now() });
    expect(consents.find((k) => k.purpose === 'call_recording')).toMatchObject({ withdrawal_reason: REDACTED, withdrawn_by: t.seed.users.agent!.id });
    const again = await t.as('agent', 'POST', `/api/v1/customers/${customerId}/consents`, { purpose: 'marketing', channel: 'phone' });
    expect([again.statusCode, (again.json() as ErrorBody).error.code]).toEqual([409, 'customer_erased']);
    // (d) the mail ids of the customer's cases are gone, another customer's stay
    expect((await db.selectFrom('case_email_messages').select('message_id').execute()).map((m) => m.message_id)).toEqual(['b1@mail.feng.example.com']);
  });

  it.runIf(dialect === 'postgres')('waits for a reopen in flight, and makes an intake by customerId wait for it (PostgreSQL locks)', async () => {
    const settled = <T>(p: Promise<T>) => Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), 400))]);
    const gate = () => {
      let open!: () => void;
      const p = new Promise<void>((r) => (open = r));
      return { p, open };
    };
    // a reopen holds the case (mutateCase: FOR UPDATE, then the update) while the erasure starts
    const a = await caseWithHistory(t, { name: '褚明', email: 'chu.ming@example.com' }, '油烟机异响', '油烟机异响');
    await closeCase(t, a.id);
    const g1 = gate();
    let locked!: () => void;
    const hasLock = new Promise<void>((r) => (locked = r));
    const reopen = t.ctx.db.transaction().execute(async (trx) => {
      await trx.selectFrom('cases').select('id').where('id', '=', a.id).forUpdate().execute();
      await trx.updateTable('cases').set({ status: 'open', closed_at: null, updated_at: t.clock.now() }).where('id', '=', a.id).execute();
      locked();
      await g1.p;
    });
    await hasLock;
    const erasure = t.as('director', 'POST', `/api/v1/customers/${a.customerId}/erase`, { reason: 'DSR-3' });
    expect(await settled(erasure)).toBe(false); // waits for the case
    g1.open();
    await reopen;
    const r1 = await erasure;
    expect([r1.statusCode, (r1.json() as ErrorBody).error.code]).toEqual([409, 'open_cases']);
    expect(await t.ctx.db.selectFrom('cases').select(['contact_email', 'status']).where('id', '=', a.id).executeTakeFirstOrThrow()).toEqual({ contact_email: 'chu.ming@example.com', status: 'open' });

    // an erasure holds the customer (FOR UPDATE) while an intake names the customer by id: the intake waits, then is refused
    const b = await caseWithHistory(t, { name: '卫红', email: 'wei.hong@example.com' }, '热水器漏水', '热水器漏水');
    await closeCase(t, b.id);
    const g2 = gate();
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    const erasing = t.ctx.db.transaction().execute(async (trx) => {
      await trx.selectFrom('customers').select('id').where('id', '=', b.customerId!).forUpdate().execute();
      held();
      await g2.p;
      await trx.updateTable('customers').set({ erased_at: t.clock.now(), email: null, phone: null }).where('id', '=', b.customerId!).execute();
    });
    await holding;
    const intake = t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId: b.customerId, contact: { name: '卫红', email: 'wei.hong@example.com' }, subject: '又漏水', description: '又漏水' });
    expect(await settled(intake)).toBe(false); // waits for the erasure
    g2.open();
    await erasing;
    const r2 = await intake;
    expect([r2.statusCode, (r2.json() as ErrorBody).error.code]).toEqual([409, 'customer_erased']);
    expect(await t.ctx.db.selectFrom('cases').select('id').where('customer_id', '=', b.customerId!).execute()).toHaveLength(1);
  });
});

describe.each(DIALECTS)("a portal customer's own export on %s", (dialect) => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('lists only their own portal account; staff see every account of the customer', async () => {
    t = await makeTestApp(dialect);
    const customerId = (await createCustomer(t.ctx, { name: '某某公司', email: 'office@company.example.com' }, sys)).id;
    await createUser(t.ctx, { email: 'me@company.example.com', name: '本人', role: 'customer', customerId, password: TEST_PASSWORD }, sys);
    await createUser(t.ctx, { email: 'colleague@company.example.com', name: '同事', role: 'customer', customerId, password: TEST_PASSWORD }, sys);
    await t.as('colleague@company.example.com', 'GET', '/api/v1/auth/me');
    const own = await t.as('me@company.example.com', 'GET', '/api/v1/me/export');
    expect(own.statusCode, own.body).toBe(200);
    expect((own.json() as CustomerExport).portalAccounts.map((a) => a.email)).toEqual(['me@company.example.com']);
    expect(own.body).not.toContain('colleague@');
    const staff = await t.as('manager', 'GET', `/api/v1/customers/${customerId}/export`);
    expect((staff.json() as CustomerExport).portalAccounts.map((a) => a.email).sort()).toEqual(['colleague@company.example.com', 'me@company.example.com']);
  });
});

describe.each(DIALECTS)('retention by last activity on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('does not erase a customer with recent activity of any kind, and goes by windows', async () => {
    t = await makeTestApp(dialect, { useTokens: true, config: { retentionDays: 30 } });
    const clock = t.clock as ManualClock;
    const db = t.ctx.db;
    const make = async (name: string) => (await createCustomer(t.ctx, { name, email: `${name}@example.com` }, sys)).id;
    const portal = async (customerId: string, email: string) => createUser(t.ctx, { email, name: email, role: 'customer', customerId, password: TEST_PASSWORD }, sys);
    const ids = {
      idle: await make('idle'),
      updated: await make('updated'),
      granted: await make('granted'),
      withdrawn: await make('withdrawn'),
      loggedIn: await make('loggedin'),
      failedLogin: await make('failedlogin'),
      accountUpdated: await make('accountupdated'),
      caseTouched: await caseWithHistory(t, { name: 'touched', email: 'touched@example.com' }, '咨询', '咨询').then((c) => c.customerId!),
    };
    const [touchedCase] = await db.selectFrom('cases').select('id').where('customer_id', '=', ids.caseTouched).execute();
    await closeCase(t, touchedCase!.id);
    await portal(ids.loggedIn, 'li@example.com');
    await portal(ids.failedLogin, 'fl@example.com');
    const acc = await portal(ids.accountUpdated, 'au@example.com');
    const consent = async (id: string, purpose: string) => {
      const r = await t.as('agent', 'POST', `/api/v1/customers/${id}/consents`, { purpose, channel: 'phone' });
      expect(r.statusCode, r.body).toBe(201);
      return (r.json() as { id: string }).id;
    };
    const toWithdraw = await consent(ids.withdrawn, 'marketing');

    clock.set(T0 + 20 * DAY);
    const at = clock.now();
    expect((await t.as('agent', 'PATCH', `/api/v1/customers/${ids.updated}`, { company: '新公司' })).statusCode).toBe(200);
    await consent(ids.granted, 'satisfaction_survey');
    expect((await t.as('agent', 'POST', `/api/v1/customers/${ids.withdrawn}/consents/${toWithdraw}/withdraw`, {})).statusCode).toBe(200);
    await db.insertInto('login_attempts').values([{ email: 'li@example.com', ip: null, at, ok: 1 }, { email: 'fl@example.com', ip: null, at, ok: 0 }]).execute();
    await db.updateTable('users').set({ updated_at: at }).where('id', '=', acc.id).execute();
    await db.updateTable('cases').set({ updated_at: at }).where('id', '=', touchedCase!.id).execute();

    clock.set(T0 + 31 * DAY);
    const dry = await runRetention(t.ctx, { dryRun: true, batchSize: 2 });
    expect(dry.customers.sort()).toEqual([ids.idle, ids.failedLogin].sort());
    const run = await runRetention(t.ctx, { batchSize: 3 });
    expect(run.erased.sort()).toEqual([ids.idle, ids.failedLogin].sort());
    clock.set(T0 + 51 * DAY);
    expect((await runRetention(t.ctx, { batchSize: 2 })).erased.sort()).toEqual(
      [ids.updated, ids.granted, ids.withdrawn, ids.loggedIn, ids.accountUpdated, ids.caseTouched].sort(),
    );
  });

  it('records an error on one customer and goes on; stops after five in a row', async () => {
    t = await makeTestApp(dialect, { useTokens: true, config: { retentionDays: 30 } });
    const clock = t.clock as ManualClock;
    const due: string[] = [];
    for (let i = 0; i < 8; i++) due.push((await createCustomer(t.ctx, { name: `due${i}`, email: `due${i}@example.com` }, sys)).id);
    clock.set(T0 + 31 * DAY);
    // a ctx whose erasure transactions fail as a busy database would, for those `failing` says
    const real = t.ctx.db;
    let calls = 0;
    let failing = (n: number): boolean => n === 2;
    const db = new Proxy(real, {
      get(target, prop) {
        if (prop === 'transaction')
          return () => {
            const n = ++calls;
            const trx = target.transaction();
            return { execute: (fn: Parameters<typeof trx.execute>[0]) => (failing(n) ? Promise.reject(new Error('SQLITE_BUSY: database is locked')) : trx.execute(fn)) };
          };
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const ctx = { ...t.ctx, db };
    const sorted = [...due].sort();
    const r = await runRetention(ctx, { batchSize: 3 });
    expect(r.erased).toHaveLength(7);
    expect(r.skipped).toEqual([{ customerId: sorted[1], code: 'error', message: 'SQLITE_BUSY: database is locked' }]);
    expect(r.stopped).toBe(false);

    const more: string[] = [];
    for (let i = 0; i < 7; i++) more.push((await createCustomer(t.ctx, { name: `more${i}`, email: `more${i}@example.com` }, sys)).id);
    clock.advance(31 * DAY);
    calls = 0;
    failing = () => true;
    const stopped = await runRetention(ctx);
    expect(stopped.stopped).toBe(true);
    expect(stopped.erased).toEqual([]);
    expect(stopped.skipped.map((s) => s.code)).toEqual(['error', 'error', 'error', 'error', 'error']);
    expect(calls).toBe(5);
  });
});
