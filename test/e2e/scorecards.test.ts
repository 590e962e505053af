import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, logIn, screenshot, startStaffApp } from './browser.ts';

/**
 * Appraisal (考核, SPEC 7) in Chromium on both databases: the director reads this month's
 * scorecards, drills into an agent's first-contact resolutions and rolls up by team; then records
 * and publishes the monthly supervision assessment of the service department; the agent sees only
 * their own card (in English).
 */
describe.runIf(haveChromium).each(DIALECTS)('appraisal in the browser on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());

  it('scorecards with a drill-down, the supervision assessment published, the agent’s own card', { timeout: 120_000 }, async () => {
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '郑女士', phone: '13500135009' }, subject: `宽带报修（${dialect}）`, description: '无法上网' });
    expect(made.statusCode, made.body).toBe(201);
    const id = (made.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/resolve`, { cause: '光猫故障', solution: '远程重启恢复' })).statusCode).toBe(200);

    const { ctx, page } = await logIn(browser, base, t.seed.users.director!.email);
    await page.getByRole('link', { name: '考核', exact: true }).click();
    const row = page.locator(`tr[data-agent="${t.seed.users.agent!.id}"]`);
    // one case, resolved at first contact: FCR 100%
    await row.locator('td[data-indicator=fcr]').getByText('100.0%').waitFor();
    await row.getByRole('button', { name: '张晓 Agent Zhang' }).click();
    await page.locator('.drill-cases a').first().click();
    await page.waitForURL(`**/app/cases/${id}`);
    await page.goBack();
    await page.getByRole('button', { name: '按班组' }).click();
    await page.locator('table.scorecard-rollup tr', { hasText: '一线服务组' }).waitFor();
    expect(await page.locator('table.scorecard-rollup th').first().textContent()).toBe('班组'); // the column, not the switch's "按班组"
    await screenshot(page, 'scorecards-team', dialect);

    await page.getByRole('link', { name: '监督考核' }).click();
    await page.locator('select[name=department]').selectOption({ label: '客户服务中心' });
    for (const [key, score] of [['acceptance', 28], ['maintenance', 22], ['complaints', 20], ['conduct', 18]] as const) await page.locator(`input[name=score-${key}]`).fill(String(score));
    await page.locator('textarea[name=comment]').fill('受理及时，投诉处理仍需加强');
    await page.getByRole('button', { name: '保存草稿' }).click();
    const card = page.locator('article.assessment[data-status=draft]');
    await card.getByText('88 / 100').waitFor(); // 28 + 22 + 20 + 18
    await card.getByRole('button', { name: '发布' }).click();
    await page.locator('article.assessment[data-status=published]').getByText('已发布').waitFor();
    await screenshot(page, 'supervision', dialect);
    const row2 = await t.ctx.db.selectFrom('supervision_assessments').select(['status', 'total', 'department_id']).executeTakeFirstOrThrow();
    expect({ ...row2, total: Number(row2.total) }).toEqual({ status: 'published', total: 88, department_id: t.seed.teams.centre });
    await ctx.close();

    const agent = await logIn(browser, base, t.seed.users.agent!.email, 'en');
    await agent.page.locator('label.lang select').selectOption('en');
    await agent.page.getByRole('link', { name: 'Appraisal' }).click();
    await agent.page.getByRole('heading', { name: 'My scorecard' }).waitFor();
    expect(await agent.page.locator('tr[data-agent]').count()).toBe(1);
    await screenshot(agent.page, 'scorecards-own-en', dialect);
    await agent.ctx.close();
  });
});
