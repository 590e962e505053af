/**
 * Problem records (问题单) and their corrective/preventive actions (CAPA, SPEC 8). Times are epoch
 * ms; an action's due date is kept as the date it was given and the instant it is due.
 */
export interface ProblemsTable {
  id: string;
  title: string;
  description: string;
  /** ProblemStatus: open, analysing, actions, checking, closed, cancelled. */
  status: string;
  /** The lead who owns it (supervisor, manager, director). */
  owner_id: string;
  /** RootCauseCategory (people, process, system, product, policy), once analysed. */
  root_cause_category: string | null;
  root_cause: string | null;
  /** Calendar days from the last action done to the effectiveness check. */
  check_days: number;
  /** When the last open action was done (the problem went to checking); the evidence counts around it. */
  actions_done_at: number | null;
  /** The check's date and the close of business it is due at. */
  check_date: string | null;
  check_due_at: number | null;
  /** The last check recorded (CheckResult), with its evidence. */
  check_result: string | null;
  cancel_reason: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

/** A case linked to a problem; an agent's link is a proposal until a lead accepts it. */
export interface ProblemCasesTable {
  problem_id: string;
  case_id: string;
  /** linked | proposed */
  status: string;
  linked_by: string;
  linked_at: number;
}

export interface ProblemActionsTable {
  id: string;
  problem_id: string;
  /** ActionKind: corrective, preventive. */
  kind: string;
  description: string;
  owner_id: string;
  /** The date it is due (YYYY-MM-DD) and the close of business of it on calendar_id. */
  due_date: string;
  due_at: number;
  calendar_id: string;
  /** ActionStatus: open, done, cancelled. */
  status: string;
  completion_note: string | null;
  done_at: number | null;
  done_by: string | null;
  /** Set once, by the overdue sweep, when it found the action still open past due_at. */
  overdue_at: number | null;
  created_by: string;
  created_at: number;
}

/** Each effectiveness check recorded, with the counts shown as evidence when it was made. */
export interface ProblemChecksTable {
  id: string;
  problem_id: string;
  result: string;
  evidence: string;
  checked_by: string;
  checked_at: number;
  /** New cases in the linked cases' categories in the window before / after the actions were done. */
  cases_before: number | null;
  cases_after: number | null;
  window_days: number | null;
}
