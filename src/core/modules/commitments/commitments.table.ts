

/** Custom calendars and admin edits of the shipped ones (a row overrides the built-in of that id). */
export interface CalendarsTable {
  id: string;
  name: string;
  spec: string; // JSON CalendarSpec
  updated_at: number;
}

export interface CommitmentPoliciesTable {
  id: string;
  code: string;
  name: string;
  name_en: string;
  /** Policies are tried in ascending position; each target comes from the first match that sets it. */
  position: number;
  match: string; // JSON PolicyMatch
  calendar_id: string;
  targets: string; // JSON PolicyTargets
  warn_fractions: string; // JSON number[]
  escalate_on_warning: number;
  active: number;
  published: number;
  updated_at: number;
}

/** A commitment applied to one case: a running timer until met, breached or cancelled. */
export interface CaseTargetsTable {
  id: string;
  case_id: string;
  kind: string;
  policy_id: string | null;
  calendar_id: string;
  team_id: string | null;
  started_at: number;
  /** The budget in business minutes on the calendar (working-day targets are converted at start). */
  budget_minutes: number;
  /** Business minutes already used before the current running stretch (pauses split stretches). */
  consumed_minutes: number;
  running_since: number | null;
  due_at: number;
  state: 'running' | 'paused' | 'met' | 'breached' | 'cancelled';
  warned: number;
  met_at: number | null;
  breached_at: number | null;
  /** Business minutes from start to completion, pauses excluded. */
  elapsed_minutes: number | null;
  /** When the timer worker must look at this row next (next warning or the deadline); null when done. */
  next_check_at: number | null;
  created_at: number;
}

export interface CaseEscalationsTable {
  id: string;
  case_id: string;
  level: number;
  target_id: string | null;
  reason: string;
  notified: string; // JSON user ids
  created_at: number;
}

export interface TeamHandlingLimitsTable {
  team_id: string;
  minutes: number | null;
  working_days: number | null;
  calendar_id: string;
  updated_at: number;
}

export interface RemedyRulesTable {
  id: string;
  position: number;
  match: string; // JSON RemedyMatch
  proposal: string; // JSON RemedyProposal
  active: number;
  updated_at: number;
}

export interface RemediesTable {
  id: string;
  case_id: string;
  target_id: string | null;
  rule_id: string | null;
  status: 'proposed' | 'approved' | 'rejected';
  proposal: string; // JSON
  final: string | null; // JSON, as approved (possibly changed)
  decided_by: string | null;
  decided_at: number | null;
  note: string | null;
  created_at: number;
}

