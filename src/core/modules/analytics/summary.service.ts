import { sql, type RawBuilder } from 'kysely';
import type { Ctx } from '../../context.ts';
import { BACKLOG_STATUSES, DAY_MS, EXCLUDED_CLOSE_REASONS, medianAndP90, medianAndP90Of } from './metrics.ts';
import { complianceBetween, splitDays, type TargetCompliance } from './sla.ts';

export const GROUP_BYS = ['team', 'agent', 'channel'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export { DAY_MS };
export const DEFAULT_DAYS = 30;
/** SPEC 8: the resolution rate's target. */
export const RESOLUTION_RATE_TARGET = 0.95;

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

const timesOf = (s: { n: number; median: number | null; p90: number | null } | undefined, drill: Drill): TimeFigure => ({
  cases: s?.n ?? 0,
  medianMinutes: s?.median ?? null,
  p90Minutes: s?.p90 ?? null,
  drill,
});

/** Counts of one rollup key. */
interface Counts {
  n: number;
  repeats: number;
  resolved: number;
  fcr: number;
}

/** dim -> key -> counts, from rollup rows and raw edge rows alike. */
class Tally {
  readonly dims = new Map<string, Map<string, Counts>>();
  add(dim: string, key: string, c: Partial<Counts>) {
    let m = this.dims.get(dim);
    if (!m) this.dims.set(dim, (m = new Map()));
    const cur = m.get(key) ?? { n: 0, repeats: 0, resolved: 0, fcr: 0 };
    cur.n += c.n ?? 0;
    cur.repeats += c.repeats ?? 0;
    cur.resolved += c.resolved ?? 0;
    cur.fcr += c.fcr ?? 0;
    m.set(key, cur);
  }
  of(dim: string): Map<string, Counts> {
    return this.dims.get(dim) ?? new Map();
  }
  total(dim: string): Counts {
    const t = { n: 0, repeats: 0, resolved: 0, fcr: 0 };
    for (const c of this.of(dim).values()) {
      t.n += c.n;
      t.repeats += c.repeats;
      t.resolved += c.resolved;
      t.fcr += c.fcr;
    }
    return t;
  }
}

/** SQLite: a JSON array aggregate of a column, nulls left out or kept. */
const jsonArray = (col: RawBuilder<unknown>, skipNulls: boolean): RawBuilder<unknown> =>
  skipNulls ? sql`json_group_array(${col}) filter (where ${col} is not null)` : sql`json_group_array(${col})`;
const parseArray = <T>(v: unknown): T[] => (typeof v === 'string' ? (JSON.parse(v) as T[]) : ((v ?? []) as T[]));

/** Median and p90 with the count of values. */
interface TimeStats {
  fr: { n: number; median: number | null; p90: number | null };
  res: { n: number; median: number | null; p90: number | null };
}

/** A breakdown group's figures: its cases received, and their times. */
interface GroupStats extends TimeStats {
  received: number;
}

/** The values of one group: its cases, and their times that have a value. */
interface GroupValues {
  received: number;
  fr: number[];
  res: number[];
}

/** Per-group and overall stats from the groups' values (the overall ones over all groups together). */
function statsOfGroups(groups: Map<string | null, GroupValues>): { overall: TimeStats; groups: Map<string | null, GroupStats> } {
  const out = new Map<string | null, GroupStats>();
  for (const [k, g] of groups) out.set(k, { received: g.received, fr: medianAndP90(g.fr), res: medianAndP90(g.res) });
  const all = [...groups.values()];
  return { overall: { fr: medianAndP90Of(all.map((g) => g.fr)), res: medianAndP90Of(all.map((g) => g.res)) }, groups: out };
}

/** Numbers from PostgreSQL's text of float8 values joined by commas (its shortest exact form). */
const numberList = (text: string | null): number[] => (text ? text.split(',').map(Number) : []);

/**
 * Response and resolution times of the cases received in [from, to), per group or overall, by
 * nearest rank. Overall on PostgreSQL, the database ranks: percentile_disc is "the first value
 * whose position in the ordering equals or exceeds the fraction", i.e. rank ceil(p * n), and
 * ceil(0.5 n) and ceil(0.9 n) come out exact in floating point for every n. Per group it only
 * gathers each group's values (a hash aggregate: percentile_disc per group made it sort every
 * row by group and then by each time, 3x slower at 90 days and 1M cases) and they are ranked in
 * JS, the overall figures from all groups' values. SQLite has no such aggregate (its
 * percentile_disc takes rank floor(p (n - 1)) + 1), so the values come over as one JSON array per
 * column and are ranked in JS.
 */
async function timesBetween(
  ctx: Ctx,
  from: number,
  to: number,
  groupCol: 'team_id' | 'assignee_id' | 'channel' | null,
): Promise<{ overall: TimeStats; groups: Map<string | null, GroupStats> | null }> {
  const received = ctx.db.selectFrom('case_metrics').where('received_at', '>=', from).where('received_at', '<', to);
  const none: TimeStats = { fr: { n: 0, median: null, p90: null }, res: { n: 0, median: null, p90: null } };
  const fr = sql.ref('first_response_minutes');
  const res = sql.ref('resolution_minutes');
  if (ctx.ops.name === 'postgres') {
    if (groupCol) {
      const rows = await received
        .select([
          sql<string | null>`${sql.ref(groupCol)}`.as('g'),
          sql<number>`count(*)`.as('n'),
          // float8's text is its shortest exact form: the numbers come back as stored
          sql<string | null>`string_agg(${fr}::text, ',')`.as('fr'),
          sql<string | null>`string_agg(${res}::text, ',')`.as('res'),
        ])
        .groupBy(groupCol)
        .execute();
      return statsOfGroups(new Map(rows.map((r) => [r.g, { received: num(r.n), fr: numberList(r.fr), res: numberList(r.res) }])));
    }
    const pd = (col: RawBuilder<unknown>) => sql<number[] | null>`percentile_disc(array[0.5, 0.9]::float8[]) within group (order by ${col})`;
    const all = await received
      .select([sql<number>`count(${fr})`.as('fr_n'), sql<number>`count(${res})`.as('res_n'), pd(fr).as('fr_p'), pd(res).as('res_p')])
      .executeTakeFirst();
    return {
      overall: all
        ? {
            fr: { n: num(all.fr_n), median: all.fr_p?.[0] ?? null, p90: all.fr_p?.[1] ?? null },
            res: { n: num(all.res_n), median: all.res_p?.[0] ?? null, p90: all.res_p?.[1] ?? null },
          }
        : none,
      groups: null,
    };
  }
  const r = groupCol
    ? await received.select([jsonArray(sql.ref(groupCol), false).as('g'), jsonArray(fr, false).as('fr'), jsonArray(res, false).as('res')]).executeTakeFirst()
    : await received.select([sql<null>`null`.as('g'), jsonArray(fr, true).as('fr'), jsonArray(res, true).as('res')]).executeTakeFirst();
  const frs = parseArray<number | null>(r?.fr);
  const ress = parseArray<number | null>(r?.res);
  if (!groupCol) {
    return { overall: { fr: medianAndP90(frs), res: medianAndP90(ress) }, groups: null };
  }
  const groups = new Map<string | null, GroupValues>();
  parseArray<string | null>(r?.g).forEach((k, i) => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { received: 0, fr: [], res: [] }));
    g.received++;
    const f = frs[i];
    const x = ress[i];
    if (f !== null && f !== undefined) g.fr.push(f);
    if (x !== null && x !== undefined) g.res.push(x);
  });
  return statsOfGroups(groups);
}

/** The counts of cases received (and closed) in [from, to): whole days from analytics_daily, the partial edge days raw. */
export async function countsBetween(ctx: Ctx, from: number, to: number): Promise<Tally> {
  const tally = new Tally();
  const { days, edges } = splitDays(from, to);
  const jobs: Array<Promise<void>> = [];
  if (days)
    jobs.push(
      ctx.db
        .selectFrom('analytics_daily')
        .select(['dim', 'key', sql<number>`sum(n)`.as('n'), sql<number>`sum(repeats)`.as('repeats'), sql<number>`sum(resolved)`.as('resolved'), sql<number>`sum(fcr)`.as('fcr')])
        .where('day', '>=', days[0])
        .where('day', '<', days[1])
        .where('dim', 'in', ['received', 'channel', 'type', 'category', 'closed'])
        .groupBy(['dim', 'key'])
        .execute()
        .then((rows) => {
          for (const r of rows) tally.add(r.dim, r.key, { n: num(r.n), repeats: num(r.repeats), resolved: num(r.resolved), fcr: num(r.fcr) });
        }),
    );
  for (const [a, b] of edges) {
    jobs.push(
      ctx.db
        .selectFrom('case_metrics')
        .select([
          'channel',
          'type',
          'category_id',
          sql<number>`count(*)`.as('n'),
          sql<number>`sum(case when type = 'complaint' and is_repeat = 1 then 1 else 0 end)`.as('repeats'),
          sql<number>`sum(case when resolved_at is not null then 1 else 0 end)`.as('resolved'),
          sql<number>`sum(case when resolved_at is not null and reopen_count = 0 and transfer_count = 0 and field_visits <= 1 then 1 else 0 end)`.as('fcr'),
        ])
        .where('received_at', '>=', a)
        .where('received_at', '<', b)
        .groupBy(['channel', 'type', 'category_id'])
        .execute()
        .then((rows) => {
          for (const r of rows) {
            const n = num(r.n);
            tally.add('received', '', { n, repeats: num(r.repeats), resolved: num(r.resolved), fcr: num(r.fcr) });
            tally.add('channel', r.channel, { n });
            tally.add('type', r.type, { n });
            tally.add('category', r.category_id ?? '', { n });
          }
        }),
      ctx.db
        .selectFrom('case_metrics')
        .select(['close_reason', sql<number>`count(*)`.as('n')])
        .where('closed_at', 'is not', null)
        .where('closed_at', '>=', a)
        .where('closed_at', '<', b)
        .groupBy('close_reason')
        .execute()
        .then((rows) => {
          for (const r of rows) tally.add('closed', r.close_reason ?? '', { n: num(r.n) });
        }),
    );
  }
  await Promise.all(jobs);
  return tally;
}

/** A rollup dim summed over [from, to) (whole days) plus a raw count of the partial edge days. */
async function sumSince(ctx: Ctx, dim: 'received' | 'backlog', from: number, raw: (a: number, b: number) => Promise<number>): Promise<number> {
  const { days, edges } = splitDays(from, Number.MAX_SAFE_INTEGER);
  const parts = await Promise.all([
    days
      ? ctx.db
          .selectFrom('analytics_daily')
          .select(sql<number>`coalesce(sum(n), 0)`.as('n'))
          .where('day', '>=', days[0])
          .where('dim', '=', dim)
          .executeTakeFirst()
          .then((r) => num(r?.n))
      : 0,
    ...edges.map(([a, b]) => raw(a, b)),
  ]);
  return parts.reduce((s, x) => s + x, 0);
}

const backlogCondition = sql<boolean>`status in (${sql.join(BACKLOG_STATUSES.map((s) => sql.lit(s)))})`;

/**
 * The backlog at an instant. Now: the cases whose status is new, open, pending_customer,
 * pending_internal or reopened. At a past instant T: cases received before T and neither resolved
 * nor closed at T = the backlog now, minus the cases received at or after T, minus the moves
 * (resolved or closed -1, reopened +1) after T.
 */
export async function backlogAt(ctx: Ctx, at: number, current: boolean): Promise<number> {
  // The status list is written out (not bound) so that the partial index on it serves the count.
  const open = ctx.db.selectFrom('case_metrics').select(sql<number>`count(*)`.as('n')).where(backlogCondition).executeTakeFirst();
  if (current) return num((await open)?.n);
  const [now, later, moves] = await Promise.all([
    open,
    sumSince(ctx, 'received', at, async (a, b) =>
      num((await ctx.db.selectFrom('case_metrics').select(sql<number>`count(*)`.as('n')).where('received_at', '>=', a).where('received_at', '<', b).executeTakeFirst())?.n),
    ),
    sumSince(ctx, 'backlog', at + 1, async (a, b) =>
      num((await ctx.db.selectFrom('case_backlog_moves').select(sql<number>`coalesce(sum(delta), 0)`.as('n')).where('at', '>=', a).where('at', '<', b).executeTakeFirst())?.n),
    ),
  ]);
  return num(now?.n) - later - moves;
}

/** Cases received in [from, to) with at least one escalation (the partial index on escalated cases). */
export async function escalatedBetween(ctx: Ctx, from: number, to: number): Promise<number> {
  const r = await ctx.db
    .selectFrom('case_metrics')
    .select(sql<number>`count(*)`.as('n'))
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .where(sql<boolean>`escalated = 1`)
    .executeTakeFirst();
  return num(r?.n);
}

/**
 * The dashboard figures of SPEC 8 for the cases received in a period, from the analytics read
 * models: counts from the daily rollups (plus the raw rows of the two partial edge days), the
 * period's response and resolution times in one pass (nearest rank taken in JS), and a few small
 * indexed reads.
 */
export async function analyticsSummary(ctx: Ctx, q: SummaryQuery): Promise<AnalyticsSummary> {
  const now = ctx.clock.now();
  const { from, to, days } = periodOf(now, q);
  const inPeriod = { receivedFrom: from, receivedTo: to };
  const db = ctx.db;
  const groupCol = q.groupBy === 'team' ? 'team_id' : q.groupBy === 'agent' ? 'assignee_id' : q.groupBy === 'channel' ? 'channel' : null;
  const current = to >= now;

  const [tally, times, escalated, backlogCount, customers, sla, categories] = await Promise.all([
    countsBetween(ctx, from, to),
    timesBetween(ctx, from, to, groupCol),
    escalatedBetween(ctx, from, to),
    backlogAt(ctx, current ? now : to, current),
    db.selectFrom('customers').select(sql<number>`count(*)`.as('n')).where('status', '=', 'active').where('created_at', '<', to).executeTakeFirst(),
    complianceBetween(ctx, from, to),
    db.selectFrom('categories').select(['id', 'name', 'name_en']).execute(),
  ]);

  // ---- volumes and the rates over cases received --------------------------------------------
  const totals = tally.total('received');
  const total = totals.n;
  const complaints = tally.of('type').get('complaint')?.n ?? 0;
  const categoryLabel = new Map(categories.map((c) => [c.id, { zh: c.name, en: c.name_en }]));
  const rows = (dim: string, label: (k: string) => Label | null, drill: (k: string) => Drill, nullKey = false): VolumeRow[] =>
    [...tally.of(dim)]
      .filter(([, c]) => c.n !== 0)
      .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
      .map(([k, c]) => {
        const key = nullKey && k === '' ? null : k;
        return { key, label: key === null ? null : label(key), count: c.n, share: c.n / total, drill: drill(k) };
      });

  const all = times.overall;

  // ---- closed in the period --------------------------------------------------------------------
  const closedByReason: Record<string, number> = {};
  for (const [k, c] of tally.of('closed')) if (c.n) closedByReason[k || 'unknown'] = c.n;
  const excluded = EXCLUDED_CLOSE_REASONS.reduce((s, k) => s + (closedByReason[k] ?? 0), 0);
  const closedCounted = Object.values(closedByReason).reduce((s, n) => s + n, 0) - excluded;
  const solved = closedByReason.solved ?? 0;
  const rate = ratio(solved, closedCounted);

  const activeCustomers = num(customers?.n);
  const summary: AnalyticsSummary = {
    period: { from, to, days, calendar: 'standard', generatedAt: now },
    received: { count: total, drill: drillOf(inPeriod) },
    volumes: {
      byChannel: rows('channel', () => null, (k) => drillOf({ ...inPeriod, channel: k })),
      byType: rows('type', () => null, (k) => drillOf({ ...inPeriod, type: k })),
      byCategory: rows(
        'category',
        (k) => categoryLabel.get(k) ?? null,
        (k) => drillOf(inPeriod, k === '' ? 'no category' : `category ${k}`),
        true,
      ),
    },
    firstResponse: timesOf(all?.fr, drillOf(inPeriod, 'a first staff reply recorded')),
    resolution: timesOf(all?.res, drillOf(inPeriod, 'resolved (status resolved, or closed after a resolution)')),
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
      numerator: totals.fcr,
      denominator: totals.resolved,
      rate: ratio(totals.fcr, totals.resolved),
      drill: drillOf(inPeriod, 'resolved, never reopened, never transferred to another team, at most one field visit'),
    },
    repeatComplaintRate: {
      numerator: totals.repeats,
      denominator: complaints,
      rate: ratio(totals.repeats, complaints),
      drill: drillOf({ ...inPeriod, type: 'complaint', isRepeat: 'true' }),
    },
    escalationRate: {
      numerator: escalated,
      denominator: total,
      rate: ratio(escalated, total),
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

  if (groupCol && times.groups) {
    const groups = times.groups;
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
            firstResponse: timesOf(g.fr, also('a first staff reply recorded')),
            resolution: timesOf(g.res, also('resolved')),
            drill,
          };
        }),
    };
  }
  return summary;
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
