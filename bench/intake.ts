/**
 * Intake: POST /api/v1/cases through the whole HTTP path of the real server (child process):
 * token auth, zod validation, classification, customer match, case number, case row, timeline
 * events, search index, commitments hooks, outbox row and audit entry, one transaction.
 *
 *  1. closed-loop load with autocannon at several concurrencies: requests/s, p50/p99, errors;
 *  2. a burst of new clients, each on a connection of its own, beside a steady kept-alive load;
 *  3. open-loop, paced arrivals at half the peak rate (latency measured from the scheduled send
 *     time, so a stall is not hidden by coordinated omission): p50/p99;
 *  4. the server's RSS (VmRSS sampled, VmHWM at the end);
 *  5. nothing lost: rows in `cases` == 201 responses;
 *  6. reference: createCase() in-process without HTTP, to split the cost.
 * The ratio is against the raw one-row-per-transaction commit rate of the same database.
 */
import autocannon from 'autocannon';
import http from 'node:http';
import pg from 'pg';
import { sql } from 'kysely';
import { openCtx } from '../src/core/bootstrap.ts';
import { createCase, type NewCaseInput } from '../src/core/modules/cases/index.ts';
import { actorOf } from '../src/core/modules/users/index.ts';
import { BASELINE_FIGURE, RAW_LATENCY_MAX, RAW_LATENCY_P99, SERVER_POOL_SIZE } from './baseline.ts';
import { cpuMeter, cpuNote, httpRequest, rssSampler, round, withTimeout, summarise, type CpuSplit, type Figure, type Section, type SectionEnv, type ServerProc } from './common.ts';
import { driverMeter } from './meter.ts';
import { pgWalMeter, pgWalNote, type PgWalSplit } from './pg-wal.ts';
import { seedBenchWithToken } from './seed.ts';
import { intakeBody, Rng } from './synthetic.ts';

const PATH = '/api/v1/cases';
/** new clients at once in the burst step */
const BURST = 300;

interface LoadRun {
  label: string;
  connections: number;
  seconds: number;
  completed: number;
  created: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  statuses: Record<string, number>;
  /** requests sent whose response never arrived (cut off when a time-bounded run stopped) */
  unanswered: number;
  /** the first error response, to say what went wrong */
  firstError?: string;
  targetRate?: number;
  /** burst: from sending the burst until its last answer, ms */
  answeredInMs?: number;
  /** paced: where the time went. p99 of the server's own time (its Server-Timing header, from reading a request to answering it), of the client's lateness in sending (its event loop), and, when the server names the moment it read each request (SL_TIMING_AT=1), of the time before that and after its answer, ms */
  split?: { serverP99: number; serverMax: number; sendLagP99: number; sendLagMax: number; beforeP99?: number; afterP99?: number; fresh?: { n: number; beforeP99: number } };
  /** where the CPU went during the run */
  cpu?: CpuSplit;
  /** PostgreSQL: the WAL written and the share of the run beside a checkpoint */
  wal?: PgWalSplit;
}

const splitNote = (r: LoadRun) =>
  r.split
    ? `; server's own time p99 ${r.split.serverP99.toFixed(1)} ms (max ${r.split.serverMax.toFixed(0)}), client's send lag p99 ${r.split.sendLagP99.toFixed(1)} ms (max ${r.split.sendLagMax.toFixed(0)})` +
      (r.split.beforeP99 !== undefined ? `, sent until the server read it p99 ${r.split.beforeP99.toFixed(1)} ms, answered until the client had it p99 ${r.split.afterP99!.toFixed(1)} ms` : '') +
      (r.split.fresh ? ` (${r.split.fresh.n} request${r.split.fresh.n === 1 ? '' : 's'} on new connections: sent until read p99 ${r.split.fresh.beforeP99.toFixed(1)} ms)` : '')
    : '';

const idOf = (body: string): string | undefined => /"id":"([^"]+)"/.exec(body)?.[1];

/** What every load step reports of its answers: cases created, latency percentiles, errors. */
function answersOf(latencies: number[], statuses: Record<string, number>, transport: number) {
  const s = summarise(latencies);
  return { created: statuses['201'] ?? 0, p50: s.p50, p99: s.p99, max: s.max, errors: errorsOf(statuses, transport), statuses };
}

function errorsOf(statuses: Record<string, number>, transport: number): number {
  return transport + Object.entries(statuses).reduce((s, [code, n]) => (code === '201' ? s : s + n), 0);
}

async function closedLoop(server: ServerProc, token: string, rng: Rng, connections: number, seconds: number, label: string, acked: Set<string>): Promise<LoadRun> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let firstError: string | undefined;
  const t0 = performance.now();
  const inst = autocannon({
    url: server.base,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: PATH,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(intakeBody(rng)) }),
        onResponse: (status, body) => {
          const id = status === 201 ? idOf(body) : undefined;
          if (id) acked.add(id);
          else if (status !== 201) firstError ??= `${status} ${body.slice(0, 300)}`;
        },
      },
    ],
  });
  inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    latencies.push(ms);
  });
  const r = await inst;
  const wall = (performance.now() - t0) / 1000;
  const answers = answersOf(latencies, statuses, r.errors + r.timeouts);
  return {
    label,
    connections,
    seconds: wall,
    completed: latencies.length,
    ...answers,
    rate: answers.created / Math.min(wall, r.duration || wall),
    unanswered: Math.max(0, r.requests.sent - latencies.length - r.errors - r.timeouts),
    ...(firstError ? { firstError } : {}),
  };
}

/**
 * Open loop: request i is due at t0 + i/rate whatever happened before; its latency counts from
 * that due time. Bounded by `seconds` plus a 10 s drain.
 */
/** What one POST of an intake gave: its status (0: no answer, a transport error or a timeout), its Server-Timing header, and whether it went on a connection already open. */
interface Posted {
  status: number;
  timing: string;
  reused: boolean;
}

/** POSTs one intake body on `agent`; an acknowledged case's id goes into `acked`, every answer's status into `statuses`. Never rejects. */
function postIntake(agent: http.Agent, u: URL, token: string, body: Buffer, acked: Set<string>, statuses: Record<string, number>, timeoutMs: number): Promise<Posted> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path: PATH,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('end', () => {
          const id = res.statusCode === 201 ? idOf(Buffer.concat(chunks).toString('utf8')) : undefined;
          if (id) acked.add(id);
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          resolve({ status: res.statusCode ?? 0, timing: String(res.headers['server-timing'] ?? ''), reused: req.reusedSocket });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, timing: '', reused: req.reusedSocket }));
    req.end(body);
  });
}

async function pacedRun(server: ServerProc, token: string, rng: Rng, rate: number, seconds: number, acked: Set<string>): Promise<LoadRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const u = new URL(server.base);
  const total = Math.max(1, Math.round(rate * seconds));
  const bodies = Array.from({ length: total }, () => Buffer.from(JSON.stringify(intakeBody(rng))));
  const latencies: number[] = [];
  const serverTimes: number[] = [];
  const sendLags: number[] = [];
  // wall-clock ms (performance.timeOrigin + now, as the server's `read` in Server-Timing)
  const beforeServer: number[] = [];
  const afterServer: number[] = [];
  // the same for the requests that opened a connection (the agent opens one when all are busy)
  const beforeFresh: number[] = [];
  const statuses: Record<string, number> = {};
  let transport = 0;
  let inFlight = 0;
  let sent = 0;
  const t0 = performance.now();
  const interval = 1000 / rate;
  await new Promise<void>((done) => {
    const finishIfDone = () => {
      if (sent === total && inFlight === 0) done();
    };
    const fire = (i: number) => {
      const due = t0 + i * interval;
      sendLags.push(performance.now() - due);
      inFlight++;
      const posting = postIntake(agent, u, token, bodies[i]!, acked, statuses, 10_000);
      const sentAt = performance.timeOrigin + performance.now();
      void posting.then(({ status, timing, reused }) => {
        if (status === 0) transport++;
        else {
          latencies.push(performance.now() - due);
          const dur = /dur=([\d.]+)/.exec(timing)?.[1];
          if (dur) serverTimes.push(Number(dur));
          const read = /read;desc="([\d.]+)"/.exec(timing)?.[1];
          if (read && dur) {
            beforeServer.push(Number(read) - sentAt);
            if (!reused) beforeFresh.push(Number(read) - sentAt);
            afterServer.push(performance.timeOrigin + performance.now() - (Number(read) + Number(dur)));
          }
        }
        inFlight--;
        finishIfDone();
      });
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + sent * interval <= now) fire(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
      else finishIfDone();
    };
    tick();
  });
  agent.destroy();
  const wall = (performance.now() - t0) / 1000;
  const answers = answersOf(latencies, statuses, transport);
  const own = summarise(serverTimes);
  const lag = summarise(sendLags);
  return {
    split: {
      serverP99: own.p99,
      serverMax: own.max,
      sendLagP99: lag.p99,
      sendLagMax: lag.max,
      ...(beforeServer.length ? { beforeP99: summarise(beforeServer).p99, afterP99: summarise(afterServer).p99 } : {}),
      ...(beforeFresh.length ? { fresh: { n: beforeFresh.length, beforeP99: summarise(beforeFresh).p99 } } : {}),
    },
    label: 'paced',
    connections: 0,
    seconds: wall,
    completed: latencies.length,
    ...answers,
    rate: answers.created / wall,
    unanswered: 0,
    targetRate: rate,
  };
}

/**
 * A flood of new clients: `n` requests at once, each on a connection of its own (no keep-alive),
 * while `steady` kept-alive connections post cases without pause (agents and channels already
 * connected), after `settleMs` of that steady load. Latency of the burst's requests from their
 * send. Every request is waited for, so none is cut off.
 */
async function burstRun(server: ServerProc, token: string, rng: Rng, acked: Set<string>, n = 300, steady = 64, settleMs = 1000): Promise<LoadRun> {
  const u = new URL(server.base);
  const statuses: Record<string, number> = {};
  let transport = 0;
  const post = async (agent: http.Agent) => {
    const t = performance.now();
    const { status } = await postIntake(agent, u, token, Buffer.from(JSON.stringify(intakeBody(rng))), acked, statuses, 30_000);
    if (status === 0) transport++;
    return performance.now() - t;
  };
  const kept = new http.Agent({ keepAlive: true, maxSockets: steady });
  let stop = false;
  let steadyDone = 0;
  const t0 = performance.now();
  const loops = Array.from({ length: steady }, async () => {
    while (!stop) {
      await post(kept);
      steadyDone++;
    }
  });
  await new Promise((r) => setTimeout(r, settleMs));
  const fresh = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const tb = performance.now();
  const latencies = await Promise.all(Array.from({ length: n }, () => post(fresh)));
  const burstMs = performance.now() - tb;
  stop = true;
  await Promise.all(loops);
  kept.destroy();
  fresh.destroy();
  const wall = (performance.now() - t0) / 1000;
  return {
    label: 'burst',
    connections: steady,
    seconds: wall,
    completed: n + steadyDone,
    // the burst's latencies; the answers of both its clients and the steady ones
    ...answersOf(latencies, statuses, transport),
    rate: (n + steadyDone) / wall,
    unanswered: 0,
    answeredInMs: burstMs,
  };
}

interface InProcess {
  rate: number;
  n: number;
  /** statements per case, BEGIN/COMMIT included */
  statementsPerCase: number;
  /** share of a sequential createCase() spent waiting for the database */
  dbShare: number;
  /** share spent in COMMIT (the durable write) */
  commitShare: number;
  msPerCase: number;
}

/**
 * createCase() called in-process (no HTTP, no JSON, no auth): the service's own rate; then a
 * short sequential pass with a statement meter, to see how many statements one intake runs and
 * how much of its time is the database's.
 */
async function inProcess(env: SectionEnv, url: string, agentId: string, seconds: number): Promise<InProcess> {
  // before the pool connects: each PostgreSQL client binds its query method when it connects
  // (db/create-db.ts), so a meter installed later would count nothing
  const meter = driverMeter();
  const { ctx, dbh } = await openCtx({ url, migrate: false });
  let hung = false;
  try {
    const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', agentId).executeTakeFirstOrThrow();
    const actor = actorOf(user, '127.0.0.1');
    const rng = new Rng(7);
    const workers = env.dialect === 'postgres' ? SERVER_POOL_SIZE : 1;
    let n = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    const work = Promise.all(
      Array.from({ length: workers }, async () => {
        while (performance.now() < end) {
          await createCase(ctx, intakeBody(rng) as unknown as NewCaseInput, actor);
          n++;
        }
      }),
    );
    let m = 0;
    let tm = 0;
    let elapsed = 0;
    try {
      await withTimeout(work, seconds * 1000 + 30_000, 'createCase() in-process');
      elapsed = performance.now() - t0;
      const t1 = performance.now();
      const mEnd = t1 + Math.min(2000, seconds * 500);
      meter.reset();
      meter.enabled = true;
      try {
        while (performance.now() < mEnd) {
          await withTimeout(createCase(ctx, intakeBody(rng) as unknown as NewCaseInput, actor), 30_000, 'createCase() metered');
          m++;
        }
      } finally {
        meter.enabled = false;
      }
      tm = performance.now() - t1;
    } catch (err) {
      hung = true; // a connection may be stuck: do not wait for the pool to drain
      throw err;
    }
    return { rate: n / (elapsed / 1000), n, statementsPerCase: meter.statements / Math.max(1, m), dbShare: meter.waitMs / Math.max(1, tm), commitShare: meter.commitMs / Math.max(1, tm), msPerCase: tm / Math.max(1, m) };
  } finally {
    if (!hung) await dbh.close();
  }
}

/**
 * The closed-loop concurrencies: SL_BENCH_LEVELS (comma-separated, each 1..1024) or 1, 8, 32, 64,
 * 128 (1, 32, 128 in a --quick run, which must stay under 2 minutes). PostgreSQL's peak needs
 * 128: while one batch of 64 is in the database, the next 64 requests are read and run in node
 * (2026-12-05: 1,656 req/s at 128 against 1,345 at 64).
 */
function levelsOf(spec: string | undefined, quick: boolean): number[] {
  if (!spec) return quick ? [1, 32, 128] : [1, 8, 32, 64, 128];
  const levels = spec.split(',').map((v) => Number(v.trim()));
  if (levels.some((n) => !Number.isInteger(n) || n < 1 || n > 1024)) throw new Error(`SL_BENCH_LEVELS: "${spec}" is not a list of concurrencies 1..1024`);
  return levels;
}

export const section: Section = {
  name: 'intake',
  title: 'Intake: POST /api/v1/cases through the real HTTP server',
  requires: ['baseline'],
  async run(env) {
    const { opts } = env;
    const seconds = opts.durationS;
    const levels = levelsOf(process.env.SL_BENCH_LEVELS, opts.quick);
    const fresh = await env.fresh('intake');
    const seed = await seedBenchWithToken(fresh.url, 'agent');
    const agentId = seed.users.agent!;
    const token = seed.token;
    const server = await env.startServer(fresh.url, 'intake');
    const rss = rssSampler(server.pid);
    const rng = new Rng(2026);
    const acked = new Set<string>();
    const runs: LoadRun[] = [];
    const dbLabel = env.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite';
    const pgClient = env.dialect === 'postgres' ? new pg.Client({ connectionString: fresh.url }) : undefined;
    await pgClient?.connect();
    const databasePids = async (): Promise<number[]> =>
      pgClient ? (await pgClient.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => Number(r.pid)) : [];
    const metered = async (go: () => Promise<LoadRun>): Promise<LoadRun> => {
      const m = await cpuMeter(server.pid, databasePids);
      const w = pgClient ? await pgWalMeter(pgClient) : undefined;
      const r = await go();
      return { ...r, cpu: await m.stop(), ...(w ? { wal: await w.stop() } : {}) };
    };
    const cpuOf = (r: LoadRun) => (r.cpu ? `; ${cpuNote(r.cpu, r.completed, dbLabel)}` : '') + (r.wal ? `; ${pgWalNote(r.wal, r.completed)}` : '');
    let mem: ReturnType<ReturnType<typeof rssSampler>['stop']>;
    try {
      // One request on its own first (a cold server may take seconds: JIT, caches), so a short
      // warm-up still measures something; a failure here says why.
      const first = await httpRequest(server.base, 'POST', PATH, token, intakeBody(rng), 30_000);
      if (first.status !== 201) throw new Error(`the first POST /api/v1/cases answered ${first.status}: ${first.body.slice(0, 300)}`);
      const firstId = idOf(first.body);
      if (firstId) acked.add(firstId);
      env.log(`first request: ${first.ms.toFixed(0)} ms`);
      const warmS = opts.quick ? 1 : Math.max(1, Math.min(2, seconds));
      const warm = await closedLoop(server, token, rng, 8, warmS, 'warm-up', acked);
      runs.push(warm);
      env.log(`warm-up: ${warm.created} created, ${Math.round(warm.rate)}/s, ${warm.errors} errors ${JSON.stringify(warm.statuses)}`);
      if (warm.created === 0 && warm.completed > 0) throw new Error(`no POST /api/v1/cases succeeded in the warm-up; first answer: ${warm.firstError ?? '?'}`);
      if (warm.completed === 0) {
        const h = await httpRequest(server.base, 'GET', '/api/v1/health', null, undefined, 5_000).then((r) => `health ${r.status}`, (e: unknown) => `health: ${String(e)}`);
        throw new Error(`the server answered no POST /api/v1/cases in the ${warmS} s warm-up (${h}): it is hung or too slow to measure`);
      }
      for (const c of levels) {
        const r = await metered(() => closedLoop(server, token, rng, c, seconds, `c=${c}`, acked));
        runs.push(r);
        env.log(`c=${c}: ${Math.round(r.rate)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.errors} errors ${JSON.stringify(r.statuses)}${cpuOf(r)}`);
      }
      const peak = runs.filter((r) => r.label.startsWith('c=')).reduce((a, b) => (b.rate > a.rate ? b : a));
      // before the paced step, so that the servers' logs and profiles still end with that step
      const burst = await burstRun(server, token, rng, acked, BURST);
      runs.push(burst);
      env.log(`burst: ${BURST} new clients at once beside ${burst.connections} busy connections: all answered in ${burst.answeredInMs!.toFixed(0)} ms, p50 ${burst.p50.toFixed(1)} ms, p99 ${burst.p99.toFixed(1)} ms, ${burst.errors} errors ${JSON.stringify(burst.statuses)}`);
      const half = Math.max(1, Math.floor(peak.rate / 2));
      const paced = await metered(() => pacedRun(server, token, rng, half, seconds, acked));
      runs.push(paced);
      env.log(`paced at ${half}/s (half of peak ${Math.round(peak.rate)}): got ${Math.round(paced.rate)}/s, p50 ${paced.p50.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms, ${paced.errors} errors${splitNote(paced)}${cpuOf(paced)}`);
    } finally {
      mem = rss.stop();
      await pgClient?.end();
      await server.stop();
    }

    // Nothing lost: every acknowledged case is a row. Rows without a 201 can only be requests
    // whose response was cut off when a time-bounded run stopped (at most those in flight).
    const { ctx, dbh } = await openCtx({ url: fresh.url, migrate: false });
    const count = async (t: string) => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(ctx.db)).rows[0]!.n);
    const rows = { cases: await count('cases'), case_events: await count('case_events'), outbox: await count('outbox'), audit_log: await count('audit_log') };
    const stored = new Set((await ctx.db.selectFrom('cases').select('id').execute()).map((r) => r.id));
    await dbh.close();
    const missing = [...acked].filter((id) => !stored.has(id)).length;
    const unanswered = runs.reduce((s, r) => s + r.unanswered, 0);
    const unexplained = Math.max(0, rows.cases - (acked.size - missing) - unanswered);
    env.log(`rows: ${JSON.stringify(rows)}; acknowledged ${acked.size} (missing ${missing}); cut off in flight ${unanswered}; RSS peak ${mem.peakRssMb.toFixed(0)} MB, HWM ${mem.hwmMb.toFixed(0)} MB`);

    const ref = await inProcess(env, fresh.url, agentId, opts.quick ? 1 : Math.min(3, seconds));
    env.log(`createCase() in-process: ${Math.round(ref.rate)}/s; sequential: ${ref.msPerCase.toFixed(2)} ms/case, ${ref.statementsPerCase.toFixed(1)} statements/case, ${(ref.dbShare * 100).toFixed(0)}% waiting on the database (${(ref.commitShare * 100).toFixed(0)}% in COMMIT)`);

    const b = env.figureOf('baseline', BASELINE_FIGURE);
    const base = b ? { name: BASELINE_FIGURE, value: b.value, unit: b.unit } : undefined;
    const [p99, max] = [env.figureOf('baseline', RAW_LATENCY_P99), env.figureOf('baseline', RAW_LATENCY_MAX)];
    const rawTail = p99 && max ? `raw commit p99 ${p99.value.toFixed(2)} ms, max ${max.value.toFixed(1)} ms in this run` : '';
    const closed = runs.filter((r) => r.label.startsWith('c='));
    const peak = closed.reduce((a, r) => (r.rate > a.rate ? r : a));
    const paced = runs.find((r) => r.label === 'paced')!;
    const burst = runs.find((r) => r.label === 'burst')!;
    const errors = runs.reduce((s, r) => s + r.errors, 0);
    env.details.runs = runs.map((r) => ({ ...r, rate: round(r.rate), p50: round(r.p50), p99: round(r.p99), max: round(r.max), seconds: round(r.seconds) }));
    env.details.rows = rows;
    env.details.verification = { acknowledged: acked.size, missing, cutOffInFlight: unanswered, rowsWithout201: rows.cases - (acked.size - missing) };
    env.details.memory = { peakRssMb: round(mem.peakRssMb), hwmMb: round(mem.hwmMb) };
    env.details.inProcess = { ...ref, rate: round(ref.rate), statementsPerCase: round(ref.statementsPerCase, 1), dbShare: round(ref.dbShare), commitShare: round(ref.commitShare), msPerCase: round(ref.msPerCase) };

    return [
      env.figure({ name: `intake peak req/s (c=${peak.connections})`, value: peak.rate, unit: 'req/s', baseline: base, target: { on: 'ratio', op: '>=', value: 0.4 }, note: `p50 ${peak.p50.toFixed(1)} ms, p99 ${peak.p99.toFixed(1)} ms${cpuOf(peak)}` }),
      ...closed.map((r) =>
        env.figure({ name: `intake req/s at c=${r.connections}`, value: r.rate, unit: 'req/s', baseline: base, note: `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.errors} errors` }),
      ),
      env.figure({ name: `intake p99 at half peak (paced ${paced.targetRate}/s)`, value: paced.p99, unit: 'ms', target: { on: 'value', op: '<', value: 20 }, note: `p50 ${paced.p50.toFixed(1)} ms, achieved ${Math.round(paced.rate)}/s${splitNote(paced)}${rawTail ? `; ${rawTail}` : ''}${cpuOf(paced)}` }),
      env.figure({
        name: `intake: ${BURST} new clients at once beside ${burst.connections} busy connections, p99`,
        value: burst.p99,
        unit: 'ms',
        note: `p50 ${burst.p50.toFixed(1)} ms, max ${burst.max.toFixed(0)} ms, all answered in ${burst.answeredInMs!.toFixed(0)} ms; each on a connection of its own, sent together while ${burst.connections} kept-alive connections post without pause (a flood of new customers beside the agents and channels connected)`,
      }),
      env.figure({ name: 'intake errors (non-201, transport, timeouts; all runs)', value: errors, unit: 'count', target: { on: 'value', op: '==', value: 0 } }),
      env.figure({ name: 'intake: acknowledged cases missing from the database', value: missing, unit: 'count', target: { on: 'value', op: '==', value: 0 }, note: `${acked.size} × 201, ${rows.cases} rows` }),
      env.figure({ name: 'intake: rows without a 201 beyond requests cut off in flight', value: unexplained, unit: 'count', target: { on: 'value', op: '==', value: 0 }, note: `${rows.cases - (acked.size - missing)} rows without a 201; ${unanswered} requests were in flight when time-bounded runs stopped` }),
      env.figure({ name: 'server RSS peak during intake', value: mem.peakRssMb, unit: 'MB', note: `VmHWM ${mem.hwmMb.toFixed(0)} MB` }),
      env.figure({
        name: `createCase() in-process, ${env.dialect === 'postgres' ? SERVER_POOL_SIZE : 1} worker(s) (reference)`,
        value: ref.rate,
        unit: 'req/s',
        baseline: base,
        note: `sequential: ${ref.msPerCase.toFixed(2)} ms/case, ${ref.statementsPerCase.toFixed(1)} statements (BEGIN/COMMIT included), ${(ref.dbShare * 100).toFixed(0)}% of it waiting on the database, ${(ref.commitShare * 100).toFixed(0)}% in COMMIT`,
      }),
    ];
  },
};
