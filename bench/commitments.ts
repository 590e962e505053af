/**
 * Service commitments (SPEC 4): the deadline arithmetic, the timer worker at scale, and how soon
 * after a deadline its breach is on the case's timeline.
 *
 *  1. deadline computations per second on the standard calendar (Mon-Fri 09:00-12:00, 13:30-18:00,
 *     China holidays): addBusinessMinutes and addWorkingDays with random starts over 2024..2026 and
 *     random durations, and startTimer + nextCheckAt (what intake does per target). CPU only; the
 *     baseline is one luxon time-zone conversion (what addWorkingDays used to cost).
 *  2. the timer sweep: a fresh database with N open cases (opts.cases) and three targets each
 *     (reception met, first response and resolution running), 1% of the cases with their first
 *     response due (half at the 75% warning, half past the deadline: breach, escalation to the
 *     supervisor, apology remedy). Rows are in received order, so the due ones are adjacent
 *     (SL_BENCH_CM_LAYOUT=scattered spreads them one per page instead, a worst case). One
 *     sweepDueTimers(ctx) until nothing is due is timed (wall and CPU time, node and PostgreSQL
 *     backends), and an empty sweep (nothing due) against the same sweep on the same database
 *     before it was loaded: the cost must follow due timers, not open cases.
 *  3. deadline -> breach event: the real server (timer worker polling every SL_TIMER_POLL_MS,
 *     default 1000 ms) and five P1 cases (7x24 calendar, first response in 60 min) created through
 *     the API with receivedAt such that the first response runs out 3-6 s later; the timeline is
 *     polled every 50 ms until the sla_breach of the first response appears.
 */
import SqliteDatabase from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { openCtx } from '../src/core/bootstrap.ts';
import type { Ctx } from '../src/core/context.ts';
import { newCaseRow } from '../src/core/modules/cases/case.ts';
import {
  BusinessCalendar,
  commitmentConfig,
  nextCheckAt,
  STANDARD_CALENDAR,
  startTimer,
  sweepDueTimers,
  type Duration,
  type TimerState,
} from '../src/core/modules/commitments/index.ts';
import type { CaseTargetsTable } from '../src/core/modules/commitments/commitments.table.ts';
import { seedBase } from '../src/core/seed/base-seed.ts';
import { ManualClock } from '../src/core/shared/clock.ts';
import { httpRequest, procCpuMs, round, sleep, summarise, type Figure, type Section, type SectionEnv } from './common.ts';
import { BENCH_PASSWORD, seedBenchWithToken } from './seed.ts';
import { CASE_COLUMNS, Rng } from './synthetic.ts';

const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
const sh = (local: string): number => Date.parse(`${local}+08:00`);

// ---------------------------------------------------------------------------------------------
// 1. deadline arithmetic

const CALLS = 1_000_000;
const DEADLINE_TARGET = { on: 'value', op: '>=', value: 1_000_000 } as const;
/** The durations of the default policies (SPEC 4 table). */
const DURATIONS: Duration[] = [
  { minutes: 2 },
  { minutes: 15 },
  { minutes: 60 },
  { minutes: 120 },
  { minutes: 1440 },
  { minutes: 2880 },
  { workingDays: 2 },
  { workingDays: 7 },
  { workingDays: 10 },
  { workingDays: 15 },
];
const FRACTIONS = [0.75, 0.9];

// One loop per function, so each call site stays monomorphic (as in the app).
function loopAddMinutes(cal: BusinessCalendar, starts: Float64Array, minutes: Float64Array): number {
  let acc = 0;
  for (let i = 0; i < starts.length; i++) acc += cal.addBusinessMinutes(starts[i]!, minutes[i]!) - starts[i]!;
  return acc;
}
function loopAddWorkingDays(cal: BusinessCalendar, starts: Float64Array, days: Int32Array): number {
  let acc = 0;
  for (let i = 0; i < starts.length; i++) acc += cal.addWorkingDays(starts[i]!, days[i]!) - starts[i]!;
  return acc;
}
function loopBetween(cal: BusinessCalendar, starts: Float64Array, minutes: Float64Array): number {
  let acc = 0;
  for (let i = 0; i < starts.length; i++) acc += cal.businessMinutesBetween(starts[i]!, starts[i]! + minutes[i]! * 3 * MIN_MS);
  return acc;
}
function loopStartTimer(cal: BusinessCalendar, starts: Float64Array, which: Int32Array): number {
  let acc = 0;
  for (let i = 0; i < starts.length; i++) {
    const at = starts[i]!;
    const { budgetMinutes, dueAt } = startTimer(cal, at, DURATIONS[which[i]!]!);
    const t: TimerState = { budgetMinutes, consumedMinutes: 0, runningSince: at, dueAt, state: 'running', warned: 0 };
    acc += nextCheckAt(t, cal, FRACTIONS)! - at;
  }
  return acc;
}
function loopLuxon(starts: Float64Array, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += DateTime.fromMillis(starts[i]!, { zone: 'Asia/Shanghai' }).day;
  return acc;
}

/** Best of `reps` runs of `fn` over `n` calls, in calls per second (all runs in the note). */
function rate(n: number, reps: number, fn: () => number): { best: number; all: number[] } {
  const all: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const x = fn();
    const s = (performance.now() - t0) / 1000;
    if (!Number.isFinite(x)) throw new Error('deadline loop produced a non-finite result');
    all.push(n / s);
  }
  return { best: Math.max(...all), all };
}

function deadlineFigures(env: SectionEnv): Figure[] {
  const cal = BusinessCalendar.fromSpec(STANDARD_CALENDAR); // built (or shared) before timing
  const rng = new Rng(4242);
  const from = sh('2024-01-01T00:00:00');
  const to = sh('2027-01-01T00:00:00');
  const starts = new Float64Array(CALLS);
  const minutes = new Float64Array(CALLS);
  const days = new Int32Array(CALLS);
  const which = new Int32Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    starts[i] = Math.floor(from + rng.next() * (to - from));
    minutes[i] = rng.int(1, 2880); // up to 48 business hours
    days[i] = rng.int(1, 15);
    which[i] = rng.int(0, DURATIONS.length - 1);
  }
  const reps = env.opts.quick ? 2 : 3;
  const luxonN = 100_000;
  const luxon = rate(luxonN, 1, () => loopLuxon(starts, luxonN));
  const runs = {
    addBusinessMinutes: rate(CALLS, reps, () => loopAddMinutes(cal, starts, minutes)),
    addWorkingDays: rate(CALLS, reps, () => loopAddWorkingDays(cal, starts, days)),
    businessMinutesBetween: rate(CALLS, reps, () => loopBetween(cal, starts, minutes)),
    'startTimer + nextCheckAt': rate(CALLS, reps, () => loopStartTimer(cal, starts, which)),
  };
  const base = { name: 'one luxon DateTime.fromMillis in Asia/Shanghai', value: luxon.best, unit: 'calls/s' };
  env.details.deadlines = { calls: CALLS, reps, luxonCallsPerS: Math.round(luxon.best), ...Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.all.map(Math.round)])) };
  env.log(`deadlines: ${Object.entries(runs).map(([k, v]) => `${k} ${Math.round(v.best).toLocaleString('en-US')}/s`).join(', ')}; luxon ${Math.round(luxon.best).toLocaleString('en-US')}/s`);
  const note = (r: { all: number[] }, what: string) =>
    `${CALLS.toLocaleString('en-US')} calls, ${what}; best of ${reps} (${r.all.map((x) => `${(x / 1e6).toFixed(1)}M`).join(', ')}); CPU only, same code on both databases`;
  return [
    env.figure({ name: 'addBusinessMinutes, standard calendar', value: runs.addBusinessMinutes.best, unit: 'calls/s', baseline: base, target: DEADLINE_TARGET, note: note(runs.addBusinessMinutes, 'random starts 2024..2026, 1..2880 min') }),
    env.figure({ name: 'addWorkingDays, standard calendar', value: runs.addWorkingDays.best, unit: 'calls/s', baseline: base, target: DEADLINE_TARGET, note: note(runs.addWorkingDays, 'random starts 2024..2026, 1..15 working days') }),
    env.figure({ name: 'businessMinutesBetween, standard calendar (reference)', value: runs.businessMinutesBetween.best, unit: 'calls/s', baseline: base, note: note(runs.businessMinutesBetween, 'spans of up to 144 h') }),
    env.figure({ name: 'startTimer + nextCheckAt (one target at intake)', value: runs['startTimer + nextCheckAt'].best, unit: 'timers/s', baseline: base, note: note(runs['startTimer + nextCheckAt'], 'the default policies\' durations, minutes and working days') }),
  ];
}

// ---------------------------------------------------------------------------------------------
// 2. the timer sweep over N open cases

/** The sweep's "now": Wednesday 2026-11-25 10:00 in Shanghai, business time. */
export const SWEEP_NOW = sh('2026-11-25T10:00:00');
const NOW = SWEEP_NOW;
const TARGET_COLUMNS = [
  'id', 'case_id', 'kind', 'policy_id', 'calendar_id', 'team_id', 'started_at', 'budget_minutes', 'consumed_minutes', 'running_since',
  'due_at', 'state', 'warned', 'met_at', 'breached_at', 'elapsed_minutes', 'next_check_at', 'created_at',
] as const satisfies ReadonlyArray<keyof CaseTargetsTable>;

interface Org {
  teamId: string;
  agentId: string;
  policyId: string;
}

type Group = 'idle' | 'warn' | 'breach';

/**
 * One open case received at `received` and its three targets, as the app would have left them at
 * NOW. idle: received in the last 30 min, every check still ahead; warn: received 45..53.5 min
 * ago, the 75% warning of its first response is due; breach: received Tuesday 16:00-17:00, both
 * warnings given, its first response deadline (Tuesday 17:00-18:00) has passed.
 */
function makeCase(cal: BusinessCalendar, org: Org, i: number, received: number, group: Group): { row: unknown[]; targets: unknown[][] } {
  const c = newCaseRow({
    id: uuidv7(),
    number: `SL-CM-${String(i).padStart(7, '0')}`,
    contact_name: '基准客户',
    contact_phone: `139${String(i).padStart(8, '0')}`,
    channel: 'phone',
    received_at: received,
    received_by: org.agentId,
    subject: '会员积分没有到账',
    description: '上周消费的积分一直没有到账',
    language: 'zh',
    type: 'inquiry',
    impact: 3,
    urgency: 2,
    status: 'open',
    team_id: org.teamId,
    assignee_id: org.agentId,
    owner_id: org.agentId,
    created_at: received,
  });
  const caseId = c.id;
  const target = (kind: string, minutes: number, warned: number, metAt: number | null): CaseTargetsTable => {
    const { budgetMinutes, dueAt } = startTimer(cal, received, { minutes });
    const timer: TimerState = { budgetMinutes, consumedMinutes: 0, runningSince: received, dueAt, state: 'running', warned };
    const met = metAt !== null;
    return {
      id: uuidv7(),
      case_id: caseId,
      kind,
      policy_id: org.policyId,
      calendar_id: 'standard',
      team_id: null,
      started_at: received,
      budget_minutes: budgetMinutes,
      consumed_minutes: 0,
      running_since: met ? null : received,
      due_at: dueAt,
      state: met ? 'met' : 'running',
      warned,
      met_at: metAt,
      breached_at: null,
      elapsed_minutes: met ? 0 : null,
      next_check_at: met ? null : nextCheckAt(timer, cal, FRACTIONS),
      created_at: received,
    };
  };
  const reception = target('reception', 15, 0, received); // taken at once
  const first = target('first_response', 60, group === 'breach' ? 2 : 0, null);
  const resolution = target('resolution', 1440, 0, null);
  const due = first.next_check_at! <= NOW;
  if (due !== (group !== 'idle') || resolution.next_check_at! <= NOW) throw new Error(`bench data: case ${i} (${group}) is not in the intended state`);
  return { row: CASE_COLUMNS.map((k) => c[k]), targets: [reception, first, resolution].map((t) => TARGET_COLUMNS.map((k) => t[k])) };
}

/**
 * Where the due cases sit in the tables. clustered (the default): rows in received order, as
 * intake writes them, so the due cases (received earliest) are adjacent, as timers that come due
 * together mostly are (cases received around the same time); scattered: every (n/due)-th case is
 * due, each due row on its own page (a worst case for the pages a sweep reads and writes).
 */
export type Layout = 'clustered' | 'scattered';
export const layoutOf = (): Layout => (process.env.SL_BENCH_CM_LAYOUT === 'scattered' ? 'scattered' : 'clustered');

/** Cases in batches, in insertion order. */
function* batches(cal: BusinessCalendar, org: Org, n: number, due: number, size: number, layout: Layout): Generator<{ cases: unknown[][]; targets: unknown[][] }> {
  const warns = Math.ceil(due / 2);
  const breaches = due - warns;
  const groupOf: (i: number) => { group: Group; k: number; of: number } =
    layout === 'clustered'
      ? (i) => (i < breaches ? { group: 'breach', k: i, of: breaches } : i < due ? { group: 'warn', k: i - breaches, of: warns } : { group: 'idle', k: i - due, of: n - due })
      : (i) => {
          // case i is the d-th due one when it is the first case at or after (d + 0.5) * n / due
          const d = Math.floor((i * due) / n + 0.5) - 1;
          const first = d >= 0 && d < due && Math.ceil((d + 0.5) * (n / due)) === i;
          if (!first) return { group: 'idle', k: i, of: n };
          return d % 2 === 1 ? { group: 'breach', k: d, of: due } : { group: 'warn', k: d, of: due };
        };
  const BREACH_FROM = sh('2026-11-24T16:00:00');
  let cases: unknown[][] = [];
  let targets: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const { group, k, of } = groupOf(i);
    const f = k / of; // 0 <= f < 1: received in order within each group
    const received =
      group === 'idle' ? NOW - 30 * MIN_MS + Math.floor(f * 30 * MIN_MS)
      : group === 'warn' ? NOW - 53.5 * MIN_MS + Math.floor(f * 8.5 * MIN_MS)
      : BREACH_FROM + Math.floor(f * HOUR_MS);
    const x = makeCase(cal, org, i, received, group);
    cases.push(x.row);
    for (const t of x.targets) targets.push(t);
    if (cases.length === size) {
      yield { cases, targets };
      cases = [];
      targets = [];
    }
  }
  if (cases.length) yield { cases, targets };
}

function sqliteLoad(file: string, cal: BusinessCalendar, org: Org, n: number, due: number, layout: Layout, log: (s: string) => void): Record<string, number> {
  const db = new SqliteDatabase(file);
  const phases: Record<string, number> = {};
  try {
    // No rollback journal and no fsync while loading (the app reopens the file in WAL mode).
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -1048576');
    db.pragma('temp_store = MEMORY');
    // Rows go in in key order of every index (received order, time-ordered ids), so the indexes
    // stay in place: appending to them costs no more than rebuilding them afterwards.
    // Multi-row INSERTs (under SQLite's 32,766 parameters), one transaction per batch.
    const multi = (table: string, cols: readonly string[], rows: number) =>
      db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${cols.map(() => '?').join(', ')})`).join(', ')}`);
    const writer = (table: string, cols: readonly string[]) => {
      const w = cols.length;
      const per = Math.floor(30_000 / w);
      const full = multi(table, cols, per);
      const params: unknown[] = new Array(per * w);
      const fill = (rows: unknown[][], from: number, to: number, out: unknown[]) => {
        let k = 0;
        for (let r = from; r < to; r++) for (let j = 0; j < w; j++) out[k++] = rows[r]![j];
        return out;
      };
      return (rows: unknown[][]) => {
        let i = 0;
        for (; i + per <= rows.length; i += per) full.run(fill(rows, i, i + per, params));
        if (i < rows.length) multi(table, cols, rows.length - i).run(fill(rows, i, rows.length, new Array((rows.length - i) * w)));
      };
    };
    const writeCases = writer('cases', CASE_COLUMNS);
    const writeTargets = writer('case_targets', TARGET_COLUMNS);
    const write = db.transaction((b: { cases: unknown[][]; targets: unknown[][] }) => {
      writeCases(b.cases);
      writeTargets(b.targets);
    });
    const t = performance.now();
    let done = 0;
    for (const b of batches(cal, org, n, due, 20_000, layout)) {
      write(b);
      done += b.cases.length;
      if (done % 200_000 === 0) log(`${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} cases`);
    }
    phases.rows = secs(t);
    db.pragma('journal_mode = WAL');
    return phases;
  } finally {
    db.close();
  }
}

const PG_TYPES: Record<string, string> = {
  received_at: 'bigint', created_at: 'bigint', updated_at: 'bigint', first_response_at: 'bigint', first_resolved_at: 'bigint', resolved_at: 'bigint',
  closed_at: 'bigint', erased_at: 'bigint', started_at: 'bigint', running_since: 'bigint', due_at: 'bigint', met_at: 'bigint', breached_at: 'bigint', next_check_at: 'bigint',
  impact: 'int', urgency: 'int', is_repeat: 'int', sensitive: 'int', reopen_count: 'int', transfer_count: 'int', version: 'int', warned: 'int',
  budget_minutes: 'float8', consumed_minutes: 'float8', elapsed_minutes: 'float8',
};
const unnestInsert = (table: string, cols: readonly string[]) =>
  `INSERT INTO ${table} (${cols.join(', ')}) SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${PG_TYPES[c] ?? 'text'}[]`).join(', ')})`;
const columnsOf = (rows: unknown[][], width: number): unknown[][] => Array.from({ length: width }, (_, j) => rows.map((r) => r[j]));

async function postgresLoad(url: string, cal: BusinessCalendar, org: Org, n: number, due: number, layout: Layout, log: (s: string) => void): Promise<Record<string, number>> {
  // Two connections: cases and targets go in side by side (each table's rows in order).
  const clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })] as const;
  const [c, c2] = clients;
  const phases: Record<string, number> = {};
  try {
    for (const x of clients) {
      await x.connect();
      await x.query('SET synchronous_commit = off');
      await x.query("SET maintenance_work_mem = '512MB'");
      try {
        await x.query('SET session_replication_role = replica'); // consistent data: skip per-row foreign-key triggers
      } catch {
        log('session_replication_role not permitted: foreign keys are checked row by row');
      }
    }
    const indexes = (
      await c.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('cases', 'case_targets')
           AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
      )
    ).rows;
    for (const ix of indexes) await c.query(`DROP INDEX "${ix.indexname}"`);
    const caseSql = unnestInsert('cases', CASE_COLUMNS);
    const targetSql = unnestInsert('case_targets', TARGET_COLUMNS);
    let t = performance.now();
    let done = 0;
    let inFlight: Promise<unknown> = Promise.resolve();
    for (const b of batches(cal, org, n, due, 10_000, layout)) {
      const caseCols = columnsOf(b.cases, CASE_COLUMNS.length);
      const targetCols = columnsOf(b.targets, TARGET_COLUMNS.length);
      await inFlight; // one batch in flight while the next is generated
      inFlight = Promise.all([c.query(caseSql, caseCols), c2.query(targetSql, targetCols)]);
      done += b.cases.length;
      if (done % 200_000 === 0) log(`${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} cases`);
    }
    await inFlight;
    phases.rows = secs(t);
    t = performance.now();
    // (one index per connection at a time)
    const byTable = (tb: string) => indexes.filter((ix) => ix.indexdef.includes(` ON public.${tb} `));
    await Promise.all([
      (async () => { for (const ix of byTable('cases')) await c.query(ix.indexdef); })(),
      (async () => { for (const ix of byTable('case_targets')) await c2.query(ix.indexdef); })(),
    ]);
    if (byTable('cases').length + byTable('case_targets').length !== indexes.length) throw new Error('bench: an index was not recreated');
    phases.indexes = secs(t);
    t = performance.now();
    await Promise.all([c.query('VACUUM ANALYZE cases'), c2.query('VACUUM ANALYZE case_targets')]);
    phases.vacuumAnalyze = secs(t);
    return phases;
  } finally {
    for (const x of clients) await x.end().catch(() => undefined);
  }
}

const secs = (t: number) => Number(((performance.now() - t) / 1000).toFixed(1));

/** Median and p95 (ms) of `reps` sweeps that find nothing due. */
async function emptySweeps(ctx: Ctx, reps: number): Promise<{ p50: number; p95: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = await sweepDueTimers(ctx);
    ms.push(performance.now() - t0);
    if (r.checked !== 0) throw new Error(`expected nothing due, the sweep checked ${r.checked}`);
  }
  const s = summarise(ms);
  return { p50: s.p50, p95: s.p95, max: s.max };
}

const DUE_SQL = 'SELECT * FROM case_targets WHERE next_check_at IS NOT NULL AND next_check_at <= $1 ORDER BY next_check_at LIMIT 500';

async function plan(ctx: Ctx, dialect: string, analyze: boolean): Promise<string[]> {
  if (dialect === 'sqlite') {
    const r = await sql.raw(`EXPLAIN QUERY PLAN ${DUE_SQL.replace('$1', String(NOW))}`).execute(ctx.db);
    return (r.rows as Array<{ detail: string }>).map((x) => x.detail);
  }
  const r = await sql.raw(`EXPLAIN ${analyze ? '(ANALYZE, BUFFERS) ' : ''}${DUE_SQL.replace('$1', String(NOW))} FOR UPDATE SKIP LOCKED`).execute(ctx.db);
  return (r.rows as Array<{ 'QUERY PLAN': string }>).map((x) => x['QUERY PLAN']);
}

/** The PostgreSQL backends serving this database (the app's pool). */
export const backendPids = async (ctx: Ctx): Promise<number[]> =>
  (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(ctx.db)).rows.map((x) => Number(x.pid));

const countDue = async (ctx: Ctx): Promise<number> =>
  Number((await ctx.db.selectFrom('case_targets').select((eb) => eb.fn.countAll<number>().as('n')).where('next_check_at', 'is not', null).where('next_check_at', '<=', NOW).executeTakeFirstOrThrow()).n);

/**
 * A migrated, seeded database with n open cases, 3n targets and 1% of the cases due at NOW
 * (exported for profiling the sweep on a kept copy).
 */
export async function buildSweepDatabase(o: { dialect: 'sqlite' | 'postgres'; url: string; file?: string | undefined; n: number; layout?: Layout; log: (s: string) => void }) {
  const { n } = o;
  const layout = o.layout ?? 'clustered';
  const due = Math.max(2, Math.round(n * 0.01));
  const { ctx, dbh } = await openCtx({ url: o.url, clock: new ManualClock(NOW), config: { scryptCost: 1024 } });
  let org: Org;
  let empty0: Awaited<ReturnType<typeof emptySweeps>>;
  try {
    const seed = await seedBase(ctx, BENCH_PASSWORD);
    const policy = await ctx.db.selectFrom('commitment_policies').select('id').where('code', '=', 'default').executeTakeFirstOrThrow();
    org = { teamId: seed.teams.frontline!, agentId: seed.users.agent!.id, policyId: policy.id };
    await commitmentConfig(ctx); // a running server has its calendars built and cached
    empty0 = await emptySweeps(ctx, 60);
  } finally {
    await dbh.close();
  }
  const cal = BusinessCalendar.fromSpec(STANDARD_CALENDAR);
  o.log(`loading ${n.toLocaleString('en-US')} open cases and ${(3 * n).toLocaleString('en-US')} targets (${due.toLocaleString('en-US')} due, ${layout})`);
  const t0 = performance.now();
  const phases = o.dialect === 'sqlite' ? sqliteLoad(o.file!, cal, org, n, due, layout, o.log) : await postgresLoad(o.url, cal, org, n, due, layout, o.log);
  const loadS = (performance.now() - t0) / 1000;
  o.log(`loaded in ${loadS.toFixed(1)} s (${Math.round(n / loadS).toLocaleString('en-US')} cases/s); phases ${JSON.stringify(phases)}`);
  return { due, loadS, phases, empty0, layout };
}

async function sweepFigures(env: SectionEnv): Promise<Figure[]> {
  const n = env.opts.cases;
  const fresh = await env.fresh('commitments');
  const { due, loadS, phases, empty0, layout } = await buildSweepDatabase({ dialect: env.dialect, url: fresh.url, file: fresh.file, n, layout: layoutOf(), log: env.log });
  const clock = new ManualClock(NOW);
  const { ctx, dbh } = await openCtx({ url: fresh.url, clock, migrate: false });
  try {
    await commitmentConfig(ctx);
    const dueBefore = await countDue(ctx);
    if (dueBefore !== due) throw new Error(`expected ${due} due targets, found ${dueBefore}`);
    const planBefore = await plan(ctx, env.dialect, false);
    // The bulk load just wrote gigabytes: checkpoint and flush them first, or the sweep's commits
    // wait behind the load's writeback (the sweep of a running server has no such tail).
    await sql.raw(env.dialect === 'postgres' ? 'CHECKPOINT' : 'PRAGMA wal_checkpoint(TRUNCATE)').execute(ctx.db);
    execFileSync('sync');

    const pgPids = env.dialect === 'postgres' ? await backendPids(ctx) : [];
    const cpu0 = { node: process.cpuUsage(), pg: new Map(pgPids.map((pid) => [pid, procCpuMs(pid)])) };
    const load = os.loadavg()[0]!;
    const t1 = performance.now();
    const r = await sweepDueTimers(ctx);
    const sweepMs = performance.now() - t1;
    const nodeCpu = process.cpuUsage(cpu0.node);
    const cpuMs = { node: (nodeCpu.user + nodeCpu.system) / 1000, postgres: 0 };
    if (env.dialect === 'postgres') for (const pid of await backendPids(ctx)) cpuMs.postgres += procCpuMs(pid) - (cpu0.pg.get(pid) ?? 0);
    const left = await countDue(ctx);
    const warns = Math.ceil(due / 2);
    const breaches = due - warns;
    const expected = { checked: due, warnings: warns, breaches, escalations: breaches, remedies: breaches };
    if (left !== 0 || JSON.stringify(r) !== JSON.stringify(expected)) throw new Error(`sweep result ${JSON.stringify(r)}, ${left} left due; expected ${JSON.stringify(expected)}`);
    env.log(`sweep of ${due.toLocaleString('en-US')} due targets among ${(2 * n).toLocaleString('en-US')} running: ${sweepMs.toFixed(0)} ms ${JSON.stringify(r)}`);

    const emptyN = await emptySweeps(ctx, 60);
    const planAfter = await plan(ctx, env.dialect, true);
    env.log(`empty sweep: ${emptyN.p50.toFixed(2)} ms with ${n.toLocaleString('en-US')} open cases, ${empty0.p50.toFixed(2)} ms with none`);
    env.details.sweep = {
      openCases: n,
      layout,
      runningTimers: 2 * n,
      due,
      result: r,
      sweepMs: round(sweepMs),
      cpuMs: mapRound(cpuMs),
      loadAverage1m: load,
      emptySweepMs: { withOpenCases: mapRound(emptyN), beforeLoading: mapRound(empty0) },
      load: { seconds: round(loadS, 1), phases },
      planBefore,
      planAfter,
      now: new Date(NOW).toISOString(),
    };
    const nf = n.toLocaleString('en-US');
    const emptyBase = { name: 'empty sweep on the same database before loading (0 open cases)', value: empty0.p50, unit: 'ms' };
    return [
      env.figure({ name: `bulk load of ${nf} open cases with ${(3 * n).toLocaleString('en-US')} targets (setup)`, value: n / loadS, unit: 'cases/s', note: `${loadS.toFixed(0)} s; ${JSON.stringify(phases)}` }),
      env.figure({
        name: `timer sweep: ${due.toLocaleString('en-US')} due of ${(2 * n).toLocaleString('en-US')} running timers (${nf} open cases)`,
        value: sweepMs,
        unit: 'ms',
        target: { on: 'value', op: '<', value: 1000 },
        note: `CPU ${cpuMs.node.toFixed(0)} ms in node${env.dialect === 'postgres' ? ` + ${cpuMs.postgres.toFixed(0)} ms in PostgreSQL backends` : ' (SQLite included)'}, load average ${load.toFixed(1)} on ${os.cpus().length} CPUs; one sweepDueTimers (batches of 500) until nothing is due: ${warns} warnings, ${breaches} breaches with ${breaches} escalations and ${breaches} remedies; due rows ${layout === 'clustered' ? 'adjacent (received order, as intake writes them)' : 'scattered, one per page (SL_BENCH_CM_LAYOUT=scattered)'}`,
      }),
      env.figure({ name: 'timer sweep throughput', value: due / (sweepMs / 1000), unit: 'timers/s', note: 'due timers handled per second in that sweep' }),
      env.figure({
        name: `empty sweep (nothing due), ${nf} open cases`,
        value: emptyN.p50,
        unit: 'ms',
        baseline: emptyBase,
        target: { on: 'ratio', op: '<=', value: 3 },
        note: `median of 60 (p95 ${emptyN.p95.toFixed(2)} ms; before loading p95 ${empty0.p95.toFixed(2)} ms): the cost follows due timers, not open cases`,
      }),
    ];
  } finally {
    await dbh.close();
  }
}

const mapRound = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, 3)]));

// ---------------------------------------------------------------------------------------------
// 3. deadline -> breach event through the real server

const LATENCY_CASES = 5;

async function latencyFigures(env: SectionEnv): Promise<Figure[]> {
  const fresh = await env.fresh('cm-latency');
  const seed = await seedBenchWithToken(fresh.url, 'agent');
  const token = seed.token;
  const srv = await env.startServer(fresh.url, 'commitments');
  const pollMs = Number(process.env.SL_TIMER_POLL_MS ?? 1000);
  // a smoke run (--quick) keeps under 2 minutes: fewer cases, due sooner
  const n = env.opts.quick ? 3 : LATENCY_CASES;
  const lead = env.opts.quick ? 1500 : 3000;
  try {
    // P1 (impact 1, urgency 1) -> the 7x24 policy, first response in 60 minutes: received
    // 60 min minus 3 s (and 0.7 s more per case) ago, so deadlines fall on different phases of the worker's poll.
    const now = Date.now();
    const cases: Array<{ id: string; dueAt: number; seenAt?: number; eventAt?: number }> = [];
    for (let k = 0; k < n; k++) {
      const receivedAt = now - HOUR_MS + lead + k * 700;
      const r = await httpRequest(srv.base, 'POST', '/api/v1/cases', token, {
        channel: 'phone',
        contact: { name: `时效客户${k}`, phone: `1380013${String(k).padStart(4, '0')}` },
        subject: `系统故障，无法下单 ${k}`,
        description: '下单页面一直报错，影响业务',
        impact: 1,
        urgency: 1,
        teamId: seed.teams.frontline,
        receivedAt,
      });
      if (r.status !== 201) throw new Error(`POST /api/v1/cases: ${r.status} ${r.body.slice(0, 300)}`);
      const c = JSON.parse(r.body) as { id: string; priority: string };
      if (c.priority !== 'P1') throw new Error(`expected a P1 case, got ${c.priority}`);
      cases.push({ id: c.id, dueAt: receivedAt + HOUR_MS });
    }
    const until = Date.now() + 30_000;
    while (cases.some((c) => c.seenAt === undefined)) {
      if (Date.now() > until) throw new Error('no first-response breach on the timeline 30 s after the deadline');
      for (const c of cases.filter((x) => x.seenAt === undefined)) {
        const r = await httpRequest(srv.base, 'GET', `/api/v1/cases/${c.id}`, token);
        if (r.status !== 200) throw new Error(`GET /api/v1/cases/${c.id}: ${r.status}`);
        const tl = (JSON.parse(r.body) as { timeline: Array<{ type: string; createdAt: number; data: { kind?: string; dueAt?: number } | null }> }).timeline;
        const breach = tl.find((e) => e.type === 'sla_breach' && e.data?.kind === 'first_response');
        if (breach) {
          c.seenAt = Date.now();
          c.eventAt = breach.createdAt;
          if (breach.data?.dueAt !== c.dueAt) throw new Error(`breach of a deadline ${breach.data?.dueAt}, expected ${c.dueAt}`);
        }
      }
      await sleep(50);
    }
    const written = summarise(cases.map((c) => c.eventAt! - c.dueAt));
    const seen = summarise(cases.map((c) => c.seenAt! - c.dueAt));
    env.details.breachLatency = { pollMs, cases: cases.map((c) => ({ writtenAfterMs: c.eventAt! - c.dueAt, seenAfterMs: c.seenAt! - c.dueAt })) };
    env.log(`deadline -> breach event: written p50 ${written.p50} ms max ${written.max} ms; seen by the client p50 ${seen.p50} ms max ${seen.max} ms`);
    const note = `${n} P1 cases through the API, timer worker polling every ${pollMs} ms; should be <= the poll interval plus one sweep`;
    return [
      env.figure({ name: 'deadline -> sla_breach written, p50', value: written.p50, unit: 'ms', note }),
      env.figure({ name: 'deadline -> sla_breach written, max', value: written.max, unit: 'ms', target: { on: 'value', op: '<=', value: pollMs + 500 }, note }),
      env.figure({ name: 'deadline -> sla_breach seen on the timeline (50 ms polling), max', value: seen.max, unit: 'ms', note: `p50 ${seen.p50} ms` }),
    ];
  } finally {
    await srv.stop();
  }
}

export const section: Section = {
  name: 'commitments',
  title: 'Service commitments: deadline arithmetic, the timer sweep over open cases, deadline -> breach',
  async run(env) {
    const figures = deadlineFigures(env);
    figures.push(...(await sweepFigures(env)));
    figures.push(...(await latencyFigures(env)));
    return figures;
  },
};
