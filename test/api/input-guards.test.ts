import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseView } from '../../src/core/modules/cases/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

type ErrorJson = { error: { code: string; message: string; details?: unknown } };
const err = (r: LightMyRequestResponse) => (r.json() as ErrorJson).error;

/** Bad input answered with a 4xx and a code, never a 500; rules that hold whoever asks. */
describe.each(DIALECTS)('input guards and handling rules on %s', (dialect) => {
  let t: TestApp;
  let customerId: string;
  const PORTAL = 'guard.portal@example.com';
  const CUSTOMER_EMAIL = 'guard.customer@example.com';
  const CUSTOMER_PHONE = '13911110000';

  beforeAll(async () => {
    // the real hooks: the commitments' business calendar times every new case
    t = await makeTestApp(dialect);
    const sys = systemActor('test');
    customerId = (await createCustomer(t.ctx, { name: '门户客户 Guard Co', email: CUSTOMER_EMAIL, phone: CUSTOMER_PHONE }, sys)).id;
    await createUser(t.ctx, { email: PORTAL, name: '门户用户', role: 'customer', customerId, password: TEST_PASSWORD }, sys);
  });
  afterAll(async () => t?.close());

  let seq = 0;
  const base = (over: Record<string, unknown> = {}) => ({
    channel: 'phone',
    contact: { name: '王先生', phone: `1380000${String(++seq).padStart(4, '0')}` },
    subject: '一般咨询',
    description: '想了解一下会员权益',
    ...over,
  });
  const create = async (who: string, body: unknown): Promise<CaseView> => {
    const r = await t.as(who, 'POST', '/api/v1/cases', body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as CaseView;
  };
  const act = (who: string, id: string, action: string, body: unknown = {}) => t.as(who, 'POST', `/api/v1/cases/${id}/${action}`, body);
  const ok = async (who: string, id: string, action: string, body: unknown = {}): Promise<CaseView> => {
    const r = await act(who, id, action, body);
    expect(r.statusCode, `${action}: ${r.body}`).toBe(200);
    return r.json() as CaseView;
  };
  const userId = (k: string) => t.seed.users[k]!.id;
  const mailsTo = async (caseId: string) =>
    (await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', caseId).execute()).map((m) => (JSON.parse(m.payload) as { to: string }).to);

  it('refuses a time of receipt before the business calendars begin with 400, not a 500', async () => {
    for (const receivedAt of [1, Date.UTC(2019, 0, 1), Date.UTC(2019, 11, 31, 23)]) {
      const r = await t.as('agent', 'POST', '/api/v1/cases', base({ receivedAt }));
      expect({ receivedAt, status: r.statusCode, code: err(r).code }).toEqual({ receivedAt, status: 400, code: 'validation_failed' });
      expect(err(r).details).toEqual([expect.objectContaining({ path: 'body.receivedAt' })]);
    }
    // the earliest accepted time is timed by the calendar without trouble
    const early = await create('agent', base({ receivedAt: Date.UTC(2020, 0, 2) }));
    expect(early.receivedAt).toBe(Date.UTC(2020, 0, 2));
  });

  it('refuses an unknown team on assign and on a user with 404 team_not_found, changing nothing', async () => {
    const c = await create('agent', base());
    await ok('agent', c.id, 'take');
    const r = await act('supervisor', c.id, 'assign', { assigneeId: userId('agent2'), teamId: 'nonexistent-team', handoverNote: 'handover to agent2' });
    expect({ status: r.statusCode, code: err(r).code }).toEqual({ status: 404, code: 'team_not_found' });
    const d = (await t.as('agent', 'GET', `/api/v1/cases/${c.id}`)).json() as CaseDetail;
    expect(d.case.ownerId).toBe(userId('agent'));

    const u = await t.as('admin', 'PATCH', `/api/v1/users/${userId('agent3')}`, { teamId: 'nope' });
    expect({ status: u.statusCode, code: err(u).code }).toEqual({ status: 404, code: 'team_not_found' });
    expect(((await t.as('admin', 'GET', `/api/v1/users/${userId('agent3')}`)).json() as { teamId: string }).teamId).toBe(t.seed.teams.frontline);
    // an existing team, or none, still goes through
    expect((await t.as('admin', 'PATCH', `/api/v1/users/${userId('agent3')}`, { teamId: t.seed.teams.aftersales })).statusCode).toBe(200);
    expect((await t.as('admin', 'PATCH', `/api/v1/users/${userId('agent3')}`, { teamId: t.seed.teams.frontline })).statusCode).toBe(200);
  });

  it('does not make a staff user a portal account without a customer (422 customer_required)', async () => {
    const r = await t.as('admin', 'PATCH', `/api/v1/users/${userId('tech')}`, { role: 'customer' });
    expect({ status: r.statusCode, code: err(r).code }).toEqual({ status: 422, code: 'customer_required' });
    expect(((await t.as('admin', 'GET', `/api/v1/users/${userId('tech')}`)).json() as { role: string }).role).toBe('agent');
  });

  it('makes a portal account moved to a staff role leave its customer', async () => {
    const sys = systemActor('test');
    const u = await createUser(t.ctx, { email: 'moved.portal@example.com', name: '转岗用户', role: 'customer', customerId, password: TEST_PASSWORD }, sys);
    const r = await t.as('admin', 'PATCH', `/api/v1/users/${u.id}`, { role: 'agent' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ role: 'agent', customerId: null });
  });

  it('refuses a team lead who is not active staff, on a new team and on an existing one', async () => {
    const created = await t.as('admin', 'POST', '/api/v1/teams', { name: '新组', kind: 'team', leadUserId: 'nope' });
    expect({ status: created.statusCode, code: err(created).code }).toEqual({ status: 404, code: 'user_not_found' });
    const team = t.seed.teams.frontline!;
    const patched = await t.as('admin', 'PATCH', `/api/v1/teams/${team}`, { leadUserId: 'nope' });
    expect({ status: patched.statusCode, code: err(patched).code }).toEqual({ status: 404, code: 'user_not_found' });
    const lead = (await t.ctx.db.selectFrom('teams').select('lead_user_id').where('id', '=', team).executeTakeFirstOrThrow()).lead_user_id;
    expect(lead).not.toBe('nope');
  });

  it('refuses a complaint grade on a case that is not a complaint, and assigning a closed case', async () => {
    const graded = await t.as('agent', 'POST', '/api/v1/cases', base({ type: 'inquiry', complaintGrade: 'urgent' }));
    expect({ status: graded.statusCode, code: err(graded).code }).toEqual({ status: 422, code: 'grade_without_complaint' });
    const c = await create('agent', base({ type: 'inquiry' }));
    await ok('agent', c.id, 'take');
    await ok('agent', c.id, 'close', { reason: 'spam' });
    const r = await act('supervisor', c.id, 'assign', { assigneeId: userId('agent2'), handoverNote: '交给二号处理' });
    expect({ status: r.statusCode, code: err(r).code }).toEqual({ status: 409, code: 'case_closed' });
  });

  it('sends a portal case’s mail only to the customer’s own address, whatever the request names', async () => {
    const portal = { channel: 'web', subject: '门户咨询', description: '发票什么时候寄出' };
    const victim = await t.as(PORTAL, 'POST', '/api/v1/cases', { ...portal, contact: { name: 'x', email: 'victim@example.org' } });
    expect({ status: victim.statusCode, code: err(victim).code }).toEqual({ status: 422, code: 'contact_not_own' });
    const phone = await t.as(PORTAL, 'POST', '/api/v1/cases', { ...portal, contact: { name: 'x', phone: '13900000000' } });
    expect({ status: phone.statusCode, code: err(phone).code }).toEqual({ status: 422, code: 'contact_not_own' });

    // no address given: the account's; the customer's own address and phone are accepted
    const bare = await create(PORTAL, { ...portal, contact: { name: '门户用户' } });
    expect(bare.contact).toMatchObject({ email: PORTAL, phone: CUSTOMER_PHONE });
    expect(await mailsTo(bare.id)).toEqual([PORTAL]);
    const own = await create(PORTAL, { ...portal, contact: { name: '门户用户', email: CUSTOMER_EMAIL.toUpperCase(), phone: CUSTOMER_PHONE } });
    expect(own.contact).toMatchObject({ email: CUSTOMER_EMAIL, phone: CUSTOMER_PHONE });
    expect(await mailsTo(own.id)).toEqual([CUSTOMER_EMAIL]);
  });

  it('refuses staff-only fields from a portal customer instead of ignoring them', async () => {
    const portal = { channel: 'web', contact: { name: '门户用户' }, subject: '门户咨询', description: '产品怎么用' };
    for (const extra of [
      { type: 'complaint' },
      { impact: 1 },
      { urgency: 1 },
      { complaintGrade: 'urgent' },
      { serviceKind: 'paid' },
      { sensitive: true },
      { teamId: t.seed.teams.frontline },
      { receivedAt: t.clock.now() - 86_400_000 },
      { customerId: 'someone-else' },
    ]) {
      const r = await t.as(PORTAL, 'POST', '/api/v1/cases', { ...portal, ...extra });
      expect({ extra, status: r.statusCode, code: err(r).code }).toEqual({ extra, status: 422, code: 'staff_only_fields' });
      expect(err(r).details).toEqual({ fields: Object.keys(extra) });
    }
    // naming their own customer is harmless
    expect((await create(PORTAL, { ...portal, customerId })).customerId).toBe(customerId);
  });

  it('keeps resolving, closing, status changes and reopening of an urgent complaint at manager level', async () => {
    const c = await create('manager', base({ type: 'complaint', complaintGrade: 'urgent', subject: '产品质量投诉', description: '热水壶漏电' }));
    await ok('manager', c.id, 'take');
    const refused = (r: LightMyRequestResponse) => ({ status: r.statusCode, code: err(r).code });
    const no = { status: 403, code: 'insufficient_authority' };
    expect(refused(await act('agent', c.id, 'status', { status: 'pending_customer' }))).toEqual(no);
    expect(refused(await act('supervisor', c.id, 'status', { status: 'pending_customer' }))).toEqual(no);
    expect(refused(await act('agent', c.id, 'replies', { body: '您好', setStatus: 'pending_customer' }))).toEqual(no);
    expect(refused(await act('agent', c.id, 'resolve', { cause: '质量问题', solution: '换新' }))).toEqual(no);
    expect(refused(await act('agent', c.id, 'close', { reason: 'withdrawn' }))).toEqual(no);
    expect(refused(await act('agent', c.id, 'close', { reason: 'duplicate' }))).toEqual(no);
    await ok('manager', c.id, 'status', { status: 'pending_customer' });
    await ok('manager', c.id, 'resolve', { cause: '质量问题', solution: '换新' });
    expect(refused(await act('agent', c.id, 'close', { reason: 'solved' }))).toEqual(no);
    expect(refused(await act('agent', c.id, 'confirm', {}))).toEqual(no);
    await ok('manager', c.id, 'close', { reason: 'solved' });
    expect(refused(await act('agent', c.id, 'reopen', { reason: '客户来电' }))).toEqual(no);
    await ok('director', c.id, 'reopen', { reason: '客户来电' });
    // a general case stays with any agent
    const g = await create('agent', base());
    await ok('agent', g.id, 'status', { status: 'pending_customer' });
    await ok('agent', g.id, 'resolve', { cause: '咨询', solution: '已答复' });
    await ok('agent', g.id, 'close', { reason: 'solved' });
    await ok('agent', g.id, 'reopen', { reason: '客户追问' });
  });

  it('closes a withdrawn repeat complaint only with its root cause and corrective action; a duplicate or spam without', async () => {
    const complaint = (n: number) =>
      create('agent', {
        channel: 'phone',
        customerId,
        contact: { name: '门户用户', phone: CUSTOMER_PHONE },
        type: 'complaint',
        subject: `账单多扣费 ${n}`,
        description: '账单里多扣了50元',
      });
    await complaint(1);
    const withdrawn = await complaint(2);
    expect(withdrawn.isRepeat).toBe(true);
    const bare = await act('agent', withdrawn.id, 'close', { reason: 'withdrawn', note: '客户撤回' });
    expect({ status: bare.statusCode, code: err(bare).code }).toEqual({ status: 422, code: 'corrective_action_required' });
    const half = await act('agent', withdrawn.id, 'close', { reason: 'withdrawn', cause: '计费规则错误' });
    expect({ status: half.statusCode, code: err(half).code }).toEqual({ status: 422, code: 'corrective_action_required' });
    const closed = await ok('agent', withdrawn.id, 'close', { reason: 'withdrawn', cause: '计费规则错误', correctiveAction: '修复计费规则并核对本月账单' });
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'withdrawn', resolution: { cause: '计费规则错误', correctiveAction: '修复计费规则并核对本月账单' } });

    // never a real complaint: no root cause to find
    for (const reason of ['duplicate', 'spam']) {
      const c = await complaint(reason === 'duplicate' ? 3 : 4);
      expect(c.isRepeat).toBe(true);
      const extra = await act('agent', c.id, 'close', { reason, cause: '重复提交' });
      expect({ status: extra.statusCode, code: err(extra).code }).toEqual({ status: 422, code: 'resolve_instead' });
      expect((await ok('agent', c.id, 'close', { reason })).closeReason).toBe(reason);
    }
  });
});
