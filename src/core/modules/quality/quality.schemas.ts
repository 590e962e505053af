import { z } from 'zod';

/** The API contract of quality inspection (内部质检, SPEC 7): rubrics, sampling plans, inspections, appeals, automatic checks, report. */

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().min(1).max(64);
const ms = z.coerce.number().int().min(0);

export const QUALITY_CHECKS = ['response_time', 'handover_note', 'forbidden_phrase', 'unanswered'] as const;
export type QualityCheck = (typeof QUALITY_CHECKS)[number];

/** The case timeline's events of quality inspection: all internal. */
export const QUALITY_EVENTS = ['quality_task_created', 'quality_inspected', 'quality_appealed', 'quality_arbitrated'] as const;

// ---- rubrics ------------------------------------------------------------------------------------

export const rubricCriterion = z.strictObject({
  /** Stable across versions (kept when a criterion is renamed); made from the name when left out. */
  id: z.string().trim().min(1).max(64).regex(/^[\w-]+$/).optional(),
  name: text(200),
  description: z.string().trim().max(2_000).optional(),
  /** Its weight: the most points it can be awarded. */
  points: z.number().int().min(1).max(100),
  /** A critical item not awarded its full points fails the whole record: score 0, result failed. */
  critical: z.boolean().default(false),
});
export interface RubricCriterion {
  id: string;
  name: string;
  description: string | null;
  points: number;
  critical: boolean;
}
const rubricCriterionView = z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), points: z.number(), critical: z.boolean() });

export const rubricBody = z.strictObject({
  name: text(200),
  description: z.string().trim().max(2_000).optional(),
  criteria: z.array(rubricCriterion).min(1).max(50),
  passScore: z.number().int().min(0).max(100).default(60),
  active: z.boolean().default(true),
});
export type RubricInput = z.infer<typeof rubricBody>;

export const rubricView = z.object({
  id: z.string(),
  familyId: z.string(),
  version: z.number(),
  current: z.boolean(),
  name: z.string(),
  description: z.string().nullable(),
  criteria: z.array(rubricCriterionView),
  maxPoints: z.number(),
  passScore: z.number(),
  active: z.boolean(),
  createdAt: z.number(),
  createdBy: z.string(),
  /** Inspections made against this version. */
  inspections: z.number(),
});
export type RubricView = z.infer<typeof rubricView>;
export const rubricListQuery = z.strictObject({ all: z.enum(['true', 'false']).transform((v) => v === 'true').optional() });

// ---- sampling plans -----------------------------------------------------------------------------

export const planBody = z
  .strictObject({
    name: text(200),
    teamId: id.nullable().optional(),
    period: z.enum(['week', 'month']),
    mode: z.enum(['count', 'percent']),
    amount: z.number().int().min(1).max(1000),
    rubricId: id,
    seed: z.string().trim().min(1).max(64).optional(),
    active: z.boolean().default(true),
  })
  .refine((p) => p.mode !== 'percent' || p.amount <= 100, { message: 'a percentage is at most 100', path: ['amount'] });
export type PlanInput = z.infer<typeof planBody>;

export const planView = z.object({
  id: z.string(),
  name: z.string(),
  teamId: z.string().nullable(),
  period: z.enum(['week', 'month']),
  mode: z.enum(['count', 'percent']),
  amount: z.number(),
  rubricFamilyId: z.string(),
  rubricName: z.string(),
  seed: z.string(),
  active: z.boolean(),
  createdAt: z.number(),
});
export type PlanView = z.infer<typeof planView>;

export const drawBody = z.strictObject({
  /** A day in the period to draw (the centre's zone), YYYY-MM-DD; default: the period before the current one. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

export const drawResult = z.object({
  planId: z.string(),
  periodKey: z.string(),
  from: z.number(),
  to: z.number(),
  /** Tasks made by this draw (0 when it ran before with the same cases). */
  created: z.number(),
  agents: z.array(z.object({ agentId: z.string(), population: z.number(), target: z.number(), drawn: z.number(), created: z.number() })),
});
export type DrawResult = z.infer<typeof drawResult>;

// ---- inspections --------------------------------------------------------------------------------

export const criterionScore = z.strictObject({
  criterionId: id,
  points: z.number().min(0).max(100),
  comment: z.string().trim().max(2_000).optional(),
});
export type CriterionScore = z.infer<typeof criterionScore>;

export const newInspectionBody = z.strictObject({ caseId: id, rubricId: id.optional() });

export const scoreBody = z.strictObject({
  scores: z.array(criterionScore).max(50),
  comment: z.string().trim().max(5_000).optional(),
  /** true: submit (final, shown to the agent); false: keep as a draft. */
  submit: z.boolean().default(false),
});
export type ScoreInput = z.infer<typeof scoreBody>;

export const inspectionListQuery = z.strictObject({
  /** mine: tasks assigned to me (inspector) or inspections of me (agent). */
  mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  status: z.enum(['pending', 'submitted']).optional(),
  caseId: id.optional(),
  agentId: id.optional(),
  planId: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type InspectionListQuery = z.infer<typeof inspectionListQuery>;

const scoreView = z.object({ criterionId: z.string(), points: z.number(), comment: z.string().nullable() });
export const appealView = z.object({
  id: z.string(),
  inspectionId: z.string(),
  caseId: z.string(),
  caseNumber: z.string(),
  agentId: z.string(),
  agentName: z.string(),
  reason: z.string(),
  status: z.enum(['open', 'upheld', 'adjusted']),
  createdAt: z.number(),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.number().nullable(),
  decisionNote: z.string().nullable(),
  adjustedScores: z.array(scoreView).nullable(),
  adjustedScore: z.number().nullable(),
  adjustedResult: z.enum(['passed', 'failed']).nullable(),
  /** The viewer may arbitrate it now. */
  mayDecide: z.boolean(),
});
export type AppealView = z.infer<typeof appealView>;

export const inspectionView = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNumber: z.string(),
  caseSubject: z.string(),
  caseType: z.string(),
  agentId: z.string(),
  agentName: z.string(),
  agentTeamId: z.string().nullable(),
  inspectorId: z.string(),
  inspectorName: z.string(),
  rubric: rubricView.omit({ inspections: true }),
  status: z.enum(['pending', 'submitted']),
  planId: z.string().nullable(),
  periodKey: z.string().nullable(),
  sampleReason: z.string().nullable(),
  scores: z.array(scoreView),
  comment: z.string().nullable(),
  awarded: z.number().nullable(),
  maxPoints: z.number().nullable(),
  score: z.number().nullable(),
  criticalFailed: z.boolean(),
  result: z.enum(['passed', 'failed']).nullable(),
  /** After arbitration: the adjusted score and result, else the original. */
  finalScore: z.number().nullable(),
  finalResult: z.enum(['passed', 'failed']).nullable(),
  createdAt: z.number(),
  submittedAt: z.number().nullable(),
  appealDueAt: z.number().nullable(),
  /** The viewer (the agent inspected) may appeal now. */
  mayAppeal: z.boolean(),
  appeal: appealView.nullable(),
});
export type InspectionView = z.infer<typeof inspectionView>;
export const inspectionPage = z.object({ items: z.array(inspectionView), nextCursor: z.string().nullable() });

export const appealBody = z.strictObject({ reason: text(5_000) });
export const decideBody = z
  .strictObject({
    decision: z.enum(['uphold', 'adjust']),
    note: text(5_000),
    scores: z.array(criterionScore).max(50).optional(),
  })
  .refine((d) => d.decision !== 'adjust' || (d.scores?.length ?? 0) > 0, { message: 'an adjustment gives the new points of every criterion', path: ['scores'] });
export type DecideInput = z.infer<typeof decideBody>;
export const appealListQuery = z.strictObject({
  status: z.enum(['open', 'upheld', 'adjusted']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// ---- automatic checks ---------------------------------------------------------------------------

export const checkResult = z.object({
  check: z.enum(QUALITY_CHECKS),
  flagged: z.boolean(),
  /** What was found: the breached targets, the hand-overs without a note, the phrases and where, the last unanswered message. */
  findings: z.array(z.object({ at: z.number().nullable(), eventId: z.string().nullable(), detail: z.string() })),
});
export type CheckResult = z.infer<typeof checkResult>;

export const caseQualityResponse = z.object({
  caseId: z.string(),
  checks: z.array(checkResult),
  flagged: z.array(z.enum(QUALITY_CHECKS)),
  /** Submitted inspections of the case the viewer may see. */
  inspections: z.array(
    z.object({ id: z.string(), score: z.number().nullable(), finalScore: z.number().nullable(), finalResult: z.enum(['passed', 'failed']).nullable(), submittedAt: z.number().nullable(), inspectorName: z.string(), appealStatus: z.string().nullable() }),
  ),
  /** The viewer may start an inspection of it (inspectors). */
  mayInspect: z.boolean(),
});
export type CaseQuality = z.infer<typeof caseQualityResponse>;

export const flaggedQuery = z.strictObject({
  /** Cases received in [from, to) (epoch ms). */
  from: ms,
  to: ms,
  check: z.enum(QUALITY_CHECKS).optional(),
  agentId: id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type FlaggedQuery = z.infer<typeof flaggedQuery>;
export const flaggedList = z.object({
  /** Cases received in the period that were looked at. */
  scanned: z.number(),
  items: z.array(
    z.object({ caseId: z.string(), number: z.string(), subject: z.string(), status: z.string(), agentId: z.string().nullable(), agentName: z.string().nullable(), receivedAt: z.number(), flagged: z.array(z.enum(QUALITY_CHECKS)) }),
  ),
});

// ---- settings and report ------------------------------------------------------------------------

export const qualitySettingsSchema = z.strictObject({
  /** An appeal is accepted within this many working days after the inspection was submitted. */
  appealWorkingDays: z.number().int().min(1).max(30),
  /** The calendar those days are counted on. */
  calendarId: z.string().min(1).max(64),
  /** Phrases staff must not write in public replies. */
  forbiddenPhrases: z.array(z.string().trim().min(1).max(100)).max(200),
});
export type QualitySettings = z.infer<typeof qualitySettingsSchema>;
export const qualitySettingsPatch = qualitySettingsSchema.partial();

export const reportQuery = z.strictObject({ from: ms, to: ms });
const reportRow = z.object({
  inspections: z.number(),
  meanScore: z.number().nullable(),
  failed: z.number(),
  appeals: z.number(),
  appealsOpen: z.number(),
  upheld: z.number(),
  adjusted: z.number(),
});
export type ReportFigures = z.infer<typeof reportRow>;
export const qualityReportResponse = z.object({
  from: z.number(),
  to: z.number(),
  agents: z.array(reportRow.extend({ agentId: z.string(), agentName: z.string(), teamId: z.string().nullable() })),
  teams: z.array(reportRow.extend({ teamId: z.string().nullable(), teamName: z.string().nullable() })),
  total: reportRow,
});
export type QualityReport = z.infer<typeof qualityReportResponse>;
