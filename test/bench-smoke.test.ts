import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { summariseTrace } from '../bench/tools/batch-trace.ts';

/**
 * The benchmark suite is not part of `npm test`, but it must keep running: this runs the quick
 * suite with tiny sizes through the npm script, on SQLite and (intake only) on PostgreSQL, and
 * checks what it reports.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'sl-bench-smoke-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((res) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), 100_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, output });
    });
  });
}

interface Figure {
  dialect: string;
  section: string;
  name: string;
  value: number;
  baseline?: { value: number };
  ratio?: number;
  pass?: boolean;
  note?: string;
}

describe('bench --quick (smoke)', () => {
  it('runs baseline, intake, load and reads on SQLite and writes JSON and Markdown, and the servers\' logs with the batch trace', { timeout: 120_000 }, async () => {
    // the diagnosis path of docs/performance.md runs too: servers' logs kept, intake batches traced
    const r = await run(['--quick', '--db', 'sqlite', '--cases', '2000', '--duration', '1', '--requests', '5', '--out', dir, '--data', join(dir, 'data')], {
      SL_TRACE_MS: '0',
      SL_BENCH_SERVER_LOG: 'error',
    });
    expect(r.code, r.output.slice(-3000)).toBe(0);
    const files = readdirSync(dir);
    const json = files.find((f) => f.endsWith('.json'));
    expect(json, files.join(', ')).toBeDefined();
    expect(files.some((f) => f.endsWith('.md'))).toBe(true);
    const result = JSON.parse(readFileSync(join(dir, json!), 'utf8')) as { figures: Figure[]; failures: unknown[] };
    expect(result.failures).toEqual([]);
    const of = (section: string) => result.figures.filter((f) => f.section === section && f.dialect === 'sqlite');

    const [base] = of('baseline');
    expect(base!.value).toBeGreaterThan(0);
    const peak = of('intake').find((f) => f.name.startsWith('intake peak'));
    expect(peak, JSON.stringify(of('intake'))).toBeDefined();
    expect(peak!.value).toBeGreaterThan(0);
    expect(peak!.baseline?.value).toBe(base!.value);
    expect(peak!.ratio).toBeGreaterThan(0);
    // where the CPU went at the peak: the server, the load generator and the whole machine
    expect(peak!.note).toMatch(/CPU ms per request: server \d+\.\d+, load generator \d+\.\d+, machine \d+\.\d+ \(\d+% busy\)/);
    expect(of('intake').find((f) => f.name.includes('acknowledged cases missing'))?.value).toBe(0);
    expect(of('intake').find((f) => f.name.includes('rows without a 201'))?.value).toBe(0);
    // the paced step splits a request's time: before the server read it, its own, after it answered
    const paced = of('intake').find((f) => f.name.startsWith('intake p99 at half peak'));
    expect(paced?.note).toMatch(/server's own time p99 \d+\.\d ms .*sent until the server read it p99 -?\d+\.\d ms, answered until the client had it p99 -?\d+\.\d ms/);
    // and the requests that opened a connection on their own (the client starts with none open)
    expect(paced?.note).toMatch(/\(\d+ requests? on new connections: sent until read p99 -?\d+\.\d ms\)/);
    // a burst of new clients beside busy kept-alive ones: every one answered (errors are counted above)
    const burst = of('intake').find((f) => f.name.includes('new clients at once'));
    expect(burst?.value).toBeGreaterThan(0);
    expect(burst?.note).toMatch(/all answered in \d+ ms/);
    // a quick run keeps under its 2-minute budget: the levels 1, 32 and 128 only, and its last line says how long it took
    expect(of('intake').filter((f) => f.name.startsWith('intake req/s at c=')).map((f) => f.name)).toEqual(['intake req/s at c=1', 'intake req/s at c=32', 'intake req/s at c=128']);
    expect(r.output).toMatch(/quick run: \d+ s(, OVER)? (of )?its 2-minute budget/);

    expect(of('load')[0]?.value).toBeGreaterThan(0);
    const reads = of('reads');
    for (const key of ['queue', 'search q=退款', 'search q=refund', 'one case with its timeline', 'queue counts'])
      expect(reads.some((f) => f.name.includes(key)), key).toBe(true);
    expect(reads.find((f) => f.name === 'read errors (non-200)')?.value).toBe(0);
    expect(reads.every((f) => Number.isFinite(f.value))).toBe(true);
    const dash = of('dashboards');
    const beside = dash.find((f) => f.name === "agent's queue page 1 beside the dashboards p95");
    expect(beside?.baseline?.value, JSON.stringify(dash)).toBe(dash.find((f) => f.name === "agent's queue page 1 alone p95")?.value);
    expect(beside?.note).toMatch(/[1-9]\d* dashboards \(90 days by agent\) loaded back to back meanwhile/);
    expect(dash.find((f) => f.name.endsWith('cases (peak during dashboards)'))?.value).toBeGreaterThan(0);

    const intakeLog = files.find((f) => f.startsWith('server-sqlite-intake-') && f.endsWith('.log'));
    expect(intakeLog, files.join(', ')).toBeDefined();
    const trace = summariseTrace(readFileSync(join(dir, intakeLog!), 'utf8'), 60);
    expect(trace.batches.count).toBeGreaterThan(0);
    expect(trace.batches.size.max).toBeGreaterThanOrEqual(1);
    expect(trace.batches.phases['commit']!.max).toBeGreaterThan(0);
  });

  it('runs baseline and intake on PostgreSQL alone, with the database\'s CPU and the in-process reference metered', { timeout: 120_000 }, async () => {
    // alone: no SQLite section before it installs the statement meter early (it once counted nothing here)
    const out = join(dir, 'pg');
    const r = await run(['--quick', '--db', 'postgres', '--only', 'baseline,intake', '--duration', '1', '--out', out]);
    expect(r.code, r.output.slice(-3000)).toBe(0);
    const json = readdirSync(out).find((f) => f.endsWith('.json'));
    const result = JSON.parse(readFileSync(join(out, json!), 'utf8')) as { figures: Figure[]; failures: unknown[] };
    expect(result.failures).toEqual([]);
    const intake = result.figures.filter((f) => f.section === 'intake' && f.dialect === 'postgres');
    const peak = intake.find((f) => f.name.startsWith('intake peak'));
    expect(peak!.value).toBeGreaterThan(0);
    expect(peak!.note).toMatch(/CPU ms per request: server \d+\.\d+, PostgreSQL \d+\.\d+, load generator/);
    // every case is WAL (several KB of rows and index entries); the checkpoint share is a percentage, or unknown without pg_read_all_stats
    const [, walKb] = /PostgreSQL WAL (\d+\.\d) KB a request, beside a checkpoint (?:\d+%|\? \(the role lacks pg_read_all_stats\)) of the step/.exec(peak!.note ?? '') ?? [];
    expect(Number(walKb), peak!.note).toBeGreaterThan(1);
    expect(intake.find((f) => f.name.includes('acknowledged cases missing'))?.value).toBe(0);
    const ref = intake.find((f) => f.name.startsWith('createCase() in-process'));
    const [, statements, waiting] = /, (\d+\.\d) statements .*?, (\d+)% of it waiting/.exec(ref?.note ?? '') ?? [];
    expect(Number(statements), ref?.note).toBeGreaterThan(1);
    expect(Number(waiting), ref?.note).toBeGreaterThan(0);
  });
});
