// Service reports (SPEC 8): daily and weekly digests and the monthly service supervision report (服务监督报告), stored as snapshots, exported as XLSX, PDF and a printable page.
export * from './reports.schemas.ts';
export { REPORT_KINDS, DIGEST_KINDS, periodOfKey, periodContaining, previousPeriod, lastCompletePeriod, periodTitle, type ReportKind, type DigestKind, type ReportPeriod } from './period.ts';
export { buildReport } from './build.ts';
export { generateReport, getReport, listReports, periodToReport, storeReport } from './reports.service.ts';
export { reportXlsx } from './xlsx.ts';
export { reportPdf, pdfFont, KNOWN_CJK_FONTS, type PdfFont } from './pdf.ts';
export { reportPrintPage } from './print.ts';
export { figureLine, formatValue, formatDelta } from './format.ts';
export { digestSubscription, updateDigestSubscription, sendDueDigests, createDigestWorker, DIGEST_FIGURES, type DigestSent, type DigestWorker } from './digest.ts';
export type { ServiceReportsTable, ReportSubscriptionsTable, ReportDigestRunsTable } from './reports.table.ts';
