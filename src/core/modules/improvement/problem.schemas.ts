import { z } from 'zod';
import { ACTION_KINDS, ACTION_STATUSES, CHECK_RESULTS, DEFAULT_CHECK_DAYS, PROBLEM_STATUSES, ROOT_CAUSE_CATEGORIES } from './problem.ts';

/** The API contract of problem records and CAPA (SPEC 8), requests and responses. */
const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().min(1).max(64);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const checkDays = z.number().int().min(1).max(365);

export const problemParams = z.strictObject({ id });
export const problemCaseParams = z.strictObject({ id, caseId: id });
export const actionParams = z.strictObject({ id, actionId: id });

export const createProblemBody = z.strictObject({
  title: text(200),
  description: text(10_000),
  /** Default: the lead creating it. */
  ownerId: id.optional(),
  checkDays: checkDays.default(DEFAULT_CHECK_DAYS),
  /** Cases linked at once (e.g. a candidate cluster's). */
  caseIds: z.array(id).max(200).default([]),
});
export type CreateProblemInput = z.output<typeof createProblemBody>;

export const updateProblemBody = z.strictObject({
  title: text(200).optional(),
  description: text(10_000).optional(),
  ownerId: id.optional(),
  checkDays: checkDays.optional(),
  rootCauseCategory: z.enum(ROOT_CAUSE_CATEGORIES).optional(),
  rootCause: text(10_000).optional(),
});
export type UpdateProblemInput = z.output<typeof updateProblemBody>;

/** A move by hand: open -> analysing -> actions, or cancelled (with the reason). Checking, closed and the way back come from actions and the check. */
export const moveProblemBody = z.strictObject({
  to: z.enum(['analysing', 'actions', 'cancelled']),
  reason: z.string().trim().max(2_000).optional(),
});

export const linkCaseBody = z.strictObject({ caseId: id });

export const newActionBody = z.strictObject({
  kind: z.enum(ACTION_KINDS),
  description: text(5_000),
  ownerId: id,
  dueDate: isoDate,
});
export type NewActionInput = z.output<typeof newActionBody>;

export const completeActionBody = z.strictObject({ note: text(5_000) });
export const cancelActionBody = z.strictObject({ reason: text(2_000) });

export const checkBody = z.strictObject({ result: z.enum(CHECK_RESULTS), evidence: text(10_000) });

export const problemListQuery = z.strictObject({
  status: z.enum([...PROBLEM_STATUSES, 'active']).optional(),
  ownerId: id.optional(),
  rootCauseCategory: z.enum(ROOT_CAUSE_CATEGORIES).optional(),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type ProblemListQuery = z.output<typeof problemListQuery>;

export const candidateQuery = z.strictObject({
  /** Cases received in the last `days` days. */
  days: z.coerce.number().int().min(1).max(365).default(30),
  /** A cluster needs at least this many cases. */
  minCases: z.coerce.number().int().min(2).max(1000).default(3),
  /** complaint: complaints and dissatisfactions (抱怨); all: every type. */
  types: z.enum(['complaint', 'all']).default('complaint'),
  /** true: one cluster per category and customer. */
  byCustomer: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
});
export type CandidateQuery = z.output<typeof candidateQuery>;

// ---- responses --------------------------------------------------------------------------------

const ms = z.number();
const nullableMs = z.number().nullable();

export const linkedCaseSchema = z.object({
  caseId: z.string(),
  number: z.string(),
  subject: z.string(),
  status: z.string(),
  type: z.string(),
  categoryId: z.string().nullable(),
  isRepeat: z.boolean(),
  receivedAt: ms,
  /** linked, or proposed by an agent and not yet accepted. */
  linkStatus: z.enum(['linked', 'proposed']),
  linkedBy: z.string(),
  linkedByName: z.string().nullable(),
  linkedAt: ms,
});
export type LinkedCaseView = z.infer<typeof linkedCaseSchema>;

export const actionSchema = z.object({
  id: z.string(),
  problemId: z.string(),
  kind: z.enum(ACTION_KINDS),
  description: z.string(),
  ownerId: z.string(),
  ownerName: z.string(),
  dueDate: z.string(),
  dueAt: ms,
  calendarId: z.string(),
  status: z.enum(ACTION_STATUSES),
  completionNote: z.string().nullable(),
  doneAt: nullableMs,
  doneBy: z.string().nullable(),
  /** Open past due now, or done after it; or marked by the sweep. */
  overdue: z.boolean(),
  overdueAt: nullableMs,
  createdAt: ms,
});
export type ActionView = z.infer<typeof actionSchema>;

export const checkSchema = z.object({
  id: z.string(),
  result: z.enum(CHECK_RESULTS),
  evidence: z.string(),
  checkedBy: z.string(),
  checkedByName: z.string().nullable(),
  checkedAt: ms,
  casesBefore: z.number().nullable(),
  casesAfter: z.number().nullable(),
  windowDays: z.number().nullable(),
});
export type CheckView = z.infer<typeof checkSchema>;

export const effectivenessSchema = z.object({
  /** The categories of the linked cases. */
  categories: z.array(z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable() })),
  /** When the last action was done: the split of the two windows. */
  actionsDoneAt: ms,
  /** The windows' length: from actionsDoneAt to now (at most to the check date's end), whole ms. */
  windowMs: ms,
  before: z.object({ from: ms, to: ms, count: z.number() }),
  after: z.object({ from: ms, to: ms, count: z.number() }),
});
export type Effectiveness = z.infer<typeof effectivenessSchema>;

export const problemSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(PROBLEM_STATUSES),
  ownerId: z.string(),
  ownerName: z.string(),
  rootCauseCategory: z.enum(ROOT_CAUSE_CATEGORIES).nullable(),
  caseCount: z.number(),
  openActions: z.number(),
  overdueActions: z.number(),
  checkDueAt: nullableMs,
  createdAt: ms,
  updatedAt: ms,
});
export type ProblemSummary = z.infer<typeof problemSummarySchema>;

export const problemSchema = problemSummarySchema.extend({
  description: z.string(),
  rootCause: z.string().nullable(),
  checkDays: z.number(),
  actionsDoneAt: nullableMs,
  checkDate: z.string().nullable(),
  checkResult: z.enum(CHECK_RESULTS).nullable(),
  cancelReason: z.string().nullable(),
  createdBy: z.string(),
  closedAt: nullableMs,
  /** Linked cases the reader may see (an agent does not see restricted cases of others). */
  cases: z.array(linkedCaseSchema),
  /** Linked cases not shown to this reader. */
  hiddenCases: z.number(),
  actions: z.array(actionSchema),
  checks: z.array(checkSchema),
  /** null until every action is done. */
  effectiveness: effectivenessSchema.nullable(),
  /** What the reader may do here (as the API decides). */
  canManage: z.boolean(),
});
export type ProblemView = z.infer<typeof problemSchema>;

export const problemListResponse = z.object({ items: z.array(problemSummarySchema), nextCursor: z.string().nullable() });

/** A case's problem records (the case page's card). */
export const caseProblemsResponse = z.array(
  z.object({ id: z.string(), title: z.string(), status: z.enum(PROBLEM_STATUSES), rootCauseCategory: z.enum(ROOT_CAUSE_CATEGORIES).nullable(), linkStatus: z.enum(['linked', 'proposed']), linkedAt: ms }),
);
export type CaseProblemView = z.infer<typeof caseProblemsResponse>[number];

export const candidateSchema = z.object({
  categoryId: z.string(),
  categoryName: z.string(),
  categoryNameEn: z.string().nullable(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  count: z.number(),
  firstReceivedAt: ms,
  lastReceivedAt: ms,
  /** The cases, newest first (at most 50). */
  caseIds: z.array(z.string()),
});
export const candidatesResponse = z.object({ from: ms, to: ms, items: z.array(candidateSchema) });
export type Candidate = z.infer<typeof candidateSchema>;
export type Candidates = z.infer<typeof candidatesResponse>;

export const actionOverdueResult = z.object({ marked: z.number() });
