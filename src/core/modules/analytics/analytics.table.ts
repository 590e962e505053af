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
  /**
   * 1 once the case has an escalation. Escalations also come from the timer worker, outside any
   * case change: a trigger on case_escalations sets it (and the hooks never write it back).
   */
  escalated: number;
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

/**
 * Daily counts (UTC days: day = floor(ms / 86,400,000)) kept in step with case_metrics, so a
 * period's counts are a few hundred rollup rows plus the raw rows of its two partial edge days.
 *  - dim 'received', key '': cases received that day; repeats (repeat complaints), resolved
 *    (resolved now) and fcr (resolved at first contact) among them
 *  - dim 'channel' | 'type' | 'category' (key '' for none): cases received that day
 *  - dim 'closed', key close_reason: cases whose (current) close falls on that day
 *  - dim 'backlog', key '': the sum of the backlog moves of that day
 */
export interface AnalyticsDailyTable {
  day: number;
  dim: string;
  key: string;
  n: number;
  repeats: number;
  resolved: number;
  fcr: number;
}

/**
 * SLA outcomes per target kind and due day (UTC), kept by the analytics case hooks (every change
 * of a target's kind, deadline, completion or cancellation happens in a case change; the timer
 * worker only marks breaches, which changes no outcome): a target counts on the day of its
 * deadline, as met or breached by its state (commitments/outcome.ts; a running one as breached,
 * which it is once that day is past unless met first), not at all while paused or cancelled. The
 * period's partial edge days, and targets met ahead of a deadline after the period, are read raw.
 */
export interface SlaDailyTable {
  kind: string;
  day: number;
  met: number;
  breached: number;
}
