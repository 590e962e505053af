/**
 * The analytics definitions of SPEC 8 as pure functions (no I/O): the per-case metrics row, its
 * backlog moves, and nearest-rank percentiles. The case hook, the rebuild and the bulk benchmark
 * loader all go through these, so every path computes the same figures.
 */
import { quickselect } from 'd3-array';
import type { CaseEventsTable, CasesTable } from '../cases/index.ts';
// its own file, not the module's index: the read thread loads this one (reads/jobs.ts)
import { OPEN_STATUSES } from '../cases/case.ts';
import type { BusinessCalendar } from '../commitments/index.ts';
import { outcomeOf } from '../commitments/outcome.ts';
import type { Database } from '../../db/database.ts';
import type { AnalyticsDailyTable, CaseBacklogMovesTable, CaseMetricsTable, SlaDailyTable } from './analytics.table.ts';

/** Statuses in which a case is still to be done: the backlog (SPEC 8). */
export const BACKLOG_STATUSES: readonly string[] = OPEN_STATUSES;
const OPEN = new Set<string>(OPEN_STATUSES);
export const isBacklogStatus = (s: string): boolean => OPEN.has(s);

/** The status during which time does not count towards resolution (waiting on the customer). */
export const PAUSED_STATUS = 'pending_customer';

/** Timeline event the field-service module writes for each visit on site (a second one spoils FCR). */
export const FIELD_VISIT_EVENT = 'field_visit';

/** The timeline event every escalation writes (escalate() and the timer worker). */
export const ESCALATED_EVENT = 'escalated';

/** Close reasons left out of the resolution rate altogether (SPEC 8). */
export const EXCLUDED_CLOSE_REASONS: readonly string[] = ['duplicate', 'spam'];

/**
 * Business minutes on the calendar between two instants; null when an instant lies outside the
 * years the calendar is precomputed for (an imported record from long ago), never an exception:
 * the hook runs inside the case's transaction and must not fail a case change.
 */
export function businessMinutes(cal: BusinessCalendar, from: number, to: number): number | null {
  try {
    return cal.businessMinutesBetween(from, to);
  } catch {
    return null;
  }
}

/**
 * The stored and reported unit: business minutes to the thousandth (60 ms), so both databases
 * hold and return the same decimal (SQLite renders a REAL in JSON with 15 significant digits).
 */
export const round3 = (minutes: number): number => Math.round(minutes * 1000) / 1000;

/**
 * Nearest rank (SPEC 8): the smallest value with at least pct% of the values at or below it.
 * `sorted` ascending; pct an integer 1..100 (the rank is computed in integers, so p90 of 10
 * values is the 9th exactly). Null for no values.
 */
export function nearestRank(sorted: ArrayLike<number>, pct: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return sorted[rankOf(n, pct) - 1]!;
}

function rankOf(n: number, pct: number): number {
  if (!Number.isInteger(pct) || pct < 1 || pct > 100) throw new RangeError(`percentile must be an integer 1..100, got ${pct}`);
  return Math.max(1, Math.ceil((pct * n) / 100));
}

/**
 * Median and p90 (nearest rank) of unsorted values, nulls left out. Two selections instead of a
 * sort (a dashboard's breakdown ranks 123,000 values a time at 90 days: sorting them was ~12 ms).
 */
export const medianAndP90 = (values: ArrayLike<number | null | undefined>): { n: number; median: number | null; p90: number | null } => medianAndP90Of([values]);

/** medianAndP90 of several lists' values taken together (a breakdown's groups: the period's figures). */
export function medianAndP90Of(parts: ReadonlyArray<ArrayLike<number | null | undefined>>): { n: number; median: number | null; p90: number | null } {
  let size = 0;
  for (const part of parts) size += part.length;
  const all = new Float64Array(size);
  let n = 0;
  for (const values of parts) {
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (x !== null && x !== undefined) all[n++] = x;
    }
  }
  if (n === 0) return { n, median: null, p90: null };
  const xs = all.subarray(0, n);
  const i90 = rankOf(n, 90) - 1;
  const i50 = rankOf(n, 50) - 1;
  // after the first selection every value left of i90 is <= xs[i90]: the median is selected among them
  quickselect(xs, i90);
  quickselect(xs, i50, 0, i90);
  return { n, median: xs[i50]!, p90: xs[i90]! };
}

/** What the metrics of a case carry from one change to the next (the rest is copied from the case row). */
export interface Progress {
  first_response_at: number | null;
  paused_since: number | null;
  paused_minutes: number;
  field_visits: number;
  escalated: number;
}

export const NO_PROGRESS: Progress = { first_response_at: null, paused_since: null, paused_minutes: 0, field_visits: 0, escalated: 0 };

/** One change of a case as the analytics see it. */
export interface Step {
  at: number;
  from: string;
  to: string;
  /** staff wrote to the customer: a public reply or the resolution */
  staffSpoke: boolean;
  fieldVisits: number;
}

/** The progress after a change, and its backlog move (-1 done, +1 reopened, 0 neither). */
export function advance(cal: BusinessCalendar, p: Progress, s: Step): { progress: Progress; delta: -1 | 0 | 1 } {
  const next: Progress = { ...p, field_visits: p.field_visits + s.fieldVisits };
  if (s.staffSpoke && next.first_response_at === null) next.first_response_at = s.at;
  const wasPaused = s.from === PAUSED_STATUS;
  const isPaused = s.to === PAUSED_STATUS;
  if (!wasPaused && isPaused) next.paused_since = s.at;
  if (wasPaused && !isPaused) {
    next.paused_minutes += businessMinutes(cal, next.paused_since ?? s.at, s.at) ?? 0;
    next.paused_since = null;
  }
  const wasOpen = isBacklogStatus(s.from);
  const isOpen = isBacklogStatus(s.to);
  return { progress: next, delta: wasOpen && !isOpen ? -1 : !wasOpen && isOpen ? 1 : 0 };
}

/** The columns of a case the metrics are made of (a bulk reader selects only these). */
export const METRICS_CASE_FIELDS = [
  'id', 'received_at', 'channel', 'type', 'category_id', 'team_id', 'assignee_id', 'status', 'is_repeat', 'first_response_at',
  'resolved_at', 'closed_at', 'close_reason', 'reopen_count', 'transfer_count', 'updated_at',
] as const satisfies ReadonlyArray<keyof CasesTable>;
export type MetricsCase = Pick<CasesTable, (typeof METRICS_CASE_FIELDS)[number]>;

/** The metrics row of a case: its current attributes from the case row, the times from its progress. */
export function rowOf(cal: BusinessCalendar, c: MetricsCase, p: Progress): CaseMetricsTable {
  // cases.first_response_at is the first staff reply; a resolution message before any reply also counts.
  const first = c.first_response_at !== null && (p.first_response_at === null || c.first_response_at < p.first_response_at) ? c.first_response_at : p.first_response_at;
  const resolvedAt = c.resolved_at;
  let resolution: number | null = null;
  if (resolvedAt !== null) {
    const gross = businessMinutes(cal, c.received_at, resolvedAt);
    resolution = gross === null ? null : round3(Math.max(0, gross - p.paused_minutes));
  }
  const firstMinutes = first === null ? null : businessMinutes(cal, c.received_at, first);
  return {
    case_id: c.id,
    received_at: c.received_at,
    channel: c.channel,
    type: c.type,
    category_id: c.category_id,
    team_id: c.team_id,
    assignee_id: c.assignee_id,
    status: c.status,
    is_repeat: c.is_repeat,
    first_response_at: first,
    first_response_minutes: firstMinutes === null ? null : round3(firstMinutes),
    resolved_at: resolvedAt,
    resolution_minutes: resolution,
    paused_since: p.paused_since,
    paused_minutes: p.paused_minutes,
    closed_at: c.closed_at,
    close_reason: c.close_reason,
    reopen_count: c.reopen_count,
    transfer_count: c.transfer_count,
    field_visits: p.field_visits,
    escalated: p.escalated,
    updated_at: c.updated_at,
  };
}

export const progressOf = (m: CaseMetricsTable): Progress => ({
  first_response_at: m.first_response_at,
  paused_since: m.paused_since,
  paused_minutes: m.paused_minutes,
  field_visits: m.field_visits,
  escalated: m.escalated,
});

/** What the metrics read of a timeline event (`data` is needed only for status_changed events). */
export type TimelineEvent = Pick<CaseEventsTable, 'type' | 'actor_kind' | 'visibility' | 'data' | 'created_at'> & { id?: string };

const staffSpokeIn = (e: { type: string; visibility: string }, actorKind: string) =>
  actorKind === 'staff' && e.visibility === 'public' && (e.type === 'reply' || e.type === 'resolved');

/** The status an event moves the case to, as far as the analytics care (pauses and done/open). */
function statusAfter(e: TimelineEvent, current: string): string {
  switch (e.type) {
    case 'status_changed': {
      try {
        const to = (JSON.parse(e.data ?? 'null') as { to?: unknown } | null)?.to;
        return typeof to === 'string' ? to : current;
      } catch {
        return current;
      }
    }
    case 'resolved':
      return 'resolved';
    case 'confirmed':
    case 'closed':
      return 'closed';
    case 'reopened':
      return 'reopened';
    default:
      return current;
  }
}

/**
 * The metrics row of a case and its backlog moves, from the case row and its whole timeline: what
 * the hook has maintained change by change (the hook and this agree; a test checks it). For the
 * bulk loader, the rebuild and cases that predate the analytics tables.
 *
 * `cal` is the standard calendar: `BusinessCalendar.fromSpec(STANDARD_CALENDAR)` (or the admin's
 * version of it, `calendarOf(ctx, 'standard')`). Events in any order; ties keep the given order.
 */
export function metricsRowFor(
  cal: BusinessCalendar,
  c: MetricsCase,
  events: readonly TimelineEvent[],
  /** escalated: whether the case has a row in case_escalations (default: an 'escalated' event on its timeline, which every escalation writes) */
  opts: { escalated?: boolean } = {},
): { row: CaseMetricsTable; moves: CaseBacklogMovesTable[] } {
  const timeline = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.created_at - b.e.created_at || (a.e.id && b.e.id ? (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0) : a.i - b.i))
    .map((x) => x.e);
  let p: Progress = { ...NO_PROGRESS };
  let status = 'new';
  const moves: CaseBacklogMovesTable[] = [];
  const move = (at: number, delta: number) => moves.push({ case_id: c.id, seq: moves.length, at, delta });
  for (const e of timeline) {
    if (e.type === ESCALATED_EVENT) p.escalated = 1;
    const to = statusAfter(e, status);
    const fieldVisits = e.type === FIELD_VISIT_EVENT ? 1 : 0;
    const spoke = staffSpokeIn(e, e.actor_kind);
    if (to === status && !spoke && !fieldVisits) continue;
    const r = advance(cal, p, { at: e.created_at, from: status, to, staffSpoke: spoke, fieldVisits });
    p = r.progress;
    if (r.delta) move(e.created_at, r.delta);
    status = to;
  }
  if (opts.escalated !== undefined) p.escalated = opts.escalated ? 1 : 0;
  // Rows written without a full timeline (imports, synthetic data): the case row has the last word.
  if (c.status === PAUSED_STATUS && p.paused_since === null) p.paused_since = c.updated_at;
  if (c.status !== PAUSED_STATUS && p.paused_since !== null) {
    p.paused_minutes += businessMinutes(cal, p.paused_since, c.resolved_at ?? c.updated_at) ?? 0;
    p.paused_since = null;
  }
  if (isBacklogStatus(status) !== isBacklogStatus(c.status)) {
    if (isBacklogStatus(c.status)) move(c.updated_at, 1);
    else move(c.resolved_at ?? c.closed_at ?? c.updated_at, -1);
  }
  return { row: rowOf(cal, c, p), moves };
}

/** The step of one change made through the case service (the hook's view). */
export function stepOf(before: Pick<CasesTable, 'status'>, after: Pick<CasesTable, 'status'>, at: number, actorKind: string, events: ReadonlyArray<{ type: string; visibility: string }>): Step {
  return {
    at,
    from: before.status,
    to: after.status,
    staffSpoke: events.some((e) => staffSpokeIn(e, actorKind)),
    fieldVisits: events.filter((e) => e.type === FIELD_VISIT_EVENT).length,
  };
}

/** The columns of case_metrics in the migration's order (for raw bulk INSERTs). */
export const METRICS_COLUMNS = [
  'case_id', 'received_at', 'channel', 'type', 'category_id', 'team_id', 'assignee_id', 'status', 'is_repeat',
  'first_response_at', 'first_response_minutes', 'resolved_at', 'resolution_minutes', 'paused_since', 'paused_minutes',
  'closed_at', 'close_reason', 'reopen_count', 'transfer_count', 'field_visits', 'escalated', 'updated_at',
] as const satisfies ReadonlyArray<keyof CaseMetricsTable>;

export const BACKLOG_MOVE_COLUMNS = ['case_id', 'seq', 'at', 'delta'] as const satisfies ReadonlyArray<keyof CaseBacklogMovesTable>;

// Compile-time: every column is listed.
type Missing<T, L extends ReadonlyArray<keyof T>> = Exclude<keyof T, L[number]>;
const _allMetrics: [Missing<CaseMetricsTable, typeof METRICS_COLUMNS>] extends [never] ? true : never = true;
const _allMoves: [Missing<CaseBacklogMovesTable, typeof BACKLOG_MOVE_COLUMNS>] extends [never] ? true : never = true;
void _allMetrics;
void _allMoves;

// ---- daily rollups -------------------------------------------------------------------------

export const DAY_MS = 86_400_000;
/** The rollup day of an instant: UTC days since the epoch (the read side splits a period at these). */
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/** First-contact resolution (SPEC 8): resolved, never reopened, never sent to another team, at most one field visit. */
export const isFirstContactResolution = (m: Pick<CaseMetricsTable, 'resolved_at' | 'reopen_count' | 'transfer_count' | 'field_visits'>): boolean =>
  m.resolved_at !== null && m.reopen_count === 0 && m.transfer_count === 0 && m.field_visits <= 1;

export type DailyCounts = Omit<AnalyticsDailyTable, 'day' | 'dim' | 'key'>;

/** What one case adds to analytics_daily. */
export function dailyOf(m: CaseMetricsTable): AnalyticsDailyTable[] {
  const day = dayOf(m.received_at);
  const one = (dim: string, key: string, extra: Partial<DailyCounts> = {}): AnalyticsDailyTable => ({ day, dim, key, n: 1, repeats: 0, resolved: 0, fcr: 0, ...extra });
  const out = [
    one('received', '', {
      repeats: m.type === 'complaint' && m.is_repeat === 1 ? 1 : 0,
      resolved: m.resolved_at !== null ? 1 : 0,
      fcr: isFirstContactResolution(m) ? 1 : 0,
    }),
    one('channel', m.channel),
    one('type', m.type),
    one('category', m.category_id ?? ''),
  ];
  if (m.closed_at !== null) out.push({ ...one('closed', m.close_reason ?? ''), day: dayOf(m.closed_at) });
  return out;
}

/** What one backlog move adds to analytics_daily. */
export const dailyOfMove = (mv: Pick<CaseBacklogMovesTable, 'at' | 'delta'>): AnalyticsDailyTable => ({ day: dayOf(mv.at), dim: 'backlog', key: '', n: mv.delta, repeats: 0, resolved: 0, fcr: 0 });

const dailyKey = (d: Pick<AnalyticsDailyTable, 'day' | 'dim' | 'key'>) => `${String(d.day).padStart(8, '0')}|${d.dim}|${d.key}`;

/** Sums rollup contributions by (day, dim, key); `sign` -1 subtracts. */
export class DailyRollup {
  private readonly m = new Map<string, AnalyticsDailyTable>();
  add(rows: Iterable<AnalyticsDailyTable>, sign: 1 | -1 = 1): this {
    for (const r of rows) {
      const k = dailyKey(r);
      const cur = this.m.get(k);
      if (cur) {
        cur.n += sign * r.n;
        cur.repeats += sign * r.repeats;
        cur.resolved += sign * r.resolved;
        cur.fcr += sign * r.fcr;
      } else this.m.set(k, { day: r.day, dim: r.dim, key: r.key, n: sign * r.n, repeats: sign * r.repeats, resolved: sign * r.resolved, fcr: sign * r.fcr });
    }
    return this;
  }
  /** The non-zero rows in (day, dim, key) order: the order writers lock them in, so two never deadlock. */
  rows(): AnalyticsDailyTable[] {
    return [...this.m.entries()]
      .filter(([, r]) => r.n !== 0 || r.repeats !== 0 || r.resolved !== 0 || r.fcr !== 0)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([, r]) => r);
  }
}

export const ANALYTICS_DAILY_COLUMNS = ['day', 'dim', 'key', 'n', 'repeats', 'resolved', 'fcr'] as const satisfies ReadonlyArray<keyof AnalyticsDailyTable>;

// ---- SLA outcomes by due day ---------------------------------------------------------------

export type TargetOutcome = Pick<Database['case_targets'], 'kind' | 'due_at' | 'met_at' | 'state'>;

/** A target's outcome where its deadline falls (SPEC 8), by its state (commitments/outcome.ts); none when paused or cancelled. */
export function slaOf(t: TargetOutcome): SlaDailyTable | null {
  const o = outcomeOf(t.state);
  if (o === null) return null;
  return { kind: t.kind, day: dayOf(t.due_at), met: o === 'met' ? 1 : 0, breached: o === 'breached' ? 1 : 0 };
}

/** Sums SLA outcomes by (kind, day); `sign` -1 subtracts. */
export class SlaRollup {
  private readonly m = new Map<string, SlaDailyTable>();
  add(targets: Iterable<TargetOutcome>, sign: 1 | -1 = 1): this {
    for (const t of targets) {
      const o = slaOf(t);
      if (o) this.put(o, sign);
    }
    return this;
  }
  /** Adds rows of another rollup (deltas). */
  addRows(rows: Iterable<SlaDailyTable>): this {
    for (const r of rows) this.put(r, 1);
    return this;
  }
  private put(o: SlaDailyTable, sign: 1 | -1): void {
    const k = `${o.kind}|${String(o.day).padStart(8, '0')}`;
    const cur = this.m.get(k);
    if (cur) {
      cur.met += sign * o.met;
      cur.breached += sign * o.breached;
    } else this.m.set(k, { ...o, met: sign * o.met, breached: sign * o.breached });
  }
  /** The non-zero rows in (kind, day) order (the lock order). */
  rows(): SlaDailyTable[] {
    return [...this.m.entries()]
      .filter(([, r]) => r.met !== 0 || r.breached !== 0)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([, r]) => r);
  }
}
