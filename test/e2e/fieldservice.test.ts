import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessCalendar, STANDARD_CALENDAR } from '../../src/core/modules/commitments/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { dayIn } from '../../src/core/modules/fieldservice/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, logIn, screenshot, startStaffApp } from './browser.ts';

/**
 * After-sales field service (售后服务, SPEC 9) in the staff web app, in Chromium, on both databases:
 * the after-sales supervisor books the engineer suggested for a service order; the engineer finds
 * it under 我的上门, sets off, arrives, ticks the checklist, writes the report and has the customer sign.
 */
describe.runIf(haveChromium).each(DIALECTS)('field service in the staff app on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());

  const shot = (page: Page, name: string) => screenshot(page, name, dialect);
  const open = (who: string, locale = 'zh-CN') => logIn(browser, base, t.seed.users[who]!.email, locale);

  it('books the suggested engineer, who completes the visit and has the customer sign off', { timeout: 120_000 }, async () => {
    const customerId = (await createCustomer(t.ctx, { name: '钱先生', phone: '13800138555' }, systemActor('test'))).id;
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId, contact: { name: '钱先生', phone: '13800138555' }, subject: `洗衣机不脱水（${dialect}）`, description: '详见标题' });
    expect(made.statusCode, made.body).toBe(201);
    const caseId = (made.json() as { id: string }).id;
    const product = await t.as('agent', 'POST', '/api/v1/fieldservice/products', { customerId, model: 'WM-8', serial: `WM-E2E-${dialect}`, purchasedOn: '2026-01-10', warrantyEndsOn: '2030-01-09' });
    expect(product.statusCode, product.body).toBe(201);
    expect((await t.as('supervisor2', 'PUT', `/api/v1/fieldservice/engineers/${t.seed.users.tech!.id}`, { areas: ['闵行区'], maxDailyVisits: 4 })).statusCode).toBe(200);
    const wo = await t.as('agent', 'POST', '/api/v1/work-orders', { caseId, productId: (product.json() as { id: string }).id, type: 'repair', area: '闵行区' });
    expect(wo.statusCode, wo.body).toBe(201);
    const id = (wo.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/work-orders/${id}/remote-support`, { outcome: 'not_resolved', notes: '远程指导无效' })).statusCode).toBe(200);
    // the next working day of the service calendar
    const cal = BusinessCalendar.fromSpec(STANDARD_CALENDAR);
    let day = '';
    for (let d = 1; !day; d++) if (cal.isWorkingDay(dayIn(Date.now() + d * 86_400_000, 'Asia/Shanghai'))) day = dayIn(Date.now() + d * 86_400_000, 'Asia/Shanghai');

    const lead = await open('supervisor2');
    await lead.page.goto(`${base}/app/service/${id}`);
    await lead.page.getByRole('heading', { name: '派工' }).waitFor();
    await lead.page.locator('input[name=visitDate]').fill(day);
    const row = lead.page.locator('tr.suggestion-row', { hasText: '孙工' });
    await row.getByRole('button', { name: '派工' }).click();
    await lead.page.locator('.badge-scheduled').waitFor();
    await shot(lead.page, 'work-order-booked');
    await lead.ctx.close();

    const { ctx, page } = await open('tech');
    await page.getByRole('link', { name: '售后服务', exact: true }).click();
    await page.locator('button[name=tab-mine]').click();
    await page.locator(`tr.work-order-row[data-id="${id}"] a`).click();
    await page.getByRole('button', { name: '出发' }).click();
    await page.getByRole('button', { name: '已到达现场' }).click();
    await page.locator('.badge-on_site').waitFor();
    await page.locator('input[name=check-fault_reproduced]').click(); // controlled by the saved order: it turns checked when the server answered
    await expect.poll(async () => page.locator('input[name=check-fault_reproduced]').isChecked()).toBe(true);
    await page.locator('textarea[name=workDone]').fill('更换排水泵，试机正常');
    await page.locator('input[name=minutesOnSite]').fill('45');
    await page.getByRole('button', { name: '完工' }).click();
    await page.locator('input[name=signerName]').fill('钱先生');
    await page.getByRole('button', { name: '确认签字' }).click();
    await page.locator('.badge-signed_off').waitFor();
    await page.locator('.signoff', { hasText: '钱先生' }).waitFor();
    await shot(page, 'work-order-signed');
    const w = await t.ctx.db.selectFrom('work_orders').select(['status', 'visits', 'engineer_id']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(w).toEqual({ status: 'signed_off', visits: 1, engineer_id: t.seed.users.tech!.id });
    await ctx.close();

    const en = await open('supervisor2');
    await en.page.goto(`${base}/app/service`);
    await en.page.getByLabel('语言', { exact: true }).selectOption('en');
    await en.page.locator(`tr.work-order-row[data-id="${id}"]`, { hasText: 'Signed off' }).waitFor();
    await shot(en.page, 'service-orders-en');
    await en.ctx.close();
  });
});
