/**
 * Dashboards (SPEC 8): GET /api/v1/analytics/summary for the last 30 and 90 days (and 90 days
 * broken down by agent) against a running server on a loaded database, N sequential requests
 * after a warm-up, p50/p95 beside the HTTP floor (GET /api/v1/health) of the same server.
 * Target: under 200 ms at 1,000,000 cases.
 *
 *  - runDashboardsBench({ baseUrl, token, quick }): the timing alone, for any running server.
 *  - a loader extension ('analytics'): after the bulk load, fillCaseMetrics writes the analytics
 *    read models the services would have written (case_metrics, case_backlog_moves,
 *    analytics_daily, sla_daily), after any extension that loads commitment targets.
 *  - section: the slot run.ts picks up (bench/dashboards.ts); it starts the server on the loaded
 *    database and times it with a supervisor's token.
 */
import { sql } from 'kysely';
import { createDb } from '../src/core/db/create-db.ts';
import {
  DailyRollup,
  dailyOf,
  dailyOfMove,
  METRICS_CASE_FIELDS,
  metricsRowFor,
  rebuildSlaDaily,
  type AnalyticsSummary,
  type CaseBacklogMovesTable,
  type CaseMetricsTable,
  type TimelineEvent,
} from '../src/core/modules/analytics/index.ts';
import { BusinessCalendar, STANDARD_CALENDAR } from '../src/core/modules/commitments/index.ts';
import { httpRequest, newHttpAgent, round, rssFigure, rssSampler, sleep, summarise, type Section } from './common.ts';
import { registerLoaderExtension } from './load-cases.ts';
import { benchTokens } from './seed.ts';

/** A figure as runDashboardsBench reports it. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. "< 200 ms" */
  target?: string;
  pass?: boolean;
  note?: string;
}

export const TARGET_MS = 200;

interface Spec {
  key: string;
  name: string;
  path: string;
  target: boolean;
}

const SPECS: Spec[] = [
  { key: 'd30', name: 'analytics summary, last 30 days', path: '/api/v1/analytics/summary?days=30', target: true },
  { key: 'd90', name: 'analytics summary, last 90 days', path: '/api/v1/analytics/summary?days=90', target: true },
  { key: 'd90agent', name: 'analytics summary, last 90 days by agent', path: '/api/v1/analytics/summary?days=90&groupBy=agent', target: false },
];

/**
 * Times the dashboard summary on a running server (a token of a role with analytics.read).
 * Sequential requests over one keep-alive connection: p50 and p95 per figure.
 */
export async function runDashboardsBench(opts: { baseUrl: string; token: string; quick: boolean; requests?: number; log?: (msg: string) => void }): Promise<Figure[]> {
  const n = opts.requests ?? (opts.quick ? 20 : 100);
  const warm = opts.quick ? 2 : 5;
  const log = opts.log ?? (() => undefined);
  const time = async (path: string): Promise<{ ms: number[]; body: string }> => {
    let body = '';
    for (let i = 0; i < warm; i++) {
      const r = await httpRequest(opts.baseUrl, 'GET', path, opts.token);
      if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      body = r.body;
    }
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await httpRequest(opts.baseUrl, 'GET', path, opts.token);
      if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      ms.push(r.ms);
    }
    return { ms, body };
  };
  const figures: Figure[] = [];
  const floor = summarise((await time('/api/v1/health')).ms);
  figures.push({ name: 'HTTP floor (GET /api/v1/health) p50', value: round(floor.p50), unit: 'ms' });
  for (const s of SPECS) {
    const { ms, body } = await time(s.path);
    const t = summarise(ms);
    const summary = JSON.parse(body) as AnalyticsSummary;
    const note = `${summary.received.count.toLocaleString('en-US')} cases received in the period; backlog ${summary.backlog.count.toLocaleString('en-US')}; ${n} requests`;
    if (summary.received.count === 0) log(`${s.key}: no case in the period: are the analytics read models (case_metrics) filled?`);
    log(`${s.name}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms (${note})`);
    for (const [which, value] of [['p50', t.p50], ['p95', t.p95]] as const)
      figures.push({
        name: `${s.name} ${which}`,
        value: round(value),
        unit: 'ms',
        ...(s.target ? { target: `< ${TARGET_MS} ms`, pass: value < TARGET_MS } : {}),
        note,
      });
  }
  return figures;
}

/** An agent's queue, page 1 (the reads section's "queue"). */
const QUEUE_PATH = '/api/v1/cases?status=open,new&sort=-receivedAt';
const BESIDE_PATH = '/api/v1/analytics/summary?days=90&groupBy=agent';

/**
 * What a supervisor's dashboard costs everyone else: an agent's queue page, one request every
 * `gapMs`, alone and then while a supervisor reloads the 90-day dashboard by agent back to back.
 * On SQLite a statement holds the thread that runs it, so a dashboard read on the server's event
 * loop would hold the queue (and intake) for as long as it takes; the read thread keeps it off.
 */
export async function runBesideBench(opts: { baseUrl: string; agentToken: string; supervisorToken: string; quick: boolean; gapMs?: number; log?: (msg: string) => void }): Promise<Figure[]> {
  const n = opts.quick ? 30 : 300;
  const gap = opts.gapMs ?? 20;
  const log = opts.log ?? (() => undefined);
  const queue = async (): Promise<number[]> => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await httpRequest(opts.baseUrl, 'GET', QUEUE_PATH, opts.agentToken);
      if (r.status !== 200) throw new Error(`GET ${QUEUE_PATH}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      ms.push(r.ms);
      await sleep(gap);
    }
    return ms;
  };
  for (let i = 0; i < 5; i++) await httpRequest(opts.baseUrl, 'GET', QUEUE_PATH, opts.agentToken);
  const alone = summarise(await queue());
  let stop = false;
  const dashboards: number[] = [];
  const own = newHttpAgent(); // the supervisor's connection: the agent's requests must not queue behind it in this client
  // (a failure is kept until the queue's run ends: left pending, it would be an unhandled rejection)
  let failed: unknown = null;
  const supervisor = (async () => {
    while (!stop) {
      const r = await httpRequest(opts.baseUrl, 'GET', BESIDE_PATH, opts.supervisorToken, undefined, 60_000, own);
      if (r.status !== 200) throw new Error(`GET ${BESIDE_PATH}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      dashboards.push(r.ms);
    }
  })().catch((err: unknown) => {
    failed = err;
  });
  let beside: ReturnType<typeof summarise>;
  try {
    beside = summarise(await queue());
  } finally {
    stop = true;
    await supervisor;
    own.destroy();
  }
  if (failed) throw failed;
  const d = summarise(dashboards);
  const note = `${n} queue requests ${gap} ms apart; beside: ${d.n} dashboards (90 days by agent) loaded back to back meanwhile, p50 ${d.p50.toFixed(1)} ms`;
  log(`agent's queue alone: p50 ${alone.p50.toFixed(1)}, p95 ${alone.p95.toFixed(1)}, max ${alone.max.toFixed(1)} ms; beside the dashboards: p50 ${beside.p50.toFixed(1)}, p95 ${beside.p95.toFixed(1)}, max ${beside.max.toFixed(1)} ms (${note})`);
  const figures: Figure[] = [];
  for (const [which, a, b] of [['p50', alone.p50, beside.p50], ['p95', alone.p95, beside.p95], ['max', alone.max, beside.max]] as const) {
    figures.push({ name: `agent's queue page 1 alone ${which}`, value: round(a), unit: 'ms', note });
    figures.push({ name: `agent's queue page 1 beside the dashboards ${which}`, value: round(b), unit: 'ms', note });
  }
  return figures;
}

/**
 * Fills the analytics read models from the cases and their timelines when the database has fewer
 * metrics rows than cases (a bulk load that bypassed the services and did not write them):
 * case_metrics and case_backlog_moves through metricsRowFor, analytics_daily summed in memory,
 * and sla_daily from case_targets. What the bulk loader would do in its own pass.
 */
export async function fillCaseMetrics(url: string, log: (msg: string) => void = () => undefined): Promise<{ filled: number; seconds: number }> {
  const t0 = performance.now();
  const dbh = createDb({ url, sqliteSync: 'NORMAL' });
  const { db } = dbh;
  try {
    const count = async (table: 'cases' | 'case_metrics') => Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const [cases, metrics] = [await count('cases'), await count('case_metrics')];
    if (metrics >= cases) return { filled: 0, seconds: 0 };
    const rollup = new DailyRollup();
    log(`filling the analytics read models of ${cases.toLocaleString('en-US')} cases (${metrics.toLocaleString('en-US')} present)`);
    for (const t of ['case_backlog_moves', 'case_metrics', 'analytics_daily'] as const) await db.deleteFrom(t).execute();
    const cal = BusinessCalendar.fromSpec(STANDARD_CALENDAR);
    let after = '';
    let done = 0;
    let next = 0.1;
    for (;;) {
      const batch = await db.selectFrom('cases').select([...METRICS_CASE_FIELDS]).where('id', '>', after).orderBy('id').limit(5000).execute();
      if (batch.length === 0) break;
      const ids = batch.map((c) => c.id);
      const events = await db
        .selectFrom('case_events')
        .select(['case_id', 'id', 'type', 'actor_kind', 'visibility', sql<string | null>`case when type = 'status_changed' then data end`.as('data'), 'created_at'])
        .where('case_id', 'in', ids)
        .execute();
      const byCase = new Map<string, TimelineEvent[]>();
      for (const e of events) {
        let l = byCase.get(e.case_id);
        if (!l) byCase.set(e.case_id, (l = []));
        l.push(e);
      }
      const escalated = new Set((await db.selectFrom('case_escalations').select('case_id').distinct().where('case_id', 'in', ids).execute()).map((e) => e.case_id));
      const rows: CaseMetricsTable[] = [];
      const moves: CaseBacklogMovesTable[] = [];
      for (const c of batch) {
        const r = metricsRowFor(cal, c, byCase.get(c.id) ?? [], { escalated: escalated.has(c.id) });
        rows.push(r.row);
        for (const m of r.moves) moves.push(m);
        rollup.add(dailyOf(r.row)).add(r.moves.map(dailyOfMove));
      }
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('case_metrics').values(rows.slice(i, i + 1000)).execute();
        for (let i = 0; i < moves.length; i += 2000) await trx.insertInto('case_backlog_moves').values(moves.slice(i, i + 2000)).execute();
      });
      after = ids[ids.length - 1]!;
      done += batch.length;
      if (done / cases >= next) {
        log(`${done.toLocaleString('en-US')} / ${cases.toLocaleString('en-US')} cases (${Math.round(done / ((performance.now() - t0) / 1000)).toLocaleString('en-US')}/s)`);
        while (done / cases >= next) next += 0.1;
      }
    }
    const daily = rollup.rows();
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < daily.length; i += 1000) await trx.insertInto('analytics_daily').values(daily.slice(i, i + 1000)).execute();
    });
    await rebuildSlaDaily({ db });
    if (dbh.ops.name === 'postgres') for (const t of ['case_metrics', 'case_backlog_moves', 'analytics_daily', 'sla_daily']) await sql.raw(`VACUUM ANALYZE ${t}`).execute(db);
    return { filled: done, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await dbh.close();
  }
}

/** Bump when fillCaseMetrics writes something different, so a kept database is rebuilt. */
const FILL_VERSION = 1;
registerLoaderExtension({
  name: 'analytics',
  version: FILL_VERSION,
  async afterLoad({ url, log }) {
    const r = await fillCaseMetrics(url, log);
    log(`analytics read models of ${r.filled.toLocaleString('en-US')} cases in ${r.seconds.toFixed(1)} s`);
  },
});

/** The slot run.ts loads: the loaded database (its analytics filled by the extension, or here), the real server. */
export const section: Section = {
  name: 'dashboards',
  title: 'Dashboard summary (SPEC 8) over the loaded database: last 30 and 90 days',
  async run(env) {
    const loaded = await env.loaded();
    const fill = await fillCaseMetrics(loaded.url, env.log);
    env.details.analyticsFill = fill;
    if (fill.filled) env.log(`analytics read models filled in ${fill.seconds.toFixed(1)} s (the loader does not write them yet)`);
    const supervisor = loaded.meta.users.supervisor;
    if (!supervisor) throw new Error('the loaded database has no supervisor user');
    const agent = loaded.meta.users.agent;
    if (!agent) throw new Error('the loaded database has no agent user');
    const [token, agentToken] = (await benchTokens(loaded.url, [
      { userId: supervisor, name: 'dashboards' },
      { userId: agent, name: 'dashboards-queue' },
    ])) as [string, string];
    const server = await env.startServer(loaded.url, 'dashboards');
    const rss = rssSampler(server.pid);
    try {
      const figs = await runDashboardsBench({ baseUrl: server.base, token, quick: env.opts.quick, requests: env.opts.readRequests, log: env.log });
      const floor = figs[0]!;
      const out = figs.map((f, i) =>
        env.figure({
          name: f.name,
          value: f.value,
          unit: f.unit,
          ...(i > 0 ? { baseline: { name: 'HTTP floor p50', value: floor.value, unit: floor.unit } } : {}),
          ...(f.target ? { target: { on: 'value' as const, op: '<' as const, value: TARGET_MS } } : {}),
          note: f.note,
        }),
      );
      const beside = await runBesideBench({ baseUrl: server.base, agentToken, supervisorToken: token, quick: env.opts.quick, log: env.log });
      // each "beside" figure against the same figure alone
      for (let i = 0; i < beside.length; i += 2) {
        const [a, b] = [beside[i]!, beside[i + 1]!];
        out.push(env.figure({ name: a.name, value: a.value, unit: a.unit, note: a.note }));
        out.push(env.figure({ name: b.name, value: b.value, unit: b.unit, baseline: { name: a.name, value: a.value, unit: a.unit }, note: b.note }));
      }
      // with the read thread (ADR 0007): its isolate, connection and the period's rows count here
      out.push(env.figure(rssFigure(loaded.cases, 'dashboards', rss.stop())));
      return out;
    } finally {
      await server.stop();
    }
  },
};
