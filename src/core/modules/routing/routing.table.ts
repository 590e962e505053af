/**
 * Routing rules (SPEC 3, 分派): the first enabled rule, by position, whose conditions match a new
 * case sends it to a team and, by the rule's strategy, to an agent of that team.
 */
export interface RoutingRulesTable {
  id: string;
  name: string;
  /** Order of evaluation, lowest first; ties by id (creation order). */
  position: number;
  /** 0/1 */
  enabled: number;
  /** JSON RuleConditions (routing.ts): each omitted condition matches every case. */
  conditions: string;
  team_id: string;
  /** RoutingStrategy: none (team queue only), round_robin, least_loaded */
  strategy: string;
  /** JSON string[]: an agent must have every one of these skills (users.skills). */
  required_skills: string;
  /** 0/1: an agent must speak the case's language (users.languages). */
  match_language: number;
  /** An agent with this many open cases or more is passed over; null: no cap. */
  max_open_per_agent: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * Round-robin's cursor of a rule: the agent it gave the last case to. Written by intake in the
 * case's transaction (see routing.service.ts, PendingCursors), not with the rule, so an intake
 * never locks the rule an admin edits.
 */
export interface RoutingCursorsTable {
  rule_id: string;
  last_user_id: string | null;
  updated_at: number;
}
