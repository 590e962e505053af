import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.ts';
import type { TestApp } from '../helpers/app.ts';
import { haveChromium, screenshot, logIn, startStaffApp } from './browser.ts';

const CSV = Buffer.from(
  '\uFEFF接收时间,渠道,客户姓名,电话,邮箱,类型,分类,主题,描述,诉求,受理人,外部编号\r\n' +
    '2026-11-21 10:00,电话,浏览器甲,13822223333,,投诉,产品质量,洗衣机漏水,底部漏水,上门维修,agent@serviceloop.local,E2E-1\r\n' +
    '2026-11-21 10:00,鸽子,浏览器乙,,,,,主题,描述,,,E2E-2\r\n' +
    '2026-11-22 11:00,信函,浏览器丙,,bing@example.com,,,来信咨询,保修多久,,,E2E-3\r\n',
  'utf8',
);

// SPEC 1: the 导入 page: template, dry run with each row's errors, commit, history; leads and admins only.
describe.runIf(haveChromium).each(DIALECTS)('importing offline records in the staff app on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());

  const open = async (who: string, locale = 'zh-CN'): Promise<Page> => (await logIn(browser, base, t.seed.users[who]!.email, locale)).page;

  it('a supervisor checks a file, sees the invalid row, imports the rest and finds it in the history; an agent has no import', { timeout: 120_000 }, async () => {
    const page = await open('supervisor');
    await page.getByRole('link', { name: '导入', exact: true }).click();
    await page.getByRole('heading', { name: '导入线下记录' }).waitFor();
    await page.setInputFiles('input[type=file]', { name: '线下.csv', mimeType: 'text/csv', buffer: CSV });
    await expect(page.getByRole('button', { name: '正式导入' }).isDisabled()).resolves.toBe(true); // a dry run first
    await page.getByRole('button', { name: '试运行检查' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('共 3 条：可导入 2 条，跳过 0 条（已导入过），错误 1 条。');
    const errors = await page.locator('table.import-errors tbody tr').allInnerTexts();
    expect(errors.map((r) => r.split('\t').slice(0, 3).join('|'))).toEqual(['3|错误|渠道', '3|错误|']);
    await screenshot(page, 'import-dry-run', dialect);
    expect(await t.ctx.db.selectFrom('import_jobs').selectAll().execute()).toEqual([]);

    await page.getByRole('button', { name: '正式导入' }).click();
    await page.getByText('已导入：').waitFor();
    await expect(page.getByRole('status').innerText()).resolves.toBe('已导入：新建 2 条，跳过 0 条，失败 1 条。');
    const history = page.locator('table.import-history tbody tr');
    await history.first().waitFor();
    expect((await history.first().innerText()).split('\t').slice(1, 5)).toEqual([t.seed.users.supervisor!.name, '线下.csv', '已完成', '2 / 0 / 1']);
    await screenshot(page, 'import-committed', dialect);
    const cases = await t.ctx.db.selectFrom('cases').select(['external_ref', 'channel']).where('external_ref', 'in', ['E2E-1', 'E2E-3']).orderBy('external_ref').execute();
    expect(cases).toEqual([{ external_ref: 'E2E-1', channel: 'phone' }, { external_ref: 'E2E-3', channel: 'import' }]);
    // the case's timeline names the import (not a generic "other event") with its row and the channel the record named
    const imported = await t.ctx.db.selectFrom('cases').select('id').where('external_ref', '=', 'E2E-1').executeTakeFirstOrThrow();
    await page.goto(`${base}/app/cases/${imported.id}`);
    const line = page.locator('.timeline .event[data-type=imported]');
    await line.waitFor();
    expect(await line.getAttribute('data-generic')).toBeNull();
    await expect(line.locator('.event-type').innerText()).resolves.toBe('线下记录导入');
    await expect(line.locator('.event-detail').innerText()).resolves.toBe('由线下记录导入（第 2 行） · 电话 · E2E-1');

    const agent = await open('agent');
    expect(await agent.getByRole('link', { name: '导入', exact: true }).count()).toBe(0);
    await agent.goto(`${base}/app/import`);
    await agent.getByText('仅主管、经理、总监和管理员可导入线下记录。').waitFor();
  });
});
