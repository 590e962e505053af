// Builds the web app (web/dist) with Vite when it is missing or older than what it is built from,
// so that `npm start` and `npm test` on a fresh clone serve a built app, and a restart with
// nothing changed starts at once. `--force` builds in any case.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const root = dirname(web);
const built = join(web, 'dist', 'index.html');

/** The newest modification time under a file or folder. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

const inputs = [join(web, 'src'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(root, 'package-lock.json')];
const stale = !existsSync(built) || inputs.some((p) => newest(p) > statSync(built).mtimeMs);
if (process.argv.includes('--force') || stale) {
  const t0 = Date.now();
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(`web app built into web/dist in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
