import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { systemClock } from '../../src/core/shared/clock.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import type { Dialect } from '../helpers/db.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Browser tests need Debian's Chromium; CI installs it and must not pass without running them. */
export const haveChromium = existsSync(CHROMIUM) || process.env.CI === 'true';

export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });

/**
 * The staff web app (built first if stale: npm test builds it, a file run alone may need it) served
 * by a test app on a port of its own, on the real clock (the session cookie expires by the
 * server's clock, and the browser keeps it by its own), and a browser to drive it.
 */
export async function startStaffApp(dialect: Dialect): Promise<{ t: TestApp; browser: Browser; base: string; close: () => Promise<void> }> {
  const built = spawnSync(process.execPath, ['web/build-if-stale.mjs'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the web app failed');
  const t = await makeTestApp(dialect, { clock: systemClock });
  try {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    const browser = await launch();
    return { t, browser, base, close: async () => (await browser.close(), await t.close()) };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** A full-page screenshot of the page from its top (the sticky top bar where a reader sees it), as /tmp/sl-app-<name>-<dialect>.png. */
export async function screenshot(page: Page, name: string, dialect: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `/tmp/sl-app-${name}-${dialect}.png`, fullPage: true });
}

/** A new browser context (desktop size, the given UI language) logged in to the staff app as `email` with the test password. */
export async function logIn(browser: Browser, base: string, email: string, locale = 'zh-CN'): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ locale, viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${base}/app/login`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(TEST_PASSWORD);
  await page.locator('form.login button[type=submit]').click();
  await page.locator('header .who').waitFor();
  return { ctx, page };
}
