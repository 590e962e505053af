import type { Ctx } from '../../core/context.ts';
import * as rp from '../../core/modules/reports/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['reports'];

const attachment = (name: string) => `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
const fileName = (r: rp.ReportView, lang: rp.ReportLang, ext: string) => `${r.content.title[lang]}${r.version > 1 ? ` v${r.version}` : ''}.${ext}`;

/**
 * Service reports (SPEC 8): the daily and weekly digests and the monthly service supervision
 * report (服务监督报告). Generating freezes the figures as a new version; a report reads and
 * exports (XLSX, PDF, a printable page) exactly as it was generated. Leads and the admin; the
 * digest subscription is each lead's own.
 */
export function reportsRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/reports',
    { config: { permission: 'report.read' }, schema: { tags, summary: 'Reports generated, newest first', querystring: rp.reportListQuery, response: { 200: rp.reportSummarySchema.array() } } },
    (req) => rp.listReports(ctx, req.query),
  );
  app.post(
    '/api/v1/reports',
    {
      config: { permission: 'report.generate' },
      schema: { tags, summary: 'Generate a report of a period (default: the last complete one) from the figures as they are now: a new version', body: rp.generateReportBody, response: { 201: rp.reportViewSchema } },
    },
    async (req, reply) => reply.status(201).send(await rp.generateReport(ctx, req.body, actor(req))),
  );
  app.get(
    '/api/v1/reports/:id',
    { config: { permission: 'report.read' }, schema: { tags, summary: 'One report with its figures as generated', params: rp.reportParams, response: { 200: rp.reportViewSchema } } },
    (req) => rp.getReport(ctx, req.params.id),
  );
  app.get(
    '/api/v1/reports/:id/export.xlsx',
    { config: { permission: 'report.read' }, schema: { tags, summary: 'The report as a spreadsheet: a sheet per section, numbers as numbers', params: rp.reportParams, querystring: rp.reportLangQuery } },
    async (req, reply) => {
      const r = await rp.getReport(ctx, req.params.id);
      const file = await rp.reportXlsx(r, req.query.lang);
      return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', attachment(fileName(r, req.query.lang, 'xlsx'))).send(file);
    },
  );
  app.get(
    '/api/v1/reports/:id/export.pdf',
    {
      config: { permission: 'report.read' },
      schema: { tags, summary: 'The report as an A4 PDF (needs a CJK font: SL_PDF_FONT, else the system one; 503 pdf_font_unavailable without)', params: rp.reportParams, querystring: rp.reportLangQuery },
    },
    async (req, reply) => {
      const r = await rp.getReport(ctx, req.params.id);
      const file = await rp.reportPdf(r, req.query.lang);
      return reply.type('application/pdf').header('content-disposition', attachment(fileName(r, req.query.lang, 'pdf'))).send(file);
    },
  );
  app.get(
    '/api/v1/reports/:id/print',
    { config: { permission: 'report.read' }, schema: { tags, summary: 'The report as a printable page (A4, zh or en)', params: rp.reportParams, querystring: rp.reportLangQuery } },
    async (req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(rp.reportPrintPage(await rp.getReport(ctx, req.params.id), req.query.lang)),
  );
  app.get(
    '/api/v1/report-subscription',
    { config: { permission: 'report.subscribe' }, schema: { tags, summary: 'The digests I receive (daily, weekly)', response: { 200: rp.digestSubscriptionSchema } } },
    (req) => rp.digestSubscription(ctx, actor(req)),
  );
  app.put(
    '/api/v1/report-subscription',
    { config: { permission: 'report.subscribe' }, schema: { tags, summary: 'Subscribe to or leave the daily and weekly digests', body: rp.digestSubscriptionSchema, response: { 200: rp.digestSubscriptionSchema } } },
    (req) => rp.updateDigestSubscription(ctx, req.body, actor(req)),
  );
}
