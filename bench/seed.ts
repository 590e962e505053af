/** The organisation a benchmark database starts from (the product's base seed) and API tokens. */
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

/** Migrates the database and runs the base seed (teams, users, categories). */
export async function seedBench(url: string): Promise<BenchSeed> {
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

/** A new API token for a user (through the product's service, so it is stored as the server expects). */
export async function benchToken(url: string, userId: string, name = 'bench'): Promise<string> {
  const { ctx, dbh } = await openCtx({ url, migrate: false });
  try {
    return (await createApiToken(ctx, userId, name, null, systemActor('bench'))).token;
  } finally {
    await dbh.close();
  }
}
