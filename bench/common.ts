/**
 * Shared pieces of the benchmark suite: the Section contract every benchmark implements, figures
 * with their baseline and target, fresh benchmark databases, the real server as a child process,
 * RSS sampling, a keep-alive HTTP client and nearest-rank percentiles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export type Dialect = 'sqlite' | 'postgres';

export interface BenchOptions {
  quick: boolean;
  dialects: Dialect[];
  /** cases in the loaded database (read, dashboard and commitment sections) */
  cases: number;
  /** section names to run (with what they require), or null for all */
  only: string[] | null;
  /** add query plans (EXPLAIN) of the read paths to the JSON */
  explain: boolean;
  /** keep the loaded database and reuse a kept one */
  keep: boolean;
  /** seconds per load step (intake concurrency levels, baseline loops) */
  durationS: number;
  /** sequential requests per read figure */
  readRequests: number;
  dataDir: string;
  outDir: string;
  /** run server children with --cpu-prof into <outDir>/prof */
  cpuProf: boolean;
  pgAdminUrl: string;
}

/** A target on the figure itself or on its ratio to the baseline. */
export interface Target {
  on: 'value' | 'ratio';
  op: '>=' | '<' | '<=' | '==';
  value: number;
}

export interface Figure {
  dialect: Dialect;
  section: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number; unit: string };
  /** value / baseline */
  ratio?: number;
  target?: string;
  pass?: boolean;
  note?: string;
}

export interface FigureInput {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number; unit: string } | undefined;
  target?: Target | undefined;
  note?: string | undefined;
}

const describeTarget = (t: Target, unit: string): string =>
  t.on === 'ratio' ? `ratio ${t.op} ${t.value >= 1 ? t.value : `${Math.round(t.value * 100)}%`}` : `${t.op} ${t.value} ${unit}`;

function meets(x: number, t: Target): boolean {
  switch (t.op) {
    case '>=': return x >= t.value;
    case '<': return x < t.value;
    case '<=': return x <= t.value;
    case '==': return x === t.value;
  }
}

export function makeFigure(dialect: Dialect, section: string, f: FigureInput): Figure {
  const out: Figure = { dialect, section, name: f.name, value: f.value, unit: f.unit };
  if (f.baseline) {
    out.baseline = f.baseline;
    if (f.baseline.value !== 0 && Number.isFinite(f.baseline.value)) out.ratio = f.value / f.baseline.value;
  }
  if (f.target) {
    out.target = describeTarget(f.target, f.unit);
    const x = f.target.on === 'ratio' ? out.ratio : f.value;
    out.pass = x !== undefined && Number.isFinite(x) && meets(x, f.target);
  }
  if (f.note) out.note = f.note;
  return out;
}

export interface FreshDb {
  url: string;
  /** a raw SQLite file path (sqlite only) */
  file?: string;
  drop(): Promise<void>;
}

export interface LoadedDb {
  url: string;
  file?: string;
  cases: number;
  meta: LoadedMeta;
}

/** What the loader leaves behind for the sections that read (stored in bench_meta). */
export interface LoadedMeta {
  cases: number;
  customers: number;
  events: number;
  migrations: string[];
  /** sha256 (16 hex) of each migration's source at load time */
  migrationHashes?: Record<string, string>;
  loadedAt: number;
  seconds: number;
  users: Record<string, string>;
  teams: Record<string, string>;
  categories: Record<string, string>;
  frontlineAgents: string[];
  aftersalesAgents: string[];
  sampleCaseIds: string[];
  generatorVersion: number;
  /** loader extensions that ran (name@version), see registerLoaderExtension in load-cases.ts */
  extensions?: string[];
}

export interface ServerProc {
  pid: number;
  base: string;
  /** current VmRSS and peak VmHWM of the server process, MB */
  memory(): { rssMb: number; hwmMb: number } | null;
  stop(): Promise<void>;
}

/**
 * The contract of a benchmark section. run.ts calls run() once per database; a section returns
 * its figures (each with its baseline from the same run, where one applies) and may put any
 * detail it wants in env.details (it lands in the JSON result).
 *
 * Slots: bench/commitments.ts and bench/dashboards.ts are picked up by run.ts when they exist;
 * each exports `section: Section` (name 'commitments' / 'dashboards').
 */
export interface Section {
  name: string;
  title: string;
  /** sections whose figures this one uses as baselines (run first, even with --only) */
  requires?: string[];
  run(env: SectionEnv): Promise<Figure[]>;
}

export interface SectionEnv {
  dialect: Dialect;
  opts: BenchOptions;
  /** progress line, prefixed with elapsed time, database and section */
  log(msg: string): void;
  /** a fresh, empty (unmigrated) database, dropped at the end of the run */
  fresh(label: string): Promise<FreshDb>;
  /** the database with opts.cases synthetic cases (loaded once per run and database, then shared) */
  loaded(): Promise<LoadedDb>;
  /** the real server (node src/cli/main.ts serve) on that database, stopped at the end of the run at the latest */
  startServer(url: string, label: string): Promise<ServerProc>;
  /** a figure already measured in this run on this database (e.g. the commit baseline) */
  figureOf(section: string, name: string): Figure | undefined;
  /** make a figure of this section on this database */
  figure(f: FigureInput): Figure;
  /** free-form details of this section for the JSON result */
  details: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// numbers

/** Nearest rank: the smallest value with at least p% of the values at or below it. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.min(i, sorted.length - 1)]!;
}

export function summarise(samples: number[]): { n: number; p50: number; p95: number; p99: number; max: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, mean };
}

export const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects after `ms` (the work itself is abandoned, not cancelled): keeps every step bounded in time. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what}: no result within ${Math.round(ms / 1000)} s (hung?)`)), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// processes

export function procMemory(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** The server's RSS at the loaded size, from an rssSampler's stop(): the peak seen or the high-water mark; target < 400 MB. */
export function rssFigure(cases: number, during: string, mem: { peakRssMb: number; hwmMb: number }): FigureInput {
  return {
    name: `server RSS at ${cases.toLocaleString('en-US')} cases (peak during ${during})`,
    value: Math.max(mem.peakRssMb, Number.isFinite(mem.hwmMb) ? mem.hwmMb : 0),
    unit: 'MB',
    target: { on: 'value', op: '<', value: 400 },
    note: `VmRSS peak ${mem.peakRssMb.toFixed(0)} MB, VmHWM ${mem.hwmMb.toFixed(0)} MB`,
  };
}

/** Samples a process's RSS until stopped; returns the peak seen and the kernel's high-water mark. */
export function rssSampler(pid: number, everyMs = 200) {
  let peak = 0;
  let last = 0;
  const tick = () => {
    const m = procMemory(pid);
    if (m) {
      last = m.rssMb;
      peak = Math.max(peak, m.rssMb);
    }
  };
  tick();
  const t = setInterval(tick, everyMs);
  t.unref();
  return {
    stop() {
      tick();
      clearInterval(t);
      const m = procMemory(pid);
      return { peakRssMb: peak, lastRssMb: last, hwmMb: m?.hwmMb ?? NaN };
    },
  };
}

/** CPU time (user + system) of a local process so far, ms; 0 if it is gone or not readable. */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** The whole machine's busy and total CPU time so far, ms (first line of /proc/stat). */
function machineCpuMs(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3]! + f[4]!; // idle + iowait
  return { busy: ((total - idle) * 1000) / 100, total: (total * 1000) / 100 };
}

export interface CpuSplit {
  wallMs: number;
  /** CPU ms of the server process, of the database's backends (PostgreSQL), of this process (the load generator), and of the whole machine */
  serverMs: number;
  databaseMs: number;
  benchMs: number;
  machineBusyMs: number;
  /** the machine's busy share over the interval, 0..1 (all cores) */
  machineBusy: number;
}

/**
 * Where the CPU went over an interval: the server, the database backends, this process. The
 * backends are listed again every half second and each one's last reading kept, so that one
 * the pool closes before the end (pg's idle timeout) still counts up to its last look.
 */
export async function cpuMeter(serverPid: number, databasePids: () => Promise<number[]>) {
  const t0 = performance.now();
  const server0 = procCpuMs(serverPid);
  const db = new Map<number, { first: number; last: number }>();
  const look = async () => {
    for (const pid of await databasePids()) {
      const ms = procCpuMs(pid);
      const e = db.get(pid);
      if (!e) db.set(pid, { first: ms, last: ms });
      else if (ms > 0) e.last = ms;
    }
  };
  await look();
  // a backend first seen after the start began at 0 ms of CPU
  const started = new Set(db.keys());
  let looking = Promise.resolve();
  const timer = setInterval(() => {
    looking = looking.then(look).catch(() => undefined);
  }, 500);
  const self0 = process.cpuUsage();
  const m0 = machineCpuMs();
  return {
    async stop(): Promise<CpuSplit> {
      clearInterval(timer);
      const m1 = machineCpuMs();
      const self = process.cpuUsage(self0);
      const wallMs = performance.now() - t0;
      await looking;
      await look();
      let databaseMs = 0;
      for (const [pid, e] of db) databaseMs += e.last - (started.has(pid) ? e.first : 0);
      const busy = m1.busy - m0.busy;
      return { wallMs, serverMs: procCpuMs(serverPid) - server0, databaseMs, benchMs: (self.user + self.system) / 1000, machineBusyMs: busy, machineBusy: busy / Math.max(1, m1.total - m0.total) };
    },
  };
}

/** A sentence: CPU per request of each party and the machine's busy share. */
export function cpuNote(c: CpuSplit, requests: number, dbName: string): string {
  const per = (ms: number) => (requests > 0 ? (ms / requests).toFixed(2) : '?');
  const db = c.databaseMs > 0 ? `, ${dbName} ${per(c.databaseMs)}` : '';
  return `CPU ms per request: server ${per(c.serverMs)}${db}, load generator ${per(c.benchMs)}, machine ${per(c.machineBusyMs)} (${Math.round(c.machineBusy * 100)}% busy)`;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => res(port));
    });
  });
}

const children = new Set<ChildProcess>();

/** Kills the server children this run started (by pid), e.g. on Ctrl-C. */
export function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
}

/** Starts the real server as `node --import tsx src/cli/main.ts serve` on 127.0.0.1 and waits until it listens. */
export async function spawnServer(url: string, opts: { cpuProfDir?: string | undefined; logFile?: string | undefined; label: string }): Promise<ServerProc> {
  const port = await freePort();
  // One directory per server: --cpu-prof writes one profile per thread (the tsx loader has its own).
  const profDir = opts.cpuProfDir ? join(opts.cpuProfDir, `${opts.label}-${Date.now()}`) : undefined;
  const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  if (profDir) mkdirSync(profDir, { recursive: true });
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--db', url, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, SL_TIMING_AT: '1', LOG_LEVEL: opts.logFile ? (process.env.SL_BENCH_SERVER_LOG ?? 'error') : 'silent', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  if (opts.logFile) mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = opts.logFile ? createWriteStream(opts.logFile) : null;
  if (log) {
    child.stdout!.on('data', (b: Buffer) => log.write(b));
    child.stderr!.on('data', (b: Buffer) => log.write(b));
    child.once('exit', () => log.end());
  }
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start in 180 s: ${err}`)), 180_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ServiceLoop is running')) {
        clearTimeout(timer);
        res();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code} before listening: ${err || out}`));
    });
  });
  child.stdout!.resume();
  const pid = child.pid!;
  return {
    pid,
    base: `http://127.0.0.1:${port}`,
    memory: () => procMemory(pid),
    async stop() {
      if (child.exitCode !== null) return void children.delete(child);
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      process.kill(pid, 'SIGTERM');
      const t = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
      children.delete(child);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// databases

export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) throw new Error(`benchmarks only target 127.0.0.1 (got ${host})`);
}

export async function pgAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export const pgUrlFor = (adminUrl: string, name: string): string => {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
};

export async function pgDatabaseExists(adminUrl: string, name: string): Promise<boolean> {
  return pgAdmin(adminUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
}

export async function pgCreateDatabase(adminUrl: string, name: string): Promise<void> {
  await pgAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
}

export async function pgDropDatabase(adminUrl: string, name: string): Promise<void> {
  await pgAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Drops leftover benchmark databases of runs whose process is gone (never a kept loaded one). */
export async function pgDropStale(adminUrl: string): Promise<string[]> {
  return pgAdmin(adminUrl, async (c) => {
    const r = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'sl_bench_p%'");
    const dropped: string[] = [];
    for (const { datname } of r.rows) {
      const pid = Number(/^sl_bench_p(\d+)_/.exec(datname)?.[1]);
      if (!pid || alive(pid)) continue;
      await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      dropped.push(datname);
    }
    return dropped;
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function removeSqliteFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) if (existsSync(f)) rmSync(f, { force: true });
}

export const sqliteUrl = (file: string) => `sqlite:${file}`;

export function dataPath(opts: BenchOptions, name: string): string {
  mkdirSync(opts.dataDir, { recursive: true });
  return join(opts.dataDir, name);
}

// ---------------------------------------------------------------------------------------------
// HTTP (keep-alive, one request at a time, timed with hrtime)

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** A client of its own (one keep-alive connection), for a second user beside the default one. */
export const newHttpAgent = (): http.Agent => new http.Agent({ keepAlive: true, maxSockets: 1 });

export interface HttpResult {
  status: number;
  body: string;
  ms: number;
}

export function httpRequest(base: string, method: string, path: string, token: string | null, body?: unknown, timeoutMs = 60_000, via: http.Agent = agent): Promise<HttpResult> {
  const u = new URL(path, base);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      {
        agent: via,
        host: u.hostname,
        port: u.port,
        method,
        path: u.pathname + u.search,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
        timeout: timeoutMs,
      },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
        r.on('error', rej);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${path}`)));
    req.on('error', rej);
    if (payload) req.write(payload);
    req.end();
  });
}

export const fmt = (x: number | undefined, digits = 2): string => {
  if (x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(digits);
};
