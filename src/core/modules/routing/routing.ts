/**
 * Routing (SPEC 3, 分派): the pure rules. Which rule a new case matches, which agents of its team
 * may take it, and which of them a strategy picks. No I/O: routing.service.ts reads the rules,
 * the agents and their loads, and writes the round-robin cursor.
 *
 * Routing never looks at a customer's region, sex or age (SPEC 10): the facts below are the case's.
 */
import { minimumAuthorityForGrade } from '../cases/case.ts';
import { authorityOf } from '../users/roles.ts';

export const ROUTING_STRATEGIES = ['none', 'round_robin', 'least_loaded'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** Roles that handle cases (an inspector or admin of the team is never given one). */
export const HANDLING_ROLES = ['agent', 'supervisor', 'manager', 'director'] as const;

/** Each condition lists the values it accepts; an omitted one accepts every case. */
export interface RuleConditions {
  types?: string[] | undefined;
  categoryIds?: string[] | undefined;
  channels?: string[] | undefined;
  /** Primary language subtags (zh, en): `zh-CN` is `zh`. */
  languages?: string[] | undefined;
  customerTiers?: string[] | undefined;
  priorities?: string[] | undefined;
  complaintGrades?: string[] | undefined;
}

export interface RoutingRule {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: RuleConditions;
  teamId: string;
  strategy: RoutingStrategy;
  requiredSkills: string[];
  matchLanguage: boolean;
  maxOpenPerAgent: number | null;
}

/** What routing knows of a new case (null: the case has none, e.g. no category, no customer). */
export interface CaseFacts {
  type: string | null;
  categoryId: string | null;
  channel: string | null;
  language: string | null;
  customerTier: string | null;
  priority: string | null;
  complaintGrade: string | null;
}

/** `zh-CN` -> `zh`; languages are compared by their primary subtag. */
export const primaryLanguage = (lang: string | null | undefined): string | null => {
  const p = lang?.trim().toLowerCase().split(/[-_]/)[0];
  return p ? p : null;
};

const accepts = (values: string[] | undefined, value: string | null): boolean => values === undefined || (value !== null && values.includes(value));

export function matches(c: RuleConditions, f: CaseFacts): boolean {
  return (
    accepts(c.types, f.type) &&
    accepts(c.categoryIds, f.categoryId) &&
    accepts(c.channels, f.channel) &&
    accepts(c.languages?.map((l) => primaryLanguage(l)!), primaryLanguage(f.language)) &&
    accepts(c.customerTiers, f.customerTier) &&
    accepts(c.priorities, f.priority) &&
    accepts(c.complaintGrades, f.complaintGrade)
  );
}

/** The first enabled rule, by position (then id), whose conditions match the case. */
export function firstMatch<R extends Pick<RoutingRule, 'id' | 'position' | 'enabled' | 'conditions'>>(rules: readonly R[], f: CaseFacts): R | undefined {
  const ordered = [...rules].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ordered.find((r) => r.enabled && matches(r.conditions, f));
}

export interface Candidate {
  id: string;
  name: string;
  role: string;
  skills: string[];
  languages: string[];
}

/** Why an agent of the team was passed over; null: eligible. */
export type Exclusion = 'authority' | 'skills' | 'language' | 'cap';

export function exclusionOf(rule: Pick<RoutingRule, 'requiredSkills' | 'matchLanguage' | 'maxOpenPerAgent'>, f: CaseFacts, a: Candidate, openCases: number): Exclusion | null {
  if (authorityOf(a.role) < minimumAuthorityForGrade(f.complaintGrade)) return 'authority';
  if (!rule.requiredSkills.every((s) => a.skills.includes(s))) return 'skills';
  if (rule.matchLanguage) {
    const lang = primaryLanguage(f.language);
    if (lang === null || !a.languages.some((l) => primaryLanguage(l) === lang)) return 'language';
  }
  if (rule.maxOpenPerAgent !== null && openCases >= rule.maxOpenPerAgent) return 'cap';
  return null;
}

/**
 * Round-robin: the first eligible agent after the one given the last case, in a stable order
 * (by id: the order agents were created in), wrapping around. The last one need not be eligible
 * now (or exist): the rotation goes on from where it was.
 */
export function nextInTurn(eligible: readonly Pick<Candidate, 'id'>[], lastId: string | null): string | undefined {
  if (eligible.length === 0) return undefined;
  const ids = eligible.map((a) => a.id).sort();
  if (lastId === null) return ids[0];
  return ids.find((id) => id > lastId) ?? ids[0];
}

/** Least-loaded: the eligible agent with the fewest open cases; a tie goes to the first by id. */
export function leastLoaded(eligible: readonly Pick<Candidate, 'id'>[], load: (id: string) => number): string | undefined {
  let best: { id: string; n: number } | undefined;
  for (const a of eligible) {
    const n = load(a.id);
    if (!best || n < best.n || (n === best.n && a.id < best.id)) best = { id: a.id, n };
  }
  return best?.id;
}
