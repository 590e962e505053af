/**
 * Internal collaboration (SPEC 3): a consultation request (内部协作/会商). The case's owner asks
 * another team (billing, logistics...) a question and keeps ownership (首问负责); the team answers
 * or declines within its own time limit. One row per request; the case timeline holds each step.
 */
export interface ConsultationsTable {
  id: string;
  case_id: string;
  /** The team asked. */
  target_team_id: string;
  /** The staff member who asked. */
  requested_by: string;
  /** The asker's team when they asked (null: a user without a team, e.g. a director). */
  requester_team_id: string | null;
  question: string;
  /** ConsultationStatus: open, answered, declined, withdrawn. */
  status: string;
  requested_at: number;
  /** The team's limit when it was asked, in business minutes on calendar_id (kept: a later change of the limit does not move this due time). */
  limit_minutes: number;
  calendar_id: string;
  due_at: number;
  /** Set once, by the overdue sweep, when it found the request still open past due_at. */
  overdue_at: number | null;
  /** When it was answered, declined or withdrawn, and by whom. */
  closed_at: number | null;
  closed_by: string | null;
  /** The answer, or the reason it was declined or withdrawn. */
  response: string | null;
}
