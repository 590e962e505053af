import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { listOwnCases } from '../../src/core/modules/portal/index.ts';
import { createApiToken, createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

interface Detail {
  case: Record<string, unknown> & { status: string; number: string };
  timeline: Array<{ id: string; type: string; by: string; body: string | null; data: Record<string, unknown> }>;
  attachments: Array<{ id: string; filename: string }>;
  commitments: Array<{ kind: string; dueAt: number | null; state: string; metAt: number | null }>;
}

// SPEC 11 customer portal; SPEC 10 customers see only their own cases (and no internal fields).
describe.each(DIALECTS)('customer portal API on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  const auth: Record<string, string> = {};
  const as = (who: 'a' | 'b', method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: method as 'GET', url, headers: { authorization: auth[who]!, ...headers }, ...(body === undefined ? {} : { payload: body as object }) });

  beforeAll(async () => {
    // tokens: the clock moves by days here, and sessions would expire
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    const sys = systemActor('test');
    for (const who of ['a', 'b'] as const) {
      const email = `portal-${who}@example.com`;
      const c = await createCustomer(t.ctx, { name: `客户${who}`, email }, sys);
      const u = await createUser(t.ctx, { email, name: `Portal ${who}`, role: 'customer', customerId: c.id, password: TEST_PASSWORD }, sys);
      auth[who] = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
    }
  });
  afterAll(async () => t?.close());

  const submit = async (who: 'a' | 'b', subject: string, key?: string) => {
    const r = await as(who, 'POST', '/api/v1/cases', { channel: 'web', contact: { name: '张三' }, subject, description: `${subject}，请帮忙处理。` }, key ? { 'idempotency-key': key } : {});
    expect(r.statusCode, r.body).toBeLessThan(300);
    return r.json() as { id: string; number: string };
  };

  it('lists only the own cases, open ones first, a page at a time, without the queue’s internal fields', async () => {
    clock.set(sh('2026-11-23T10:00:00')); // a Monday, a working day
    const first = await submit('a', `发票抬头怎么修改（${dialect}）`);
    clock.set(sh('2026-11-23T10:05:00'));
    const second = await submit('a', `会员积分查询（${dialect}）`);
    await submit('b', `另一位客户的问题（${dialect}）`);
    // staff resolve the second (the latest changed): it goes after the open first one all the same
    expect((await t.as('agent', 'POST', `/api/v1/cases/${second.id}/take`, {})).statusCode).toBe(200);
    clock.set(sh('2026-11-23T10:20:00'));
    const res = await t.as('agent', 'POST', `/api/v1/cases/${second.id}/resolve`, { cause: '积分规则说明', solution: '已告知积分查询方式' });
    expect(res.statusCode, res.body).toBe(200);

    const all = await as('a', 'GET', '/api/v1/portal/cases');
    expect(all.statusCode, all.body).toBe(200);
    const body = all.json() as { items: Array<Record<string, unknown>>; total: number; page: number; pageSize: number };
    expect(body.total).toBe(2); // b's case is not counted
    expect(body.items.map((i) => i.id)).toEqual([first.id, second.id]); // open first, though the resolved one changed last
    expect(body.items.map((i) => i.status)).toEqual(['new', 'resolved']);
    // exactly the customer's columns: nothing of team, assignee, priority, grade, restriction, internal deadline
    expect(Object.keys(body.items[0]!).sort()).toEqual(['id', 'number', 'receivedAt', 'status', 'subject', 'type', 'updatedAt']);

    const page2 = (await as('a', 'GET', '/api/v1/portal/cases?pageSize=1&page=2')).json() as { items: Array<{ id: string }>; total: number };
    expect(page2.items.map((i) => i.id)).toEqual([second.id]);
    expect(page2.total).toBe(2);
    const open = (await as('a', 'GET', '/api/v1/portal/cases?show=open')).json() as { items: Array<{ id: string }>; total: number };
    expect(open.items.map((i) => i.id)).toEqual([first.id]);
    const done = (await as('a', 'GET', '/api/v1/portal/cases?show=done')).json() as { items: Array<{ id: string }> };
    expect(done.items.map((i) => i.id)).toEqual([second.id]);
    expect((await as('a', 'GET', '/api/v1/portal/cases?pageSize=500')).statusCode).toBe(400);
  });

  it('shows a case’s public timeline only, who wrote it without staff ids, and the promises with whether they were kept', async () => {
    clock.set(sh('2026-11-24T10:00:00')); // Tuesday 10:00
    const c = await submit('a', `快递一直未送达（${dialect}）`);
    clock.set(sh('2026-11-24T10:30:00'));
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/replies`, { body: '您好，我们已联系快递公司核实。' })).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/notes`, { body: '内部备注：快递站点负责人电话 138****' })).statusCode).toBe(200);

    const r = await as('a', 'GET', `/api/v1/portal/cases/${c.id}`);
    expect(r.statusCode, r.body).toBe(200);
    const d = r.json() as Detail;
    expect(d.case.number).toBe(c.number);
    for (const k of ['assigneeId', 'ownerId', 'teamId', 'receivedBy', 'complaintGrade', 'isRepeat', 'sensitive', 'priority', 'version', 'contact']) expect(d.case).not.toHaveProperty(k);
    expect(d.case.resolution).not.toHaveProperty('correctiveAction');
    expect(r.body).not.toContain('内部备注');
    expect(d.timeline.map((e) => e.type)).toEqual(['created', 'acknowledged', 'reply']);
    expect(d.timeline.map((e) => e.by)).toEqual(['you', 'system', 'staff']);
    expect(r.body).not.toContain(t.seed.users.agent!.id);
    // the acknowledgement's promise (web: first response 1 business hour -> Tue 11:00; resolution of an
    // inquiry 24 business hours at 7.5 h a day: Tue 10:00-18:00 is 6.5 h, Wed and Thu 7.5 h each (21.5 h),
    // and 2.5 h on Friday from 09:00 -> Fri 2026-11-27 11:30)
    const ack = d.timeline.find((e) => e.type === 'acknowledged')!;
    expect(ack.data).toEqual({ firstResponseDueAt: sh('2026-11-24T11:00:00'), resolutionDueAt: sh('2026-11-27T11:30:00') });
    expect(d.commitments).toEqual([
      { kind: 'first_response', dueAt: sh('2026-11-24T11:00:00'), state: 'met', metAt: sh('2026-11-24T10:30:00') },
      { kind: 'resolution', dueAt: sh('2026-11-27T11:30:00'), state: 'pending', metAt: null },
    ]);
    // past the promised resolution, unresolved: missed (even before the timer worker marks it)
    clock.set(sh('2026-11-27T11:31:00'));
    const late = (await as('a', 'GET', `/api/v1/portal/cases/${c.id}`)).json() as Detail;
    expect(late.commitments[1]).toMatchObject({ kind: 'resolution', state: 'missed' });
  });

  it('lists nothing (rather than failing) for a customer account linked to no customer', async () => {
    const orphan = { id: 'no-customer', kind: 'customer', role: 'customer', name: 'x', teamId: null, customerId: null, ip: null } as const;
    await expect(listOwnCases(t.ctx, { show: 'all', page: 1, pageSize: 10 }, orphan)).resolves.toEqual({ items: [], page: 1, pageSize: 10, total: 0 });
  });

  it('answers another customer’s case as not found, refuses staff (403) and strangers (401)', async () => {
    clock.set(sh('2026-11-30T10:00:00'));
    const c = await submit('a', `个人信息修改（${dialect}）`);
    const other = await as('b', 'GET', `/api/v1/portal/cases/${c.id}`);
    expect(other.statusCode).toBe(404);
    expect((other.json() as { error: { code: string } }).error.code).toBe('case_not_found');
    expect(other.body).not.toContain('个人信息修改');
    const missing = await as('a', 'GET', '/api/v1/portal/cases/no-such-case');
    expect(missing.statusCode).toBe(404);
    for (const url of ['/api/v1/portal/cases', `/api/v1/portal/cases/${c.id}`]) {
      const staff = await t.as('agent', 'GET', url);
      expect(staff.statusCode).toBe(403);
      expect((staff.json() as { error: { code: string } }).error.code).toBe('forbidden');
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });
});
