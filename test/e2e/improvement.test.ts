import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateAfter } from '../../src/core/modules/improvement/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, screenshot, logIn, startStaffApp } from './browser.ts';

/**
 * 问题改进 (SPEC 8, CAPA) in the staff app, in Chromium, on both databases: a supervisor starts a
 * problem record from a candidate cluster, records its root cause and an action; the agent finds
 * the record on the case page. What the pages show, and what the database holds after the clicks.
 */
describe.runIf(haveChromium).each(DIALECTS)('problem records in the staff app on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());

  const open = (who: string) => logIn(browser, base, t.seed.users[who]!.email);

  it('a supervisor starts a record from a candidate, records the root cause and an action; the agent sees it on the case', { timeout: 120_000 }, async () => {
    const billing = (await t.ctx.db.selectFrom('categories').select('id').where('code', '=', 'billing').executeTakeFirstOrThrow()).id;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', type: 'complaint', categoryId: billing, contact: { name: `客户${i}`, phone: `1390013900${i}` }, subject: `账单重复扣费（${dialect} ${i}）`, description: '详见标题' });
      expect(r.statusCode, r.body).toBe(201);
      ids.push((r.json() as { id: string }).id);
    }

    const { ctx, page } = await open('supervisor');
    await page.locator('nav.side').getByRole('link', { name: '问题改进' }).click();
    await page.getByRole('heading', { name: '问题改进', exact: true }).waitFor();
    const candidate = page.locator('.candidate', { hasText: '收费与账单' });
    await candidate.waitFor();
    expect(await candidate.locator('.candidate-count').textContent()).toBe('3 张工单');
    await candidate.getByRole('button', { name: '据此新建问题单' }).click();
    await candidate.getByLabel('描述').fill('月底账单重复扣费投诉集中');
    await candidate.getByRole('button', { name: '创建' }).click();

    // the record's page
    await page.locator('article.problem[data-status=open]').waitFor();
    expect(await page.locator('.problem-cases li').count()).toBe(3);
    await page.getByRole('button', { name: '开始原因分析' }).click();
    await page.locator('article.problem[data-status=analysing]').waitFor();
    await page.locator('select[name=rootCauseCategory]').selectOption('system');
    await page.locator('textarea[name=rootCause]').fill('批处理超时重试时重复扣费');
    await page.locator('.problem-root-cause button[type=submit]').click();
    await page.locator('.badges', { hasText: '系统' }).waitFor();
    await page.getByRole('button', { name: '进入措施实施' }).click();
    await page.locator('article.problem[data-status=actions]').waitFor();
    const due = dateAfter(Date.now(), 7, 'Asia/Shanghai');
    await page.locator('select[name=kind]').selectOption('corrective');
    await page.locator('textarea[name=actionDescription]').fill('退还重复扣费并修复批处理');
    await page.locator('select[name=actionOwner]').selectOption({ label: t.seed.users.agent!.name });
    await page.locator('input[name=dueDate]').fill(due);
    await page.locator('form.new-action button[type=submit]').click();
    await page.locator('.problem-action[data-status=open]').waitFor();
    await screenshot(page, 'problem', dialect);
    const problem = await t.ctx.db.selectFrom('problems').selectAll().where('title', 'like', '收费与账单%').executeTakeFirstOrThrow();
    expect(problem).toMatchObject({ status: 'actions', owner_id: t.seed.users.supervisor!.id, root_cause_category: 'system', root_cause: '批处理超时重试时重复扣费' });
    const actions = await t.ctx.db.selectFrom('problem_actions').selectAll().where('problem_id', '=', problem.id).execute();
    expect(actions.map((a) => [a.kind, a.owner_id, a.due_date, a.status])).toEqual([['corrective', t.seed.users.agent!.id, due, 'open']]);
    await ctx.close();

    // the agent, on one of the cases: the card links to the record
    const agent = await open('agent');
    await agent.page.goto(`${base}/app/cases/${ids[0]}`);
    const card = agent.page.locator('section.case-problems');
    await card.locator(`li[data-id="${problem.id}"]`).waitFor();
    await card.getByRole('link', { name: problem.title }).click();
    await agent.page.locator(`article.problem[data-id="${problem.id}"]`).waitFor();
    // the action's owner may mark it done
    await agent.page.locator('.problem-action button[data-step=done]').waitFor();
    await agent.ctx.close();
  });
});
