/**
 * Analytics read models (SPEC 8), maintained at write time by the analytics case hook (and by the
 * bulk loader through `metricsRowFor`), so a dashboard is a handful of indexed range scans.
 */

/** One row per case: what the indicators need, with business minutes already computed. */
export interface CaseMetricsTable {
  case_id: string;
  /** The period a case belongs to is the one its receipt falls in. */
  received_at: number;
  channel: string;
  type: string;
  category_id: string | null;
  team_id: string | null;
  assignee_id: string | null;
  /** The case's current status (a copy of cases.status). */
  status: string;
  is_repeat: number;
  /** First public reply by staff (a reply or the resolution message; acknowledgements are by the system). */
  first_response_at: number | null;
  /** Business minutes on the standard calendar from receipt to first_response_at. */
  first_response_minutes: number | null;
  /** The latest resolution while the case stands resolved (or closed after it); null when open again. */
  resolved_at: number | null;
  /** Business minutes from receipt to resolved_at, minus the paused (pending_customer) business minutes. */
  resolution_minutes: number | null;
  /** Since when the case waits on the customer (status pending_customer); null when not paused. */
  paused_since: number | null;
  /** Business minutes spent in pending_customer, over finished pauses. */
  paused_minutes: number;
  closed_at: number | null;
  close_reason: string | null;
  reopen_count: number;
  /** Transfers to another team (cases.transfer_count). */
  transfer_count: number;
  /** Field visits made for the case (kept by field service; a second visit spoils first-contact resolution). */
  field_visits: number;
  updated_at: number;
}

/**
 * Every change of a case between "still to do" (new, open, pending_*, reopened) and "done"
 * (resolved, closed) after its receipt: -1 when it is resolved or closed, +1 when it is reopened.
 * The backlog at a past instant T is the backlog now, minus the cases received at or after T,
 * minus the sum of the moves after T.
 */
export interface CaseBacklogMovesTable {
  case_id: string;
  /** 0, 1, 2 ... in the case's life */
  seq: number;
  at: number;
  delta: number;
}
