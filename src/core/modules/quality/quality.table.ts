/**
 * Quality inspection (内部质检, SPEC 7): rubrics (one row a version), sampled and ad-hoc
 * inspections of cases, and the agents' appeals against them.
 */
export interface QualityRubricsTable {
  id: string;
  /** The rubric across its versions: an edit of a rubric already used makes a new row of the same family. */
  family_id: string;
  version: number;
  /** 1 on the family's latest version. */
  current: number;
  name: string;
  description: string | null;
  /** JSON RubricCriterion[] */
  criteria: string;
  /** A score below it fails the record (0..100). */
  pass_score: number;
  active: number;
  created_at: number;
  created_by: string;
}

export interface QualityPlansTable {
  id: string;
  name: string;
  /** Agents of this team (or a unit under it); null: every agent. */
  team_id: string | null;
  /** week | month */
  period: string;
  /** count | percent */
  mode: string;
  amount: number;
  rubric_family_id: string;
  seed: string;
  active: number;
  created_at: number;
  created_by: string;
  updated_at: number;
}

export interface QualityInspectionsTable {
  id: string;
  case_id: string;
  /** The agent inspected (who handled the case: owner, else assignee) and their team then. */
  agent_id: string;
  agent_team_id: string | null;
  inspector_id: string;
  /** The rubric version scored against (kept when the rubric changes later). */
  rubric_id: string;
  /** pending | submitted */
  status: string;
  /** Set for a sampled task: the plan, its period (2026-12, 2026-W49) and why the case was drawn. */
  plan_id: string | null;
  period_key: string | null;
  sample_reason: string | null;
  /** JSON CriterionScore[] */
  scores: string | null;
  comment: string | null;
  awarded: number | null;
  max_points: number | null;
  score: number | null;
  critical_failed: number;
  /** passed | failed, once submitted */
  result: string | null;
  created_at: number;
  submitted_at: number | null;
  /** Close of business of the last working day an appeal is accepted. */
  appeal_due_at: number | null;
}

export interface QualityAppealsTable {
  id: string;
  inspection_id: string;
  agent_id: string;
  reason: string;
  /** open | upheld | adjusted */
  status: string;
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
  /** The arbitrated scores (status adjusted); the inspection keeps the original. JSON CriterionScore[] */
  adjusted_scores: string | null;
  adjusted_score: number | null;
  adjusted_result: string | null;
}
