/**
 * Reads a server's SL_TRACE_MS trace (src/core/shared/trace.ts) and says where intake's time went
 * in its last `seconds` (the paced step at half the peak, when the log is an intake section's):
 * the batches' sizes and phases, the background workers' runs, and how much slower the batches
 * that overlapped a worker's run were.
 *
 *   SL_TRACE_MS=0 SL_BENCH_SERVER_LOG=error npm run bench -- --only intake --db postgres
 *   node --import tsx bench/tools/batch-trace.ts bench/results/server-postgres-intake-*.log 10
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { percentile } from '../common.ts';

interface Span {
  kind: string;
  t: number;
  ms: number;
  [field: string]: number | string;
}

export interface Spread {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface TraceSummary {
  windowMs: number;
  batches: Spread & { perSecond: number; busyShare: number; openedAhead: number; size: Spread; phases: Record<string, Spread> };
  workers: Record<string, { runs: number; totalMs: number; p50: number; max: number }>;
  besideWorker: Spread;
  alone: Spread;
}

// `rows` and `wait`: a batch opened ahead (PostgreSQL under a backlog), after its requests, waiting for the rows of the batch before, writing its own, then waiting for the commit before it to write the rest
const PHASES = ['begin', 'prepare', 'requests', 'rowsWait', 'rows', 'wait', 'writes', 'commit'] as const;

function spread(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  const at = (p: number) => (v.length ? percentile(v, p) : 0);
  return { count: v.length, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

export function parseTrace(text: string): Span[] {
  const spans: Span[] = [];
  for (const line of text.split('\n')) {
    const i = line.indexOf('[trace] ');
    if (i < 0) continue;
    try {
      spans.push(JSON.parse(line.slice(i + 8)) as Span);
    } catch {
      // a line cut off when the server was killed
    }
  }
  return spans;
}

/** Time covered by at least one of the spans (batches opened ahead overlap the one before). */
function coveredMs(spans: Span[]): number {
  let total = 0;
  let end = -Infinity;
  for (const s of [...spans].sort((a, b) => a.t - b.t)) {
    const from = Math.max(s.t, end);
    if (s.t + s.ms > from) total += s.t + s.ms - from;
    end = Math.max(end, s.t + s.ms);
  }
  return total;
}

/** The last `seconds` of the trace, ending where the last batch ended. */
export function summariseTrace(text: string, seconds: number): TraceSummary {
  const all = parseTrace(text);
  const lastBatch = all.filter((s) => s.kind === 'batch').reduce((end, s) => Math.max(end, s.t + s.ms), 0);
  const from = lastBatch - seconds * 1000;
  const spans = all.filter((s) => s.t + s.ms > from && s.t <= lastBatch);
  const batches = spans.filter((s) => s.kind === 'batch');
  const runs = spans.filter((s) => s.kind.startsWith('worker:'));
  const workers: TraceSummary['workers'] = {};
  for (const r of runs) {
    const name = r.kind.slice('worker:'.length);
    const w = (workers[name] ??= { runs: 0, totalMs: 0, p50: 0, max: 0 });
    w.runs++;
    w.totalMs += r.ms;
    w.max = Math.max(w.max, r.ms);
  }
  for (const name of Object.keys(workers)) workers[name]!.p50 = spread(runs.filter((r) => r.kind === `worker:${name}`).map((r) => r.ms)).p50;
  const overlaps = (b: Span) => runs.some((r) => r.t < b.t + b.ms && b.t < r.t + r.ms);
  const phases: Record<string, Spread> = {};
  for (const p of PHASES) phases[p] = spread(batches.map((b) => Number(b[p] ?? 0)));
  const windowMs = seconds * 1000;
  return {
    windowMs,
    batches: {
      ...spread(batches.map((b) => b.ms)),
      perSecond: batches.length / seconds,
      busyShare: coveredMs(batches) / windowMs,
      openedAhead: batches.filter((b) => b.ahead).length,
      size: spread(batches.map((b) => Number(b.n ?? 0))),
      phases,
    },
    workers,
    besideWorker: spread(batches.filter(overlaps).map((b) => b.ms)),
    alone: spread(batches.filter((b) => !overlaps(b)).map((b) => b.ms)),
  };
}

const f = (ms: number) => ms.toFixed(1);
const line = (s: Spread) => `${s.count} · p50 ${f(s.p50)} · p90 ${f(s.p90)} · p99 ${f(s.p99)} · max ${f(s.max)} ms`;

export function formatSummary(s: TraceSummary): string {
  const b = s.batches;
  const out = [
    `last ${s.windowMs / 1000} s: ${b.count} batches (${b.perSecond.toFixed(0)}/s), inside a batch ${(b.busyShare * 100).toFixed(0)}% of the time`,
    `batch ms: ${line(b)}`,
    `cases a batch: p50 ${b.size.p50} · p90 ${b.size.p90} · max ${b.size.max}; opened ahead of the commit before: ${b.openedAhead}`,
    `phases p50 / p90 ms: ${PHASES.map((p) => `${p} ${f(b.phases[p]!.p50)} / ${f(b.phases[p]!.p90)}`).join(' · ')}`,
    ...Object.entries(s.workers).map(([name, w]) => `worker ${name}: ${w.runs} runs, ${f(w.totalMs)} ms in all, p50 ${f(w.p50)} · max ${f(w.max)} ms`),
    `batches beside a worker run: ${line(s.besideWorker)}`,
    `batches alone:               ${line(s.alone)}`,
  ];
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, secs] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx bench/tools/batch-trace.ts <server log with SL_TRACE_MS lines> [seconds, default 10]');
    process.exit(2);
  }
  const seconds = Number(secs ?? 10);
  if (!(seconds > 0)) {
    console.error(`seconds must be a positive number (got "${secs}")`);
    process.exit(2);
  }
  const summary = summariseTrace(readFileSync(file, 'utf8'), seconds);
  if (!summary.batches.count) {
    console.error(`${file}: no batch lines; was the server started with SL_TRACE_MS set?`);
    process.exit(1);
  }
  console.log(formatSummary(summary));
}
