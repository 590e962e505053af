import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleView } from '../../src/core/modules/knowledge/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, screenshot, logIn, startStaffApp } from './browser.ts';

/**
 * The knowledge base (SPEC 9) in Chromium on both databases: a suggested article put into the
 * reply box of a case and recorded as used; the 知识库 page (search, a new draft, a lead
 * publishing, a new version and a restored one); the public help centre and its vote.
 */
describe.runIf(haveChromium).each(DIALECTS)('knowledge base in the staff app and the help centre on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  let refund: ArticleView;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
    const cat = (await t.ctx.db.selectFrom('categories').select('id').where('code', '=', 'billing').executeTakeFirstOrThrow()).id;
    const made = await t.as('agent', 'POST', '/api/v1/knowledge/articles', {
      title: '退款多久能到账？',
      body: '退款审核通过后，款项按原支付渠道退回。\n\n银行卡 3-7 个工作日到账。',
      language: 'zh-CN',
      audience: 'public',
      categoryId: cat,
      tags: ['退款'],
    });
    refund = made.json() as ArticleView;
    expect((await t.as('supervisor', 'POST', `/api/v1/knowledge/articles/${refund.id}/publish`, {})).statusCode).toBe(200);
  });
  afterAll(async () => close?.());

  const shot = (page: Page, name: string) => screenshot(page, name, dialect);
  const open = (who: string, locale = 'zh-CN') => logIn(browser, base, t.seed.users[who]!.email, locale);

  it('suggests the article on the case page and puts its text into the reply box, recording the use', { timeout: 120_000 }, async () => {
    const cat = (await t.ctx.db.selectFrom('categories').select('id').where('code', '=', 'billing').executeTakeFirstOrThrow()).id;
    const made = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '钱女士', phone: '13500135011' }, subject: `退款什么时候到账（${dialect}）`, description: '上周申请了退款，还没到账。', categoryId: cat });
    const caseId = (made.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${caseId}/take`, {})).statusCode).toBe(200);
    const { ctx, page } = await open('agent');
    await page.goto(`${base}/app/cases/${caseId}`);
    const card = page.locator('section.suggested-articles');
    await card.getByRole('heading', { name: '推荐知识' }).waitFor();
    const item = card.locator(`[data-article-id="${refund.id}"]`);
    await item.waitFor();
    await page.locator('textarea[name=reply]').fill('您好，');
    await item.getByRole('button', { name: '插入回复' }).click();
    await item.locator('.use-result[data-result=inserted]').waitFor();
    expect(await page.locator('textarea[name=reply]').inputValue()).toBe('您好，\n\n退款多久能到账？\n\n退款审核通过后，款项按原支付渠道退回。\n\n银行卡 3-7 个工作日到账。');
    await item.locator('.used-on-case').waitFor();
    const uses = await t.ctx.db.selectFrom('kb_article_uses').selectAll().where('case_id', '=', caseId).execute();
    expect(uses.map((u) => [u.article_id, u.used_by])).toEqual([[refund.id, t.seed.users.agent!.id]]);
    await page.locator('.event[data-type=knowledge_article_used] .event-type', { hasText: '引用知识库文章' }).waitFor();
    // the event names the article used
    await page.locator('.event[data-type=knowledge_article_used] .event-detail', { hasText: '退款多久能到账？' }).waitFor({ timeout: 5_000 });
    // the reply goes out with the article's text
    await page.locator('form[data-action=replies] button[type=submit]').click();
    await page.locator('.event[data-type=reply]').first().waitFor();
    await shot(page, 'knowledge-case');
    await ctx.close();
  });

  it('lets an agent search and write a draft, and a supervisor publish it, save a new version and restore the first', { timeout: 120_000 }, async () => {
    const agent = await open('agent');
    let page = agent.page;
    await page.goto(`${base}/app/knowledge`);
    await page.getByRole('heading', { name: '知识库', exact: true }).waitFor();
    await page.locator('input[name=q]').fill('退款');
    await page.getByRole('button', { name: '搜索', exact: true }).click();
    await page.locator(`.article-list [data-article-id="${refund.id}"]`).waitFor();
    await page.locator('button.new-article').click();
    const editor = page.locator('form.article-editor');
    await editor.locator('input[name=title]').fill('发票抬头填错了怎么办');
    await editor.locator('textarea[name=body]').fill('电子普通发票可在 30 天内申请作废重开一次。');
    await editor.locator('select[name=audience]').selectOption('public');
    await editor.locator('input[name=tags]').fill('发票，重开');
    await editor.getByRole('button', { name: '保存草稿' }).click();
    const detail = page.locator('article.article-detail[data-status=draft]');
    await detail.waitFor();
    const id = (await detail.getAttribute('data-article-id'))!;
    expect(await detail.locator('.article-title').textContent()).toBe('发票抬头填错了怎么办');
    expect(await detail.locator('button.publish-article').count()).toBe(0); // agents do not publish
    const row = await t.ctx.db.selectFrom('kb_articles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'draft', author_id: t.seed.users.agent!.id, audience: 'public', version: 1 });
    await agent.ctx.close();

    const lead = await open('supervisor');
    page = lead.page;
    await page.goto(`${base}/app/knowledge/${id}`);
    await page.locator('button.publish-article').click();
    await page.locator('article.article-detail[data-status=published]').waitFor();
    await page.getByRole('button', { name: '编辑' }).click();
    await page.locator('form.article-editor textarea[name=body]').fill('电子普通发票可在开票后 30 天内申请作废重开一次；专票需寄回原票。');
    await page.getByRole('button', { name: '保存为新版本' }).click();
    await page.locator('article.article-detail .article-body', { hasText: '专票需寄回原票' }).waitFor();
    await page.getByRole('button', { name: '历史版本' }).click();
    const v1 = page.locator('.article-revisions [data-version="1"]');
    await v1.waitFor();
    expect(await page.locator('.article-revisions [data-version]').count()).toBe(2);
    await v1.locator('button.restore-revision').click();
    await page.locator('.article-revisions [data-version="3"]').waitFor();
    await shot(page, 'knowledge-page');
    const after = await t.ctx.db.selectFrom('kb_articles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'published', version: 3, body: '电子普通发票可在 30 天内申请作废重开一次。', updated_by: t.seed.users.supervisor!.id });
    await lead.ctx.close();
  });

  it('shows the public help centre without login and counts a vote', { timeout: 60_000 }, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: '帮助中心 · 常见问题（公开）' }).click();
    await page.locator('input[name=q]').fill('退款');
    await page.getByRole('button', { name: '搜索问题' }).click();
    await page.getByRole('link', { name: '退款多久能到账？' }).click();
    await page.getByText('银行卡 3-7 个工作日到账。').waitFor();
    await page.getByRole('button', { name: '有帮助', exact: true }).click();
    await page.getByText('感谢您的反馈！').waitFor();
    await shot(page, 'knowledge-help');
    expect((await t.ctx.db.selectFrom('kb_articles').select(['helpful_yes', 'helpful_no']).where('id', '=', refund.id).executeTakeFirstOrThrow())).toEqual({ helpful_yes: 1, helpful_no: 0 });
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByText('Was this article helpful?').waitFor();
    await ctx.close();
  });
});
