import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';
import { haveChromium, screenshot, logIn, startStaffApp } from './browser.ts';

/**
 * 培训考试 (SPEC 7) in the staff app, in Chromium, on both databases: a supervisor has published an
 * exam of a required course and scheduled this month's sitting; the agent opens 培训考试, may not
 * start before marking the course studied (我已学完), then starts the exam (the server's clock
 * runs), answers, hands in, reads the result and finds the certificate it issued; the lead's list
 * of required training due no longer names the agent.
 */
describe.runIf(haveChromium).each(DIALECTS)('training in the staff app on %s', (dialect) => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, browser, base, close } = await startStaffApp(dialect));
  });
  afterAll(async () => close?.());

  const api = async <T = { id: string }>(who: string, method: string, url: string, body: unknown, status: number) => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, r.body).toBe(status);
    return r.json() as T;
  };

  it('an agent takes the monthly exam, passes, and holds the certificate', { timeout: 90_000 }, async () => {
    const course = await api('supervisor', 'POST', '/api/v1/training/courses', { title: '收费与账单业务培训', material: '《收费标准》第3章', required: true }, 201);
    const q1 = await api('supervisor', 'POST', `/api/v1/training/courses/${course.id}/questions`, { kind: 'single', prompt: '账单有异议，首先应当？', options: ['核实账户与交易明细', '直接退费'], answer: [0], points: 2 }, 201);
    const q2 = await api('supervisor', 'POST', `/api/v1/training/courses/${course.id}/questions`, { kind: 'multiple', prompt: '退费前需要核实？', options: ['客户身份', '交易流水', '客户职业'], answer: [0, 1], points: 3 }, 201);
    const q3 = await api('supervisor', 'POST', `/api/v1/training/courses/${course.id}/questions`, { kind: 'true_false', prompt: '可以在电话中报出完整银行卡号。', answer: [1], points: 1 }, 201);
    const exam = await api('supervisor', 'POST', '/api/v1/training/exams', { courseId: course.id, title: '收费与账单上岗考试', questionIds: [q1.id, q2.id, q3.id], certifies: 'billing' }, 201);
    await api('supervisor', 'POST', `/api/v1/training/exams/${exam.id}/publish`, {}, 200);
    const now = Date.now();
    await api('supervisor', 'POST', '/api/v1/training/sittings', { examId: exam.id, title: '本月月度统考', period: '2026-12', opensAt: now - 60_000, closesAt: now + 86_400_000 }, 201);

    const agent = await logIn(browser, base, t.seed.users.agent!.email);
    await agent.page.locator('nav.side').getByRole('link', { name: '培训考试' }).click();
    const row = agent.page.locator('section[data-section=my-exams] tr[data-sitting]');
    // the course is required: no start until it is completed
    await row.locator('[data-needs-course]').waitFor();
    expect(await row.getByRole('button', { name: '开始考试' }).count()).toBe(0);
    const courseCard = agent.page.locator(`section[data-section=courses] article[data-course="${course.id}"]`);
    await courseCard.getByRole('button', { name: '我已学完' }).click();
    await courseCard.locator('[data-completed]').waitFor();
    await row.getByRole('button', { name: '开始考试' }).click();
    const paper = agent.page.locator('section[data-attempt]');
    await paper.locator('[data-timer]').waitFor();
    // every question right: 2 + 3 + 1 = 6 of 6 points = 100
    await paper.locator(`li[data-question="${q1.id}"]`).getByLabel('核实账户与交易明细').check();
    await paper.locator(`li[data-question="${q2.id}"]`).getByLabel('客户身份').check();
    await paper.locator(`li[data-question="${q2.id}"]`).getByLabel('交易流水').check();
    await paper.locator(`li[data-question="${q3.id}"]`).getByLabel('错误 False').check();
    await screenshot(agent.page, 'training-exam', dialect);
    await paper.getByRole('button', { name: '交卷' }).click();
    await agent.page.locator('[data-result=passed]').waitFor();
    expect(await agent.page.locator('[data-result]').textContent()).toContain('得分 100');
    await agent.page.getByRole('button', { name: '返回' }).click();
    await agent.page.locator('section[data-section=my-certificates] tr[data-state=valid]').waitFor();
    await agent.ctx.close();

    const attempt = await t.ctx.db.selectFrom('training_attempts').selectAll().where('user_id', '=', t.seed.users.agent!.id).executeTakeFirstOrThrow();
    expect([attempt.status, Number(attempt.score), attempt.passed]).toEqual(['submitted', 100, 1]);
    const cert = await t.ctx.db.selectFrom('training_certificates').selectAll().where('id', '=', attempt.certificate_id!).executeTakeFirstOrThrow();
    expect([cert.user_id, cert.skill, cert.revoked_at]).toEqual([t.seed.users.agent!.id, 'billing', null]);

    // the supervisor, in English: the authoring page lists the published exam and the sitting's results
    const lead = await logIn(browser, base, t.seed.users.supervisor!.email);
    await lead.page.goto(`${base}/app/training`);
    await lead.page.getByLabel('语言', { exact: true }).selectOption('en');
    await lead.page.locator(`tr[data-exam="${exam.id}"][data-status=published]`).waitFor();
    // a course for everyone: the lead's team (and the lead) are due, less the agent who completed it
    const due = lead.page.locator('section[data-section=due-training]');
    await due.locator(`tr[data-due-user="${t.seed.users.agent2!.id}"]`).waitFor();
    expect(await due.locator(`tr[data-due-user="${t.seed.users.agent!.id}"]`).count()).toBe(0);
    await lead.page.locator('section[data-section=authoring]').getByRole('button', { name: '本月月度统考' }).click();
    await lead.page.locator('table[data-list=results]').getByText('Passed').waitFor();
    await screenshot(lead.page, 'training-authoring-en', dialect);
    await lead.ctx.close();
  });
});
