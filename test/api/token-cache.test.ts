import { afterAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import type { Ctx } from '../../src/core/context.ts';
import { actorFromApiToken, actorOf, createApiToken, revokeApiToken, updateUser } from '../../src/core/modules/users/index.ts';
import { seedBase } from '../../src/core/seed/base-seed.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS, freshDatabaseUrl, T0 } from '../helpers/db.ts';

/**
 * An API token's lookup is remembered by each process for `authCacheMs`: a change made through
 * the process itself takes effect at once, one made by another process (a second app node, the
 * CLI) within that time.
 */
describe.each(DIALECTS)('API token lookups remembered per process on %s', (dialect) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  /** Two app nodes on one database, each with its own memory; `a`'s queries on api_tokens counted. */
  async function twoNodes(cacheMs: [number, number]) {
    const { url, drop } = await freshDatabaseUrl(dialect);
    cleanup.push(drop);
    const tokenReads = { a: 0 };
    const nodes: Ctx[] = [];
    for (const [i, ms] of cacheMs.entries()) {
      const onQuery = i === 0 ? (text: string) => void (/select[\s\S]*from "?api_tokens/i.test(text) && tokenReads.a++) : undefined;
      const n = await openCtx({ url, clock: new ManualClock(T0), config: { scryptCost: 1024, authCacheMs: ms }, ...(onQuery ? { onQuery } : {}) });
      cleanup.push(() => n.dbh.close());
      nodes.push(n.ctx);
    }
    const seed = await seedBase(nodes[0]!, 'token-cache');
    const agent = await nodes[0]!.db.selectFrom('users').selectAll().where('id', '=', seed.users.agent!.id).executeTakeFirstOrThrow();
    const admin = await nodes[0]!.db.selectFrom('users').selectAll().where('id', '=', seed.users.admin!.id).executeTakeFirstOrThrow();
    return { a: nodes[0]!, b: nodes[1]!, agent: actorOf(agent, null), admin: actorOf(admin, null), tokenReads };
  }

  it('reads a token once for many requests, and every time with authCacheMs 0', async () => {
    for (const ms of [60_000, 0]) {
      const { a, agent, tokenReads } = await twoNodes([ms, 0]);
      const tok = await createApiToken(a, agent.id, 'many', null, agent);
      const before = tokenReads.a;
      for (let i = 0; i < 20; i++) expect((await actorFromApiToken(a, tok.token, null))?.id).toBe(agent.id);
      expect(tokenReads.a - before, `authCacheMs ${ms}`).toBe(ms ? 1 : 20);
    }
  });

  it('refuses at once what this process revoked or deactivated, even with a long memory', async () => {
    const { a, agent, admin } = await twoNodes([60_000, 0]);
    const one = await createApiToken(a, agent.id, 'one', null, agent);
    expect((await actorFromApiToken(a, one.token, null))?.id).toBe(agent.id);
    await revokeApiToken(a, one.view.id, agent);
    expect(await actorFromApiToken(a, one.token, null)).toBeNull();

    const two = await createApiToken(a, agent.id, 'two', null, agent);
    expect((await actorFromApiToken(a, two.token, null))?.role).toBe('agent');
    await updateUser(a, agent.id, { role: 'supervisor' }, admin);
    expect((await actorFromApiToken(a, two.token, null))?.role).toBe('supervisor');
    await updateUser(a, agent.id, { active: false }, admin);
    expect(await actorFromApiToken(a, two.token, null)).toBeNull();
  });

  it('sees another process revoke a token only once its memory of it is older than authCacheMs', async () => {
    const { a, b, agent } = await twoNodes([60_000, 150]);
    const tok = await createApiToken(a, agent.id, 'shared', null, agent);
    expect((await actorFromApiToken(a, tok.token, null))?.id).toBe(agent.id);
    expect((await actorFromApiToken(b, tok.token, null))?.id).toBe(agent.id);
    await revokeApiToken(a, tok.view.id, agent);
    expect(await actorFromApiToken(a, tok.token, null)).toBeNull();
    // b remembers it for at most 150 ms; a, told by nobody, would for a minute (the documented window)
    await new Promise((r) => setTimeout(r, 160));
    expect(await actorFromApiToken(b, tok.token, null)).toBeNull();
    const other = await createApiToken(b, agent.id, 'other', null, agent);
    expect((await actorFromApiToken(a, other.token, null))?.id).toBe(agent.id);
    await revokeApiToken(b, other.view.id, agent);
    expect((await actorFromApiToken(a, other.token, null))?.id).toBe(agent.id);
  });

  it('still ends an expired token on the clock, and a token not yet created is not remembered as refused', async () => {
    const { a, b, agent } = await twoNodes([60_000, 60_000]);
    const clock = a.clock as ManualClock;
    const short = await createApiToken(a, agent.id, 'short', clock.now() + 60_000, agent);
    expect(await actorFromApiToken(a, short.token, null)).not.toBeNull();
    clock.advance(60_001);
    expect(await actorFromApiToken(a, short.token, null)).toBeNull();
    // refused before it exists (a wrong token), accepted as soon as another process made it
    expect(await actorFromApiToken(a, 'slt_not-a-real-token', null)).toBeNull();
    const fresh = await createApiToken(b, agent.id, 'fresh', null, agent);
    expect((await actorFromApiToken(a, fresh.token, null))?.id).toBe(agent.id);
  });
});
