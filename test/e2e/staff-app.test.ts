import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/shared/clock.ts';
import type { AnalyticsSummary } from '../../src/core/modules/analytics/index.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, launch } from './browser.ts';

/** The web app over plain HTTP (no browser needed): what /app/ serves, and what it never serves. */
describe('staff web app over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    const built = spawnSync(process.execPath, ['web/build-if-stale.mjs'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('building the web app failed');
    t = await makeTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it("serves the app's client routes and files under /app/, and links it from the start page", async () => {
    for (const url of ['/app/', '/app/cases/some-id', '/app/dashboard', '/app/cases/new']) {
      const r = await t.as(null, 'GET', url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
      // index.html is never cached: a new build is picked up on the next load
      expect(r.headers['cache-control'], url).toBe('no-cache');
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
    // a path with an extension names a file: none there is a 404, not index.html
    expect((await t.as(null, 'GET', '/app/missing.png')).statusCode).toBe(404);
    expect((await t.as(null, 'GET', '/')).body).toContain('href="/app/"');
  });

  it('serves no file outside web/dist, however the path climbs', async () => {
    const pkg = readFileSync('package.json', 'utf8');
    for (const url of ['/app/..%2f..%2fpackage.json', '/app/..%2F..%2Fpackage.json', '/app/../../package.json', '/app/assets/..%2f..%2f..%2fpackage.json', '/app/%2e%2e/%2e%2e/package.json']) {
      const r = await t.as(null, 'GET', url);
      expect(r.statusCode, url).not.toBe(200);
      expect(r.body, url).not.toContain('"name"');
      expect(r.body, url).not.toBe(pkg);
    }
  });
});

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

  it('offers the decisions on a case only to whom the API lets decide: its owner, not another agent', { timeout: 90_000 }, async () => {
    const made = await t.as('agent2', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '赵女士', phone: '13900139000' }, subject: `热水器不出热水（${dialect}）`, description: '热水器打开后一直不出热水' });
    expect(made.statusCode).toBe(201);
    const id = (made.json() as { id: string }).id;
    expect((await t.as('agent2', 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    // a repeat complaint: closing it as withdrawn asks for its cause and corrective action
    await t.ctx.db.updateTable('cases').set({ is_repeat: 1 }).where('id', '=', id).execute();
    // the API refuses another agent's decisions (首问负责)
    const refused = await t.as('agent', 'POST', `/api/v1/cases/${id}/resolve`, { cause: 'x', solution: 'y', correctiveAction: 'z' });
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as { error: { code: string } }).error.code).toBe('case_owned');

    // another agent: may reply and note, but is offered no status change, resolve, close or take
    const other = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await other.newPage();
    await logIn(page, 'agent', '登录');
    await page.getByRole('heading', { name: '工单队列' }).waitFor();
    await page.goto(`${base}/app/cases/${encodeURIComponent(id)}`);
    await page.locator('.case-status[data-status="open"]').waitFor();
    await page.locator('form[data-action=replies]').waitFor();
    for (const a of ['resolve', 'close', 'status', 'take', 'reopen']) expect(await page.locator(`[data-action=${a}]`).count(), a).toBe(0);
    expect(await page.locator('form[data-action=notes]').count()).toBe(1);
    expect(await page.locator('.actions [data-held=owned]').count()).toBe(1);
    await shot(page, 'case-owned-by-other');
    await other.close();

    // a file on the case, a mail from someone other than the contact, an automatic mail (as the email channel notes them)
    const file = await t.as('agent2', 'POST', `/api/v1/cases/${id}/attachments`, { filename: '现场照片.txt', contentType: 'text/plain', contentBase64: Buffer.from('漏水位置').toString('base64') });
    expect(file.statusCode).toBeLessThan(300);
    const attachmentId = (file.json() as { id: string }).id;
    const at = Date.now();
    await t.ctx.db
      .insertInto('case_events')
      .values([
        { id: `${id}-mail`, case_id: id, type: 'customer_reply', actor_id: null, actor_kind: 'customer', visibility: 'public', body: '我是赵女士的家人，热水器还是不热。', data: JSON.stringify({ channel: 'email', sender: { name: '钱先生', email: 'qian@example.cn' } }), created_at: at },
        { id: `${id}-auto`, case_id: id, type: 'email_automatic', actor_id: null, actor_kind: 'system', visibility: 'internal', body: '外出自动回复', data: JSON.stringify({ channel: 'email', automatic: 'auto_reply', sender: { name: '', email: 'noreply@example.cn' } }), created_at: at + 1 },
      ])
      .execute();

    // its owner: offered them all; closing it as withdrawn asks for the cause and corrective action
    const owner = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const p2 = await owner.newPage();
    await logIn(p2, 'agent2', '登录');
    await p2.getByRole('heading', { name: '工单队列' }).waitFor();
    await p2.goto(`${base}/app/cases/${encodeURIComponent(id)}`);
    await p2.locator('details[data-action=resolve]').waitFor();
    expect(await p2.locator('details[data-action=close]').count()).toBe(1);
    expect(await p2.locator('form[data-action=status]').count()).toBe(1);
    expect(await p2.locator('.actions [data-held]').count()).toBe(0);
    // the timeline: who sent the mail, the automatic mail by its name, the file as a download
    expect(await p2.locator('.event[data-type=customer_reply] .event-sender').textContent()).toContain('钱先生 <qian@example.cn>');
    expect(await p2.locator('.event[data-type=email_automatic] .event-type').textContent()).toBe('自动邮件（已记录）');
    expect(await p2.locator('.event[data-type=email_automatic] .event-sender').textContent()).toContain('noreply@example.cn');
    const link = p2.locator('.event[data-type=attachment] a.download');
    expect(await link.textContent()).toBe('现场照片.txt');
    const href = await link.getAttribute('href');
    expect(href).toBe(`/api/v1/cases/${encodeURIComponent(id)}/attachments/${attachmentId}`);
    const download = await p2.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, text: await r.text() };
    }, href!);
    expect(download).toEqual({ status: 200, text: '漏水位置' });
    await p2.locator('details[data-action=close] summary').click();
    expect(await p2.locator('input[name=closeCause]').count()).toBe(0);
    await p2.locator('select[name=closeReason]').selectOption('withdrawn');
    await p2.locator('input[name=closeCause]').fill('安装时未接好进水阀');
    await p2.locator('input[name=closeCorrectiveAction]').fill('安装后逐项检查进水阀');
    await shot(p2, 'case-close-withdrawn');
    await p2.locator('form[data-action=close] button[type=submit]').click();
    await p2.locator('.case-status[data-status="closed"]').waitFor();
    expect(await caseRow(id)).toMatchObject({ status: 'closed', close_reason: 'withdrawn', resolution_cause: '安装时未接好进水阀', corrective_action: '安装后逐项检查进水阀' });
    await owner.close();
  });

  it('offers the decisions on an important complaint to a supervisor, not to the agent who owns it', { timeout: 60_000 }, async () => {
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '周先生', phone: '13600136000' }, subject: `冰箱不制冷投诉（${dialect}）`, description: '新买的冰箱不制冷' });
    expect(made.statusCode).toBe(201);
    const id = (made.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    await t.ctx.db.updateTable('cases').set({ type: 'complaint', complaint_grade: 'important' }).where('id', '=', id).execute();
    const refused = await t.as('agent', 'POST', `/api/v1/cases/${id}/status`, { status: 'pending_customer' });
    expect(refused.statusCode).toBe(403);
    expect((refused.json() as { error: { code: string } }).error.code).toBe('insufficient_authority');
    for (const [who, offered] of [['agent', false], ['supervisor', true]] as const) {
      const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
      const page = await ctx.newPage();
      await logIn(page, who, '登录');
      await page.getByRole('heading', { name: '工单队列' }).waitFor();
      await page.goto(`${base}/app/cases/${encodeURIComponent(id)}`);
      await page.locator('form[data-action=notes]').waitFor();
      for (const a of ['resolve', 'close', 'status']) expect((await page.locator(`form[data-action=${a}]`).count()) > 0, `${who} ${a}`).toBe(offered);
      expect(await page.locator('.actions [data-held=grade]').count(), who).toBe(offered ? 0 : 1);
      if (!offered) await shot(page, 'case-grade-held');
      await ctx.close();
    }
  });

  it('tells an inspector, who logs no cases, that the new-case page is not theirs', { timeout: 60_000 }, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await logIn(page, 'inspector', '登录');
    await page.getByRole('heading', { name: '工单队列' }).waitFor();
    expect((await t.as('inspector', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '甲' }, subject: 's', description: 'd' })).statusCode).toBe(403);
    await page.goto(`${base}/app/cases/new`);
    await page.locator('.forbidden').waitFor();
    expect(await page.locator('.forbidden').textContent()).toContain('case.create');
    expect(await page.locator('form.new-case').count()).toBe(0);
    await shot(page, 'new-case-forbidden');
    await ctx.close();
  });

  it('shows the supervisor the dashboard figures for 30 and 90 days', { timeout: 60_000 }, async () => {
    // a walk-in received 60 days ago: in the 90-day figures, not in the 30-day ones
    const day = 86_400_000;
    const old = await t.as('supervisor', 'POST', '/api/v1/cases', { channel: 'walk_in', contact: { name: '孙先生', phone: '13700137000' }, subject: '上门咨询保修', description: '到店咨询保修期', receivedAt: Date.now() - 60 * day });
    expect(old.statusCode).toBe(201);
    const summary = async (days: number) => (await t.as('supervisor', 'GET', `/api/v1/analytics/summary?days=${days}`)).json() as AnalyticsSummary;
    const [s30, s90] = [await summary(30), await summary(90)];
    expect(s90.received.count).toBe(s30.received.count + 1);
    expect(s30.volumes.byChannel.find((r) => r.key === 'walk_in')).toBeUndefined();
    expect(s90.volumes.byChannel.find((r) => r.key === 'walk_in')?.count).toBe(1);

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await logIn(page, 'supervisor', '登录');
    await page.getByRole('link', { name: '主管看板' }).click();
    await page.getByRole('heading', { name: '主管看板' }).waitFor();
    const figure = (name: string) => page.locator(`[data-figure=${name}] .tile-value`);
    await figure('received').waitFor();
    for (const [days, s] of [[30, s30], [90, s90]] as const) {
      expect(s.received.count).toBeGreaterThanOrEqual(days === 30 ? 2 : 3);
      if (days === 90) {
        await page.getByRole('button', { name: '近 90 天' }).click();
        await page.waitForURL(/days=90/);
      }
      await expect.poll(() => figure('received').textContent()).toBe(String(s.received.count));
      expect(await figure('backlog').textContent()).toBe(String(s.backlog.count));
      const sla = page.locator('table.sla tbody tr');
      expect(await sla.count()).toBe(s.sla.length);
      for (const x of s.sla) {
        const cells = page.locator(`table.sla tr[data-kind=${x.kind}] td`);
        expect(await cells.nth(0).textContent()).toBe(x.label.zh);
        expect(await cells.nth(1).textContent()).toBe(String(x.met));
        expect(await cells.nth(2).textContent()).toBe(String(x.breached));
      }
      // each channel's count in its own row's count cell
      const channels = page.locator('table[data-dim=channel] tbody tr');
      expect(await channels.count()).toBe(s.volumes.byChannel.length);
      for (const r of s.volumes.byChannel) expect(await page.locator(`table[data-dim=channel] tr[data-key="${r.key ?? ''}"] td`).nth(1).textContent(), r.key ?? '').toBe(String(r.count));
      expect(await page.locator('table[data-dim=channel] tr[data-key=phone] td').first().textContent()).toBe('电话');
      expect(await page.locator('table[data-dim=channel] tr[data-key=walk_in]').count()).toBe(days === 30 ? 0 : 1);
    }
    await shot(page, 'dashboard');
    await ctx.close();
  });
});
