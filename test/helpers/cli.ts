import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** the CLI bundle's folder (helpers/cli-bundle.ts, built by global setup) */
    cliBundle: string;
  }
}

/**
 * Runs `serviceloop <args>` as a user would (a process of its own, from the repository's root,
 * the CLI bundled once a run by global setup: helpers/cli-bundle.ts),
 * with `env` over this process's environment; SL_PASSWORD and SL_RETENTION_DAYS are cleared
 * unless given, so a developer's own settings do not change what the tests see.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--enable-source-maps', join(inject('cliBundle'), 'main.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', SL_PASSWORD: '', SL_RETENTION_DAYS: '', ...env },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('error', fail);
    p.on('close', (code) => done({ code, out, err }));
  });
}

/** runCli with the arguments spread. */
export const cli = (...args: string[]): Promise<CliResult> => runCli(args);
