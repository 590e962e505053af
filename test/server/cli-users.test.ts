import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS, freshDatabaseUrl } from '../helpers/db.ts';
import { cli } from '../helpers/cli.ts';


// `serviceloop user create` holds a new user to the API's own rules.
describe.each(DIALECTS)('serviceloop user create on %s', (dialect) => {
  let url: string;
  let drop: () => Promise<void>;
  let customerId: string;
  beforeAll(async () => {
    ({ url, drop } = await freshDatabaseUrl(dialect));
    const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
    customerId = (await createCustomer(ctx, { name: '林晓雨', email: 'lin@example.com' }, systemActor('test'))).id;
    await dbh.close();
  });
  afterAll(async () => drop?.());

  it('refuses what the API refuses, naming the option', { timeout: 60_000 }, async () => {
    for (const [args, message] of [
      [['--email', 'not-an-email', '--name', 'X', '--role', 'agent'], '--email: Invalid email address'],
      [['--email', 'x@example.com', '--name', ' ', '--role', 'agent'], '--name: Too small'],
      [['--email', 'x@example.com', '--name', 'X', '--role', 'boss'], '--role: Invalid option'],
      [['--email', 'x@example.com', '--name', 'X', '--role', 'customer'], 'must belong to a customer'],
    ] as const) {
      const r = await cli('user', 'create', ...args, '--password', 'long-enough-password', '--db', url);
      expect(r.code, r.err).toBe(1);
      expect(r.err).toContain(message);
      expect(r.err).not.toMatch(/^\s+at /m);
    }
  });

  it('makes a portal account for a customer with --customer', { timeout: 30_000 }, async () => {
    const r = await cli('user', 'create', '--email', 'Lin@Example.com', '--name', '林晓雨', '--role', 'customer', '--customer', customerId, '--password', 'long-enough-password', '--db', url);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ email: 'lin@example.com', role: 'customer', customerId });
  });
});
