import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { grantConsent } from '../../src/core/modules/privacy/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, logIn, screenshot, startStaffApp } from './browser.ts';

/**
 * Customer profiles and care campaigns (客户档案, 关怀活动, SPEC 9) in the staff web app, on both
 * databases: a manager finds a customer, sets their value and account manager on the profile, then
 * creates a holiday campaign for them, previews its audience and sends it once.
 */
describe.runIf(haveChromium).each(DIALECTS)('customer profiles in the staff app on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());
  const shot = (page: Page, name: string) => screenshot(page, name, dialect);

  it('sets a profile, then sends a campaign to the customer who consented', { timeout: 90_000 }, async () => {
    const sys = systemActor('test');
    const c = await createCustomer(t.ctx, { name: '周女士', email: 'zhou-e2e@example.com', phone: '13900139000', company: '华东电器', region: '华东' }, sys);
    await grantConsent(t.ctx, c.id, { purpose: 'marketing', scope: null, channel: 'phone', evidenceRef: null }, sys);
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', customerId: c.id, contact: { name: '周女士', phone: '13900139000' }, subject: '空调不制冷', description: '详见标题' });
    expect(made.statusCode, made.body).toBe(201);

    const { ctx, page } = await logIn(browser, base, t.seed.users.manager!.email);
    await page.getByRole('link', { name: '客户档案', exact: true }).click();
    await page.locator('input[name=q]').fill('周女士');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.getByRole('link', { name: '周女士' }).click();
    await page.getByRole('heading', { name: /周女士/ }).waitFor();
    await page.locator('[data-testid=profile-cases]').getByText('空调不制冷').waitFor();
    const form = page.locator('[data-testid=profile-form]');
    await form.locator('input[name=annualValue]').fill('250000');
    await form.locator('select[name=accountManager]').selectOption({ label: t.seed.users.agent!.name });
    await form.getByRole('button', { name: '保存' }).click();
    await page.locator('[data-testid=manager]').getByText(t.seed.users.agent!.name).waitFor();
    await page.locator('[data-testid=annual-value]').getByText('250,000').waitFor();
    await shot(page, 'customer-profile-zh');

    await page.getByRole('link', { name: '关怀活动', exact: true }).click();
    const cf = page.locator('[data-testid=campaign-form]');
    await cf.locator('input[name=title]').fill('元旦问候');
    await cf.locator('input[name=subject]').fill('新年快乐');
    await cf.locator('textarea[name=bodyZh]').fill('{name}您好，祝您新年快乐！');
    await cf.locator('textarea[name=customerIds]').fill(c.id);
    await cf.getByRole('button', { name: '预览发送对象' }).click();
    await page.locator('[data-testid=preview-result]').getByText('共 1 位客户：将发送 1 位').waitFor();
    await cf.getByRole('button', { name: '保存草稿' }).click();
    page.once('dialog', (d) => void d.accept());
    await page.locator('[data-testid=campaign-detail]').getByRole('button', { name: '立即发送' }).click();
    // in the outbox, not yet sent: the page says so (no worker runs in this test)
    await page.locator('[data-testid=recipients]').getByText('待发送').waitFor();
    await page.locator('[data-testid=campaign-delivery]').getByText('待发送 1 · 已发送 0 · 发送失败 0').waitFor();
    await shot(page, 'campaigns-zh');
    const outbox = await t.ctx.db.selectFrom('outbox').select('payload').where('topic', '=', 'email').execute();
    const mails = outbox.map((o) => JSON.parse(o.payload) as { to: string; template: string; vars: { body: string } }).filter((p) => p.template === 'customer_campaign');
    expect(mails).toEqual([expect.objectContaining({ to: 'zhou-e2e@example.com', vars: expect.objectContaining({ body: '周女士您好，祝您新年快乐！' }) })]);

    // the same pages in English
    await page.getByLabel('语言', { exact: true }).selectOption('en');
    await page.getByRole('heading', { name: 'Care campaigns', level: 1 }).waitFor();
    await shot(page, 'campaigns-en');
    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByRole('link', { name: '周女士' }).click();
    await page.getByRole('heading', { name: 'Value, tier and account manager' }).waitFor();
    await shot(page, 'customer-profile-en');
    await ctx.close();
  });
});
