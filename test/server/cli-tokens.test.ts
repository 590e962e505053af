import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import { actorFromApiToken, createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS, freshDatabaseUrl } from '../helpers/db.ts';
import { cli } from '../helpers/cli.ts';


// `serviceloop token`: an operator makes, lists and revokes a user's API tokens from the machine.
describe.each(DIALECTS)('serviceloop token on %s', (dialect) => {
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ url, drop } = await freshDatabaseUrl(dialect));
    const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
    await createUser(ctx, { email: 'ops@example.com', name: '运维', role: 'agent', password: 'long-enough-password' }, systemActor('test'));
    await dbh.close();
  });
  afterAll(async () => drop?.());

  /** Whom the token acts as now, read as the server would. */
  const actorOf = async (token: string) => {
    const { ctx, dbh } = await openCtx({ url, migrate: false });
    try {
      return await actorFromApiToken(ctx, token, null);
    } finally {
      await dbh.close();
    }
  };

  it('creates a token, lists it without its secret, and revokes it for good', { timeout: 90_000 }, async () => {
    const made = await cli('token', '--email', 'OPS@example.com', '--name', 'nightly-export', '--db', url);
    expect(made.code, made.err).toBe(0);
    const token = made.out.trim();
    expect((await actorOf(token))?.name).toBe('运维');

    const listed = await cli('token', 'list', '--email', 'ops@example.com', '--db', url);
    expect(listed.code, listed.err).toBe(0);
    const line = listed.out.split('\n').find((l) => l.includes('nightly-export'))!;
    expect(line).toContain('active');
    expect(listed.out).not.toContain(token);
    const id = line.split('\t')[0]!;

    const revoked = await cli('token', 'revoke', id, '--db', url);
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toContain(`revoked ${id}`);
    expect(await actorOf(token)).toBeNull();
    const afterRevoke = (await cli('token', 'list', '--email', 'ops@example.com', '--db', url)).out;
    expect(afterRevoke).toMatch(new RegExp(`^${id}\\t.*\\trevoked `, 'm'));
    // revoking again changes nothing: the first time stays on record
    await new Promise((r) => setTimeout(r, 5));
    expect((await cli('token', 'revoke', id, '--db', url)).code).toBe(0);
    expect((await cli('token', 'list', '--email', 'ops@example.com', '--db', url)).out).toBe(afterRevoke);
  });

  it('names what is wrong: an unknown token, an unknown user, a missing email', { timeout: 90_000 }, async () => {
    const unknown = await cli('token', 'revoke', 'no-such-token', '--db', url);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('api_token_not_found');
    const nobody = await cli('token', 'list', '--email', 'nobody@example.com', '--db', url);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('no user nobody@example.com');
    const bare = await cli('token', '--db', url);
    expect(bare.code).toBe(1);
    expect(bare.err).toContain('--email');
    for (const r of [unknown, nobody, bare]) expect(r.err).not.toMatch(/^\s+at /m);
  });
});
