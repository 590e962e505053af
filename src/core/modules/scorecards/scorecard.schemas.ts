import { z } from 'zod';

/** The indicators a scorecard may weigh (SPEC 7): results (CSAT, resolution rate, FCR) and process (first response, QA). */
export const INDICATORS = ['csat', 'resolutionRate', 'fcr', 'firstResponse', 'qa'] as const;
export type Indicator = (typeof INDICATORS)[number];

export const scorecardConfigSchema = z.strictObject({
  /** Weight of each indicator in points out of 100; they must sum to 100 (an indicator left out weighs 0). */
  weights: z.record(z.enum(INDICATORS), z.number().int().min(0).max(100)),
  /** First response: full points at or below this median (business minutes) ... */
  firstResponseTargetMinutes: z.number().positive().max(10_000),
  /** ... falling linearly to 0 points at this multiple of the target. */
  firstResponseZeroAt: z.number().min(1.5).max(20),
});
export type ScorecardConfig = z.infer<typeof scorecardConfigSchema>;

export const periodQuery = z.strictObject({
  /** A calendar month (YYYY-MM, in the centre's zone UTC+8) ... */
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional(),
  /** ... or explicit instants [from, to), epoch ms. */
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
});
export type PeriodQuery = z.infer<typeof periodQuery>;

export const drillQuery = periodQuery.extend({
  figure: z.enum(['received', 'resolved', 'fcr', 'closed', 'solved']),
});

const points = z.number().nullable();
const indicatorFigure = z.object({
  /** The raw figure: CSAT mean (on its scale), a rate 0..1, a median in business minutes, a QA mean 0..100. */
  value: z.number().nullable(),
  /** How many answers, cases or inspections the figure is over. */
  basis: z.number().int(),
  points,
  weight: z.number(),
});

export const agentCard = z.object({
  agentId: z.string(),
  agentName: z.string(),
  role: z.string(),
  post: z.string().nullable(),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
  /** Cases received in the period assigned to the agent: the weight of the card in the roll-ups. */
  cases: z.number().int(),
  counts: z.object({ received: z.number(), resolved: z.number(), fcr: z.number(), closedCounted: z.number(), solved: z.number() }),
  indicators: z.record(z.enum(INDICATORS), indicatorFigure),
  /** Sum of points x weight / sum of the weights of the indicators with a figure (null when none has one). */
  total: points,
  rank: z.number().int().nullable(),
});
export type AgentCard = z.infer<typeof agentCard>;

export const rollup = z.object({ key: z.string().nullable(), name: z.string().nullable(), agents: z.number().int(), cases: z.number().int(), total: points });
export type Rollup = z.infer<typeof rollup>;

export const scorecardReport = z.object({
  from: z.number(),
  to: z.number(),
  config: scorecardConfigSchema,
  /** own: the viewer's own card only; team / department / all: the scope of the cards listed */
  scope: z.enum(['own', 'teams', 'all']),
  agents: z.array(agentCard),
  byTeam: z.array(rollup),
  byDepartment: z.array(rollup),
  byPost: z.array(rollup),
});
export type ScorecardReport = z.infer<typeof scorecardReport>;

export const drillResult = z.object({ agentId: z.string(), figure: z.string(), from: z.number(), to: z.number(), caseIds: z.array(z.string()) });
