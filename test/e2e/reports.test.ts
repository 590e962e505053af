import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, logIn, screenshot, startStaffApp } from './browser.ts';

/**
 * 报表 (SPEC 8) in the staff web app, in Chromium, on both databases: a manager subscribes to the
 * daily digest, generates last month's service supervision report, reads its sections, downloads
 * the spreadsheet and opens the printable page; the same report in English.
 */
describe.runIf(haveChromium).each(DIALECTS)('reports in the staff app on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());

  const shot = (page: Page, name: string) => screenshot(page, name, dialect);

  it('a manager generates the monthly report, reads it, exports it, and subscribes to the daily digest', { timeout: 60_000 }, async () => {
    expect((await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '孙女士', phone: '13800138123' }, subject: '热水器不加热', description: '详见标题', type: 'complaint' })).statusCode).toBe(201);
    const { ctx, page } = await logIn(browser, base, t.seed.users.manager!.email);
    await page.getByRole('link', { name: '报表', exact: true }).click();
    await page.getByRole('heading', { name: '服务报表', level: 1 }).waitFor();
    const daily = page.getByLabel('每天接收服务日报（前一天主要指标）');
    await daily.click(); // checked once the server has it
    await expect.poll(() => daily.isChecked()).toBe(true);
    await expect.poll(async () => (await t.ctx.db.selectFrom('report_subscriptions').select('kind').where('user_id', '=', t.seed.users.manager!.id).execute()).map((r) => r.kind)).toEqual(['daily']);

    await page.locator('select[name=reportKind]').selectOption('monthly');
    await page.getByRole('button', { name: '生成报表' }).click();
    const volume = page.locator('section.report-section[data-section=volume]');
    await volume.getByRole('heading', { name: '一、服务受理情况' }).waitFor();
    await volume.locator('tr[data-key=received]').getByText('受理量').waitFor();
    await page.locator('section.report-section[data-section=improvement]').getByRole('heading', { name: '七、问题整改与持续改进' }).waitFor();
    const xlsx = await page.getByRole('link', { name: '导出 Excel' }).getAttribute('href');
    const file = await page.request.get(`${base}${xlsx}`);
    expect([file.status(), file.headers()['content-type']]).toEqual([200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    const print = await page.getByRole('link', { name: '打印版' }).getAttribute('href');
    expect(await (await page.request.get(`${base}${print}`)).text()).toContain('服务监督报告');
    await shot(page, 'report-zh');
    await page.locator('label.lang select').selectOption('en');
    await page.locator('section.report-section[data-section=volume]').getByRole('heading', { name: '1. Cases received' }).waitFor();
    await page.getByRole('link', { name: 'Excel' }).waitFor();
    await shot(page, 'report-en');
    await ctx.close();
  });
});
