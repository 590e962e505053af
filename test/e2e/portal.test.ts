import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, screenshot, startStaffApp } from './browser.ts';

/**
 * The customer portal (SPEC 11; SPEC 1 web form; SPEC 5 customer side; SPEC 10 own cases only) in
 * Chromium, on both databases: a customer submits, follows and confirms a request; staff answer
 * through the API; another customer cannot open it. Screenshots in Chinese and English.
 */
describe.runIf(haveChromium).each(DIALECTS)('the customer portal on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  const emailA = 'lin.portal@example.com';
  const emailB = 'wang.portal@example.com';
  let customerA: string;

  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
    const sys = systemActor('test');
    customerA = (await createCustomer(t.ctx, { name: '林晓雨', email: emailA }, sys)).id;
    await createUser(t.ctx, { email: emailA, name: '林晓雨', role: 'customer', customerId: customerA, password: TEST_PASSWORD }, sys);
    const b = await createCustomer(t.ctx, { name: '王建国', email: emailB }, sys);
    await createUser(t.ctx, { email: emailB, name: '王建国', role: 'customer', customerId: b.id, password: TEST_PASSWORD }, sys);
  });
  afterAll(async () => close?.());

  const shot = (page: Page, name: string) => screenshot(page, `portal-${name}`, dialect);

  /** A customer opens the portal, is sent to its login, logs in and lands back where they were going. */
  const logIn = async (email: string, path = '/app/portal') => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${base}${path}`);
    await page.waitForURL(/\/app\/portal\/login$/);
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill(TEST_PASSWORD);
    await page.locator('form.portal-login button[type=submit]').click();
    await page.locator('header .who').waitFor();
    return { ctx, page };
  };

  it('a customer submits a request, follows it, replies, sees staff replies but no internal notes, and confirms it solved', { timeout: 180_000 }, async () => {
    const { ctx, page } = await logIn(emailA);
    expect(new URL(page.url()).pathname).toBe('/app/portal');
    await page.getByText('这里还没有您的请求。').waitFor();

    // the web form: type in the customer's words, topic, subject, description, request, contact preference
    await page.getByRole('link', { name: '提交请求' }).first().click();
    await page.getByRole('heading', { name: '提交请求' }).waitFor();
    await page.getByLabel('投诉', { exact: true }).check();
    const subject = `空调安装师傅迟到两小时（${dialect}）`;
    await page.locator('input[name=subject]').fill(subject);
    await page.locator('textarea[name=description]').fill('约好上午九点安装，师傅十一点才到，也没有提前通知。');
    await page.locator('textarea[name=request]').fill('请给出说明并改进预约通知。');
    await page.getByLabel('电话', { exact: true }).check();
    await shot(page, 'new-zh');
    // a double click sends one request: the form's idempotency key (and the disabled button)
    await page.locator('form.portal-form button[type=submit]').dblclick();
    const ack = page.locator('.portal-ack');
    await ack.waitFor();
    const rows = await t.ctx.db.selectFrom('cases').selectAll().where('subject', '=', subject).execute();
    expect(rows).toHaveLength(1);
    const c = rows[0]!;
    // the customer's type reached the classifier; the case is theirs, from the web
    expect(c).toMatchObject({ customer_id: customerA, channel: 'web', type: 'complaint', request: '请给出说明并改进预约通知。' });
    expect(c.description).toContain('类型: 投诉');
    expect(c.description).toContain('希望的联系方式: 电话');
    // the acknowledgement: the number and the committed reply time
    expect(await ack.textContent()).toContain(`请求 ${c.number} 已受理登记`);
    expect(await ack.textContent()).toMatch(/我们将在 .+ 前答复您/);
    expect(new URL(page.url()).pathname).toBe(`/app/portal/requests/${c.id}`);
    await page.locator('.portal-promises li[data-kind=first_response][data-state=pending]').waitFor();
    await shot(page, 'submitted-zh');

    // the list: number, subject, plain status; none of the queue's columns
    await page.getByRole('link', { name: '我的请求' }).first().click();
    const row = page.locator(`tr[data-id="${c.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(c.number);
    expect(await row.textContent()).toContain('已收到');
    expect(await page.locator('table.portal-table th').allTextContents()).toEqual(['编号', '主题', '状态', '最近更新']);
    await shot(page, 'list-zh');

    // the request's page: the customer replies; a draft survives a reload
    await row.getByRole('link', { name: c.number }).click();
    await page.locator('textarea[name=reply]').fill('补充：师傅到了以后态度还可以。');
    await page.reload();
    expect(await page.locator('textarea[name=reply]').inputValue()).toBe('补充：师傅到了以后态度还可以。');
    // with a photo: the reply, then the file as its own public entry, downloadable
    await page.locator('input[name=replyFiles]').setInputFiles({ name: '到场时间截图.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a', 'hex') });
    await page.locator('form.portal-reply button[type=submit]').click();
    await page.locator('.event[data-type=customer_reply]', { hasText: '补充：师傅到了以后态度还可以。' }).waitFor();
    const file = page.locator('.event[data-type=attachment] a.download', { hasText: '到场时间截图.png' });
    await file.waitFor();
    const download = await page.request.get(new URL((await file.getAttribute('href'))!, base).toString());
    expect(download.status()).toBe(200);
    expect((await download.body()).toString('hex')).toBe('89504e470d0a1a0a');
    expect(await page.locator('textarea[name=reply]').inputValue()).toBe('');

    // staff answer publicly and note internally (API)
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/take`, {})).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/replies`, { body: '非常抱歉，我们已核实并会对安装师傅进行提醒。' })).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/notes`, { body: '内部：该师傅本月第三次迟到，转主管处理。' })).statusCode).toBe(200);
    await page.reload();
    await page.locator('.event[data-type=reply]', { hasText: '非常抱歉' }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('本月第三次迟到');
    expect(await page.locator('.event[data-type=note]').count()).toBe(0);
    expect(await page.locator('.event[data-type=reply] .muted').first().textContent()).toBe('客服');
    // staff resolve: the customer is asked to confirm, and confirms
    const res = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/resolve`, { cause: '安装师傅未按预约时间出发', solution: '已对师傅进行提醒，并改进了预约短信通知。' });
    expect(res.statusCode, res.body).toBe(200);
    await page.reload();
    await page.locator('.portal-decide').waitFor();
    expect(await page.locator('.badge').first().textContent()).toBe('已解决，待您确认');
    expect(await page.locator('.portal-resolution').textContent()).toContain('已对师傅进行提醒');
    await page.locator('.portal-promises li[data-kind=first_response][data-state=met]').waitFor();
    await shot(page, 'resolved-zh');
    await page.locator('input[name=confirmComment]').fill('谢谢');
    await page.locator('button[data-step=confirm]').click();
    await page.locator('section.portal-request[data-status=closed]').waitFor();
    expect((await t.ctx.db.selectFrom('cases').select(['status', 'close_reason']).where('id', '=', c.id).executeTakeFirstOrThrow())).toEqual({ status: 'closed', close_reason: 'solved' });
    await page.locator('.event[data-type=confirmed]', { hasText: '谢谢' }).waitFor();
    expect(await page.locator('form.portal-reply').count()).toBe(0);

    // in English: the same page in the customer's words
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Conversation' }).waitFor();
    expect(await page.locator('.badge').first().textContent()).toBe('Closed');
    await shot(page, 'closed-en');
    await page.getByRole('link', { name: 'My requests' }).first().click();
    await page.locator(`tr[data-id="${c.id}"]`, { hasText: 'Closed' }).waitFor();
    await shot(page, 'list-en');

    // logging out ends the session: the portal sends to its login
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/app\/portal\/login$/);
    await ctx.close();
  });

  it('a second customer cannot open the first one’s request; staff are sent to the workspace, customers to the portal', { timeout: 120_000 }, async () => {
    const [c] = await t.ctx.db.selectFrom('cases').select(['id', 'subject']).where('customer_id', '=', customerA).execute();
    expect(c).toBeDefined();
    const { ctx, page } = await logIn(emailB, `/app/portal/requests/${c!.id}`);
    // back where they were going, after the login: not theirs, so not found, and nothing of it shown
    await page.getByRole('heading', { name: '未找到该请求' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/portal/requests/${c!.id}`);
    expect((await page.locator('main').textContent()) ?? '').not.toContain(c!.subject);
    await shot(page, 'not-found-zh');
    await page.getByRole('link', { name: '我的请求' }).first().click();
    await page.getByText('这里还没有您的请求。').waitFor();
    // the workspace is not for customers
    await page.goto(`${base}/app/`);
    await page.waitForURL(/\/app\/portal$/);
    await ctx.close();

    // staff logging in at the portal land in the workspace
    const staff = await browser.newContext({ locale: 'zh-CN' });
    const sp = await staff.newPage();
    await sp.goto(`${base}/app/portal/login`);
    await sp.locator('input[name=email]').fill(t.seed.users.agent!.email);
    await sp.locator('input[name=password]').fill(TEST_PASSWORD);
    await sp.locator('form.portal-login button[type=submit]').click();
    await sp.locator('header .who').waitFor();
    expect(new URL(sp.url()).pathname).toMatch(/^\/app\/?$/);
    await sp.goto(`${base}/app/portal`);
    await sp.waitForURL(/\/app\/?$/);
    await staff.close();
  });
});
