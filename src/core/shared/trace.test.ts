import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs a snippet that imports trace.ts with the given SL_TRACE_MS; returns its exit code and stderr. */
function withTrace(value: string | undefined, body: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (value === undefined) delete env.SL_TRACE_MS;
  else env.SL_TRACE_MS = value;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const { trace, tracing } = await import('./src/core/shared/trace.ts');\n${body}`], { cwd: ROOT, env, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

describe('SL_TRACE_MS trace', () => {
  it('is off unless set, writes spans at least SL_TRACE_MS long, and refuses a bad value', { timeout: 30_000 }, () => {
    const body = "console.error('tracing', tracing); trace('batch', 100, 104.5, { n: 3 }); trace('batch', 200, 201);";
    const off = withTrace(undefined, body);
    expect(off.code).toBe(0);
    expect(off.stderr).toContain('tracing false');
    expect(off.stderr).not.toContain('[trace]');

    const on = withTrace('2', body);
    expect(on.code).toBe(0);
    const lines = on.stderr.split('\n').filter((l) => l.startsWith('[trace] '));
    expect(lines.map((l) => JSON.parse(l.slice(8)))).toEqual([{ kind: 'batch', t: 100, ms: 4.5, n: 3 }]); // the 1 ms span is under 2

    const bad = withTrace('fast', body);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('SL_TRACE_MS must be a number of milliseconds, 0 or more (got "fast")');
  });
});
