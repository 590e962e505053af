import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, screenshot, logIn, startStaffApp } from './browser.ts';

/**
 * Satisfaction surveys (SPEC 6) in Chromium on both databases: the customer answers on the public
 * page (no login), the case page's card shows the score and comment, and the supervisor closes the
 * recovery task of the low score on the 满意度 page; the database holds the outcome.
 */
describe.runIf(haveChromium).each(DIALECTS)('satisfaction surveys in the browser on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());

  it('the customer answers a low score; the case card shows it; the supervisor records the recovery', { timeout: 120_000 }, async () => {
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'email', contact: { name: '郑女士', email: `e2e-survey-${dialect}@example.com` }, subject: `快递丢件（${dialect}）`, description: '包裹显示签收但未收到' });
    expect(made.statusCode, made.body).toBe(201);
    const id = (made.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/resolve`, { cause: '快递误投', solution: '已补发' })).statusCode).toBe(200);
    const mail = await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', id).where('payload', 'like', '%survey_invitation%').executeTakeFirstOrThrow();
    const token = (JSON.parse(mail.payload) as { vars: { link: string } }).vars.link.split('/survey/')[1]!;

    // the public page: no login
    const anon = await browser.newContext({ locale: 'zh-CN' });
    const pub = await anon.newPage();
    await pub.goto(`${base}/survey/${token}`);
    await pub.locator('input[name=csat][value="2"]').check();
    await pub.locator('input[name=speed][value="1"]').check();
    await pub.locator('textarea[name=comment]').fill('补发太慢');
    await pub.locator('button[type=submit]').click();
    await pub.getByText('感谢您的评价！').waitFor();
    await screenshot(pub, 'survey-thanks', dialect);
    await anon.close();

    const { ctx, page } = await logIn(browser, base, t.seed.users.supervisor!.email);
    await page.goto(`${base}/app/cases/${id}`);
    const card = page.locator('section.surveys');
    await card.getByText('满意度 2/5 · 不满意').first().waitFor();
    await card.getByText('补发太慢').first().waitFor();
    await screenshot(page, 'survey-case-card', dialect);

    await page.getByRole('link', { name: '满意度' }).click();
    const item = page.locator('li.recovery').filter({ hasText: `快递丢件（${dialect}）` });
    await item.locator('button[data-step=close-recovery]').click();
    await item.locator('textarea[name=outcome]').fill('已电话致歉并补发');
    await item.getByRole('button', { name: '完成任务' }).click();
    await page.getByText('没有符合条件的补救任务。').waitFor();
    await screenshot(page, 'survey-page', dialect);
    const task = await t.ctx.db.selectFrom('survey_recovery_tasks').select(['status', 'outcome', 'closed_by']).where('case_id', '=', id).executeTakeFirstOrThrow();
    expect(task).toEqual({ status: 'closed', outcome: '已电话致歉并补发', closed_by: t.seed.users.supervisor!.id });
    await ctx.close();
  });

  it('a manager creates a periodic survey wave (定期满意度调查), sends it now and reads its results', { timeout: 60_000 }, async () => {
    const customer = await createCustomer(t.ctx, { name: `周期客户（${dialect}）`, email: `e2e-wave-${dialect}@example.com`, tier: 'key' }, systemActor('test'));
    const { ctx, page } = await logIn(browser, base, t.seed.users.manager!.email);
    await page.goto(`${base}/app/surveys`);
    const section = page.getByTestId('survey-waves');
    const form = section.getByTestId('wave-form');
    await form.locator('input[name=waveName]').fill(`重点客户季度调查（${dialect}）`);
    await form.locator('select[name=audience]').selectOption('tier');
    await form.locator('select[name=tier]').selectOption('key');
    await form.locator('input[name=start]').fill('2030-01-01T09:00');
    await form.locator('button[name=createWave]').click();
    const row = section.locator('tr[data-wave]').filter({ hasText: `重点客户季度调查（${dialect}）` });
    await row.getByText('每季度').waitFor();
    await row.locator('button[name=launch]').click();
    await row.locator('td[data-figure=sent]').filter({ hasText: '1' }).waitFor();
    await row.locator('button[name=results]').click();
    await section.getByTestId('wave-results').locator('[data-figure=sent] .tile-value').filter({ hasText: '1' }).waitFor();
    await screenshot(page, 'survey-waves', dialect);
    const sent = await t.ctx.db.selectFrom('survey_wave_surveys').select(['status']).where('customer_id', '=', customer.id).execute();
    expect(sent).toEqual([{ status: 'pending' }]);
    await ctx.close();
  });
});
