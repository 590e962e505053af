import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { BACKLOG_STATUSES, EXCLUDED_CLOSE_REASONS, nearestRank } from './metrics.ts';
import { complianceBetween, type TargetCompliance } from './sla.ts';

export const GROUP_BYS = ['team', 'agent', 'channel'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const DAY_MS = 86_400_000;
export const DEFAULT_DAYS = 30;
/** SPEC 8: the resolution rate's target. */
export const RESOLUTION_RATE_TARGET = 0.95;
/** An escalation recorded at intake (urgent complaints) may carry a time up to this much before a receipt stamped by the client. */
const RECEIPT_SKEW_MS = 60_000;

export interface SummaryQuery {
  from?: number | undefined;
  to?: number | undefined;
  days?: number | undefined;
  groupBy?: GroupBy | undefined;
}

export interface Period {
  from: number;
  to: number;
  /** set when the period was asked as the last N days up to now */
  days: number | null;
}

/** [from, to): explicit instants, or the last `days` days up to now (default 30). */
export function periodOf(now: number, q: SummaryQuery): Period {
  if (q.from !== undefined && q.to !== undefined) return { from: q.from, to: q.to, days: null };
  const days = q.days ?? DEFAULT_DAYS;
  return { from: now - days * DAY_MS, to: now, days };
}

/** How to list the cases behind a figure with GET /api/v1/cases. */
export interface Drill {
  href: string;
  /** the list endpoint's query parameters */
  filter: Record<string, string>;
  /** false when the list returns more cases than the figure counts: `also` names what the list cannot filter on */
  exact: boolean;
  also?: string;
}

export interface Label {
  zh: string;
  en: string;
}

export interface VolumeRow {
  key: string | null;
  label: Label | null;
  count: number;
  /** count / cases received in the period */
  share: number;
  drill: Drill;
}

export interface TimeFigure {
  /** cases of the period with a value */
  cases: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
  drill: Drill;
}

export interface RateFigure {
  numerator: number;
  denominator: number;
  /** numerator / denominator; null when the denominator is 0 */
  rate: number | null;
  drill: Drill;
}

export interface BreakdownRow {
  key: string | null;
  label: Label | null;
  received: number;
  firstResponse: TimeFigure;
  resolution: TimeFigure;
  drill: Drill;
}

export interface AnalyticsSummary {
  period: { from: number; to: number; days: number | null; calendar: string; generatedAt: number };
  received: { count: number; drill: Drill };
  volumes: { byChannel: VolumeRow[]; byType: VolumeRow[]; byCategory: VolumeRow[] };
  /** business minutes from receipt to the first public reply by staff (nearest-rank median and p90) */
  firstResponse: TimeFigure;
  /** business minutes from receipt to the last resolution, paused time excluded */
  resolution: TimeFigure;
  /** closed as solved / closed in the period (duplicate and spam left out) */
  resolutionRate: RateFigure & { target: number; meetsTarget: boolean | null; closedByReason: Record<string, number>; excluded: number };
  /** resolved with no reopen, no transfer to another team, no second field visit / resolved */
  firstContactResolution: RateFigure;
  /** repeat complaints / complaints */
  repeatComplaintRate: RateFigure;
  /** cases with an escalation / cases */
  escalationRate: RateFigure;
  /** complaints received / active customers at the period's end x 10,000 */
  complaintsPer10kCustomers: { complaints: number; activeCustomers: number; value: number | null; drill: Drill };
  /** cases received before `at` and neither resolved nor closed at that instant */
  backlog: { at: number; current: boolean; count: number; drill: Drill };
  sla: TargetCompliance[];
  breakdown?: { by: GroupBy; rows: BreakdownRow[] };
}

const drillOf = (filter: Record<string, string | number>, also?: string): Drill => {
  const f = Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)]));
  return { href: `/api/v1/cases?${new URLSearchParams(f).toString()}`, filter: f, exact: also === undefined, ...(also ? { also } : {}) };
};

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);
const num = (x: unknown): number => Number(x ?? 0);

function timesOf(values: Float64Array, n: number, drill: Drill): TimeFigure {
  const sorted = values.subarray(0, n).sort();
  return { cases: n, medianMinutes: nearestRank(sorted, 50), p90Minutes: nearestRank(sorted, 90), drill };
}

/** A growable Float64Array (values of a period: up to some hundred thousand). */
class Floats {
  a = new Float64Array(1024);
  n = 0;
  push(x: number) {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
}

/**
 * The dashboard figures of SPEC 8 for the cases received in a period, from the analytics read
 * models: a handful of indexed range scans, with the percentiles taken in JS over the period's
 * values (nearest rank).
 */
export async function analyticsSummary(ctx: Ctx, q: SummaryQuery): Promise<AnalyticsSummary> {
  const now = ctx.clock.now();
  const { from, to, days } = periodOf(now, q);
  const inPeriod = { receivedFrom: from, receivedTo: to };
  const db = ctx.db;
  const received = db.selectFrom('case_metrics').where('received_at', '>=', from).where('received_at', '<', to);
  const groupCol = q.groupBy === 'team' ? 'team_id' : q.groupBy === 'agent' ? 'assignee_id' : q.groupBy === 'channel' ? 'channel' : null;
  const current = to >= now;

  const [volumeRows, timeRows, escalated, closedRows, backlogCount, customers, sla, categories] = await Promise.all([
    received
      .select([
        'channel',
        'type',
        'category_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when is_repeat = 1 then 1 else 0 end)`.as('repeats'),
        sql<number>`sum(case when resolved_at is not null then 1 else 0 end)`.as('resolved'),
        sql<number>`sum(case when resolved_at is not null and reopen_count = 0 and transfer_count = 0 and field_visits <= 1 then 1 else 0 end)`.as('fcr'),
      ])
      .groupBy(['channel', 'type', 'category_id'])
      .execute(),
    groupCol
      ? received.select([sql<string | null>`${sql.ref(groupCol)}`.as('g'), 'first_response_minutes as fr', 'resolution_minutes as res']).execute()
      : received
          .select([sql<null>`null`.as('g'), 'first_response_minutes as fr', 'resolution_minutes as res'])
          .where((eb) => eb.or([eb('first_response_minutes', 'is not', null), eb('resolution_minutes', 'is not', null)]))
          .execute(),
    db
      .selectFrom('case_escalations as e')
      .innerJoin('case_metrics as m', 'm.case_id', 'e.case_id')
      .select(sql<number>`count(distinct e.case_id)`.as('n'))
      .where('e.created_at', '>=', from - RECEIPT_SKEW_MS)
      .where('m.received_at', '>=', from)
      .where('m.received_at', '<', to)
      .executeTakeFirst(),
    db
      .selectFrom('case_metrics')
      .select(['close_reason', sql<number>`count(*)`.as('n')])
      .where('closed_at', 'is not', null)
      .where('closed_at', '>=', from)
      .where('closed_at', '<', to)
      .groupBy('close_reason')
      .execute(),
    backlogAt(ctx, current ? now : to, current),
    db
      .selectFrom('customers')
      .select(sql<number>`count(*)`.as('n'))
      .where('status', '=', 'active')
      .where('created_at', '<', to)
      .executeTakeFirst(),
    complianceBetween(ctx, from, to),
    db.selectFrom('categories').select(['id', 'name', 'name_en']).execute(),
  ]);

  // ---- volumes and the rates over cases received --------------------------------------------
  let total = 0;
  let complaints = 0;
  let repeats = 0;
  let resolved = 0;
  let fcr = 0;
  const byChannel = new Map<string, number>();
  const byType = new Map<string, number>();
  const byCategory = new Map<string | null, number>();
  for (const r of volumeRows) {
    const n = num(r.n);
    total += n;
    resolved += num(r.resolved);
    fcr += num(r.fcr);
    if (r.type === 'complaint') {
      complaints += n;
      repeats += num(r.repeats);
    }
    byChannel.set(r.channel, (byChannel.get(r.channel) ?? 0) + n);
    byType.set(r.type, (byType.get(r.type) ?? 0) + n);
    byCategory.set(r.category_id, (byCategory.get(r.category_id) ?? 0) + n);
  }
  const categoryLabel = new Map(categories.map((c) => [c.id, { zh: c.name, en: c.name_en }]));
  const rows = <K extends string | null>(m: Map<K, number>, label: (k: K) => Label | null, drill: (k: K) => Drill): VolumeRow[] =>
    [...m]
      .sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
      .map(([key, count]) => ({ key, label: label(key), count, share: count / total, drill: drill(key) }));

  // ---- times ---------------------------------------------------------------------------------
  const fr = new Floats();
  const res = new Floats();
  const groups = new Map<string | null, { received: number; fr: Floats; res: Floats }>();
  for (const r of timeRows) {
    if (r.fr !== null) fr.push(Number(r.fr));
    if (r.res !== null) res.push(Number(r.res));
    if (groupCol) {
      let g = groups.get(r.g);
      if (!g) groups.set(r.g, (g = { received: 0, fr: new Floats(), res: new Floats() }));
      g.received++;
      if (r.fr !== null) g.fr.push(Number(r.fr));
      if (r.res !== null) g.res.push(Number(r.res));
    }
  }

  // ---- closed in the period --------------------------------------------------------------------
  const closedByReason: Record<string, number> = {};
  for (const r of closedRows) closedByReason[r.close_reason ?? 'unknown'] = num(r.n);
  const excluded = EXCLUDED_CLOSE_REASONS.reduce((s, k) => s + (closedByReason[k] ?? 0), 0);
  const closedCounted = Object.values(closedByReason).reduce((s, n) => s + n, 0) - excluded;
  const solved = closedByReason.solved ?? 0;
  const rate = ratio(solved, closedCounted);

  const activeCustomers = num(customers?.n);
  const summary: AnalyticsSummary = {
    period: { from, to, days, calendar: 'standard', generatedAt: now },
    received: { count: total, drill: drillOf(inPeriod) },
    volumes: {
      byChannel: rows(byChannel, () => null, (k) => drillOf({ ...inPeriod, channel: k })),
      byType: rows(byType, () => null, (k) => drillOf({ ...inPeriod, type: k })),
      byCategory: rows(
        byCategory,
        (k) => (k === null ? null : (categoryLabel.get(k) ?? null)),
        (k) => drillOf(inPeriod, k === null ? 'no category' : `category ${k}`),
      ),
    },
    firstResponse: timesOf(fr.a, fr.n, drillOf(inPeriod, 'a first staff reply recorded')),
    resolution: timesOf(res.a, res.n, drillOf(inPeriod, 'resolved (status resolved, or closed after a resolution)')),
    resolutionRate: {
      numerator: solved,
      denominator: closedCounted,
      rate,
      target: RESOLUTION_RATE_TARGET,
      meetsTarget: rate === null ? null : rate >= RESOLUTION_RATE_TARGET,
      closedByReason,
      excluded,
      drill: drillOf({ status: 'closed' }, `closed between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}, not as duplicate or spam`),
    },
    firstContactResolution: {
      numerator: fcr,
      denominator: resolved,
      rate: ratio(fcr, resolved),
      drill: drillOf(inPeriod, 'resolved, never reopened, never transferred to another team, at most one field visit'),
    },
    repeatComplaintRate: {
      numerator: repeats,
      denominator: complaints,
      rate: ratio(repeats, complaints),
      drill: drillOf({ ...inPeriod, type: 'complaint', isRepeat: 'true' }),
    },
    escalationRate: {
      numerator: num(escalated?.n),
      denominator: total,
      rate: ratio(num(escalated?.n), total),
      drill: drillOf(inPeriod, 'escalated at least once'),
    },
    complaintsPer10kCustomers: {
      complaints,
      activeCustomers,
      value: activeCustomers === 0 ? null : (complaints / activeCustomers) * 10_000,
      drill: drillOf({ ...inPeriod, type: 'complaint' }),
    },
    backlog: {
      at: current ? now : to,
      current,
      count: backlogCount,
      drill: drillOf(
        current ? { status: BACKLOG_STATUSES.join(',') } : { receivedTo: to },
        current ? undefined : `neither resolved nor closed at ${new Date(to).toISOString()}`,
      ),
    },
    sla,
  };

  if (groupCol) {
    const labels = await groupLabels(ctx, q.groupBy!, [...groups.keys()].filter((k): k is string => k !== null));
    const keyFilter = (k: string | null): Drill =>
      q.groupBy === 'channel'
        ? drillOf({ ...inPeriod, channel: k ?? '' })
        : q.groupBy === 'agent'
          ? drillOf({ ...inPeriod, assigneeId: k ?? 'none' })
          : k === null
            ? drillOf(inPeriod, 'no team')
            : drillOf({ ...inPeriod, teamId: k });
    summary.breakdown = {
      by: q.groupBy!,
      rows: [...groups]
        .sort((a, b) => b[1].received - a[1].received || String(a[0]).localeCompare(String(b[0])))
        .map(([key, g]) => {
          const drill = keyFilter(key);
          const also = (what: string): Drill => ({ ...drill, exact: false, also: drill.also ? `${drill.also}; ${what}` : what });
          return {
            key,
            label: key === null ? null : (labels.get(key) ?? null),
            received: g.received,
            firstResponse: timesOf(g.fr.a, g.fr.n, also('a first staff reply recorded')),
            resolution: timesOf(g.res.a, g.res.n, also('resolved')),
            drill,
          };
        }),
    };
  }
  return summary;
}

/**
 * The backlog at an instant. Now: the cases whose status is new, open, pending_customer,
 * pending_internal or reopened. At a past instant T: cases received before T and neither resolved
 * nor closed at T = the backlog now, minus the cases received at or after T, minus the moves
 * (done -1, reopened +1) after T.
 */
export async function backlogAt(ctx: Ctx, at: number, current: boolean): Promise<number> {
  const open = await ctx.db
    .selectFrom('case_metrics')
    .select(sql<number>`count(*)`.as('n'))
    .where('status', 'in', [...BACKLOG_STATUSES])
    .executeTakeFirst();
  if (current) return num(open?.n);
  const [later, moves] = await Promise.all([
    ctx.db.selectFrom('case_metrics').select(sql<number>`count(*)`.as('n')).where('received_at', '>=', at).executeTakeFirst(),
    ctx.db.selectFrom('case_backlog_moves').select(sql<number>`coalesce(sum(delta), 0)`.as('d')).where('at', '>', at).executeTakeFirst(),
  ]);
  return num(open?.n) - num(later?.n) - num(moves?.d);
}

async function groupLabels(ctx: Ctx, by: GroupBy, keys: string[]): Promise<Map<string, Label>> {
  if (by === 'channel' || keys.length === 0) return new Map();
  if (by === 'team') {
    const teams = await ctx.db.selectFrom('teams').select(['id', 'name', 'name_en']).where('id', 'in', keys).execute();
    return new Map(teams.map((t) => [t.id, { zh: t.name, en: t.name_en ?? t.name }]));
  }
  const users = await ctx.db.selectFrom('users').select(['id', 'name']).where('id', 'in', keys).execute();
  return new Map(users.map((u) => [u.id, { zh: u.name, en: u.name }]));
}
