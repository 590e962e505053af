import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import { createRoutingRule } from '../../src/core/modules/routing/index.ts';
import { createTeam } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS, freshDatabaseUrl } from '../helpers/db.ts';
import { cli } from '../helpers/cli.ts';

// `serviceloop routing list`: an operator sees from the machine how new cases are dispatched.
describe.each(DIALECTS)('serviceloop routing list on %s', (dialect) => {
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ url, drop } = await freshDatabaseUrl(dialect));
  });
  afterAll(async () => drop?.());

  it('says when there is no rule, then lists the rules in order with their team by name, as text and JSON', { timeout: 90_000 }, async () => {
    const none = await cli('routing', 'list', '--db', url);
    expect(none.code, none.err).toBe(0);
    expect(none.out).toContain('no routing rules: new cases are not routed');

    const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
    try {
      const sys = systemActor('test');
      const billing = await createTeam(ctx, { name: '账务组', kind: 'team' }, sys);
      await createRoutingRule(ctx, { name: '投诉转账务', position: 20, teamId: billing.id, strategy: 'least_loaded', conditions: { types: ['complaint'] }, maxOpenPerAgent: 5 }, sys);
      await createRoutingRule(ctx, { name: '英文咨询', position: 10, enabled: false, teamId: billing.id, strategy: 'none', conditions: { languages: ['en'] } }, sys);
    } finally {
      await dbh.close();
    }
    const text = await cli('routing', 'list', '--db', url);
    expect(text.code, text.err).toBe(0);
    const lines = text.out.trim().split('\n');
    expect(lines[0]).toMatch(/^10\toff\t英文咨询\t/);
    expect(lines[1]).toBe('\twhen languages=en -> team 账务组, none');
    expect(lines[2]).toMatch(/^20\ton \t投诉转账务\t/);
    expect(lines[3]).toBe('\twhen types=complaint -> team 账务组, least_loaded (cap 5 open)');

    const json = await cli('routing', 'list', '--json', '--db', url);
    expect(json.code, json.err).toBe(0);
    expect((JSON.parse(json.out) as Array<{ name: string; enabled: boolean }>).map((r) => [r.name, r.enabled])).toEqual([
      ['英文咨询', false],
      ['投诉转账务', true],
    ]);
  });
});
