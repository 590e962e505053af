import { z } from 'zod';

/** The API contract of satisfaction surveys (SPEC 6) and their report (SPEC 8's CSAT and NPS). */
export const SURVEY_STATUSES = ['pending', 'answered', 'expired', 'not_sent'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];
export const SURVEY_NOT_SENT_REASONS = ['customer_erased', 'opted_out', 'no_email'] as const;
export const SURVEY_SCALES = [5, 10] as const;
export type SurveyScale = (typeof SURVEY_SCALES)[number];
export const SURVEY_DIMENSIONS = ['attitude', 'speed', 'solution', 'completeness'] as const;
export type SurveyDimension = (typeof SURVEY_DIMENSIONS)[number];
export const SATISFACTION_BANDS = ['satisfied', 'neutral', 'dissatisfied'] as const;
export type SatisfactionBand = (typeof SATISFACTION_BANDS)[number];
export const RECOVERY_STATUSES = ['open', 'closed'] as const;

/** The case timeline's events of a survey: all internal (the customer answered on the public page). */
export const SURVEY_EVENTS = ['survey_sent', 'survey_not_sent', 'survey_answered', 'survey_recovery_opened', 'survey_recovery_closed'] as const;

/**
 * SPEC 8's bands: on 1-5, satisfied 4-5, neutral 3, dissatisfied 1-2; on 1-10, satisfied 8-10,
 * neutral 5-7, dissatisfied 1-4.
 */
export function bandOf(score: number, scale: number): SatisfactionBand {
  if (scale === 10) return score >= 8 ? 'satisfied' : score >= 5 ? 'neutral' : 'dissatisfied';
  return score >= 4 ? 'satisfied' : score === 3 ? 'neutral' : 'dissatisfied';
}

const id = z.string().min(1).max(64);
const epoch = z.coerce.number().int().min(0).max(8.64e15);

export const surveySettingsSchema = z.strictObject({
  scale: z.union([z.literal(5), z.literal(10)]),
  /** How long a link may be answered, in days. */
  expiryDays: z.number().int().min(1).max(90),
});
export type SurveySettings = z.infer<typeof surveySettingsSchema>;
export const surveySettingsPatch = surveySettingsSchema.partial().strict();

/** An answer from the public page (the scale's bounds are checked against the survey's own scale). */
export const surveyAnswerBody = z.strictObject({
  csat: z.coerce.number().int().min(1).max(10),
  attitude: z.coerce.number().int().min(1).max(10).optional(),
  speed: z.coerce.number().int().min(1).max(10).optional(),
  solution: z.coerce.number().int().min(1).max(10).optional(),
  completeness: z.coerce.number().int().min(1).max(10).optional(),
  nps: z.coerce.number().int().min(0).max(10).optional(),
  comment: z.string().trim().max(2_000).optional(),
});
export type SurveyAnswerInput = z.infer<typeof surveyAnswerBody>;

export const surveyTokenParams = z.strictObject({ token: z.string().min(10).max(200) });
export const surveyParams = z.strictObject({ id });

export const surveyFilterQuery = z.strictObject({
  /** Surveys issued (the resolution) in [from, to), epoch ms. */
  from: epoch.optional(),
  to: epoch.optional(),
  teamId: id.optional(),
  agentId: id.optional(),
  channel: z.string().min(1).max(32).optional(),
});
export type SurveyFilter = z.infer<typeof surveyFilterQuery>;

export const surveyListQuery = surveyFilterQuery.extend({
  status: z.enum(SURVEY_STATUSES).optional(),
  band: z.enum(SATISFACTION_BANDS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type SurveyListQuery = z.infer<typeof surveyListQuery>;

export const recoveryListQuery = z.strictObject({
  /** mine: assigned to me; team: on cases of my team or a team under it; all: managers and above. */
  scope: z.enum(['mine', 'team', 'all']).default('mine'),
  status: z.enum([...RECOVERY_STATUSES, 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RecoveryListQuery = z.infer<typeof recoveryListQuery>;
export const closeRecoveryBody = z.strictObject({ outcome: z.string().trim().min(1).max(5_000) });

// ---- views (response schemas) ----------------------------------------------------------------

const score = z.number().int().nullable();
export const surveyView = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNumber: z.string(),
  status: z.enum(SURVEY_STATUSES),
  notSentReason: z.string().nullable(),
  issuedAt: z.number(),
  expiresAt: z.number(),
  scale: z.number().int(),
  locale: z.string(),
  teamId: z.string().nullable(),
  agentId: z.string().nullable(),
  channel: z.string(),
  answeredAt: z.number().nullable(),
  csat: score,
  band: z.enum(SATISFACTION_BANDS).nullable(),
  attitude: score,
  speed: score,
  solution: score,
  completeness: score,
  nps: score,
  comment: z.string().nullable(),
  expiredAt: z.number().nullable(),
});
export type SurveyView = z.infer<typeof surveyView>;
export const surveyPage = z.object({ items: z.array(surveyView), nextCursor: z.string().nullable() });

export const recoveryTaskView = z.object({
  id: z.string(),
  surveyId: z.string(),
  /** null for a periodic survey's task (no case): customerId / customerName say whom to call. */
  caseId: z.string().nullable(),
  caseNumber: z.string().nullable(),
  caseSubject: z.string().nullable(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  teamId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  status: z.enum(RECOVERY_STATUSES),
  createdAt: z.number(),
  dueAt: z.number(),
  overdue: z.boolean(),
  closedAt: z.number().nullable(),
  closedBy: z.string().nullable(),
  outcome: z.string().nullable(),
  csat: score,
  scale: z.number().int(),
  comment: z.string().nullable(),
});
export type RecoveryTaskView = z.infer<typeof recoveryTaskView>;

const share = z.number().nullable();
const dimensionMeans = z.object({ attitude: share, speed: share, solution: share, completeness: share });
export const scaleFigures = z.object({
  scale: z.number().int(),
  answered: z.number().int(),
  csatMean: share,
  dimensions: dimensionMeans,
});
const surveyFigures = z.object({
  from: z.number().nullable(),
  to: z.number().nullable(),
  /** Surveys issued (one a resolution) in the period, sent or not. */
  issued: z.number().int(),
  /** Issued but not sent (customer erased, no email). */
  notSent: z.number().int(),
  /** Sent to the customer: the response rate's denominator. */
  sent: z.number().int(),
  answered: z.number().int(),
  /** answered / sent (null without any sent). */
  responseRate: share,
  /** The scale of every answer, when they share one (else null, and the means are per scale in byScale). */
  scale: z.number().int().nullable(),
  csatMean: share,
  satisfied: z.number().int(),
  neutral: z.number().int(),
  dissatisfied: z.number().int(),
  satisfiedShare: share,
  neutralShare: share,
  dissatisfiedShare: share,
  npsAnswers: z.number().int(),
  promoters: z.number().int(),
  detractors: z.number().int(),
  /** % of 9-10 minus % of 0-6 over the NPS answers, -100..100 (null without any). */
  nps: share,
  dimensions: dimensionMeans,
  byScale: z.array(scaleFigures),
});
export const surveyReportSchema = surveyFigures.extend({
  /**
   * The periodic surveys (定期满意度调查) issued in the period, as their own line: they have no case,
   * so they are in no figure above nor in any agent's or team's; null when the report is of a team,
   * agent or channel.
   */
  periodic: surveyFigures.nullable().optional(),
});
export type SurveyReport = z.infer<typeof surveyReportSchema>;

/** What the public page shows before the customer answers. */
export interface PublicSurvey {
  caseNumber: string;
  subject: string;
  scale: number;
  expiresAt: number;
  locale: string;
  /** A periodic survey (定期满意度调查): about the service in general, no case (caseNumber and subject empty). */
  periodic?: boolean;
}
