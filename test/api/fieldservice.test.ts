import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayIn, partWarrantyEnd, quoteTotalFen, rankEngineers, serviceKindOn, type NoticeResult, type ProductView, type WorkOrderView } from '../../src/core/modules/fieldservice/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { createApiToken, createUser, updateUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

// The rules alone: the service kind on edge days (the warranty's last day is still free), in the centre's zone.
describe('field service rules', () => {
  const cover = { warrantyEndsOn: '2026-11-23', contract: { startsOn: '2026-12-01', endsOn: '2026-12-31' } };
  it('derives the service kind on edge days', () => {
    expect(serviceKindOn('2026-11-23', cover)).toBe('warranty'); // last day of warranty, inclusive
    expect(serviceKindOn('2026-11-24', cover)).toBe('paid'); // warranty over, contract not yet started
    expect(serviceKindOn('2026-12-01', cover)).toBe('contract'); // first day of the contract
    expect(serviceKindOn('2026-12-31', cover)).toBe('contract'); // last day of the contract
    expect(serviceKindOn('2027-01-01', cover)).toBe('paid');
    expect(serviceKindOn('2026-12-15', { warrantyEndsOn: '2026-11-23', contract: null })).toBe('paid');
  });
  it("counts days in Asia/Shanghai: 16:00 UTC on 31 May is 1 June there", () => {
    expect(dayIn(Date.UTC(2026, 4, 31, 15, 59), 'Asia/Shanghai')).toBe('2026-05-31');
    expect(dayIn(Date.UTC(2026, 4, 31, 16, 0), 'Asia/Shanghai')).toBe('2026-06-01');
  });
  it("dates a part's warranty from its install day", () => {
    expect(partWarrantyEnd('2026-11-24', 12)).toBe('2027-11-24');
    expect(partWarrantyEnd('2026-01-31', 1)).toBe('2026-02-28'); // clamped to the month's end
    expect(quoteTotalFen([{ kind: 'labour', description: 'x', amountFen: 20000 }, { kind: 'callout', description: 'y', amountFen: 5000 }])).toBe(25000);
  });
  it('ranks engineers by area (100), skill (50) and load (-10 a booked visit); full days left out', () => {
    const e = (userId: string, areas: string[], skills: string[], booked: number, max = 4) => ({ userId, name: userId, areas, skills, booked, maxDailyVisits: max });
    const r = rankEngineers([e('a', ['浦东'], ['hvac'], 2), e('b', ['浦东'], [], 0), e('c', ['徐汇'], ['hvac'], 0), e('d', ['浦东'], ['hvac'], 3, 3), e('f', ['浦东'], ['hvac'], 0)], { area: '浦东', skill: 'hvac' });
    // f: 100+50-0 = 150; a: 100+50-20 = 130; b: 100+0 = 100; c: 0+50 = 50; d: full (3 of 3)
    expect(r.map((x) => [x.userId, x.score])).toEqual([['f', 150], ['a', 130], ['b', 100], ['c', 50]]);
  });
});

describe.each(DIALECTS)('field service on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let custA: string;
  let custB: string;
  let portalBearer: string;
  const sys = systemActor('test');
  const p: Record<string, ProductView> = {};

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    clock.set(sh('2026-11-23T10:00:00')); // Monday
    custA = (await createCustomer(t.ctx, { name: '黄女士', email: 'huang-fs@example.com', phone: '13600136011' }, sys)).id;
    custB = (await createCustomer(t.ctx, { name: '刘先生', email: 'liu-fs@example.com', phone: '13600136012' }, sys)).id;
    const u = await createUser(t.ctx, { email: 'huang-fs@example.com', name: 'Huang', role: 'customer', customerId: custA, password: TEST_PASSWORD }, sys);
    portalBearer = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
    const users = t.seed.users;
    await updateUser(t.ctx, users.agent2!.id, { skills: ['hvac'] }, sys);
    await updateUser(t.ctx, users.agent3!.id, { skills: ['hvac'] }, sys);
    // engineers: tech (浦东, no hvac, 4 a day), agent2 (浦东, hvac, 2 a day), agent3 (徐汇, hvac, 3 a day)
    for (const [who, areas, max] of [['tech', ['浦东'], 4], ['agent2', ['浦东'], 2], ['agent3', ['徐汇'], 3]] as const) {
      const r = await t.as('supervisor', 'PUT', `/api/v1/fieldservice/engineers/${users[who]!.id}`, { areas, maxDailyVisits: max });
      expect(r.statusCode, r.body).toBe(200);
    }
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const ok = async <T>(who: string, method: string, url: string, body?: unknown, status = 200): Promise<T> => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, r.body).toBe(status);
    return r.json() as T;
  };
  const refused = async (who: string, method: string, url: string, body: unknown, status: number, errCode: string) => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, r.body).toBe(status);
    expect(code(r)).toBe(errCode);
  };
  const newCase = async (customerId: string, subject = '空调不制冷') => {
    const made = await ok<{ id: string }>('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId, contact: { name: '客户', phone: '13600136011' }, subject, description: subject }, 201);
    await ok('agent', 'POST', `/api/v1/cases/${made.id}/take`, {});
    return made.id;
  };
  const workOrder = (caseId: string, productId: string, type: string, extra: Record<string, unknown> = {}) =>
    ok<WorkOrderView>('agent', 'POST', '/api/v1/work-orders', { caseId, productId, type, area: '浦东', ...extra }, 201);
  const wo = (id: string, action: string, body: unknown, who = 'agent', method = 'POST') => ok<WorkOrderView>(who, method, `/api/v1/work-orders/${id}/${action}`, body);

  it('registers contracts and products (serial unique per model) and derives the service kind today', async () => {
    const contract = await ok<{ id: string }>('agent', 'POST', '/api/v1/fieldservice/contracts', { customerId: custB, number: 'SC-2026-001', level: 'standard', startsOn: '2026-01-01', endsOn: '2026-12-31' }, 201);
    const reg = (body: Record<string, unknown>) => ok<ProductView>('agent', 'POST', '/api/v1/fieldservice/products', body, 201);
    p.p1 = await reg({ customerId: custA, model: 'KX-200', serial: 'KX2026-0001', purchasedOn: '2025-11-24', warrantyEndsOn: '2026-11-23' });
    p.p2 = await reg({ customerId: custB, model: 'KX-200', serial: 'KX2026-0002', purchasedOn: '2024-05-01', warrantyEndsOn: '2025-05-01', contractId: contract.id });
    p.p3 = await reg({ customerId: custA, model: 'KX-200', serial: 'KX2026-0150', purchasedOn: '2024-03-01', warrantyEndsOn: '2025-03-01' });
    p.p4 = await reg({ customerId: custA, model: 'AC-9', serial: 'KX2026-0001', purchasedOn: '2026-06-01', warrantyEndsOn: '2027-06-01' }); // same serial, other model
    // today is 2026-11-23 in Shanghai: p1's last warranty day
    expect([p.p1.serviceKind, p.p2.serviceKind, p.p3.serviceKind, p.p4.serviceKind]).toEqual(['warranty', 'contract', 'paid', 'warranty']);
    await refused('agent', 'POST', '/api/v1/fieldservice/products', { customerId: custB, model: 'KX-200', serial: 'KX2026-0001', purchasedOn: '2026-01-01', warrantyEndsOn: '2027-01-01' }, 409, 'serial_taken');
    await refused('agent', 'POST', '/api/v1/fieldservice/products', { customerId: custA, model: 'KX-300', serial: 'Z1', purchasedOn: '2026-01-01', warrantyEndsOn: '2025-01-01' }, 422, 'warranty_before_purchase');
    await refused('agent', 'POST', '/api/v1/fieldservice/products', { customerId: custA, model: 'KX-300', serial: 'Z1', purchasedOn: '2026-01-01', warrantyEndsOn: '2027-01-01', contractId: contract.id }, 422, 'contract_of_other_customer');
    const bad = await t.as('agent', 'POST', '/api/v1/fieldservice/products', { customerId: custA, model: 'KX-300', serial: 'Z1', purchasedOn: '2026-02-30', warrantyEndsOn: '2027-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(code(bad)).toBeTruthy();
    // search by serial prefix: KX2026-000 finds p1, p2 and p4, not p3 (…0150)
    const found = await ok<ProductView[]>('agent', 'GET', '/api/v1/fieldservice/products?serial=KX2026-000');
    expect(found.map((x) => x.id).sort()).toEqual([p.p1.id, p.p2.id, p.p4.id].sort());
    // the next day p1's warranty is over: paid
    clock.set(sh('2026-11-24T00:30:00'));
    expect((await ok<ProductView>('agent', 'GET', `/api/v1/fieldservice/products/${p.p1.id}`)).serviceKind).toBe('paid');
    clock.set(sh('2026-11-23T10:00:00'));
  });

  it('remote support first, a quote accepted before dispatch, ranked suggestions, no double booking, working days only', async () => {
    const caseX = await newCase(custA);
    const w1 = await workOrder(caseX, p.p3!.id, 'repair', { skill: 'hvac' });
    expect([w1.status, w1.serviceKind, w1.checklist.length]).toEqual(['new', 'paid', 5]);
    const book = { engineerId: t.seed.users.agent2!.id, date: '2026-11-24', windowStart: '09:00', windowEnd: '12:00' };
    await refused('supervisor', 'POST', `/api/v1/work-orders/${w1.id}/book`, book, 409, 'remote_support_first');
    expect((await wo(w1.id, 'remote-support', { outcome: 'not_resolved', notes: '远程指导重启无效' })).status).toBe('remote_support');
    await refused('supervisor', 'POST', `/api/v1/work-orders/${w1.id}/book`, book, 409, 'quote_not_accepted');
    // quote: labour 200.00 + parts 150.00 + call-out 50.00 = 400.00 CNY = 40000 fen
    const q = await wo(w1.id, 'quote', { items: [{ kind: 'labour', description: '维修工时', amountFen: 20000 }, { kind: 'parts', description: '压缩机电容', amountFen: 15000 }, { kind: 'callout', description: '上门费', amountFen: 5000 }] }, 'agent', 'PUT');
    expect([q.quote?.totalFen, q.quote?.currency, q.quote?.acceptedAt]).toEqual([40000, 'CNY', null]);
    // a quote is accepted before dispatch, never on an order that is cancelled
    const spare = await workOrder(caseX, p.p3!.id, 'repair', { skill: 'hvac' });
    await wo(spare.id, 'quote', { items: [{ kind: 'callout', description: '上门费', amountFen: 5000 }] }, 'agent', 'PUT');
    await refused('agent', 'POST', `/api/v1/work-orders/${spare.id}/move`, { to: 'cancelled' }, 422, 'reason_required');
    await wo(spare.id, 'move', { to: 'cancelled', reason: '客户改为自行送修' });
    await refused('agent', 'POST', `/api/v1/work-orders/${spare.id}/quote/accept`, { acceptedBy: '黄女士' }, 409, 'work_order_wrong_status');
    await wo(w1.id, 'quote/accept', { acceptedBy: '黄女士' });
    // on Tue 11-24, nobody booked yet: agent2 100+50 = 150, tech 100+0 = 100, agent3 0+50 = 50
    const s1 = await ok<Array<{ userId: string; score: number }>>('supervisor', 'GET', `/api/v1/work-orders/${w1.id}/suggestions?date=2026-11-24`);
    expect(s1.map((s) => s.score)).toEqual([150, 100, 50]);
    expect(s1[0]!.userId).toBe(t.seed.users.agent2!.id);
    await refused('supervisor', 'POST', `/api/v1/work-orders/${w1.id}/book`, { ...book, date: '2026-11-28' }, 422, 'not_working_day'); // a Saturday
    await refused('supervisor', 'POST', `/api/v1/work-orders/${w1.id}/book`, { ...book, windowEnd: '08:00' }, 422, 'window_invalid');
    const booked = await wo(w1.id, 'book', book, 'supervisor');
    expect([booked.status, booked.engineerId, booked.visitDate, booked.windowStart, booked.windowEnd]).toEqual(['scheduled', book.engineerId, '2026-11-24', '09:00', '12:00']);

    // an installation (no remote support needed) on p4, under warranty: with no skill needed, agent2's load tips it: tech 100+50 = 150, agent2 100+50-10 = 140, agent3 50
    const w2 = await workOrder(await newCase(custA, '新机安装'), p.p4!.id, 'installation');
    const s2 = await ok<Array<{ userId: string; score: number }>>('supervisor', 'GET', `/api/v1/work-orders/${w2.id}/suggestions?date=2026-11-24`);
    expect(s2.map((s) => [s.userId, s.score])).toEqual([[t.seed.users.tech!.id, 150], [t.seed.users.agent2!.id, 140], [t.seed.users.agent3!.id, 50]]);
    await refused('supervisor', 'POST', `/api/v1/work-orders/${w2.id}/book`, { ...book, windowStart: '11:00', windowEnd: '13:00' }, 409, 'engineer_double_booked');
    await wo(w2.id, 'book', { ...book, windowStart: '12:00', windowEnd: '14:00' }, 'supervisor'); // back to back: no overlap
    // agent2 has 2 of 2 visits on 11-24: the day is full
    const w3 = await workOrder(await newCase(custA, '培训'), p.p4!.id, 'training');
    await refused('supervisor', 'POST', `/api/v1/work-orders/${w3.id}/book`, { ...book, windowStart: '15:00', windowEnd: '16:00' }, 409, 'engineer_day_full');
    const s3 = await ok<Array<{ userId: string }>>('supervisor', 'GET', `/api/v1/work-orders/${w3.id}/suggestions?date=2026-11-24`);
    expect(s3.map((s) => s.userId)).not.toContain(t.seed.users.agent2!.id);
  });

  it('a repair resolved remotely is completed without a visit; an override reason books at once and is audited', async () => {
    const w = await workOrder(await newCase(custA, '遥控失灵'), p.p4!.id, 'repair');
    const done = await wo(w.id, 'remote-support', { outcome: 'resolved', notes: '电话指导更换电池' });
    expect([done.status, done.visits, done.remote?.outcome]).toEqual(['completed', 0, 'resolved']);
    await refused('supervisor', 'POST', `/api/v1/work-orders/${w.id}/book`, { engineerId: t.seed.users.tech!.id, date: '2026-11-25', windowStart: '09:00', windowEnd: '10:00' }, 409, 'work_order_wrong_status');

    const urgent = await workOrder(await newCase(custA, '设备冒烟'), p.p4!.id, 'repair');
    const b = await wo(urgent.id, 'book', { engineerId: t.seed.users.tech!.id, date: '2026-11-25', windowStart: '09:00', windowEnd: '10:00', overrideReason: '设备冒烟，需立即上门' }, 'supervisor');
    expect([b.status, b.overrideReason]).toEqual(['scheduled', '设备冒烟，需立即上门']);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action']).where('target_id', '=', urgent.id).execute();
    expect(audit.map((a) => a.action)).toContain('fieldservice.book.override');
  });

  it("on site: the booked engineer's checklist, parts with their own warranty, report and sign-off (then read-only); visits drop first-contact resolution", async () => {
    clock.set(sh('2026-11-24T09:10:00'));
    const caseX = await newCase(custA, '空调漏水');
    const w = await workOrder(caseX, p.p1!.id, 'maintenance'); // p1: paid now (warranty ended 11-23)
    expect(w.serviceKind).toBe('paid');
    await wo(w.id, 'quote', { items: [{ kind: 'labour', description: '保养', amountFen: 12000 }] }, 'agent', 'PUT');
    await wo(w.id, 'quote/accept', { acceptedBy: '黄女士' });
    const eng = 'agent3';
    await wo(w.id, 'book', { engineerId: t.seed.users.agent3!.id, date: '2026-11-25', windowStart: '14:00', windowEnd: '16:00' }, 'supervisor');
    await refused('agent', 'POST', `/api/v1/work-orders/${w.id}/move`, { to: 'en_route' }, 403, 'not_the_engineer');
    await wo(w.id, 'move', { to: 'en_route' }, eng);
    clock.set(sh('2026-11-25T14:20:00'));
    const there = await wo(w.id, 'move', { to: 'on_site' }, eng);
    expect([there.status, there.visits]).toEqual(['on_site', 1]);
    await refused(eng, 'PUT', `/api/v1/work-orders/${w.id}/checklist`, { items: [{ key: 'no_such_item', done: true }] }, 422, 'checklist_item_unknown');
    const ticked = await wo(w.id, 'checklist', { items: [{ key: 'inspected', done: true, note: '滤网积尘' }, { key: 'cleaned', done: true }] }, eng, 'PUT');
    expect(ticked.checklist.filter((i) => i.done).map((i) => i.key)).toEqual(['inspected', 'cleaned']);
    const withPart = await wo(w.id, 'parts', { partNo: 'FLT-01', name: '滤网', qty: 2, unitPriceFen: 3500, partSerial: 'F-778', warrantyMonths: 6 }, eng);
    // installed 2026-11-25 (Shanghai) + 6 months = 2027-05-25
    expect(withPart.parts.map((x) => [x.installedOn, x.warrantyEndsOn])).toEqual([['2026-11-25', '2027-05-25']]);
    await refused(eng, 'POST', `/api/v1/work-orders/${w.id}/signoff`, { signerName: '黄女士' }, 409, 'work_order_wrong_status');
    const done = await wo(w.id, 'complete', { report: { workDone: '清洗保养，更换滤网', findings: '排水管轻微堵塞', minutesOnSite: 75 } }, eng);
    expect([done.status, done.report?.minutesOnSite]).toEqual(['completed', 75]);
    const signed = await wo(w.id, 'signoff', { signerName: '黄女士', confirmation: '已确认' }, eng);
    expect([signed.status, signed.signoff?.signerName, signed.signoff?.at]).toEqual(['signed_off', '黄女士', sh('2026-11-25T14:20:00')]);
    await refused(eng, 'POST', `/api/v1/work-orders/${w.id}/parts`, { partNo: 'X', name: 'X', qty: 1, unitPriceFen: 1, warrantyMonths: 1 }, 409, 'work_order_read_only');
    await refused(eng, 'PUT', `/api/v1/work-orders/${w.id}/checklist`, { items: [{ key: 'inspected', done: false }] }, 409, 'work_order_read_only');
    // a maintenance sign-off dates the product's last maintenance
    expect((await ok<ProductView>('agent', 'GET', `/api/v1/fieldservice/products/${p.p1!.id}`)).lastMaintainedOn).toBe('2026-11-25');
    const mine = await ok<WorkOrderView[]>(eng, 'GET', '/api/v1/work-orders?scope=mine');
    expect(mine.map((x) => x.id)).toEqual([w.id]);

    // a second case whose work order needs two visits (re-booked from on site)
    const caseY = await newCase(custB, '空调异响');
    const y = await workOrder(caseY, p.p2!.id, 'maintenance');
    expect(y.serviceKind).toBe('contract');
    await wo(y.id, 'book', { engineerId: t.seed.users.tech!.id, date: '2026-11-26', windowStart: '09:00', windowEnd: '10:00' }, 'supervisor');
    await wo(y.id, 'move', { to: 'en_route' }, 'tech');
    await wo(y.id, 'move', { to: 'on_site' }, 'tech');
    await wo(y.id, 'book', { engineerId: t.seed.users.tech!.id, date: '2026-11-27', windowStart: '09:00', windowEnd: '10:00' }, 'supervisor'); // parts to order: again
    await wo(y.id, 'move', { to: 'en_route' }, 'tech');
    expect((await wo(y.id, 'move', { to: 'on_site' }, 'tech')).visits).toBe(2);
    const tl = (await ok<{ timeline: Array<{ type: string }> }>('supervisor', 'GET', `/api/v1/cases/${caseY}`)).timeline;
    expect(tl.filter((e) => e.type === 'field_visit')).toHaveLength(2);
    for (const c of [caseX, caseY]) await ok('agent', 'POST', `/api/v1/cases/${c}/resolve`, { cause: '保养', solution: '上门保养' });
    // resolved in the period: X (1 visit) and Y (2 visits); FCR: X only = 1 of 2
    const sum = await ok<{ firstContactResolution: { numerator: number; denominator: number } }>('supervisor', 'GET', `/api/v1/analytics/summary?from=${sh('2026-11-24T00:00:00')}&to=${sh('2026-11-28T00:00:00')}`);
    expect([sum.firstContactResolution.numerator, sum.firstContactResolution.denominator]).toEqual([1, 2]);
  });

  it('sends recalls (model and serial range) and maintenance reminders as notice campaigns', async () => {
    clock.set(sh('2026-11-27T10:00:00'));
    // recall KX-200 serials 0001..0100: p1 (A) and p2 (B), not p3 (…0150), not p4 (another model)
    const recall = await ok<NoticeResult>('supervisor', 'POST', '/api/v1/fieldservice/notices', { kind: 'recall', title: 'KX-200 召回', subject: '产品召回通知', body: '{name}您好，您的空调需免费更换电源模块。', model: 'KX-200', serialFrom: 'KX2026-0001', serialTo: 'KX2026-0100' });
    expect(new Set(recall.productIds)).toEqual(new Set([p.p1!.id, p.p2!.id]));
    expect(new Set(recall.customerIds)).toEqual(new Set([custA, custB]));
    const c = await t.ctx.db.selectFrom('customer_campaigns').select(['kind', 'status']).where('id', '=', recall.campaignId!).executeTakeFirstOrThrow();
    expect(c).toEqual({ kind: 'notice', status: 'sent' });
    const rec = await t.ctx.db.selectFrom('customer_campaign_recipients').select('customer_id').where('campaign_id', '=', recall.campaignId!).execute();
    expect(rec).toHaveLength(2);
    // maintenance older than 12 months (last maintained, else purchased, on or before 2025-11-27):
    // p1 maintained 2026-11-25: no; p2 (its work order not signed off) purchased 2024-05-01: yes; p3 purchased 2024-03-01: yes; p4 purchased 2026-06-01: no
    const due = await ok<NoticeResult>('supervisor', 'POST', '/api/v1/fieldservice/notices', { kind: 'maintenance', title: '年度保养', subject: '保养提醒', body: '{name}您好，您的设备已到保养期。', olderThanMonths: 12 });
    expect(new Set(due.productIds)).toEqual(new Set([p.p2!.id, p.p3!.id]));
    await refused('supervisor', 'POST', '/api/v1/fieldservice/notices', { kind: 'upgrade', title: 'x', subject: 'x', body: 'x', model: 'NO-SUCH' }, 422, 'notice_audience_empty');
    const bad = await t.as('supervisor', 'POST', '/api/v1/fieldservice/notices', { kind: 'recall', title: 'x', subject: 'x', body: 'x' });
    expect(bad.statusCode).toBe(400);
  });

  it("a customer's products and work orders are in their data export, and erasure redacts them and cancels open ones", async () => {
    clock.set(sh('2026-11-30T09:00:00')); // Monday
    const custC = (await createCustomer(t.ctx, { name: '陈女士', email: 'chen-fs@example.com', phone: '13600136013' }, sys)).id;
    const prod = await ok<ProductView>('agent', 'POST', '/api/v1/fieldservice/products', { customerId: custC, model: 'KX-200', serial: 'C-0001', purchasedOn: '2026-06-01', warrantyEndsOn: '2027-06-01' }, 201);
    const caseC = await newCase(custC, '新机安装');
    const tech = t.seed.users.tech!.id;
    const done = await workOrder(caseC, prod.id, 'installation');
    await wo(done.id, 'book', { engineerId: tech, date: '2026-12-01', windowStart: '09:00', windowEnd: '10:00' }, 'supervisor');
    await wo(done.id, 'move', { to: 'en_route' }, 'tech');
    await wo(done.id, 'move', { to: 'on_site' }, 'tech');
    await wo(done.id, 'checklist', { items: [{ key: 'site_ready', done: true, note: '陈女士家中客厅' }] }, 'tech', 'PUT');
    await wo(done.id, 'complete', { report: { workDone: '在陈女士家安装调试', findings: '电源插座松动', minutesOnSite: 40 } }, 'tech');
    await wo(done.id, 'signoff', { signerName: '陈女士', confirmation: '已验收' }, 'tech');
    const open = await workOrder(caseC, prod.id, 'delivery');
    await wo(open.id, 'book', { engineerId: tech, date: '2026-12-01', windowStart: '10:00', windowEnd: '11:00' }, 'supervisor');
    // a scheduled visit is moved with a reason (audited), which frees its old window for another order
    const moveTo = { engineerId: tech, date: '2026-12-01', windowStart: '11:00', windowEnd: '12:00' };
    await refused('supervisor', 'POST', `/api/v1/work-orders/${open.id}/book`, moveTo, 422, 'reschedule_reason_required');
    const moved = await wo(open.id, 'book', { ...moveTo, reason: '客户改约' }, 'supervisor');
    expect([moved.status, moved.windowStart, moved.windowEnd]).toEqual(['scheduled', '11:00', '12:00']);
    const audits = await t.ctx.db.selectFrom('audit_log').select(['action']).where('target_id', '=', open.id).execute();
    expect(audits.map((x) => x.action)).toContain('fieldservice.reschedule');
    const other = await workOrder(await newCase(custA, '送货'), p.p4!.id, 'delivery');
    await wo(other.id, 'book', { engineerId: tech, date: '2026-12-01', windowStart: '10:00', windowEnd: '11:00' }, 'supervisor');

    const exported = await ok<{ fieldService: { products: ProductView[]; workOrders: WorkOrderView[] } }>('manager', 'GET', `/api/v1/customers/${custC}/export`);
    expect(exported.fieldService.products.map((x) => x.serial)).toEqual(['C-0001']);
    expect(exported.fieldService.workOrders.map((x) => [x.id, x.signoff?.signerName ?? null])).toEqual([[done.id, '陈女士'], [open.id, null]]);

    await ok('agent', 'POST', `/api/v1/cases/${caseC}/resolve`, { cause: '安装', solution: '上门安装' });
    await ok('agent', 'POST', `/api/v1/cases/${caseC}/close`, { reason: 'solved' });
    const erased = await ok<{ counts: { fieldService: number; workOrdersCancelled: number } }>('director', 'POST', `/api/v1/customers/${custC}/erase`, { reason: '客户申请删除' });
    // 1 product + 0 contracts + 2 work orders = 3; the delivery still scheduled is cancelled
    expect([erased.counts.fieldService, erased.counts.workOrdersCancelled]).toEqual([3, 1]);
    const rows = await t.ctx.db.selectFrom('work_orders').select(['id', 'status', 'signed_by_name', 'signoff_confirmation', 'report', 'checklist', 'cancel_reason']).where('customer_id', '=', custC).orderBy('created_at').orderBy('id').execute();
    const text = JSON.stringify(rows);
    expect(text).not.toContain('陈女士');
    expect(JSON.parse(rows[0]!.report!)).toMatchObject({ minutesOnSite: 40 });
    expect(rows.map((r) => [r.status, r.cancel_reason])).toEqual([['signed_off', null], ['cancelled', 'customer_erased']]);
    const product = await t.ctx.db.selectFrom('customer_products').select('serial').where('id', '=', prod.id).executeTakeFirstOrThrow();
    expect(product.serial).toBe(`erased:${prod.id}`);
    // the cancelled delivery no longer holds tech's 11:00-12:00 window: the other order moves there
    expect((await wo(other.id, 'book', { ...moveTo, reason: '提前' }, 'supervisor')).windowStart).toBe('11:00');
  });

  it('refuses those without the permission', async () => {
    const asCustomer = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: portalBearer } });
    expect((await asCustomer('/api/v1/work-orders')).statusCode).toBe(403);
    expect((await asCustomer('/api/v1/fieldservice/products')).statusCode).toBe(403);
    expect((await t.as('inspector', 'GET', '/api/v1/work-orders')).statusCode).toBe(403);
    const any = (await ok<WorkOrderView[]>('agent', 'GET', '/api/v1/work-orders'))[0]!;
    expect((await t.as('agent', 'GET', `/api/v1/work-orders/${any.id}/suggestions?date=2026-11-30`)).statusCode).toBe(403);
    expect((await t.as('agent', 'POST', `/api/v1/work-orders/${any.id}/book`, { engineerId: t.seed.users.tech!.id, date: '2026-11-30', windowStart: '09:00', windowEnd: '10:00' })).statusCode).toBe(403);
    expect((await t.as('agent', 'POST', '/api/v1/fieldservice/notices', { kind: 'maintenance', title: 'x', subject: 'x', body: 'x', olderThanMonths: 1 })).statusCode).toBe(403);
    expect((await t.as('agent', 'PUT', `/api/v1/fieldservice/engineers/${t.seed.users.agent!.id}`, { areas: ['x'], maxDailyVisits: 1 })).statusCode).toBe(403);
  });
});
