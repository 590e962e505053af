import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsSummary } from '../../src/core/modules/analytics/index.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, screenshot, startStaffApp } from './browser.ts';

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
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());

  const shot = (page: Page, name: string) => screenshot(page, name, dialect);

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
    // a wrong password: the API's refusal on the form, in the UI's language (its code translated)
    await page.locator('input[name=email]').fill(t.seed.users.agent!.email);
    await page.locator('input[name=password]').fill('not-the-password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('form.login .error[data-code=invalid_credentials]', { hasText: '邮箱或密码错误。' }).waitFor();
    expect(await page.locator('form.login .error').textContent()).not.toContain('Email or password is wrong.');
    await shot(page, 'login');
    await logIn(page, 'agent', '登录');
    await page.getByRole('heading', { name: '工单队列' }).waitFor();
    // an agent has no dashboard in the navigation
    expect(await page.locator('nav.side').textContent()).not.toContain('主管看板');
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
    // its time left: the reception (15 business minutes from intake: the next morning at night), running
    const left = row.locator('.col-deadline .time-left');
    expect(await left.getAttribute('data-kind')).toBe('reception');
    expect(await left.getAttribute('data-state')).toBe('running');
    expect(await left.textContent()).toMatch(/^受理 剩余 \d/);
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

    // a failed action shows the API's refusal beside it, in Chinese: reclassifying to what it already is
    await page.locator('details[data-action=classify] summary').click();
    await page.locator('select[name=type]').selectOption('service_request');
    await page.locator('input[name=reason]').fill('核对分类');
    await page.getByRole('button', { name: '保存分类' }).click();
    const refused = (await t.as('agent', 'POST', `/api/v1/cases/${id}/classify`, { type: 'service_request', reason: '核对分类' })).json() as { error: { code: string; message: string } };
    expect(refused.error.code).toBe('no_change');
    const error = page.locator('form.action-classify .error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('no_change');
    expect(await error.textContent()).toContain('分类与当前一致，未作变更。');
    expect(await error.textContent()).not.toContain(refused.error.message);
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
    expect(await page.locator('nav.side').textContent()).toContain('Queue');
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
        // event types other work brings (a consultation), and one this app has never heard of, with data of any shape
        { id: `${id}-consult`, case_id: id, type: 'consultation_requested', actor_id: t.seed.users.agent2!.id, actor_kind: 'staff', visibility: 'internal', body: '请技术部确认热水器型号', data: JSON.stringify({ toTeamId: 'tech', dueAt: at + 3_600_000 }), created_at: at + 2 },
        { id: `${id}-future`, case_id: id, type: 'quality_sampled', actor_id: null, actor_kind: 'system', visibility: 'internal', body: null, data: JSON.stringify([1, { from: 7 }]), created_at: at + 3 },
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
    // a new event type by its name; an unknown one as a generic line with its type; the timeline whole
    expect(await p2.locator('.event[data-type=consultation_requested] .event-type').textContent()).toBe('发起会商');
    expect(await p2.locator('.event[data-type=consultation_requested] .event-body').textContent()).toBe('请技术部确认热水器型号');
    expect(await p2.locator('.event[data-type=quality_sampled] .event-type').textContent()).toBe('其他事件（quality_sampled）');
    expect(await p2.locator('.event[data-type=quality_sampled]').getAttribute('data-generic')).toBe('');
    const events = await t.ctx.db.selectFrom('case_events').select('id').where('case_id', '=', id).execute();
    expect(await p2.locator('.timeline .event').count()).toBe(events.length);
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
  it("shows each open case's time left in the queue: red once breached, amber when warned, grey while paused; sorted on a click", { timeout: 90_000 }, async () => {
    const mk = async (subject: string) => {
      const r = await t.as('supervisor', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '韩女士', phone: '13300133000' }, subject: `时限${subject}（${dialect}）`, description: '洗衣机脱水时噪音很大' });
      expect(r.statusCode, r.body).toBe(201);
      return (r.json() as { id: string }).id;
    };
    const breached = await mk('已超时');
    const warned = await mk('将超时');
    const running = await mk('计时中');
    const paused = await mk('已暂停');
    // breached: its reception was due 5 minutes ago, and no timer worker has run (the list works it out)
    await t.ctx.db.updateTable('case_targets').set({ due_at: Date.now() - 5 * 60_000 }).where('case_id', '=', breached).where('kind', '=', 'reception').execute();
    // warned: the worker's 75% warning recorded, due in 10 minutes (before the running one's, at any hour)
    await t.ctx.db.updateTable('case_targets').set({ warned: 1, due_at: Date.now() + 10 * 60_000 }).where('case_id', '=', warned).where('kind', '=', 'reception').execute();
    // paused: waiting for the customer
    expect((await t.as('supervisor', 'POST', `/api/v1/cases/${paused}/take`, {})).statusCode).toBe(200);
    expect((await t.as('supervisor', 'POST', `/api/v1/cases/${paused}/status`, { status: 'pending_customer' })).statusCode).toBe(200);
    const api = (await t.as('supervisor', 'GET', `/api/v1/cases?q=${encodeURIComponent('时限')}&limit=50`)).json() as { items: Array<{ id: string; nextDeadline: { state: string; kind: string } | null }> };
    expect(Object.fromEntries(api.items.map((i) => [i.id, i.nextDeadline?.state]))).toEqual({ [breached]: 'breached', [warned]: 'warned', [running]: 'running', [paused]: 'paused' });

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await logIn(page, 'supervisor', '登录');
    await page.getByRole('heading', { name: '工单队列' }).waitFor();
    await page.locator('select[name=status]').selectOption('all');
    await page.locator('input[name=q]').fill('时限');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    const rows = page.locator('table.queue tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const cell = (id: string) => page.locator(`table.queue tbody tr:has(a[href$="/cases/${id}"]) .time-left`);
    // (this file is type-checked without the DOM's types: the page's getComputedStyle named by hand)
    const colour = (id: string) => cell(id).evaluate((el) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { color: string } }).getComputedStyle(el).color);
    expect(await cell(breached).getAttribute('data-state')).toBe('breached');
    expect(await cell(breached).textContent()).toMatch(/^受理 已超时 [456] 分钟$/);
    expect(await colour(breached)).toBe('rgb(201, 42, 42)'); // red
    expect(await cell(warned).getAttribute('data-state')).toBe('warned');
    expect(await cell(warned).textContent()).toMatch(/^受理 剩余 (9|10) 分钟$/);
    expect(await colour(warned)).toBe('rgb(183, 121, 31)'); // amber
    expect(await cell(running).getAttribute('data-state')).toBe('running');
    expect(await colour(running)).toBe('rgb(31, 35, 41)'); // the text's own colour
    // paused: the first response, with the business time left when it paused (its reception was met by the take)
    expect(await cell(paused).getAttribute('data-state')).toBe('paused');
    expect(await cell(paused).getAttribute('data-kind')).toBe('first_response');
    expect(await cell(paused).textContent()).toMatch(/^首次响应 已暂停 · 剩余 \d+ 分钟$|^首次响应 已暂停 · 剩余 1 小时$/);
    expect(await colour(paused)).toBe('rgb(107, 114, 128)'); // grey
    // sorted by time left on a click of its header (a button, so the keyboard sorts too): most urgent first
    const header = page.locator('th.col-deadline');
    expect(await header.getAttribute('aria-sort')).toBe('none');
    await header.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    const numbers = await Promise.all([breached, warned, running, paused].map(async (id) => (await caseRow(id)).number));
    expect(await page.locator('table.queue tbody td.col-number a').allTextContents()).toEqual(numbers);
    await shot(page, 'queue-deadlines-zh');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('columnheader', { name: /Time left/ }).waitFor();
    expect(await cell(breached).textContent()).toMatch(/^Reception Overdue by [456] min$/);
    expect(await cell(paused).textContent()).toContain('Paused');
    await shot(page, 'queue-deadlines-en');
    await ctx.close();
  });

  it('shows the API refusal in Chinese when another agent took the case meanwhile (首问负责)', { timeout: 60_000 }, async () => {
    const made = await t.as('supervisor', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '冯先生', phone: '13200132000' }, subject: `燃气灶打不着火（${dialect}）`, description: '燃气灶点火没有反应' });
    const id = (made.json() as { id: string }).id;
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await logIn(page, 'agent', '登录');
    await page.getByRole('heading', { name: '工单队列' }).waitFor();
    await page.goto(`${base}/app/cases/${encodeURIComponent(id)}`);
    // nobody owns it yet: the agent is offered the resolution
    await page.locator('details[data-action=resolve] summary').click();
    await page.locator('input[name=cause]').fill('点火针积碳');
    await page.locator('textarea[name=solution]').fill('清理点火针后恢复正常');
    // meanwhile another agent takes it (首问负责: it is theirs now)
    expect((await t.as('agent2', 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    await page.getByRole('button', { name: '提交办结' }).click();
    const error = page.locator('form.action-resolve .error[data-code=case_owned]');
    await error.waitFor();
    const text = await error.textContent();
    expect(text).toContain('该工单已由其他坐席首问负责（第一责任者）');
    expect(text).not.toContain('Another agent owns this case');
    expect(await caseRow(id)).toMatchObject({ status: 'open', owner_id: t.seed.users.agent2!.id, resolution_cause: null });
    await shot(page, 'case-owned-error-zh');
    await ctx.close();
  });

  it('keeps what an agent typed through a session that ends, and puts it back after the login', { timeout: 90_000 }, async () => {
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '蒋女士', phone: '13100131000' }, subject: `微波炉不加热（${dialect}）`, description: '微波炉转盘转但是不加热' });
    const id = (made.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${id}/take`, {})).statusCode).toBe(200);
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await logIn(page, 'agent', '登录');
    await page.getByRole('heading', { name: '工单队列' }).waitFor();
    /** The session ends on the server (logged out elsewhere, or expired): the browser still holds its cookie. */
    const endSession = async () => {
      const cookie = (await ctx.cookies()).find((c) => c.name === 'sl_session');
      expect(cookie).toBeDefined();
      const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: `sl_session=${cookie!.value}` } });
      expect(out.statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `sl_session=${cookie!.value}` } })).statusCode).toBe(401);
    };
    const logInAgain = async () => {
      await page.waitForURL(/\/app\/login$/);
      await page.locator('.notice-line', { hasText: '登录已失效' }).waitFor();
      await page.locator('input[name=email]').fill(t.seed.users.agent!.email);
      await page.locator('input[name=password]').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
    };

    // a reply and a note typed, the session ends, the reply is sent: to the login, and back with both
    await page.goto(`${base}/app/cases/${encodeURIComponent(id)}`);
    const reply = '您好，维修师傅将于周三上午上门检修微波炉。';
    await page.locator('textarea[name=reply]').fill(reply);
    await page.locator('textarea[name=note]').fill('客户周三上午在家');
    await endSession();
    await page.getByRole('button', { name: '发送回复' }).click();
    await logInAgain();
    await page.waitForURL(new RegExp(`/app/cases/${id}$`));
    await page.locator('h1.case-subject').waitFor();
    expect(await page.locator('textarea[name=reply]').inputValue()).toBe(reply);
    expect(await page.locator('textarea[name=note]').inputValue()).toBe('客户周三上午在家');
    await page.locator('.actions .draft-kept').waitFor();
    expect((await t.ctx.db.selectFrom('case_events').select('id').where('case_id', '=', id).where('type', '=', 'reply').execute()).length).toBe(0);
    await shot(page, 'draft-restored');
    // sent now: on the timeline, the box emptied, the draft gone
    await page.getByRole('button', { name: '发送回复' }).click();
    await page.locator('.event-public', { hasText: reply }).waitFor();
    await expect.poll(() => page.locator('textarea[name=reply]').inputValue()).toBe('');
    expect(await page.evaluate("Object.keys(sessionStorage).filter((k) => k.endsWith(':reply'))")).toEqual([]);
    expect(await page.evaluate("Object.keys(sessionStorage).filter((k) => k.endsWith(':note'))")).toHaveLength(1);

    // the new-case form the same way
    await page.goto(`${base}/app/cases/new`);
    await page.locator('input[name=name]').fill('沈先生');
    await page.locator('input[name=phone]').fill('13000130000');
    const subject = `电视没有声音（${dialect}）`;
    await page.locator('input[name=subject]').fill(subject);
    await page.locator('textarea[name=description]').fill('电视有画面没有声音');
    await endSession();
    await page.getByRole('button', { name: '创建工单' }).click();
    await logInAgain();
    await page.waitForURL(/\/app\/cases\/new$/);
    await page.locator('form.new-case').waitFor();
    expect(await page.locator('input[name=subject]').inputValue()).toBe(subject);
    expect(await page.locator('input[name=name]').inputValue()).toBe('沈先生');
    expect(await page.locator('textarea[name=description]').inputValue()).toBe('电视有画面没有声音');
    await page.getByRole('button', { name: '创建工单' }).click();
    await page.waitForURL((u) => /^\/app\/cases\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'));
    expect((await t.ctx.db.selectFrom('cases').select('id').where('subject', '=', subject).execute()).length).toBe(1);
    await page.goto(`${base}/app/cases/new`);
    await page.locator('form.new-case').waitFor();
    expect(await page.locator('input[name=subject]').inputValue()).toBe('');

    // logging out on purpose leaves nothing for the next user of the desk
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/app\/login$/);
    expect(await page.evaluate("Object.keys(sessionStorage).filter((k) => k.startsWith('sl.draft.'))")).toEqual([]);
    await ctx.close();
  });

  it('lets an admin change the classification settings, refusing a matrix in the reader\'s language naming the cell; other staff only read them', { timeout: 90_000 }, async () => {
    const get = async () => (await t.as('admin', 'GET', '/api/v1/settings/classification')).json() as { priorityMatrix: string[][]; repeatWindowDays: number };
    const before = await get();
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await logIn(page, 'admin', '登录');
    await page.getByRole('link', { name: '分类设置' }).click();
    await page.getByRole('heading', { name: '分类设置' }).waitFor();
    await expect.poll(() => page.locator('table.matrix select').count()).toBe(9);
    expect(await page.getByLabel('影响程度“中” × 紧急程度“高”').inputValue()).toBe(before.priorityMatrix[1]![0]);
    // low × low made P3, above medium × low's P4: refused, both cells named and marked
    await page.getByLabel('影响程度“低” × 紧急程度“低”').selectOption('P3');
    await page.getByRole('button', { name: '保存设置' }).click();
    const error = page.locator('.settings-form .error[data-code=matrix_not_monotonic]');
    await error.waitFor();
    expect(await error.textContent()).toContain('影响程度“低” × 紧急程度“低” 为 P3，而更严重或更紧急的 影响程度“中” × 紧急程度“低” 却为 P4');
    const bad = page.locator('td.cell-bad');
    expect(await bad.count()).toBe(2);
    expect([await bad.nth(0).getAttribute('data-cell'), await bad.nth(1).getAttribute('data-cell')]).toEqual(['2-3', '3-3']);
    expect(await page.locator('select[name=cell-3-3]').getAttribute('aria-invalid')).toBe('true');
    expect(await get()).toEqual(before);
    await shot(page, 'settings-refused-zh');
    // in English, the same refusal in English
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Classification settings' }).waitFor();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('.settings-form .error', { hasText: 'impact low × urgency low is P3, but impact medium × urgency low, more serious or more urgent, is P4' }).waitFor();
    await shot(page, 'settings-refused-en');
    // a consistent change: medium impact × high urgency becomes P1, the repeat window 90 days
    await page.getByLabel('impact low × urgency low').selectOption('P4');
    await page.getByLabel('impact medium × urgency high').selectOption('P1');
    await page.getByLabel('Repeat-complaint window (days)').fill('90');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const after = await get();
    expect(after.repeatWindowDays).toBe(90);
    expect(after.priorityMatrix[1]![0]).toBe('P1');
    expect(after.priorityMatrix[2]![2]).toBe('P4');
    await page.getByLabel('Language').selectOption('zh-CN');
    await ctx.close();

    // an agent reads them (settings.read), changes nothing (no settings.write): no fields, no button
    const other = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const p2 = await other.newPage();
    await logIn(p2, 'agent', '登录');
    await p2.getByRole('link', { name: '分类设置' }).click();
    await p2.locator('.settings-form .read-only').waitFor();
    expect(await p2.locator('table.matrix select').count()).toBe(0);
    expect(await p2.locator('td[data-cell="2-1"]').textContent()).toBe('P1 特急');
    expect(await p2.getByRole('button', { name: '保存设置' }).count()).toBe(0);
    expect(await p2.locator('input[name=repeatWindowDays]').getAttribute('readonly')).toBe('');
    expect((await t.as('agent', 'PUT', '/api/v1/settings/classification', { repeatWindowDays: 30 })).statusCode).toBe(403);
    await shot(p2, 'settings-read-only');
    await other.close();
    // as they were, for the other tests
    expect((await t.as('admin', 'PUT', '/api/v1/settings/classification', before)).statusCode).toBe(200);
  });
});
