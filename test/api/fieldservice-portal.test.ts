import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import type { PortalProduct, PortalWorkOrder, ProductView, WorkOrderView } from '../../src/core/modules/fieldservice/index.ts';
import { createApiToken, createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

/**
 * Field service in the web app's terms (SPEC 9): a service order carries the problem taken down
 * (问题描述); the customer portal's 我的产品 lists a customer's own products with their warranty
 * today and their service orders in a customer's shape, and refuses anyone else's order.
 */
describe.each(DIALECTS)('field service for the web app and the portal on %s', (dialect) => {
  let t: TestApp;
  let custA: string;
  let custB: string;
  const bearer: Record<string, string> = {};
  const sys = systemActor('test');

  // the reads of work_orders while `capture` is on (the query-plan check)
  let capture = false;
  const seen: Array<{ sql: string; params: readonly unknown[] }> = [];

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true, onQuery: (q, params) => void (capture && /^\s*select/i.test(q) && /"?work_orders"?\b/.test(q) && seen.push({ sql: q, params })) });
    (t.clock as ManualClock).set(sh('2026-11-23T10:00:00')); // Monday
    custA = (await createCustomer(t.ctx, { name: '周女士', email: 'zhou-fw@example.com', phone: '13600136021' }, sys)).id;
    custB = (await createCustomer(t.ctx, { name: '吴先生', email: 'wu-fw@example.com', phone: '13600136022' }, sys)).id;
    for (const [k, email, customerId] of [['A', 'zhou-fw@example.com', custA], ['B', 'wu-fw@example.com', custB]] as const) {
      const u = await createUser(t.ctx, { email, name: k, role: 'customer', customerId, password: TEST_PASSWORD }, sys);
      bearer[k] = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
    }
    const r = await t.as('supervisor', 'PUT', `/api/v1/fieldservice/engineers/${t.seed.users.tech!.id}`, { areas: ['浦东'], maxDailyVisits: 4 });
    expect(r.statusCode, r.body).toBe(200);
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const ok = async <T>(who: string, method: string, url: string, body?: unknown, status = 200): Promise<T> => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, r.body).toBe(status);
    return r.json() as T;
  };
  const asCustomer = (who: 'A' | 'B', url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: bearer[who]! } });
  const newCase = async (customerId: string, subject: string) => {
    const made = await ok<{ id: string }>('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId, contact: { name: '客户', phone: '13600136021' }, subject, description: subject }, 201);
    return made.id;
  };
  const product = (customerId: string, serial: string, warrantyEndsOn: string) =>
    ok<ProductView>('agent', 'POST', '/api/v1/fieldservice/products', { customerId, model: 'RF-500', serial, purchasedOn: '2025-01-10', warrantyEndsOn }, 201);

  it('keeps the problem a service order is made for (optional, bounded), and an erasure redacts it', async () => {
    const caseId = await newCase(custA, '冰箱不制冷');
    const p = await product(custA, `RF-P-${dialect}`, '2027-01-09');
    const w = await ok<WorkOrderView>('agent', 'POST', '/api/v1/work-orders', { caseId, productId: p.id, type: 'repair', area: '浦东', problem: '冷藏室不制冷，压缩机一直响' }, 201);
    expect([w.problem, w.serviceKind]).toEqual(['冷藏室不制冷，压缩机一直响', 'warranty']);
    expect((await ok<WorkOrderView>('agent', 'GET', `/api/v1/work-orders/${w.id}`)).problem).toBe('冷藏室不制冷，压缩机一直响');
    const without = await ok<WorkOrderView>('agent', 'POST', '/api/v1/work-orders', { caseId, productId: p.id, type: 'maintenance', area: '浦东' }, 201);
    expect(without.problem).toBeNull();
    const long = await t.as('agent', 'POST', '/api/v1/work-orders', { caseId, productId: p.id, type: 'repair', area: '浦东', problem: 'x'.repeat(2_001) });
    expect([long.statusCode, code(long)]).toEqual([400, 'validation_failed']);

    const custC = (await createCustomer(t.ctx, { name: '郑女士', email: 'zheng-fw@example.com' }, sys)).id;
    const pc = await product(custC, `RF-C-${dialect}`, '2027-01-09');
    const caseC = await newCase(custC, '郑女士的冰箱');
    const wc = await ok<WorkOrderView>('agent', 'POST', '/api/v1/work-orders', { caseId: caseC, productId: pc.id, type: 'repair', area: '浦东', problem: '郑女士说门封条漏气' }, 201);
    await ok('agent', 'POST', `/api/v1/cases/${caseC}/take`, {});
    await ok('agent', 'POST', `/api/v1/cases/${caseC}/resolve`, { cause: 'x', solution: 'y' });
    await ok('agent', 'POST', `/api/v1/cases/${caseC}/close`, { reason: 'solved' });
    // the data export carries it with the rest of the order: staff's, and the customer's own
    const exported = await ok<{ fieldService: { workOrders: WorkOrderView[] } }>('director', 'GET', `/api/v1/customers/${custC}/export`);
    expect(exported.fieldService.workOrders.map((o) => [o.id, o.problem])).toEqual([[wc.id, '郑女士说门封条漏气']]);
    const own = await t.app.inject({ method: 'GET', url: '/api/v1/me/export', headers: { authorization: bearer.A! } });
    expect(own.statusCode, own.body).toBe(200);
    expect((own.json() as typeof exported).fieldService.workOrders.map((o) => o.problem).sort()).toEqual([null, '冷藏室不制冷，压缩机一直响']);
    await ok('director', 'POST', `/api/v1/customers/${custC}/erase`, { reason: '客户申请删除' });
    const row = await t.ctx.db.selectFrom('work_orders').select(['problem', 'status']).where('id', '=', wc.id).executeTakeFirstOrThrow();
    expect(row.problem).not.toContain('郑女士');
    expect(row.status).toBe('cancelled');
  });

  it("lists a customer's own products with warranty today and their orders (engineer's name only, the report once completed); another's order is 404", async () => {
    const inW = await product(custA, `RF-A1-${dialect}`, '2026-11-23'); // the last day of warranty is today: still in
    const outW = await product(custA, `RF-A2-${dialect}`, '2026-11-22');
    const theirs = await product(custB, `RF-B1-${dialect}`, '2027-05-01');
    const caseA = await newCase(custA, '冰箱安装');
    const w = await ok<WorkOrderView>('agent', 'POST', '/api/v1/work-orders', { caseId: caseA, productId: inW.id, type: 'installation', area: '浦东', problem: '新机上门安装' }, 201);
    const tech = t.seed.users.tech!;
    await ok('supervisor', 'POST', `/api/v1/work-orders/${w.id}/book`, { engineerId: tech.id, date: '2026-11-24', windowStart: '09:00', windowEnd: '11:00' });
    await ok('tech', 'POST', `/api/v1/work-orders/${w.id}/move`, { to: 'en_route' });
    await ok('tech', 'POST', `/api/v1/work-orders/${w.id}/move`, { to: 'on_site' });
    await ok('tech', 'PUT', `/api/v1/work-orders/${w.id}/checklist`, { items: [{ key: 'site_ready', done: true, note: '厨房内部备注' }] });
    await ok('tech', 'POST', `/api/v1/work-orders/${w.id}/parts`, { partNo: 'P-1', name: '进水管', qty: 1, unitPriceFen: 0, warrantyMonths: 6 });

    const mine = async (who: 'A' | 'B') => {
      const r = await asCustomer(who, '/api/v1/portal/products');
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as PortalProduct[];
    };
    // on site, not yet completed: no report to read
    let listed = await mine('A');
    // A's three (the one of the first test too), not B's
    expect(listed.map((p) => p.serial).sort()).toEqual([`RF-A1-${dialect}`, `RF-A2-${dialect}`, `RF-P-${dialect}`]);
    const first = listed.find((p) => p.id === inW.id)!;
    expect([first.inWarranty, first.serviceKind, listed.find((p) => p.id === outW.id)!.inWarranty]).toEqual([true, 'warranty', false]);
    expect(first.workOrders.map((o) => [o.id, o.status, o.engineerName, o.visitDate, o.windowStart, o.windowEnd, o.report])).toEqual([[w.id, 'on_site', tech.name, '2026-11-24', '09:00', '11:00', null]]);
    // the centre's internals stay inside
    const text = JSON.stringify(first);
    for (const inside of ['浦东', tech.id, '厨房内部备注', 'checklist', 'area']) expect(text).not.toContain(inside);

    await ok('tech', 'POST', `/api/v1/work-orders/${w.id}/complete`, { report: { workDone: '安装调试完毕', findings: '', minutesOnSite: 50 } });
    await ok('tech', 'POST', `/api/v1/work-orders/${w.id}/signoff`, { signerName: '周女士' });
    listed = await mine('A');
    const done = listed.find((p) => p.id === inW.id)!.workOrders[0]!;
    expect([done.status, done.report?.workDone, done.signoff?.signerName, done.parts.map((x) => x.name), done.problem]).toEqual(['signed_off', '安装调试完毕', '周女士', ['进水管'], '新机上门安装']);

    // one order: their own 200, anyone else's 404 (as if it did not exist)
    const own = await asCustomer('A', `/api/v1/portal/work-orders/${w.id}`);
    expect(own.statusCode, own.body).toBe(200);
    expect((own.json() as PortalWorkOrder).report?.minutesOnSite).toBe(50);
    const other = await asCustomer('B', `/api/v1/portal/work-orders/${w.id}`);
    expect([other.statusCode, code(other)]).toEqual([404, 'work_order_not_found']);
    expect((await mine('B')).map((p) => [p.id, p.workOrders.length])).toEqual([[theirs.id, 0]]);
  });

  it("reads a customer's orders by an index, not by scanning every work order", async () => {
    const any = (await ok<WorkOrderView[]>('agent', 'GET', '/api/v1/work-orders'))[0]!;
    capture = true;
    expect((await asCustomer('A', '/api/v1/portal/products')).statusCode).toBe(200);
    expect((await ok<{ fieldService: unknown }>('director', 'GET', `/api/v1/customers/${any.customerId}/export`)).fieldService).toBeTruthy();
    capture = false;
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const scans: string[] = [];
    for (const q of seen) {
      const plan = await t.ctx.db.transaction().execute(async (trx) => {
        // PostgreSQL with sequential scans discouraged: a missing index shows even on a small table
        if (dialect === 'postgres') await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        const explain = dialect === 'sqlite' ? `EXPLAIN QUERY PLAN ${q.sql}` : `EXPLAIN ${q.sql}`;
        const rows = (await trx.executeQuery({ sql: explain, parameters: q.params, query: { kind: 'RawNode' } as never, queryId: { queryId: 'x' } as never })).rows as Array<Record<string, string>>;
        return rows.map((r) => r.detail ?? r['QUERY PLAN'] ?? '').join('\n');
      });
      if (dialect === 'sqlite' ? /SCAN (work_orders|w)\b(?! USING)/.test(plan) : /Seq Scan on work_orders\b/.test(plan)) scans.push(`${q.sql}\n${plan}`);
    }
    expect(scans).toEqual([]);
  });

  it('refuses staff and the unauthenticated', async () => {
    expect((await t.as('agent', 'GET', '/api/v1/portal/products')).statusCode).toBe(403);
    const any = (await ok<WorkOrderView[]>('agent', 'GET', '/api/v1/work-orders'))[0]!;
    expect((await t.as('manager', 'GET', `/api/v1/portal/work-orders/${any.id}`)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/portal/products' })).statusCode).toBe(401);
  });
});
