/**
 * Follow-ups (回访, SPEC 5): a call or visit to the customer after a case was resolved (kind
 * `case`), or one step of a periodic plan for a customer under a delivered project (kind `plan`).
 * One row a follow-up; each contact attempt is a row of followup_attempts.
 */
export interface FollowupsTable {
  id: string;
  /** FollowupKind: case, plan. */
  kind: string;
  /** The resolved case (kind case). */
  case_id: string | null;
  /** The case's customer, or the plan's. */
  customer_id: string | null;
  plan_id: string | null;
  /** Which step of its plan (1 = a month after delivery ... 12 = a year, 13 = 15 months...). */
  plan_step: number | null;
  /** FollowupStatus: pending, done, unreachable (the maximum attempts without reaching the customer), cancelled. */
  status: string;
  assignee_id: string | null;
  team_id: string | null;
  /** When it was scheduled: the case's resolution, or the plan's step was generated. */
  scheduled_at: number;
  due_at: number;
  calendar_id: string;
  /** The limit in working days it was scheduled with (kind case); kept: a later change of the setting does not move it. */
  working_days: number | null;
  /** Set once, by the overdue sweep, when it found the follow-up still pending past due_at. */
  overdue_at: number | null;
  attempts: number;
  last_attempt_at: number | null;
  /** When it was done, given up as unreachable or cancelled, and by whom (null: the system). */
  closed_at: number | null;
  closed_by: string | null;
  /** How the customer was reached (phone, visit, email, sms), and what they said. */
  method: string | null;
  /** FollowupResult: satisfied, neutral, dissatisfied. */
  result: string | null;
  /** What a dissatisfied result led to: reopen, escalate. */
  action: string | null;
  /** The case's escalation level after an escalate (null: no raise; the lead was told). */
  escalation_level: number | null;
  notes: string | null;
  /** Why it was cancelled: case_reopened, plan_paused, plan_ended, customer_erased. */
  cancel_reason: string | null;
  created_at: number;
}

/** Every contact attempt of a follow-up, reached or not. */
export interface FollowupAttemptsTable {
  id: string;
  followup_id: string;
  at: number;
  by_user: string;
  method: string;
  reached: number;
  result: string | null;
  notes: string | null;
}

/** A periodic follow-up plan for a customer under a delivered project (SPEC 5: monthly in the first year, quarterly after). */
export interface FollowupPlansTable {
  id: string;
  customer_id: string;
  title: string;
  /** YYYY-MM-DD: the steps count from it. */
  delivered_on: string;
  /** YYYY-MM-DD, inclusive: no step after it (null: open-ended). */
  ends_on: string | null;
  /** PlanStatus: active, paused, ended. */
  status: string;
  assignee_id: string | null;
  team_id: string | null;
  /** The last step generated (0: none yet). */
  last_step: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}
