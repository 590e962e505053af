import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar, STANDARD_CALENDAR } from '../../src/core/modules/commitments/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { dayIn, type ProductView } from '../../src/core/modules/fieldservice/index.ts';
import { createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, logIn, screenshot, startStaffApp } from './browser.ts';

/**
 * Service orders made from the web app and the customer's 我的产品 (售后服务, SPEC 9), in Chromium.
 * On the case page the agent sees the customer's products (in warranty or not) and creates a
 * service order with the problem and the service kind previewed, landing on the new order; the
 * field-service page finds a case by its number and creates another; the customer sees their
 * products and the completed, signed-off visit in the portal. An inspector, who may read the case
 * but not field service, gets no product card and no refused request. On both databases, one
 * browser each; the API's edge cases (scoping, refusals) are in test/api/fieldservice-portal.test.ts.
 */
describe.runIf(haveChromium).each(DIALECTS)('field service orders from the web app on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());
  const shot = (page: Page, name: string) => screenshot(page, name, dialect);

  it('creates a service order from the case page and the field-service page; the customer sees it under 我的产品', { timeout: 90_000 }, async () => {
    const sys = systemActor('test');
    const email = `zhao-${dialect}@example.com`;
    const customerId = (await createCustomer(t.ctx, { name: '赵女士', email, phone: '13800138666' }, sys)).id;
    await createUser(t.ctx, { email, name: '赵女士', role: 'customer', customerId, password: TEST_PASSWORD }, sys);
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId, contact: { name: '赵女士', phone: '13800138666' }, subject: `热水器不出热水（${dialect}）`, description: '详见标题' });
    expect(made.statusCode, made.body).toBe(201);
    const { id: caseId, number } = made.json() as { id: string; number: string };
    const reg = async (serial: string, warrantyEndsOn: string) => {
      const r = await t.as('agent', 'POST', '/api/v1/fieldservice/products', { customerId, model: 'WH-60', serial: `${serial}-${dialect}`, purchasedOn: '2022-03-01', warrantyEndsOn });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as ProductView;
    };
    const fresh = await reg('WH-NEW', '2099-12-31');
    const old = await reg('WH-OLD', '2023-03-01');

    // the case page: the product card, then 创建服务单 with the kind previewed from the API's rule
    const { ctx, page } = await logIn(browser, base, t.seed.users.agent!.email);
    await page.goto(`${base}/app/cases/${caseId}`);
    const card = page.locator('section.case-fieldservice');
    await card.locator(`li.product-card[data-id="${fresh.id}"]`, { hasText: '保修期内' }).waitFor();
    await card.locator(`li.product-card[data-id="${old.id}"]`, { hasText: '已过保' }).waitFor();
    await card.getByText('暂无进行中的服务单。').waitFor();
    await card.locator('button[name=new-work-order]').click();
    await card.locator('select[name=woProduct]').selectOption(old.id);
    await card.locator('.kind-preview[data-kind=paid]').waitFor();
    await card.locator('select[name=woProduct]').selectOption(fresh.id);
    await card.locator('.kind-preview[data-kind=warranty]').waitFor();
    await card.locator('textarea[name=woProblem]').fill('打开热水阀后一直是冷水，显示屏报E2');
    await card.locator('input[name=woArea]').fill('浦东');
    await shot(page, 'case-new-work-order');
    await card.getByRole('button', { name: '创建服务单' }).click();
    await page.waitForURL(/\/app\/service\/[^/]+$/);
    const woId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.locator('.work-order-problem', { hasText: '显示屏报E2' }).waitFor();
    const row = await t.ctx.db.selectFrom('work_orders').select(['case_id', 'product_id', 'type', 'service_kind', 'problem', 'area']).where('id', '=', woId).executeTakeFirstOrThrow();
    expect(row).toEqual({ case_id: caseId, product_id: fresh.id, type: 'repair', service_kind: 'warranty', problem: '打开热水阀后一直是冷水，显示屏报E2', area: '浦东' });
    // back on the case: the open order is linked from the card
    await page.goto(`${base}/app/cases/${caseId}`);
    await card.locator(`li.case-work-order[data-id="${woId}"] a`).waitFor();

    // an inspector reads the case but not field service: no card, and the page asks nothing it would be refused
    const insp = await logIn(browser, base, t.seed.users.inspector!.email);
    const refused: string[] = [];
    insp.page.on('response', (r) => void (r.status() === 403 && refused.push(r.url())));
    await insp.page.goto(`${base}/app/cases/${caseId}`);
    await insp.page.locator('h1.case-subject').waitFor();
    await insp.page.waitForLoadState('networkidle');
    expect([refused, await insp.page.locator('section.case-fieldservice').count()]).toEqual([[], 0]);
    await insp.ctx.close();

    // the field-service page: find the case by its number, create an installation for the other product
    await page.goto(`${base}/app/service`);
    await page.locator('button[name=new-order]').click();
    await page.locator('input[name=caseSearch]').fill(number);
    await page.getByRole('button', { name: '查找' }).click();
    await page.locator(`tr.case-pick-row[data-id="${caseId}"] button[name=pick-case]`).click();
    await page.locator('select[name=woProduct]').selectOption(old.id);
    await page.locator('.kind-preview[data-kind=paid]').waitFor();
    await page.locator('select[name=woType]').selectOption('maintenance');
    await page.locator('input[name=woArea]').fill('徐汇');
    await page.getByRole('button', { name: '创建服务单' }).click();
    await page.waitForURL((u) => /\/app\/service\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith(woId));
    const second = await t.ctx.db.selectFrom('work_orders').select(['type', 'service_kind', 'problem']).where('product_id', '=', old.id).executeTakeFirstOrThrow();
    expect(second).toEqual({ type: 'maintenance', service_kind: 'paid', problem: null });
    await ctx.close();

    // the visit of the first order, done through the API; then the customer's 我的产品
    const tech = t.seed.users.tech!;
    expect((await t.as('supervisor2', 'PUT', `/api/v1/fieldservice/engineers/${tech.id}`, { areas: ['浦东'], maxDailyVisits: 4 })).statusCode).toBe(200);
    const cal = BusinessCalendar.fromSpec(STANDARD_CALENDAR);
    let day = '';
    for (let d = 1; !day; d++) if (cal.isWorkingDay(dayIn(Date.now() + d * 86_400_000, 'Asia/Shanghai'))) day = dayIn(Date.now() + d * 86_400_000, 'Asia/Shanghai');
    const step = async (who: string, path: string, body: unknown, method = 'POST') => {
      const r = await t.as(who, method, `/api/v1/work-orders/${woId}/${path}`, body);
      expect(r.statusCode, r.body).toBe(200);
    };
    await step('supervisor2', 'book', { engineerId: tech.id, date: day, windowStart: '14:00', windowEnd: '16:00', overrideReason: '客户急需热水' });
    await step('tech', 'move', { to: 'en_route' });
    await step('tech', 'move', { to: 'on_site' });
    await step('tech', 'complete', { report: { workDone: '更换温控器，试机出热水正常', findings: '', minutesOnSite: 35 } });
    await step('tech', 'signoff', { signerName: '赵女士' });

    const cctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const cpage = await cctx.newPage();
    await cpage.goto(`${base}/app/portal/login`);
    await cpage.locator('input[name=email]').fill(email);
    await cpage.locator('input[name=password]').fill(TEST_PASSWORD);
    await cpage.locator('form.portal-login button[type=submit]').click();
    await cpage.locator('header .who').waitFor();
    await cpage.getByRole('link', { name: '我的产品' }).click();
    const mine = cpage.locator(`article.portal-product[data-id="${fresh.id}"]`);
    await mine.getByText('保修期内').first().waitFor();
    const order = mine.locator(`.portal-work-order[data-id="${woId}"][data-status=signed_off]`);
    await order.locator('.engineer', { hasText: tech.name }).waitFor();
    await order.locator('.appointment', { hasText: `${day} 14:00-16:00` }).waitFor();
    await order.locator('.report', { hasText: '更换温控器' }).waitFor();
    await order.locator('.signoff', { hasText: '赵女士' }).waitFor();
    await cpage.locator(`article.portal-product[data-id="${old.id}"]`, { hasText: '已过保修期' }).waitFor();
    await screenshot(cpage, 'portal-my-products', dialect);
    await cctx.close();
  });
});
