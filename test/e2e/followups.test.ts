import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, screenshot, logIn, startStaffApp } from './browser.ts';

/**
 * Follow-ups (回访, SPEC 5) in the staff web app, in Chromium, on both databases: the case page's
 * card records a dissatisfied outcome (escalated); the 回访 page lists the follow-ups and the plans.
 */
describe.runIf(haveChromium).each(DIALECTS)('follow-ups in the staff app on %s', (dialect) => {
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

  it('the assignee records a dissatisfied follow-up on the case page and escalates it; the 回访 page lists it', { timeout: 120_000 }, async () => {
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '孙女士', phone: '13800138123' }, subject: `热水器不加热（${dialect}）`, description: '详见标题' });
    expect(made.statusCode, made.body).toBe(201);
    const id = (made.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/resolve`, { cause: '温控器故障', solution: '更换温控器' })).statusCode).toBe(200);

    const { ctx, page } = await open('agent');
    await page.goto(`${base}/app/cases/${id}`);
    const card = page.locator('section.followups');
    await card.getByRole('heading', { name: '回访', exact: true }).waitFor();
    const item = card.locator('.followup[data-status=pending]');
    await item.waitFor();
    await item.getByRole('button', { name: '记录回访结果' }).click();
    await item.getByLabel('客户评价').selectOption({ label: '不满意' });
    await item.getByLabel('不满意的处理 *').selectOption({ label: '升级处理' });
    await item.getByLabel('回访记录').fill('客户说热水器仍然时好时坏');
    await item.getByRole('button', { name: '保存' }).click();
    await card.locator('.followup[data-status=done]').waitFor();
    await card.getByText('客户说热水器仍然时好时坏').waitFor();
    await shot(page, 'followup-case-card');
    const row = await t.ctx.db.selectFrom('followups').select(['status', 'result', 'action', 'escalation_level']).where('case_id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'done', result: 'dissatisfied', action: 'escalate', escalation_level: 2 });

    await page.getByRole('link', { name: '回访', exact: true }).click();
    await page.getByRole('heading', { name: '回访', level: 1 }).waitFor();
    await page.locator('select[name=followupStatus]').selectOption('done');
    await page.locator(`.followup[data-status=done] >> text=热水器不加热（${dialect}）`).waitFor();
    await page.locator('section.followup-plans').getByRole('heading', { name: '定期回访计划' }).waitFor();
    // rows of cards, not bullet points (the list's and the card's lists)
    const bullets = await page.locator('ul.followup-list, ul.plan-list').evaluateAll((els) => els.map((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { listStyleType: string } }).getComputedStyle(e).listStyleType));
    expect(bullets.length).toBeGreaterThan(0);
    expect(new Set(bullets)).toEqual(new Set(['none']));
    await shot(page, 'followups-page');
    await ctx.close();
  });
});
