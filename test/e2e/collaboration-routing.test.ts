import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, screenshot, logIn, startStaffApp } from './browser.ts';

/**
 * The staff web app's consultations between teams (SPEC 3), routing rules admin page (SPEC 3) and
 * an erased customer's read-only case (SPEC 10), in Chromium, on both databases: what the pages
 * show, and what the database holds after the clicks.
 */
describe.runIf(haveChromium).each(DIALECTS)('consultations, routing rules and erased cases in the staff app on %s', (dialect) => {
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
  const newCase = async (who: string, body: Record<string, unknown>) => {
    const r = await t.as(who, 'POST', '/api/v1/cases', { channel: 'phone', description: '详见标题', ...body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; number: string; customerId: string | null };
  };

  it('an agent asks another team on the case page; a member of that team answers in the inbox; the asker reads the answer', { timeout: 120_000 }, async () => {
    const c = await newCase('agent', { contact: { name: '钱先生', phone: '13700137000' }, subject: `洗衣机脱水异响（${dialect}）` });
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/take`, {})).statusCode).toBe(200);

    // the agent (front-line team) asks the after-sales team
    const agent = await open('agent');
    const page = agent.page;
    await page.goto(`${base}/app/cases/${c.id}`);
    const card = page.locator('section.consultations');
    await card.getByRole('heading', { name: '会商', exact: true }).waitFor();
    await card.getByText('暂无会商。').waitFor(); // (the list loads after the card's heading shows)
    // the own team (and the department above it) is not offered: the API refuses it (consultation_own_team)
    const teamOptions = await card.locator('select[name=consultationTeam] option').allTextContents();
    expect(teamOptions).toContain('售后技术组');
    expect(teamOptions).not.toContain('一线服务组');
    expect(teamOptions).not.toContain('客户服务中心');
    await card.getByLabel('会商部门').selectOption({ label: '售后技术组' });
    await card.getByLabel('会商问题').fill('请确认该型号脱水异响是否属于已知故障，能否保修？');
    await card.getByRole('button', { name: '发起会商' }).click();
    const item = card.locator('.consultation[data-status=open]');
    await item.waitFor();
    expect(await item.textContent()).toContain('会商：售后技术组');
    expect(await item.locator('.consultation-state').textContent()).toBe('待答复');
    expect(await item.locator('.time-left').textContent()).toMatch(/剩余/);
    const rows = await t.ctx.db.selectFrom('consultations').selectAll().where('case_id', '=', c.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ target_team_id: t.seed.teams.aftersales, requested_by: t.seed.users.agent!.id, status: 'open', question: '请确认该型号脱水异响是否属于已知故障，能否保修？' });
    // the asker may withdraw it, not answer it (another team's)
    expect(await item.locator('button[data-step=withdraw]').count()).toBe(1);
    expect(await item.locator('button[data-step=answer]').count()).toBe(0);
    // the timeline has the request, labelled, with the team asked
    await page.locator('.event[data-type=consultation_requested]', { hasText: '会商：售后技术组' }).waitFor();
    expect(await page.locator('.event[data-type=consultation_requested] .event-type').textContent()).toBe('发起会商');

    // closing while it is open: the API's 409, in Chinese
    await page.locator('details[data-action=close] summary').click();
    await page.locator('form.action-close button[type=submit]').click();
    const refusal = page.locator('form.action-close .error[data-code=consultations_open]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('该工单还有 1 项会商未答复：请等待答复或撤回会商后，再办结或关闭工单。');
    expect((await t.ctx.db.selectFrom('cases').select('status').where('id', '=', c.id).executeTakeFirstOrThrow()).status).toBe('open');
    await shot(page, 'consultation-asked');

    // a member of the after-sales team: the inbox, their team's first, answer inline
    const tech = await open('tech');
    const tp = tech.page;
    await tp.getByRole('link', { name: '会商', exact: true }).click();
    await tp.getByRole('heading', { name: '会商', level: 1 }).waitFor();
    const mine = tp.locator('[data-group=team] .consultation', { hasText: c.number });
    await mine.waitFor();
    expect(await mine.locator('a.consultation-case').getAttribute('href')).toBe(`/app/cases/${c.id}`);
    expect(await mine.locator('.time-left').getAttribute('data-state')).toBe('running');
    await shot(tp, 'consultation-inbox');
    await mine.locator('button[data-step=answer]').click();
    await mine.getByLabel('答复内容').fill('属于已知故障，可免费更换减震器。');
    await mine.getByRole('button', { name: '提交答复' }).click();
    // answered: it leaves the open list
    await expect.poll(() => tp.locator('.consultation', { hasText: c.number }).count()).toBe(0);
    expect(await t.ctx.db.selectFrom('consultations').select(['status', 'response', 'closed_by']).where('case_id', '=', c.id).executeTakeFirstOrThrow()).toEqual({
      status: 'answered',
      response: '属于已知故障，可免费更换减震器。',
      closed_by: t.seed.users.tech!.id,
    });
    await tp.locator('select[name=consultationStatus]').selectOption('answered');
    await tp.locator('.consultation[data-status=answered]', { hasText: c.number }).waitFor();
    await tech.ctx.close();

    // the asker sees the answer on the case, and its line on the timeline
    await page.reload();
    const answered = page.locator('section.consultations .consultation[data-status=answered]');
    await answered.waitFor();
    expect(await answered.locator('.consultation-answer').textContent()).toContain('属于已知故障，可免费更换减震器。');
    expect(await answered.locator('.consultation-state').textContent()).toBe('已答复（时限内）');
    expect(await answered.locator('button').count()).toBe(0);
    await page.locator('.event[data-type=consultation_answered]', { hasText: '属于已知故障' }).waitFor();
    expect(await page.locator('.event[data-type=consultation_answered] .event-type').textContent()).toBe('会商已答复');
    await shot(page, 'consultation-answered-zh');
    await page.getByLabel('语言', { exact: true }).selectOption('en');
    await page.getByRole('heading', { name: 'Consultations' }).waitFor();
    expect(await answered.locator('.consultation-state').textContent()).toBe('Answered (in time)');
    await shot(page, 'consultation-answered-en');
    await agent.ctx.close();
  });

  it('the admin creates a routing rule, simulates it, and a new case is routed by it; a supervisor reads them only, an agent not at all', { timeout: 120_000 }, async () => {
    const admin = await open('admin');
    const page = admin.page;
    await page.getByRole('link', { name: '分派规则' }).click();
    await page.getByRole('heading', { name: '分派规则', level: 1 }).waitFor();
    await page.getByRole('button', { name: '新建规则' }).click();
    const form = page.locator('form.rule-form');
    await form.getByLabel('规则名称').fill('投诉转售后');
    await form.getByLabel('处理部门').selectOption({ label: '售后技术组' });
    await form.locator('fieldset[data-condition=types]').getByLabel('投诉').check();
    await form.getByLabel('分派方式').selectOption('least_loaded');
    await form.getByRole('button', { name: '保存规则' }).click();
    const row = page.locator('table.rules tbody tr', { hasText: '投诉转售后' });
    await row.waitFor();
    expect(await row.textContent()).toContain('售后技术组');
    expect(await row.textContent()).toContain('分派给在办最少者');
    const stored = await t.ctx.db.selectFrom('routing_rules').selectAll().where('name', '=', '投诉转售后').executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ team_id: t.seed.teams.aftersales, strategy: 'least_loaded', enabled: 1, match_language: 0, max_open_per_agent: null });
    expect(JSON.parse(stored.conditions)).toEqual({ types: ['complaint'] });

    // a second one: with strategy "none", the agent options are not offered; then moved above the first, disabled, deleted
    await page.getByRole('button', { name: '新建规则' }).click();
    await form.getByLabel('规则名称').fill('英文咨询');
    await form.getByLabel('处理部门').selectOption({ label: '一线服务组' });
    await form.locator('fieldset[data-condition=languages]').getByLabel('英文').check();
    expect(await form.locator('input[name=ruleCap]').count()).toBe(0);
    await form.getByRole('button', { name: '保存规则' }).click();
    await page.locator('table.rules tbody tr', { hasText: '英文咨询' }).waitFor();
    await page.getByRole('button', { name: '上移规则“英文咨询”' }).click();
    await expect.poll(async () => (await page.locator('table.rules tbody th.rule-name').allTextContents()).join('|')).toBe('英文咨询|投诉转售后');
    const order = await t.ctx.db.selectFrom('routing_rules').select('name').orderBy('position').orderBy('id').execute();
    expect(order.map((r) => r.name)).toEqual(['英文咨询', '投诉转售后']);
    const second = page.locator('table.rules tbody tr', { hasText: '英文咨询' });
    await second.getByRole('button', { name: '停用' }).click();
    await second.getByRole('button', { name: '启用' }).waitFor();
    expect((await t.ctx.db.selectFrom('routing_rules').select('enabled').where('name', '=', '英文咨询').executeTakeFirstOrThrow()).enabled).toBe(0);
    await second.locator('button[data-do=delete]').click();
    await second.getByText('确定删除规则“英文咨询”？').waitFor();
    expect(await t.ctx.db.selectFrom('routing_rules').select('id').where('name', '=', '英文咨询').executeTakeFirst()).toBeDefined();
    await second.getByRole('button', { name: '确认删除' }).click();
    await expect.poll(() => page.locator('table.rules tbody tr').count()).toBe(1);
    expect(await t.ctx.db.selectFrom('routing_rules').select('id').where('name', '=', '英文咨询').executeTakeFirst()).toBeUndefined();

    // simulate a complaint: the rule, the agent it would go to, and each candidate
    const sim = page.locator('form.simulate');
    await sim.locator('select[name=sim-type]').selectOption('complaint');
    await sim.getByRole('button', { name: '模拟', exact: true }).click();
    const result = sim.locator('.simulation-result');
    await result.waitFor();
    expect(await result.getAttribute('data-rule')).toBe(stored.id);
    expect(await result.textContent()).toContain('命中规则“投诉转售后”');
    const pick = await result.locator('.simulation-pick').getAttribute('data-assignee');
    expect([t.seed.users.tech!.id, t.seed.users.supervisor2!.id]).toContain(pick);
    expect(await result.locator('table.candidates tbody tr').count()).toBeGreaterThan(0);
    expect(await result.locator(`tr[data-candidate="${pick}"]`).textContent()).toContain('选中');
    await shot(page, 'routing-zh');
    await page.getByLabel('语言', { exact: true }).selectOption('en');
    await page.getByRole('heading', { name: 'Routing rules', level: 1 }).waitFor();
    expect(await row.textContent()).toContain('Least loaded');
    await shot(page, 'routing-en');
    await admin.ctx.close();

    // a new complaint is routed by it, to the agent the simulation named
    const c = await newCase('agent', { type: 'complaint', complaintGrade: 'general', contact: { name: '孙女士', phone: '13600136000' }, subject: `热水器漏电投诉（${dialect}）` });
    const routed = await t.ctx.db.selectFrom('cases').select(['team_id', 'assignee_id']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(routed).toEqual({ team_id: t.seed.teams.aftersales, assignee_id: pick });

    // a supervisor: reads the rules, simulates, is offered no change
    const sup = await open('supervisor');
    await sup.page.goto(`${base}/app/cases/${c.id}`);
    const line = sup.page.locator('.event[data-type=routed]');
    await line.waitFor();
    expect(await line.textContent()).toContain('自动分派');
    expect(await line.textContent()).toContain('按规则“投诉转售后”');
    await sup.page.getByRole('link', { name: '分派规则' }).click();
    await sup.page.locator('table.rules tbody tr', { hasText: '投诉转售后' }).waitFor();
    expect(await sup.page.locator('[role=note].read-only').textContent()).toContain('仅系统管理员可以修改分派规则');
    expect(await sup.page.getByRole('button', { name: '新建规则' }).count()).toBe(0);
    expect(await sup.page.locator('table.rules button').count()).toBe(0);
    expect(await sup.page.locator('form.simulate').count()).toBe(1);
    await shot(sup.page, 'routing-supervisor');
    await sup.ctx.close();

    // an agent: no entry in the navigation, and the page refuses (as the API's 403)
    expect((await t.as('agent', 'GET', '/api/v1/routing/rules')).statusCode).toBe(403);
    const ag = await open('agent');
    expect(await ag.page.locator('nav.side').textContent()).not.toContain('分派规则');
    await ag.page.goto(`${base}/app/settings/routing`);
    await ag.page.locator('.forbidden').waitFor();
    expect(await ag.page.getByRole('button', { name: '新建规则' }).count()).toBe(0);
    expect(await ag.page.locator('table.rules').count()).toBe(0);
    await ag.ctx.close();
  });

  it("an erased customer's case shows the banner and offers only the internal note", { timeout: 90_000 }, async () => {
    const c = await newCase('agent', { channel: 'email', contact: { name: '周平', email: `zhou.ping.${dialect}@example.com`, phone: '13512345678' }, subject: `净水器滤芯漏水（${dialect}）` });
    for (const [path, body] of [
      ['replies', { body: '周平您好，师傅明天上门。' }],
      ['resolve', { cause: '滤芯接口老化', solution: '更换滤芯接口' }],
      ['close', { reason: 'solved' }],
    ] as const) {
      const r = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/${path}`, body);
      expect(r.statusCode, `${path}: ${r.body}`).toBe(200);
    }
    const e = await t.as('director', 'POST', `/api/v1/customers/${c.customerId}/erase`, { reason: '客户要求删除 (DSR-9)' });
    expect(e.statusCode, e.body).toBe(200);

    const agent = await open('agent');
    const page = agent.page;
    await page.goto(`${base}/app/cases/${c.id}`);
    const banner = page.locator('.erased-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/^该客户的个人信息已于 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2} 删除（匿名化），本工单只读，仅可添加内部备注。$/);
    // a closed case would offer reopen; erased, only the note
    const actions = page.locator('section.actions');
    expect(await actions.locator('form[data-action=notes]').count()).toBe(1);
    expect(await actions.locator('form, details').count()).toBe(1);
    expect(await page.locator('form.consultation-request').count()).toBe(0);
    await page.locator('textarea[name=note]').fill('客户已要求删除个人信息，回访取消。');
    await page.getByRole('button', { name: '添加备注' }).click();
    await page.locator('.event-internal', { hasText: '回访取消' }).waitFor();
    await shot(page, 'erased-zh');
    await page.getByLabel('语言', { exact: true }).selectOption('en');
    await banner.getByText(/personal data was erased \(anonymised\) on .*read-only; only internal notes can be added\./).waitFor();
    await shot(page, 'erased-en');
    await agent.ctx.close();
  });
});
