// Type-checks the server (tsconfig.json: src, test, bench) and the web app (web/tsconfig.json) side
// by side: two tsc processes of about 35 s of CPU each, which one after the other cost a CI run on
// two cores some 30 s. Each one's output is printed as it ends; the exit code is non-zero if either failed.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function check(args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [tsc, '--noEmit', ...args], { cwd: root });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('close', (code) => {
      process.stdout.write(out);
      done(code ?? 1);
    });
  });
}

const codes = await Promise.all([check([]), check(['-p', 'web'])]);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
