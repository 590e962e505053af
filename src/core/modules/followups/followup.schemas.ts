import { z } from 'zod';

/** The API contract of follow-ups (回访, SPEC 5). */
export const FOLLOWUP_KINDS = ['case', 'plan'] as const;
export type FollowupKind = (typeof FOLLOWUP_KINDS)[number];
export const FOLLOWUP_STATUSES = ['pending', 'done', 'unreachable', 'cancelled'] as const;
export type FollowupStatus = (typeof FOLLOWUP_STATUSES)[number];
export const FOLLOWUP_METHODS = ['phone', 'visit', 'email', 'sms'] as const;
export type FollowupMethod = (typeof FOLLOWUP_METHODS)[number];
export const FOLLOWUP_RESULTS = ['satisfied', 'neutral', 'dissatisfied'] as const;
export type FollowupResult = (typeof FOLLOWUP_RESULTS)[number];
/** What a dissatisfied follow-up leads to (SPEC 5): the case reopened, or escalated to the lead. */
export const FOLLOWUP_ACTIONS = ['reopen', 'escalate'] as const;
export type FollowupAction = (typeof FOLLOWUP_ACTIONS)[number];
export const PLAN_STATUSES = ['active', 'paused', 'ended'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** The case timeline's events of a follow-up: all internal. */
export const FOLLOWUP_EVENTS = ['followup_scheduled', 'followup_attempted', 'followup_done', 'followup_unreachable', 'followup_cancelled', 'followup_overdue', 'followup_escalated'] as const;

const id = z.string().min(1).max(64);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a date');

export const followupParams = z.strictObject({ id });

export const recordOutcomeBody = z.strictObject({
  method: z.enum(FOLLOWUP_METHODS),
  /** false: the customer was not reached (the attempt is logged; the follow-up stays pending up to the maximum attempts). */
  reached: z.boolean(),
  result: z.enum(FOLLOWUP_RESULTS).optional(),
  notes: z.string().trim().max(5_000).optional(),
  /** Required with a dissatisfied result. */
  action: z.enum(FOLLOWUP_ACTIONS).optional(),
});
export type RecordOutcomeInput = z.infer<typeof recordOutcomeBody>;

export const followupListQuery = z.strictObject({
  /** mine: assigned to me; otherwise every follow-up I may see (a lead: the team's). */
  scope: z.enum(['mine', 'team']).optional(),
  /** overdue: pending past its due time. */
  status: z.enum([...FOLLOWUP_STATUSES, 'overdue']).optional(),
  kind: z.enum(FOLLOWUP_KINDS).optional(),
  teamId: id.optional(),
  caseId: id.optional(),
  planId: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type FollowupListQuery = z.infer<typeof followupListQuery>;

export const followupReportQuery = z.strictObject({
  /** Follow-ups due in [from, to) (epoch ms). */
  from: z.coerce.number().int(),
  to: z.coerce.number().int(),
  teamId: id.optional(),
});
export type FollowupReportQuery = z.infer<typeof followupReportQuery>;

export const createPlanBody = z.strictObject({
  customerId: id,
  title: z.string().trim().min(1).max(200),
  deliveredOn: isoDate,
  endsOn: isoDate.optional(),
  /** Who makes the calls (default: the creator). */
  assigneeId: id.optional(),
});
export type CreatePlanInput = z.infer<typeof createPlanBody>;

export const updatePlanBody = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  endsOn: isoDate.nullable().optional(),
  assigneeId: id.optional(),
  /** paused: its pending follow-up is cancelled until it is active again; ended: for good. */
  status: z.enum(PLAN_STATUSES).optional(),
});
export type UpdatePlanInput = z.infer<typeof updatePlanBody>;

export const planListQuery = z.strictObject({
  customerId: id.optional(),
  status: z.enum(PLAN_STATUSES).optional(),
});

const ms = z.number();
const nstr = z.string().nullable();

export const followupViewSchema = z.object({
  id: z.string(),
  kind: z.enum(FOLLOWUP_KINDS),
  caseId: nstr,
  caseNumber: nstr,
  caseSubject: nstr,
  customerId: nstr,
  customerName: nstr,
  planId: nstr,
  planTitle: nstr,
  planStep: z.number().nullable(),
  status: z.enum(FOLLOWUP_STATUSES),
  assigneeId: nstr,
  assigneeName: nstr,
  teamId: nstr,
  teamName: nstr,
  scheduledAt: ms,
  dueAt: ms,
  calendarId: z.string(),
  workingDays: z.number().nullable(),
  /** Pending past its due time now, or closed after it. */
  overdue: z.boolean(),
  overdueAt: ms.nullable(),
  attempts: z.number(),
  lastAttemptAt: ms.nullable(),
  closedAt: ms.nullable(),
  closedBy: nstr,
  closedByName: nstr,
  method: z.enum(FOLLOWUP_METHODS).nullable(),
  result: z.enum(FOLLOWUP_RESULTS).nullable(),
  action: z.enum(FOLLOWUP_ACTIONS).nullable(),
  escalationLevel: z.number().nullable(),
  notes: nstr,
  cancelReason: nstr,
  /** Done by its due time (null until done). */
  onTime: z.boolean().nullable(),
});
export type FollowupView = z.infer<typeof followupViewSchema>;

export const attemptViewSchema = z.object({
  id: z.string(),
  at: ms,
  byId: z.string(),
  byName: nstr,
  method: z.enum(FOLLOWUP_METHODS),
  reached: z.boolean(),
  result: z.enum(FOLLOWUP_RESULTS).nullable(),
  notes: nstr,
});
export type FollowupAttemptView = z.infer<typeof attemptViewSchema>;

export const followupDetailSchema = followupViewSchema.extend({ attemptLog: z.array(attemptViewSchema), maxAttempts: z.number() });
export type FollowupDetail = z.infer<typeof followupDetailSchema>;

export const followupPageSchema = z.object({ items: z.array(followupViewSchema), nextCursor: nstr });

export const planViewSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: nstr,
  title: z.string(),
  deliveredOn: z.string(),
  endsOn: nstr,
  status: z.enum(PLAN_STATUSES),
  assigneeId: nstr,
  assigneeName: nstr,
  teamId: nstr,
  lastStep: z.number(),
  /** The pending follow-up's due time (null: none pending). */
  nextDueAt: ms.nullable(),
  nextFollowupId: nstr,
  createdBy: z.string(),
  createdAt: ms,
  updatedAt: ms,
});
export type PlanView = z.infer<typeof planViewSchema>;

export const followupReportSchema = z.object({
  from: ms,
  to: ms,
  teamId: nstr,
  /** Follow-ups due in the period, cancelled ones left out. */
  scheduled: z.number(),
  /** Done: the customer reached and the result recorded. */
  done: z.number(),
  /** Done by the due time. */
  onTime: z.number(),
  /** Done after the due time. */
  late: z.number(),
  unreachable: z.number(),
  /** Still pending; of those, past their due time now. */
  pending: z.number(),
  pendingOverdue: z.number(),
  /** onTime / (done + unreachable + pending past due): null when none is judged yet. */
  onTimeRate: z.number().nullable(),
  results: z.object({ satisfied: z.number(), neutral: z.number(), dissatisfied: z.number() }),
  /** Each result / done (null when none is done). */
  shares: z.object({ satisfied: z.number().nullable(), neutral: z.number().nullable(), dissatisfied: z.number().nullable() }),
  dissatisfied: z.number(),
});
export type FollowupReport = z.infer<typeof followupReportSchema>;
