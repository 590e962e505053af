import { z } from 'zod';
import { CASE_TYPES, CHANNELS, COMPLAINT_GRADES, PRIORITIES } from '../cases/case.ts';
import { ROUTING_STRATEGIES, type RoutingRule, type RoutingStrategy, type RuleConditions } from './routing.ts';

/** The API contract of routing (SPEC 3): rules an admin keeps, and a dry run. */
const TIERS = ['vip', 'key', 'normal'] as const;
const id = z.string().min(1).max(64);
const language = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a language such as zh or en');
/** A condition, when given, names at least one value (an empty list would match no case: leave it out). */
const oneOf = <T extends z.ZodType>(item: T, max: number) => z.array(item).min(1).max(max).optional();

export const ruleConditions = z.strictObject({
  types: oneOf(z.enum(CASE_TYPES), CASE_TYPES.length),
  categoryIds: oneOf(id, 200),
  channels: oneOf(z.enum(CHANNELS), CHANNELS.length),
  languages: oneOf(language, 50),
  customerTiers: oneOf(z.enum(TIERS), TIERS.length),
  priorities: oneOf(z.enum(PRIORITIES), PRIORITIES.length),
  complaintGrades: oneOf(z.enum(COMPLAINT_GRADES), COMPLAINT_GRADES.length),
});

const skill = z.string().trim().min(1).max(100);

const ruleFields = {
  name: z.string().trim().min(1).max(200),
  position: z.number().int().min(0).max(1_000_000),
  enabled: z.boolean(),
  conditions: ruleConditions,
  teamId: id,
  strategy: z.enum(ROUTING_STRATEGIES),
  /** An agent must have each of these (users.skills). */
  requiredSkills: z.array(skill).max(20),
  /** An agent must speak the case's language (users.languages). */
  matchLanguage: z.boolean(),
  /** Agents with this many open cases or more are passed over; null: no cap. */
  maxOpenPerAgent: z.number().int().min(1).max(10_000).nullable(),
};

/** POST /api/v1/routing/rules: name, team and strategy; the rest has defaults (enabled, last position, matches every case). */
export const newRoutingRuleBody = z.strictObject({
  name: ruleFields.name,
  position: ruleFields.position.optional(),
  enabled: ruleFields.enabled.optional(),
  conditions: ruleFields.conditions.optional(),
  teamId: ruleFields.teamId,
  strategy: ruleFields.strategy,
  requiredSkills: ruleFields.requiredSkills.optional(),
  matchLanguage: ruleFields.matchLanguage.optional(),
  maxOpenPerAgent: ruleFields.maxOpenPerAgent.optional(),
});
export type NewRoutingRule = z.infer<typeof newRoutingRuleBody>;

/** PATCH /api/v1/routing/rules/:id: what is sent changes (enable/disable, reorder by position, ...). */
export const routingRulePatchBody = z
  .strictObject({
    name: ruleFields.name.optional(),
    position: ruleFields.position.optional(),
    enabled: ruleFields.enabled.optional(),
    conditions: ruleFields.conditions.optional(),
    teamId: ruleFields.teamId.optional(),
    strategy: ruleFields.strategy.optional(),
    requiredSkills: ruleFields.requiredSkills.optional(),
    matchLanguage: ruleFields.matchLanguage.optional(),
    maxOpenPerAgent: ruleFields.maxOpenPerAgent.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'name at least one field to change');
export type RoutingRulePatch = z.infer<typeof routingRulePatchBody>;

export const routingRuleParams = z.strictObject({ id });

/** POST /api/v1/routing/simulate: a would-be case; an omitted fact is one the case does not have. */
export const simulateRoutingBody = z.strictObject({
  type: z.enum(CASE_TYPES).optional(),
  categoryId: id.optional(),
  channel: z.enum(CHANNELS).optional(),
  language: language.optional(),
  customerTier: z.enum(TIERS).optional(),
  priority: z.enum(PRIORITIES).optional(),
  complaintGrade: z.enum(COMPLAINT_GRADES).optional(),
});
export type SimulateRoutingInput = z.infer<typeof simulateRoutingBody>;

/** A rule as the API shows it: the rule (routing.ts) and its round-robin cursor and times. */
export interface RoutingRuleView extends RoutingRule {
  /** Round-robin: the agent given the last case by this rule. */
  lastAssigneeId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RoutingSimulation {
  /** The rule that matches; null: no enabled rule does, the case stays unrouted. */
  rule: { id: string; name: string; position: number; strategy: RoutingStrategy } | null;
  teamId: string | null;
  /** The agent who would be given the case now; null: the team's queue. */
  assigneeId: string | null;
  /** The agents of the team who handle cases, each with their open cases and why one was passed over (null: eligible). */
  candidates: Array<{ id: string; name: string; role: string; openCases: number; excluded: 'authority' | 'skills' | 'language' | 'cap' | 'certification' | null }>;
}
