import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, screenshot, logIn, startStaffApp } from './browser.ts';

/**
 * 质检 (SPEC 7) in the staff app, in Chromium, on both databases: an inspector starts an
 * inspection from a case's QA card and scores it against the rubric; the agent sees the score under
 * 我的质检 and appeals; their team's supervisor adjusts the points. What the pages show, and what
 * the database holds after the clicks.
 */
describe.runIf(haveChromium).each(DIALECTS)('quality inspection in the staff app on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());

  const open = (who: string) => logIn(browser, base, t.seed.users[who]!.email);
  const api = async (who: string, method: string, url: string, body: unknown, status: number) => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, r.body).toBe(status);
    return r.json() as { id: string };
  };

  it('an inspector scores a case, the agent appeals, the supervisor adjusts the points', { timeout: 120_000 }, async () => {
    // 20 + 20 + 10 (critical) = 50 points
    await api('manager', 'POST', '/api/v1/quality/rubrics', {
      name: '电话质检表',
      criteria: [
        { id: 'attitude', name: '服务态度', points: 20 },
        { id: 'solved', name: '问题解决', points: 20 },
        { id: 'security', name: '信息安全', points: 10, critical: true },
      ],
      passScore: 60,
    }, 201);
    const c = await api('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '吴女士', phone: '13600136000' }, subject: `话费查询（${dialect}）`, description: '询问本月话费构成' }, 201);
    await api('agent', 'POST', `/api/v1/cases/${c.id}/take`, {}, 200);
    await api('agent', 'POST', `/api/v1/cases/${c.id}/replies`, { body: '您好，本月话费明细已发送到您的邮箱。' }, 200);
    await api('agent', 'POST', `/api/v1/cases/${c.id}/resolve`, { cause: '客户不清楚套餐', solution: '已解释套餐构成' }, 200);

    // the inspector: the case's QA card starts the inspection; the console scores it
    const insp = await open('inspector');
    await insp.page.goto(`${base}/app/cases/${c.id}`);
    const card = insp.page.locator('section.quality-card');
    await card.getByRole('button', { name: '发起质检' }).click();
    await card.getByRole('link', { name: '去评分' }).click();
    const form = insp.page.locator('form.quality-score-form');
    await form.waitFor();
    await form.locator('input[name=points-attitude]').fill('18');
    await form.locator('input[name=points-solved]').fill('12');
    await form.locator('input[name=comment-solved]').fill('未主动核对账单');
    await form.locator('input[name=points-security]').fill('10');
    await form.locator('textarea[name=overall]').fill('整体良好');
    await form.getByRole('button', { name: '提交评分' }).click();
    // 18 + 12 + 10 = 40 of 50 = 80
    // (the form gives way to the submitted inspection's line)
    await insp.page.getByText('已提交，得分 80。').waitFor();
    await screenshot(insp.page, 'quality-score', dialect);
    await insp.ctx.close();
    const row = await t.ctx.db.selectFrom('quality_inspections').selectAll().where('case_id', '=', c.id).executeTakeFirstOrThrow();
    expect([row.status, Number(row.score), row.result, row.agent_id, row.inspector_id]).toEqual(['submitted', 80, 'passed', t.seed.users.agent!.id, t.seed.users.inspector!.id]);

    // the agent: 我的质检 shows the score; an appeal
    const agent = await open('agent');
    await agent.page.locator('nav.side').getByRole('link', { name: '我的质检' }).click();
    const item = agent.page.locator(`article.quality-item[data-inspection="${row.id}"]`);
    await item.waitFor();
    expect(await item.locator('strong').first().textContent()).toBe('80');
    await item.getByRole('button', { name: /^申诉（截止/ }).click();
    await item.locator('textarea[name=reason]').fill('客户账单已当场核对，问题解决一项扣分过多');
    await item.getByRole('button', { name: '提交申诉' }).click();
    await item.locator('[data-appeal=open]').waitFor();
    await screenshot(agent.page, 'quality-appeal', dialect);
    await agent.ctx.close();

    // the supervisor of the agent's team: adjusts the points (solved 12 -> 18: 46 of 50 = 92)
    const lead = await open('supervisor');
    await lead.page.goto(`${base}/app/quality/mine`);
    const appeal = await t.ctx.db.selectFrom('quality_appeals').selectAll().where('inspection_id', '=', row.id).executeTakeFirstOrThrow();
    const decide = lead.page.locator(`form.quality-item[data-appeal="${appeal.id}"]`);
    await decide.waitFor();
    await decide.locator('input[name=adjust]').check();
    await decide.locator('input[name=points-solved]').fill('18');
    await decide.locator('textarea[name=note]').fill('申诉成立');
    await screenshot(lead.page, 'quality-arbitrate', dialect);
    await decide.getByRole('button', { name: '改判' }).click();
    await decide.waitFor({ state: 'detached' });
    await lead.ctx.close();
    const decided = await t.ctx.db.selectFrom('quality_appeals').selectAll().where('id', '=', appeal.id).executeTakeFirstOrThrow();
    expect([decided.status, Number(decided.adjusted_score), decided.adjusted_result, decided.decided_by]).toEqual(['adjusted', 92, 'passed', t.seed.users.supervisor!.id]);

    // the case's QA card, as the agent: the final score and the original
    const again = await open('agent');
    await again.page.goto(`${base}/app/cases/${c.id}`);
    const score = again.page.locator(`section.quality-card li[data-inspection="${row.id}"]`);
    await score.waitFor();
    expect(await score.textContent()).toContain('92');
    expect(await score.textContent()).toContain('原始得分 80');
    // each step is on the timeline (internal), under its own name
    for (const [type, label] of [['quality_task_created', '生成质检任务'], ['quality_inspected', '质检评分'], ['quality_appealed', '质检申诉'], ['quality_arbitrated', '申诉仲裁']])
      expect(await again.page.locator(`li.event-internal[data-type=${type}]:not([data-generic]) .event-type`).textContent()).toBe(label);
    await screenshot(again.page, 'quality-card', dialect);
    await again.ctx.close();
  });
});
