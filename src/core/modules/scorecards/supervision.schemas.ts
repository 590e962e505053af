import { z } from 'zod';

const id = z.string().min(1).max(64);
export const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

export const supervisionItem = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  zh: z.string().trim().min(1).max(50),
  en: z.string().trim().min(1).max(80),
  maxScore: z.number().positive().max(1000),
});
export const supervisionItems = z.array(supervisionItem).min(1).max(30);
export type SupervisionItem = z.infer<typeof supervisionItem>;

export const entryBody = z.strictObject({
  kind: z.enum(['reward', 'discipline']),
  targetUserId: id.nullable().optional(),
  targetTeamId: id.nullable().optional(),
  reason: z.string().trim().min(1).max(1000),
  points: z.number().min(-1000).max(1000).nullable().optional(),
  amount: z.number().min(0).max(10_000_000).nullable().optional(),
});
export type EntryBody = z.infer<typeof entryBody>;

const scores = z.array(z.strictObject({ key: z.string().min(1).max(40), score: z.number().min(0).max(1000) })).max(30);

export const assessmentBody = z.strictObject({
  month,
  departmentId: id,
  scores,
  comment: z.string().trim().max(4000).nullable().optional(),
  entries: z.array(entryBody).max(100).optional(),
});
export type AssessmentBody = z.infer<typeof assessmentBody>;
export const assessmentPatch = assessmentBody.omit({ month: true, departmentId: true });
export type AssessmentPatch = z.infer<typeof assessmentPatch>;
export const correctionBody = assessmentPatch.extend({ reason: z.string().trim().min(1).max(1000) });
export type CorrectionBody = z.infer<typeof correctionBody>;

export const assessmentListQuery = z.strictObject({ month: month.optional(), departmentId: id.optional() });

export const entryView = z.object({
  id: z.string(),
  kind: z.enum(['reward', 'discipline']),
  targetUserId: z.string().nullable(),
  targetUserName: z.string().nullable(),
  targetTeamId: z.string().nullable(),
  targetTeamName: z.string().nullable(),
  reason: z.string(),
  points: z.number().nullable(),
  amount: z.number().nullable(),
});

export const assessmentView = z.object({
  id: z.string(),
  month: z.string(),
  departmentId: z.string(),
  departmentName: z.string().nullable(),
  version: z.number().int(),
  /** false once a correction replaced it */
  current: z.boolean(),
  status: z.enum(['draft', 'published']),
  scores: z.array(z.object({ key: z.string(), zh: z.string(), en: z.string(), maxScore: z.number(), score: z.number() })),
  total: z.number(),
  maxTotal: z.number(),
  comment: z.string().nullable(),
  correctsId: z.string().nullable(),
  correctionReason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.number(),
  publishedAt: z.number().nullable(),
  entries: z.array(entryView),
});
export type AssessmentView = z.infer<typeof assessmentView>;
