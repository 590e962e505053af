import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/shared/clock.ts';
import type { AnalyticsSummary } from '../../src/core/modules/analytics/index.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, launch } from './browser.ts';

/**
 * The staff web app (/app/, web/) in Chromium: an agent's day with a case, in Chinese and English,
 * the supervisor's dashboard, and what each is refused. Checks what the page shows and what the
 * database holds after the clicks.
 */
describe.runIf(haveChromium).each(DIALECTS)('staff web app in Chromium on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    // npm test builds web/dist before the tests; run alone, build it here if it is missing or stale
    const built = spawnSync(process.execPath, ['web/build-if-stale.mjs'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('building the web app failed');
    // the real clock: the session cookie expires by the server's clock, and the browser keeps it by its own
    t = await makeTestApp(dialect, { clock: systemClock });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const shot = async (page: Page, name: string) => {
    await page.evaluate('window.scrollTo(0, 0)'); // the sticky top bar where a reader sees it
    await page.screenshot({ path: `/tmp/sl-app-${name}-${dialect}.png`, fullPage: true });
  };
  const logIn = async (page: Page, who: string, submit: string) => {
    await page.goto(`${base}/app/`);
    await page.waitForURL(/\/app\/login$/);
    await page.locator('input[name=email]').fill(t.seed.users[who]!.email);
    await page.locator('input[name=password]').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: submit, exact: true }).click();
  };
  const caseRow = (id: string) => t.ctx.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it("serves the app's client routes and files under /app/, and links it from the start page", async () => {
    for (const url of ['/app/', '/app/cases/some-id', '/app/dashboard']) {
      const r = await t.as(null, 'GET', url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.body).toContain('<div id="root">');
    }
    expect((await t.as(null, 'GET', '/app')).headers.location).toBe('/app/');
    const html = (await t.as(null, 'GET', '/app/')).body;
    const js = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(js).toBeDefined();
    const asset = await t.as(null, 'GET', js!);
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await t.as(null, 'GET', '/app/assets/missing.js')).statusCode).toBe(404);
    expect((await t.as(null, 'GET', '/')).body).toContain('href="/app/"');
  });

  it('lets an agent log a case, find it, take, reply, note, resolve it, in Chinese and English; refuses the dashboard', { timeout: 120_000 }, async () => {
    // another open case, which the search must leave out
    const other = await t.as('agent2', 'POST', '/api/v1/cases', { channel: 'email', contact: { name: '王先生', email: 'wang@example.cn' }, subject: '发票抬头错误', description: '发票抬头开错了' });
    expect(other.statusCode).toBe(201);

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/app/login`);
    await page.getByRole('heading', { name: '员工登录' }).waitFor();
    // a wrong password: the API's message on the form
    await page.locator('input[name=email]').fill(t.seed.users.agent!.email);
    await page.locator('input[name=password]').fill('not-the-password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('form.login .error', { hasText: 'Email or password is wrong.' }).waitFor();
    await shot(page, 'login');
    await logIn(page, 'agent', '登录');
    await page.getByRole('heading', { name: '工单队列' }).waitFor();
    // an agent has no dashboard in the navigation
    expect(await page.locator('header nav').textContent()).not.toContain('主管看板');
    expect(await page.locator('header .who').textContent()).toContain('客服专员');

    // a new case (a phone call)
    await page.getByRole('link', { name: '新建工单' }).first().click();
    await page.getByRole('heading', { name: '新建工单' }).waitFor();
    await page.locator('select[name=channel]').selectOption('phone');
    await page.locator('input[name=name]').fill('李女士');
    await page.locator('input[name=phone]').fill('13800138000');
    await page.locator('input[name=email]').fill('li@example.cn');
    await page.locator('select[name=type]').selectOption('service_request');
    const subject = `空调维修后仍然漏水（${dialect}）`;
    await page.locator('input[name=subject]').fill(subject);
    await page.locator('textarea[name=description]').fill('上周维修过的空调又开始漏水，地板都湿了。');
    await page.locator('textarea[name=request]').fill('尽快上门处理');
    await shot(page, 'new-case');
    await page.getByRole('button', { name: '创建工单' }).click();
    await page.waitForURL((u) => /^\/app\/cases\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'));
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.locator('h1.case-subject', { hasText: subject }).waitFor();
    expect(await page.locator('.case-status').getAttribute('data-status')).toBe('new');
    const created = await caseRow(id);
    expect(created).toMatchObject({ subject, contact_name: '李女士', contact_phone: '13800138000', channel: 'phone', type: 'service_request', request: '尽快上门处理', received_by: t.seed.users.agent!.id });
    // the agent sees the contact in full (personal.read)
    expect(await page.locator('.fields').first().textContent()).toContain('13800138000');

    // the queue: search a Chinese word of its subject
    await page.getByRole('link', { name: '工单队列' }).first().click();
    await page.locator('input[name=q]').fill('漏水');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await page.waitForURL(/q=%E6%BC%8F%E6%B0%B4/);
    // the search's answer: only this case (the open-work list before it also held the invoice case)
    const rows = page.locator('table.queue tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.textContent()).toContain(subject);
    expect(await row.textContent()).toContain(created.number);
    expect(await row.textContent()).toContain('李女士');
    await shot(page, 'queue');
    await row.click();
    await page.waitForURL(new RegExp(`/app/cases/${id}$`));

    // the commitments the API gives, each shown
    const commitments = (await t.as('agent', 'GET', `/api/v1/cases/${id}/commitments`)).json() as { targets: Array<{ label: { zh: string } }> };
    expect(commitments.targets.length).toBeGreaterThan(0);
    await page.locator('.commitments .target').first().waitFor();
    for (const x of commitments.targets) expect(await page.locator('.commitments').textContent()).toContain(x.label.zh);

    // take it
    await page.getByRole('button', { name: '接单（首问负责）' }).click();
    await page.locator('.case-status[data-status="open"]').waitFor();
    expect((await caseRow(id)).owner_id).toBe(t.seed.users.agent!.id);
    expect(await page.getByRole('button', { name: '接单（首问负责）' }).count()).toBe(0);

    // reply (public), then an internal note
    await page.locator('textarea[name=reply]').fill('师傅明天上午上门检修。');
    await page.getByRole('button', { name: '发送回复' }).click();
    await page.locator('.event-public', { hasText: '师傅明天上午上门检修。' }).waitFor();
    await page.locator('textarea[name=note]').fill('客户家中有老人，上门前先电话联系。');
    await page.getByRole('button', { name: '添加备注' }).click();
    const note = page.locator('.event-internal', { hasText: '客户家中有老人' });
    await note.waitFor();
    expect(await note.textContent()).toContain('内部');
    // the note's box is emptied once it is on the timeline, ready for the next
    await expect.poll(() => page.locator('textarea[name=note]').inputValue()).toBe('');

    // a failed action shows the API's message beside it: reclassifying to what it already is
    await page.locator('details[data-action=classify] summary').click();
    await page.locator('select[name=type]').selectOption('service_request');
    await page.locator('input[name=reason]').fill('核对分类');
    await page.getByRole('button', { name: '保存分类' }).click();
    const refused = (await t.as('agent', 'POST', `/api/v1/cases/${id}/classify`, { type: 'service_request', reason: '核对分类' })).json() as { error: { code: string; message: string } };
    expect(refused.error.code).toBe('no_change');
    const error = page.locator('form.action-classify .error');
    await error.waitFor();
    expect(await error.textContent()).toContain(refused.error.message);
    await shot(page, 'case-error');

    // resolve with cause and solution
    await page.locator('details[data-action=resolve] summary').click();
    await page.locator('input[name=cause]').fill('排水管老化');
    await page.locator('textarea[name=solution]').fill('已更换排水管，试机正常。');
    await page.getByRole('button', { name: '提交办结' }).click();
    await page.locator('.case-status[data-status="resolved"]').waitFor();
    await page.locator('.event[data-type=resolved]', { hasText: '已更换排水管' }).waitFor();
    const resolved = await caseRow(id);
    expect(resolved).toMatchObject({ status: 'resolved', resolution_cause: '排水管老化', resolution_solution: '已更换排水管，试机正常。' });
    const types = (await t.ctx.db.selectFrom('case_events').select('type').where('case_id', '=', id).execute()).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['created', 'taken', 'reply', 'note', 'resolved']));
    // the timeline shows every event the API gives (public and internal)
    expect(await page.locator('.timeline .event').count()).toBe(types.length);
    for (const label of ['创建工单', '接单', '回复客户', '内部备注', '办结']) expect(await page.locator('.timeline').textContent()).toContain(label);
    expect(await page.locator('.resolution').textContent()).toContain('排水管老化');
    // a resolved case offers close and reopen, not resolve or take
    expect(await page.locator('details[data-action=resolve]').count()).toBe(0);
    expect(await page.locator('details[data-action=close]').count()).toBe(1);
    expect(await page.locator('details[data-action=reopen]').count()).toBe(1);
    await shot(page, 'case-zh');

    // English, remembered across a reload
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await page.locator('.case-status').textContent()).toBe('Resolved');
    expect(await page.locator('header nav').textContent()).toContain('Queue');
    await page.reload();
    await page.getByRole('heading', { name: 'Actions' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('.timeline').textContent()).toContain('Internal note');
    await shot(page, 'case-en');

    // the dashboard is not the agent's: a clear refusal, as the API's 403
    expect((await t.as('agent', 'GET', '/api/v1/analytics/summary?days=30')).statusCode).toBe(403);
    await page.goto(`${base}/app/dashboard`);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(await page.locator('.forbidden').textContent()).toContain('analytics.read');
    await shot(page, 'forbidden');

    // log out: back to the login
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/app\/login$/);
    expect((await page.goto(`${base}/app/`))?.status()).toBe(200);
    await page.waitForURL(/\/app\/login$/);
    await ctx.close();
  });

  it('shows the supervisor the dashboard figures for 30 and 90 days', { timeout: 60_000 }, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await logIn(page, 'supervisor', '登录');
    await page.getByRole('link', { name: '主管看板' }).click();
    await page.getByRole('heading', { name: '主管看板' }).waitFor();
    const figure = (name: string) => page.locator(`[data-figure=${name}] .tile-value`);
    await figure('received').waitFor();
    for (const days of [30, 90]) {
      const s = (await t.as('supervisor', 'GET', `/api/v1/analytics/summary?days=${days}`)).json() as AnalyticsSummary;
      expect(s.received.count).toBeGreaterThanOrEqual(2);
      if (days === 90) {
        await page.getByRole('button', { name: '近 90 天' }).click();
        await page.waitForURL(/days=90/);
      }
      await expect.poll(() => figure('received').textContent()).toBe(String(s.received.count));
      expect(await figure('backlog').textContent()).toBe(String(s.backlog.count));
      const sla = page.locator('table.sla tbody tr');
      expect(await sla.count()).toBe(s.sla.length);
      for (const x of s.sla) expect(await page.locator(`table.sla tr[data-kind=${x.kind}]`).textContent()).toContain(x.label.zh);
      const byChannel = page.locator('table[data-dim=channel] tbody');
      for (const r of s.volumes.byChannel) expect(await byChannel.textContent()).toContain(String(r.count));
      expect(await byChannel.textContent()).toContain('电话');
    }
    await shot(page, 'dashboard');
    await ctx.close();
  });
});
