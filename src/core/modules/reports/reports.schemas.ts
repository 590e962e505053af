import { z } from 'zod';
import { REPORT_KINDS } from './period.ts';

export const labelSchema = z.object({ zh: z.string(), en: z.string() });
export type Label = z.infer<typeof labelSchema>;

/** How a figure reads: a count, a share (0-1, shown as %), business minutes, a mean score, complaints per 10,000 customers, NPS points. */
export const UNITS = ['count', 'share', 'minutes', 'score', 'per10k', 'nps'] as const;
export type Unit = (typeof UNITS)[number];

export const figureSchema = z.object({
  key: z.string(),
  label: labelSchema,
  unit: z.enum(UNITS),
  value: z.number().nullable(),
  /** the same figure over the period before */
  prior: z.number().nullable(),
  /** value - prior (for a share: in points of the share, 0.05 = 5 points); null when either is null */
  delta: z.number().nullable(),
  /** the figure's target, when SPEC 8 sets one (the resolution rate's 95%) */
  target: z.number().optional(),
});
export type Figure = z.infer<typeof figureSchema>;

export const cellSchema = z.union([z.string(), z.number(), z.null(), labelSchema]);
export type Cell = z.infer<typeof cellSchema>;

export const tableSchema = z.object({
  key: z.string(),
  title: labelSchema,
  columns: z.array(z.object({ label: labelSchema, unit: z.enum(UNITS).optional() })),
  rows: z.array(z.array(cellSchema)),
});
export type Table = z.infer<typeof tableSchema>;

export const sectionSchema = z.object({ key: z.string(), title: labelSchema, figures: z.array(figureSchema), tables: z.array(tableSchema) });
export type Section = z.infer<typeof sectionSchema>;

const periodSchema = z.object({ key: z.string(), from: z.number(), to: z.number() });

/** What a report says, frozen when it is generated. */
export const reportContentSchema = z.object({
  kind: z.enum(REPORT_KINDS),
  title: labelSchema,
  timeZone: z.string(),
  period: periodSchema,
  prior: periodSchema,
  /** the instant the figures were read */
  asOf: z.number(),
  sections: z.array(sectionSchema),
});
export type ReportContent = z.infer<typeof reportContentSchema>;

export const reportSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(REPORT_KINDS),
  periodKey: z.string(),
  from: z.number(),
  to: z.number(),
  version: z.number().int(),
  title: labelSchema,
  source: z.enum(['manual', 'digest']),
  generatedAt: z.number(),
  generatedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** a later version of the same period exists */
  superseded: z.boolean(),
});
export type ReportSummary = z.infer<typeof reportSummarySchema>;
export const reportViewSchema = reportSummarySchema.extend({ content: reportContentSchema });
export type ReportView = z.infer<typeof reportViewSchema>;

export const reportListQuery = z.strictObject({
  kind: z.enum(REPORT_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ReportListQuery = z.infer<typeof reportListQuery>;

/** POST /api/v1/reports: a kind and its period's key; without one, the last complete period. */
export const generateReportBody = z.strictObject({
  kind: z.enum(REPORT_KINDS),
  period: z.string().trim().min(7).max(10).optional(),
});
export type GenerateReportBody = z.infer<typeof generateReportBody>;

export const reportParams = z.strictObject({ id: z.string().min(1).max(64) });
export const reportLangQuery = z.strictObject({ lang: z.enum(['zh', 'en']).default('zh') });
export type ReportLang = 'zh' | 'en';

/** The digests a lead receives (DIGEST_KINDS). */
export const digestSubscriptionSchema = z.strictObject({ daily: z.boolean(), weekly: z.boolean() });
export type DigestSubscription = z.infer<typeof digestSubscriptionSchema>;
