import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { seedBase, type BaseSeed } from '../../src/core/seed/base-seed.ts';
import { openTestDb, type Dialect, type TestDb } from './db.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { ZApp } from '../../src/server/routes/zapp.ts';
import { createApiToken } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';

export const TEST_PASSWORD = 'test-password-123';

export interface TestApp extends TestDb {
  app: FastifyInstance;
  seed: BaseSeed;
  /** Session cookie header for a seeded user key (admin, agent, supervisor, ...). */
  cookie: (who: string) => Promise<string>;
  /** inject() as that user; body is sent as JSON. */
  as: (who: string | null, method: string, url: string, body?: unknown, headers?: Record<string, string>) => Promise<LightMyRequestResponse>;
}

export async function makeTestApp(
  dialect: Dialect,
  /** useTokens: authenticate with API tokens (they do not expire), for tests that move the clock by days. */
  opts: Parameters<typeof openTestDb>[1] & { plugins?: Array<(app: ZApp, ctx: Ctx) => void>; useTokens?: boolean } = {},
): Promise<TestApp> {
  const tdb = await openTestDb(dialect, opts);
  const seed = await seedBase(tdb.ctx, TEST_PASSWORD);
  const app = await buildApp({ ctx: tdb.ctx, ...(opts.plugins ? { plugins: opts.plugins } : {}) });
  const cookies = new Map<string, string>();
  const cookie = async (who: string) => {
    const cached = cookies.get(who);
    if (cached) return cached;
    const email = who.includes('@') ? who : seed.users[who]?.email;
    if (!email) throw new Error(`unknown test user ${who}`);
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: TEST_PASSWORD } });
    if (res.statusCode !== 200) throw new Error(`login ${who} failed: ${res.statusCode} ${res.body}`);
    const set = res.cookies.find((c) => c.name === 'sl_session');
    const header = `sl_session=${set!.value}`;
    cookies.set(who, header);
    return header;
  };
  const tokens = new Map<string, string>();
  const bearer = async (who: string) => {
    const user = seed.users[who];
    if (!user) throw new Error(`unknown test user ${who}`);
    if (!tokens.has(who)) tokens.set(who, (await createApiToken(tdb.ctx, user.id, 'test', null, systemActor('test'))).token);
    return `Bearer ${tokens.get(who)!}`;
  };
  const auth = async (who: string): Promise<Record<string, string>> =>
    opts.useTokens ? { authorization: await bearer(who) } : { cookie: await cookie(who) };
  const as: TestApp['as'] = async (who, method, url, body, headers = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { ...(who ? await auth(who) : {}), ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  return {
    ...tdb,
    app,
    seed,
    cookie,
    as,
    close: async () => {
      await app.close();
      await tdb.close();
    },
  };
}
