import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsSummary } from '../../src/core/modules/analytics/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { pdfFont, sendDueDigests, type ReportView } from '../../src/core/modules/reports/index.ts';
import { createApiToken, createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const havePdfFont = (() => {
  try {
    return Boolean(pdfFont());
  } catch {
    return process.env.CI === 'true';
  }
})();
const NOV = { from: sh('2026-11-01T00:00:00'), to: sh('2026-12-01T00:00:00') };

// SPEC 8 "Reports": the monthly service supervision report (服务监督报告) and the daily/weekly digests.
describe.each(DIALECTS)('service reports on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let cats: Array<{ id: string; name: string }>;
  let portalBearer: string;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    cats = await t.ctx.db.selectFrom('categories').select(['id', 'name']).orderBy('code').limit(2).execute();
    const sys = systemActor('test');
    const customer = await createCustomer(t.ctx, { name: '客户甲', email: 'report-a@example.com' }, sys);
    const u = await createUser(t.ctx, { email: 'report-a@example.com', name: 'Portal', role: 'customer', customerId: customer.id, password: TEST_PASSWORD }, sys);
    portalBearer = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const ok = async <T>(who: string, method: string, url: string, body?: unknown, status = 200): Promise<T> => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, `${who} ${method} ${url}: ${r.body}`).toBe(status);
    return r.json() as T;
  };
  const newCase = (receivedAt: number, type: string, categoryId?: string) =>
    ok('agent', 'POST', '/api/v1/cases', {
      channel: 'phone',
      contact: { name: '周先生', phone: '13500135001' },
      subject: '账单多扣了 58 元',
      description: '上个月账单多扣了 58 元，要求退还',
      type,
      receivedAt,
      ...(categoryId ? { categoryId } : {}),
    }, 201);
  const figure = (r: ReportView, key: string) => r.content.sections.flatMap((s) => s.figures).find((f) => f.key === key)!;
  const table = (r: ReportView, key: string) => r.content.sections.flatMap((s) => s.tables).find((x) => x.key === key)!;

  let report: ReportView;

  it('builds the monthly report of November from the modules’ figures, with October for comparison', async () => {
    // October: one complaint. November: three complaints (two of category A, one of B) and one inquiry.
    await newCase(sh('2026-10-15T10:00:00'), 'complaint', cats[0]!.id);
    await newCase(sh('2026-11-03T10:00:00'), 'complaint', cats[0]!.id);
    await newCase(sh('2026-11-10T10:00:00'), 'complaint', cats[0]!.id);
    await newCase(sh('2026-11-12T10:00:00'), 'inquiry');
    await newCase(sh('2026-11-17T10:00:00'), 'complaint', cats[1]!.id);
    // a problem record opened on 20 November with a corrective action due on Tuesday 24 November, never done
    clock.set(sh('2026-11-20T10:00:00'));
    const p = await ok<{ id: string }>('supervisor', 'POST', '/api/v1/problems', { title: '月底重复扣费', description: '同一问题反复出现' }, 201);
    await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/status`, { to: 'analysing' });
    await ok('supervisor', 'PATCH', `/api/v1/problems/${p.id}`, { rootCauseCategory: 'system', rootCause: '计费系统在月底批处理时重复执行扣费任务' });
    await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/status`, { to: 'actions' });
    await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/actions`, { kind: 'corrective', description: '修复批处理重复执行缺陷', ownerId: t.seed.users.agent!.id, dueDate: '2026-11-24' });

    clock.set(sh('2026-12-03T10:00:00'));
    report = await ok<ReportView>('manager', 'POST', '/api/v1/reports', { kind: 'monthly', period: '2026-11' }, 201);
    expect(report).toMatchObject({ kind: 'monthly', periodKey: '2026-11', version: 1, source: 'manual', superseded: false, from: NOV.from, to: NOV.to });
    expect(report.generatedBy?.id).toBe(t.seed.users.manager!.id);
    expect(report.content.title.zh).toBe('2026年11月服务监督报告');
    expect(report.content.prior).toEqual({ key: '2026-10', from: sh('2026-10-01T00:00:00'), to: NOV.from });

    // by hand: received 4 (prior 1): +3; complaints 3 (prior 1): +2; backlog at 1 Dec: all 5 cases open (at 1 Nov: the October one)
    expect(figure(report, 'received')).toMatchObject({ value: 4, prior: 1, delta: 3 });
    expect(figure(report, 'complaints')).toMatchObject({ value: 3, prior: 1, delta: 2 });
    expect(figure(report, 'backlog')).toMatchObject({ value: 5, prior: 1, delta: 4 });
    // types: complaint 3 of 4 = 0.75, inquiry 1 of 4 = 0.25; channel: phone 4 of 4
    expect(table(report, 'byType').rows).toEqual([[{ zh: '投诉', en: 'Complaint' }, 3, 0.75], [{ zh: '咨询', en: 'Inquiry' }, 1, 0.25]]);
    expect(table(report, 'byChannel').rows).toEqual([[{ zh: '电话', en: 'Phone' }, 4, 1]]);
    // complaint categories: A 2 of 3, B 1 of 3
    expect(table(report, 'topComplaintCategories').rows.map((r) => [(r[0] as { zh: string }).zh, r[1], r[2]])).toEqual([
      [cats[0]!.name, 2, 2 / 3],
      [cats[1]!.name, 1, 1 / 3],
    ]);
    // CAPA: 1 opened in November (0 in October), active at the end, its action overdue (due 24 Nov, not done by 1 Dec)
    expect(figure(report, 'problemsOpened')).toMatchObject({ value: 1, prior: 0, delta: 1 });
    expect(figure(report, 'problemsActive')).toMatchObject({ value: 1, prior: 0 });
    expect(figure(report, 'actionsOverdue')).toMatchObject({ value: 1, prior: 0 });
    expect(table(report, 'overdueActions').rows).toEqual([['月底重复扣费', { zh: '纠正措施', en: 'Corrective' }, '修复批处理重复执行缺陷', t.seed.users.agent!.name, '2026-11-24']]);
    // nothing resolved, surveyed or inspected yet
    expect(figure(report, 'resolutionRate')).toMatchObject({ value: null, target: 0.95 });
    expect(figure(report, 'inspections')).toMatchObject({ value: 0, prior: 0, delta: 0 });

    // every analytics figure is the summary's for the same period (not computed again)
    const s = await ok<AnalyticsSummary>('manager', 'GET', `/api/v1/analytics/summary?from=${NOV.from}&to=${NOV.to}`);
    expect(s.received.count).toBe(4);
    expect(s.complaintsPer10kCustomers.complaints).toBe(3);
    expect(s.backlog.count).toBe(5);
    const pairs: Array<[string, number | null]> = [
      ['received', s.received.count],
      ['complaints', s.complaintsPer10kCustomers.complaints],
      ['backlog', s.backlog.count],
      ['firstResponseMedian', s.firstResponse.medianMinutes],
      ['resolutionP90', s.resolution.p90Minutes],
      ['resolutionRate', s.resolutionRate.rate],
      ['firstContactResolution', s.firstContactResolution.rate],
      ['complaintsPer10k', s.complaintsPer10kCustomers.value],
      ['repeatComplaintRate', s.repeatComplaintRate.rate],
      ['escalationRate', s.escalationRate.rate],
      ...s.sla.filter((k) => k.met + k.breached > 0).map((k): [string, number | null] => [`sla.${k.kind}`, k.metShare]),
    ];
    for (const [key, value] of pairs) expect(figure(report, key)?.value, key).toBe(value);
    const breaches = table(report, 'slaBreaches').rows;
    expect(breaches.reduce((n, r) => n + Number(r[2]), 0)).toBe(s.sla.reduce((n, k) => n + k.breached, 0));
  });

  it('keeps a generated report as it was; regenerating makes a new version', async () => {
    await newCase(sh('2026-11-25T10:00:00'), 'complaint', cats[1]!.id);
    const again = await ok<ReportView>('manager', 'GET', `/api/v1/reports/${report.id}`);
    expect(again.content).toEqual(report.content);
    expect(figure(again, 'received').value).toBe(4);
    const v2 = await ok<ReportView>('director', 'POST', '/api/v1/reports', { kind: 'monthly', period: '2026-11' }, 201);
    expect([v2.version, figure(v2, 'received').value, figure(v2, 'complaints').value]).toEqual([2, 5, 4]);
    const list = await ok<Array<{ id: string; version: number; superseded: boolean }>>('supervisor', 'GET', '/api/v1/reports?kind=monthly');
    expect(list.map((r) => [r.version, r.superseded])).toEqual([[2, false], [1, true]]);
    expect(figure(await ok<ReportView>('manager', 'GET', `/api/v1/reports/${report.id}`), 'received').value).toBe(4);
  });

  it('exports the spreadsheet with numbers as numbers and the printable page', async () => {
    const x = await t.as('manager', 'GET', `/api/v1/reports/${report.id}/export.xlsx?lang=zh`);
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(report.content.sections.map((s) => s.title.zh));
    const ws = wb.getWorksheet('一、服务受理情况')!;
    const byKey = new Map<string, ExcelJS.Row>();
    ws.eachRow((row) => {
      if (typeof row.getCell(6).value === 'string') byKey.set(row.getCell(6).value as string, row);
    });
    expect([2, 3, 4].map((c) => byKey.get('received')!.getCell(c).value)).toEqual([4, 1, 3]);
    let share: unknown;
    ws.eachRow((row) => {
      if (row.getCell(1).value === '投诉' && row.getCell(2).value === 3) share = row.getCell(3).value;
    });
    expect(share).toBe(0.75);

    const zh = await t.as('manager', 'GET', `/api/v1/reports/${report.id}/print?lang=zh`);
    expect(zh.statusCode).toBe(200);
    expect(zh.body).toContain('2026年11月服务监督报告');
    expect(zh.body).toContain('<tr data-key="received"><td>受理量</td><td class="n">4</td><td class="n">1</td><td class="n">+3</td></tr>');
    expect(zh.body).toContain('@media print');
    const en = await t.as('manager', 'GET', `/api/v1/reports/${report.id}/print?lang=en`);
    expect(en.body).toContain('<td>Cases received</td>');
  });

  // the PDF needs a CJK font (CI installs fonts-noto-cjk); a machine without one skips it, CI never does
  it.runIf(havePdfFont)('exports the PDF', async () => {
    const pdf = await t.as('manager', 'GET', `/api/v1/reports/${report.id}/export.pdf?lang=en`);
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // the title is in the document's info; pages counted in the page tree
    expect(pdf.rawPayload.toString('latin1')).toContain('Service supervision report, November 2026');
    expect(pdf.rawPayload.toString('latin1')).toMatch(/\/Type \/Pages\s*\/Count [1-9]/);
  });

  it('answers pdf_font_unavailable without a CJK font, while the spreadsheet and the page still work', async () => {
    const before = process.env.SL_PDF_FONT;
    process.env.SL_PDF_FONT = '/nonexistent/font.ttf';
    try {
      const r = await t.as('manager', 'GET', `/api/v1/reports/${report.id}/export.pdf`);
      expect([r.statusCode, code(r)]).toEqual([503, 'pdf_font_unavailable']);
      expect(r.json().error.message).toContain('SL_PDF_FONT');
      // nothing configured and no system font installed: the same answer, not a crash
      expect(() => pdfFont({}, [{ path: '/nonexistent/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' }])).toThrow(expect.objectContaining({ code: 'pdf_font_unavailable', status: 503 }));
      expect((await t.as('manager', 'GET', `/api/v1/reports/${report.id}/export.xlsx`)).statusCode).toBe(200);
      expect((await t.as('manager', 'GET', `/api/v1/reports/${report.id}/print`)).statusCode).toBe(200);
    } finally {
      if (before === undefined) delete process.env.SL_PDF_FONT;
      else process.env.SL_PDF_FONT = before;
    }
  });

  it('refuses bad periods and those still to come', async () => {
    const bad = await t.as('manager', 'POST', '/api/v1/reports', { kind: 'weekly', period: '2026-11' });
    expect([bad.statusCode, code(bad)]).toEqual([422, 'report_bad_period']);
    const future = await t.as('manager', 'POST', '/api/v1/reports', { kind: 'monthly', period: '2027-01' });
    expect([future.statusCode, code(future)]).toEqual([422, 'report_period_in_future']);
    // a week: ISO week 48 of 2026 is Monday 23 to Sunday 29 November
    const w = await ok<ReportView>('supervisor', 'POST', '/api/v1/reports', { kind: 'weekly', period: '2026-W48' }, 201);
    expect([w.from, w.to, w.content.prior.key]).toEqual([sh('2026-11-23T00:00:00'), sh('2026-11-30T00:00:00'), '2026-W47']);
    expect(figure(w, 'received')).toMatchObject({ value: 1, prior: 1 }); // 25 Nov; the week before: 17 Nov
  });

  it('lets leads and the admin read and generate, nobody else', async () => {
    for (const who of ['agent', 'inspector']) {
      expect((await t.as(who, 'GET', '/api/v1/reports')).statusCode, who).toBe(403);
      expect((await t.as(who, 'GET', `/api/v1/reports/${report.id}`)).statusCode, who).toBe(403);
      expect((await t.as(who, 'GET', `/api/v1/reports/${report.id}/export.xlsx`)).statusCode, who).toBe(403);
      expect((await t.as(who, 'POST', '/api/v1/reports', { kind: 'monthly' })).statusCode, who).toBe(403);
      expect((await t.as(who, 'PUT', '/api/v1/report-subscription', { daily: true, weekly: false })).statusCode, who).toBe(403);
    }
    const customer = await t.app.inject({ method: 'GET', url: '/api/v1/reports', headers: { authorization: portalBearer } });
    expect(customer.statusCode).toBe(403);
    expect((await t.as('admin', 'GET', '/api/v1/reports')).statusCode).toBe(200);
    expect((await t.as('admin', 'GET', '/api/v1/report-subscription')).statusCode).toBe(403);
  });

  it('mails each digest once per period to its subscribers, however many workers run', async () => {
    const digests = () =>
      t.ctx.db.selectFrom('outbox').select(['payload']).where('topic', '=', 'notify').where('payload', 'like', '%service_digest%').execute();
    // no subscriber: nothing claimed, nothing sent
    expect(await sendDueDigests(t.ctx)).toEqual([]);
    expect(await ok('supervisor', 'PUT', '/api/v1/report-subscription', { daily: true, weekly: false })).toEqual({ daily: true, weekly: false });
    await ok('manager', 'PUT', '/api/v1/report-subscription', { daily: true, weekly: true });
    expect(await ok('supervisor', 'GET', '/api/v1/report-subscription')).toEqual({ daily: true, weekly: false });

    // 3 Dec 10:00: yesterday is 2 Dec, last week 2026-W48; two workers at once
    const [a, b] = await Promise.all([sendDueDigests(t.ctx), sendDueDigests(t.ctx)]);
    const sent = [...a, ...b].map((d) => [d.kind, d.periodKey, d.recipients]).sort();
    expect(sent).toEqual([['daily', '2026-12-02', 2], ['weekly', '2026-W48', 1]]);
    expect(await sendDueDigests(t.ctx)).toEqual([]);
    const mails = await digests();
    expect(mails).toHaveLength(2);
    const daily = mails.map((m) => JSON.parse(m.payload) as { userIds: string[]; vars: { kind: string; linesZh: string[]; link: string; reportId: string } }).find((m) => m.vars.kind === 'daily')!;
    expect(daily.userIds.sort()).toEqual([t.seed.users.supervisor!.id, t.seed.users.manager!.id].sort());
    expect(daily.vars.linesZh[0]).toBe('受理量：0（上期 0，±0）');
    expect(daily.vars.link).toMatch(new RegExp(`/app/reports/${daily.vars.reportId}$`));
    const stored = await ok<ReportView>('manager', 'GET', `/api/v1/reports/${daily.vars.reportId}`);
    expect([stored.kind, stored.periodKey, stored.source, stored.generatedBy]).toEqual(['daily', '2026-12-02', 'digest', null]);

    // the next day: that day's digest only
    clock.set(sh('2026-12-04T08:00:00'));
    expect((await sendDueDigests(t.ctx)).map((d) => [d.kind, d.periodKey])).toEqual([['daily', '2026-12-03']]);
    expect(await digests()).toHaveLength(3);
  });
});
