/**
 * Agent reads with the loaded database (opts.cases cases) through the real server and an
 * agent's API token: the queue list with filters and sort (page 1 and a deep keyset page),
 * full-text search in Chinese and English (newest first, and two in the other orders a list has),
 * one case with its timeline, the queue counts.
 * Each figure: N sequential requests after a warm-up, p50/p95, beside the HTTP floor measured in
 * the same run (GET /api/v1/health: HTTP plus one trivial query). With --explain, the SQL the
 * services run for each read is captured in-process and its plan (EXPLAIN QUERY PLAN on SQLite,
 * EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL) and its time straight through the driver go to the JSON.
 */
import { CompiledQuery, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { openCtx } from '../src/core/bootstrap.ts';
import { createDb } from '../src/core/db/create-db.ts';
import type { Ctx } from '../src/core/context.ts';
import { caseListQuery, getCase, listCases, queueCounts } from '../src/core/modules/cases/index.ts';
import { actorOf } from '../src/core/modules/users/index.ts';
import type { Actor } from '../src/core/shared/actor.ts';
import { httpRequest, round, rssFigure, rssSampler, summarise, type Figure, type LoadedDb, type Section, type SectionEnv, type ServerProc } from './common.ts';
import { benchToken } from './seed.ts';

interface ReadSpec {
  key: string;
  name: string;
  /** a fixed path, or one per request (e.g. rotating case ids) */
  path: string | ((i: number) => string);
  /** in-process equivalent, for --explain */
  explain?: (ctx: Ctx, actor: Actor) => Promise<unknown>;
}

interface Timed {
  key: string;
  name: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  items?: number;
  more?: boolean;
}

const DEEP_PAGES = 50;

function listCall(query: string) {
  return (ctx: Ctx, actor: Actor) => {
    const q = caseListQuery.parse(Object.fromEntries(new URLSearchParams(query)));
    return listCases(ctx, q, actor);
  };
}

async function timeSpec(server: ServerProc, token: string, spec: ReadSpec, warm: number, n: number): Promise<Timed> {
  const pathOf = (i: number) => (typeof spec.path === 'string' ? spec.path : spec.path(i));
  for (let i = 0; i < warm; i++) await httpRequest(server.base, 'GET', pathOf(i + 100_000), token);
  const ms: number[] = [];
  let errors = 0;
  let items: number | undefined;
  let more: boolean | undefined;
  for (let i = 0; i < n; i++) {
    const r = await httpRequest(server.base, 'GET', pathOf(i), token);
    ms.push(r.ms);
    if (r.status !== 200) {
      errors++;
      if (errors === 1) process.stderr.write(`${spec.key}: HTTP ${r.status} ${r.body.slice(0, 300)}\n`);
    } else if (i === 0) {
      const body = JSON.parse(r.body) as { items?: unknown[]; nextCursor?: string | null };
      if (Array.isArray(body.items)) {
        items = body.items.length;
        more = Boolean(body.nextCursor);
      }
    }
  }
  const s = summarise(ms);
  return { key: spec.key, name: spec.name, n, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max, errors, ...(items !== undefined ? { items, more } : {}) };
}

/** Follows nextCursor for `pages` pages and returns the cursor of the page after them. */
async function deepCursor(server: ServerProc, token: string, path: string, pages: number): Promise<{ cursor: string | null; pages: number }> {
  let cursor: string | null = null;
  let i = 0;
  for (; i < pages; i++) {
    const r = await httpRequest(server.base, 'GET', cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path, token);
    if (r.status !== 200) throw new Error(`deep paging ${path}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    const body = JSON.parse(r.body) as { nextCursor: string | null };
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  return { cursor, pages: i };
}

// ---------------------------------------------------------------------------------------------
// --explain: capture the SQL the services run, then ask the database how it runs it

class Capture implements KyselyPlugin {
  queries: CompiledQuery[] = [];
  constructor(private readonly compile: (node: RootOperationNode, queryId: PluginTransformQueryArgs['queryId']) => CompiledQuery) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.queries.push(this.compile(args.node, args.queryId));
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

interface Plan {
  sql: string;
  parameters: unknown[];
  plan: string[];
  directMs: { p50: number; p95: number };
  flags: string[];
}

async function explainOne(ctx: Ctx, q: CompiledQuery, repeat: number): Promise<Plan> {
  const isPg = ctx.ops.name === 'postgres';
  const prefix = isPg ? 'EXPLAIN (ANALYZE, BUFFERS) ' : 'EXPLAIN QUERY PLAN ';
  const r = await ctx.db.executeQuery(CompiledQuery.raw(prefix + q.sql, [...q.parameters]));
  const plan = isPg
    ? r.rows.map((x) => String((x as Record<string, unknown>)['QUERY PLAN']))
    : (() => {
        const rows = r.rows as Array<{ id: number; parent: number; detail: string }>;
        const depth = new Map<number, number>([[0, -1]]);
        return rows.map((x) => {
          const d = (depth.get(x.parent) ?? -1) + 1;
          depth.set(x.id, d);
          return `${'  '.repeat(d)}${x.detail}`;
        });
      })();
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    await ctx.db.executeQuery(CompiledQuery.raw(q.sql, [...q.parameters]));
    ms.push(performance.now() - t);
  }
  const s = summarise(ms);
  const flags = plan.filter((l) =>
    isPg ? /Seq Scan|Sort Method|Bitmap Heap Scan on cases|Rows Removed by Filter: [1-9]\d{3,}/.test(l) : /\bSCAN (cases|case_events|customers)\b(?! USING)|TEMP B-TREE/.test(l),
  );
  return { sql: q.sql, parameters: [...q.parameters], plan, directMs: { p50: round(s.p50), p95: round(s.p95) }, flags: flags.map((f) => f.trim()) };
}

async function explainAll(env: SectionEnv, L: LoadedDb, specs: ReadSpec[]): Promise<Record<string, Plan[]>> {
  const { ctx, dbh } = await openCtx({ url: L.url, migrate: false });
  const out: Record<string, Plan[]> = {};
  try {
    const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', L.meta.users.agent!).executeTakeFirstOrThrow();
    const actor = actorOf(user, '127.0.0.1');
    for (const spec of specs) {
      if (!spec.explain) continue;
      const cap = new Capture((node, id) => ctx.db.getExecutor().compileQuery(node, id));
      await spec.explain({ ...ctx, db: ctx.db.withPlugin(cap) }, actor);
      const reads = cap.queries.filter((q) => /^\s*select/i.test(q.sql) && !/"audit_log"|pg_advisory/i.test(q.sql));
      out[spec.key] = [];
      for (const q of reads) out[spec.key]!.push(await explainOne(ctx, q, env.opts.quick ? 3 : 20));
      const flags = out[spec.key]!.flatMap((p) => p.flags);
      env.log(`explain ${spec.key}: ${out[spec.key]!.map((p) => `${p.directMs.p50} ms`).join(' + ')} direct${flags.length ? `; watch: ${flags.join(' | ')}` : ''}`);
    }
  } finally {
    await dbh.close();
  }
  return out;
}

async function readableSample(L: LoadedDb): Promise<string[]> {
  const dbh = createDb({ url: L.url });
  try {
    const rows = await dbh.db.selectFrom('cases').select('id').where('id', 'in', L.meta.sampleCaseIds).where('sensitive', '=', 0).execute();
    const ok = new Set(rows.map((r) => r.id));
    return L.meta.sampleCaseIds.filter((id) => ok.has(id));
  } finally {
    await dbh.close();
  }
}

export const section: Section = {
  name: 'reads',
  title: 'Agent reads at the loaded size through the real server',
  async run(env) {
    const L = await env.loaded();
    const { opts } = env;
    const agentId = L.meta.users.agent!;
    const frontline = L.meta.teams.frontline!;
    const token = await benchToken(L.url, agentId, 'bench-reads');
    // The agent may not open restricted (sensitive) cases of others: sample only what it may read.
    const ids = await readableSample(L);
    const n = opts.readRequests;
    const warm = opts.quick ? 3 : 10;

    const QUEUE = '/api/v1/cases?status=open,new&sort=-receivedAt';
    const MINE = `/api/v1/cases?assigneeId=${agentId}&status=open`;
    const TEAM = `/api/v1/cases?teamId=${frontline}&priority=P1,P2`;
    const ALL = '/api/v1/cases?sort=-receivedAt';
    const specs: ReadSpec[] = [
      { key: 'queue', name: 'queue status=open,new sort=-receivedAt, page 1', path: QUEUE, explain: listCall(QUEUE.split('?')[1]!) },
      { key: 'mine', name: 'my open cases (assigneeId, status=open), page 1', path: MINE, explain: listCall(MINE.split('?')[1]!) },
      { key: 'team', name: 'team + priority=P1,P2, page 1', path: TEAM, explain: listCall(TEAM.split('?')[1]!) },
      { key: 'all', name: 'all cases newest first, page 1', path: ALL, explain: listCall(ALL.split('?')[1]!) },
      ...(
        [
          ['search_zh1', 'search q=退款', '退款'],
          ['search_zh2', 'search q=漏水 维修', '漏水 维修'],
          ['search_zh_char', 'search q=漏 (one character: a prefix search)', '漏'],
          ['search_en1', 'search q=refund', 'refund'],
          ['search_en2', 'search q=delivery late', 'delivery late'],
          ['search_zh1_oldest', 'search q=退款 sort=receivedAt (oldest first)', '退款', 'receivedAt'],
          ['search_en2_updated', 'search q=delivery late sort=-updatedAt', 'delivery late', '-updatedAt'],
        ] as ReadonlyArray<readonly [string, string, string, string?]>
      ).map(([key, name, q, sort]) => {
        const qs = `q=${encodeURIComponent(q)}${sort ? `&sort=${sort}` : ''}`;
        return { key, name, path: `/api/v1/cases?${qs}`, explain: listCall(qs) };
      }),
      {
        key: 'case',
        name: 'one case with its timeline (GET /cases/:id)',
        path: (i: number) => `/api/v1/cases/${ids[(i * 7919) % ids.length]}`,
        explain: (ctx, actor) => getCase(ctx, ids[0]!, actor),
      },
      { key: 'counts', name: 'queue counts (GET /cases/counts)', path: '/api/v1/cases/counts', explain: (ctx, actor) => queueCounts(ctx, actor) },
    ];

    const server = await env.startServer(L.url, 'reads');
    const rss = rssSampler(server.pid);
    const timed: Timed[] = [];
    const deep: Record<string, { pages: number }> = {};
    let floor: Timed;
    let mem: ReturnType<ReturnType<typeof rssSampler>['stop']>;
    try {
      const health: ReadSpec = { key: 'health', name: 'GET /api/v1/health (HTTP floor)', path: '/api/v1/health' };
      const h1 = await timeSpec(server, token, health, warm, Math.ceil(n / 2));
      for (const s of specs) {
        const t = await timeSpec(server, token, s, warm, n);
        timed.push(t);
        env.log(`${s.key}: p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms${t.items !== undefined ? `, ${t.items} items${t.more ? ' (more)' : ''}` : ''}${t.errors ? `, ${t.errors} errors` : ''}`);
      }
      // Deep keyset pages: follow nextCursor DEEP_PAGES pages, then time the next page.
      for (const [key, path] of [['queue', QUEUE], ['team', TEAM], ['all', ALL]] as const) {
        const d = await deepCursor(server, token, path, DEEP_PAGES);
        deep[key] = { pages: d.pages };
        if (!d.cursor) {
          env.log(`${key}: fewer than ${DEEP_PAGES} pages (${d.pages}); no deep page`);
          continue;
        }
        const deepPath = `${path}&cursor=${encodeURIComponent(d.cursor)}`;
        const spec: ReadSpec = { key: `${key}_deep`, name: `${specs.find((s) => s.key === key)!.name.replace('page 1', '')}page ${d.pages + 1} (keyset)`, path: deepPath, explain: listCall(deepPath.split('?')[1]!) };
        specs.push(spec);
        const t = await timeSpec(server, token, spec, warm, n);
        timed.push(t);
        env.log(`${spec.key} (page ${d.pages + 1}): p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms`);
      }
      const h2 = await timeSpec(server, token, health, 0, Math.ceil(n / 2));
      const hs = [h1, h2];
      floor = { ...h1, n: h1.n + h2.n, p50: Math.max(...hs.map((h) => h.p50)), p95: Math.max(...hs.map((h) => h.p95)), p99: Math.max(...hs.map((h) => h.p99)), errors: h1.errors + h2.errors };
      env.log(`HTTP floor (health): p50 ${floor.p50.toFixed(2)} ms, p95 ${floor.p95.toFixed(2)} ms`);
    } finally {
      mem = rss.stop();
      await server.stop();
    }
    env.details.timed = timed.map((t) => ({ ...t, p50: round(t.p50), p95: round(t.p95), p99: round(t.p99), max: round(t.max) }));
    env.details.floor = { p50: round(floor.p50), p95: round(floor.p95) };
    env.details.deepPages = deep;
    env.details.memory = { peakRssMb: round(mem.peakRssMb), hwmMb: round(mem.hwmMb) };
    if (opts.explain) env.details.explain = await explainAll(env, L, specs);

    const base = { name: 'GET /health p95 (HTTP floor)', value: floor.p95, unit: 'ms' };
    const figures: Figure[] = timed.map((t) =>
      env.figure({
        name: `${t.name} p95`,
        value: t.p95,
        unit: 'ms',
        baseline: base,
        target: { on: 'value', op: '<', value: 50 },
        note: `p50 ${t.p50.toFixed(1)} ms${t.items !== undefined ? `; ${t.items} items${t.more ? '+' : ''}` : ''}${t.errors ? `; ${t.errors} errors` : ''}`,
      }),
    );
    const errors = timed.reduce((s, t) => s + t.errors, 0) + floor.errors;
    figures.push(env.figure({ name: 'read errors (non-200)', value: errors, unit: 'count', target: { on: 'value', op: '==', value: 0 } }));
    figures.push(env.figure(rssFigure(L.cases, 'reads', mem)));
    return figures;
  },
};
