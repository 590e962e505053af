import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDueTimers } from '../../src/core/modules/commitments/index.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, launch } from './browser.ts';

const sh = (iso: string) => Date.parse(`${iso}+08:00`);

describe.runIf(haveChromium).each(DIALECTS)('public pages in Chromium on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the commitments and how well they were kept, in Chinese and English', async () => {
    const clock = t.clock as ManualClock;
    clock.set(sh('2026-11-23T09:00:00'));
    // two cases: one answered in 20 minutes, one never answered (breached at 10:00)
    const ids: string[] = [];
    for (const name of ['王先生', '赵女士']) {
      const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'email', contact: { name, email: `${ids.length}@example.cn` }, subject: '发票问题', description: '发票抬头错误' });
      ids.push((r.json() as { id: string }).id);
    }
    clock.set(sh('2026-11-23T09:20:00'));
    await t.as('agent', 'POST', `/api/v1/cases/${ids[0]}/replies`, { body: '已为您重开发票' });
    clock.set(sh('2026-11-23T10:30:00'));
    await sweepDueTimers(t.ctx);

    const page = await browser.newPage();
    await page.goto(`${base}/commitments`);
    expect(await page.locator('h1').textContent()).toBe('服务质量承诺');
    await expect.poll(() => page.locator('text=7 个工作日内').count()).toBeGreaterThan(0);
    const firstResponse = page.locator('tr', { hasText: '首次响应' }).last();
    // 1 of 2 first responses kept on time
    expect(await firstResponse.textContent()).toContain('50.0%');
    expect(await firstResponse.textContent()).toContain('(1/2)');
    await page.screenshot({ path: `/tmp/sl-commitments-${dialect}.png`, fullPage: true });
    await page.click('a.switch');
    expect(await page.locator('h1').textContent()).toBe('Our service commitments');
    await page.goto(`${base}/`);
    expect(await page.title()).toContain('ServiceLoop');
    await page.click('text=REST API 文档');
    await page.waitForURL(/\/api\/docs/);
    await page.close();
  });
});
