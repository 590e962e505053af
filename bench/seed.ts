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

/** The base seed, and with `tokenFor` an API token for the seeded user of that role (agent, supervisor…). */
async function seedHere(url: string, tokenFor?: { role: string; name: string }): Promise<BenchSeed & { token?: string }> {
  const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
  try {
    const s = await seedBase(ctx, BENCH_PASSWORD);
    const cats = await ctx.db.selectFrom('categories').select(['id', 'code']).execute();
    const seed: BenchSeed = {
      users: Object.fromEntries(Object.entries(s.users).map(([k, u]) => [k, u.id])),
      teams: s.teams,
      categories: Object.fromEntries(cats.map((c) => [c.code, c.id])),
    };
    if (!tokenFor) return seed;
    const userId = seed.users[tokenFor.role];
    if (!userId) throw new Error(`the base seed has no ${tokenFor.role} user`);
    return { ...seed, token: (await createApiToken(ctx, userId, tokenFor.name, null, systemActor('bench'))).token };
  } finally {
    await dbh.close();
  }
}

async function tokensHere(url: string, asks: Array<{ userId: string; name: string }>): Promise<string[]> {
  const { ctx, dbh } = await openCtx({ url, migrate: false });
  try {
    const tokens: string[] = [];
    for (const a of asks) tokens.push((await createApiToken(ctx, a.userId, a.name, null, systemActor('bench'))).token);
    return tokens;
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

/**
 * seedBench, and an API token for the seeded user of `role`, in the same child process: a child
 * costs ~1.6 s of node and tsx starting, and a --quick section takes 5-16 s.
 */
export const seedBenchWithToken = (url: string, role: string, name = 'bench'): Promise<BenchSeed & { token: string }> =>
  child<BenchSeed & { token: string }>('seed', url, JSON.stringify({ role, name }));

/** New API tokens, one an entry, in one child process (through the product's service, so they are stored as the server expects). */
export const benchTokens = (url: string, asks: Array<{ userId: string; name: string }>): Promise<string[]> => child<string[]>('tokens', url, JSON.stringify(asks));

/** A new API token for a user. */
export const benchToken = async (url: string, userId: string, name = 'bench'): Promise<string> => (await benchTokens(url, [{ userId, name }]))[0]!;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [cmd, url, arg] = process.argv.slice(2);
  const run =
    cmd === 'seed'
      ? seedHere(url!, arg ? (JSON.parse(arg) as { role: string; name: string }) : undefined)
      : cmd === 'tokens'
        ? tokensHere(url!, JSON.parse(arg!) as Array<{ userId: string; name: string }>)
        : Promise.reject(new Error(`unknown command ${cmd}`));
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
