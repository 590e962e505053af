import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The CLI as one ESM bundle (with its lazily loaded parts as chunks), built once a test run, so
 * the CLI suites start `node bundle` (0.8 s) instead of `node --import tsx src/cli/main.ts`
 * (2.6 s: tsx resolves and transforms some 400 modules through its loader thread at every start);
 * the CLI suites start about a hundred processes. Packages stay external: the bundle sits under
 * node_modules/.cache so they resolve from node_modules. `serve` and bin/serviceloop.js keep
 * being tested through tsx, the way users run them (test/server/serve.test.ts).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BASE = join(ROOT, 'node_modules/.cache/serviceloop-test-cli');

export async function buildCliBundle(): Promise<{ dir: string; remove: () => void }> {
  if (existsSync(BASE)) {
    // bundles of runs whose process is gone
    for (const d of readdirSync(BASE)) if (!alive(Number(d))) rmSync(join(BASE, d), { recursive: true, force: true });
  }
  const dir = join(BASE, String(process.pid));
  await build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outdir: dir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
