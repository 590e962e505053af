/**
 * The organisation a benchmark database starts from (the product's base seed) and API tokens.
 * Both run in a child process on the code as it is on disk now, like the server under test: a
 * long run must not migrate a fresh database with the migrations it loaded an hour earlier.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openCtx } from '../src/core/bootstrap.ts';
import { createApiToken } from '../src/core/modules/users/index.ts';
import { seedBase } from '../src/core/seed/base-seed.ts';
import { systemActor } from '../src/core/shared/actor.ts';

export const BENCH_PASSWORD = 'bench-password-123';

export interface BenchSeed {
  users: Record<string, string>;
  teams: Record<string, string>;
  categories: Record<string, string>;
}

async function seedHere(url: string): Promise<BenchSeed> {
  const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
  try {
    const s = await seedBase(ctx, BENCH_PASSWORD);
    const cats = await ctx.db.selectFrom('categories').select(['id', 'code']).execute();
    return {
      users: Object.fromEntries(Object.entries(s.users).map(([k, u]) => [k, u.id])),
      teams: s.teams,
      categories: Object.fromEntries(cats.map((c) => [c.code, c.id])),
    };
  } finally {
    await dbh.close();
  }
}

async function tokenHere(url: string, userId: string, name: string): Promise<string> {
  const { ctx, dbh } = await openCtx({ url, migrate: false });
  try {
    return (await createApiToken(ctx, userId, name, null, systemActor('bench'))).token;
  } finally {
    await dbh.close();
  }
}

const SELF = fileURLToPath(import.meta.url);

function child<T>(...args: string[]): Promise<T> {
  return new Promise((res, rej) =>
    execFile(process.execPath, ['--import', 'tsx', SELF, ...args], { cwd: fileURLToPath(new URL('..', import.meta.url)), maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return rej(new Error(`bench/seed.ts ${args[0]}: ${stderr || err.message}`));
      try {
        res(JSON.parse(stdout.trim().split('\n').pop()!) as T);
      } catch {
        rej(new Error(`bench/seed.ts ${args[0]}: unexpected output ${stdout.slice(0, 300)}`));
      }
    }),
  );
}

/** Migrates the database and runs the base seed (teams, users, categories). */
export const seedBench = (url: string): Promise<BenchSeed> => child<BenchSeed>('seed', url);

/** A new API token for a user (through the product's service, so it is stored as the server expects). */
export const benchToken = (url: string, userId: string, name = 'bench'): Promise<string> => child<string>('token', url, userId, name);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [cmd, url, userId, name] = process.argv.slice(2);
  const run = cmd === 'seed' ? seedHere(url!) : cmd === 'token' ? tokenHere(url!, userId!, name ?? 'bench') : Promise.reject(new Error(`unknown command ${cmd}`));
  run.then(
    (v) => {
      process.stdout.write(`${JSON.stringify(v)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
