import { openCtx } from '../../src/core/bootstrap.ts';
import { createApiToken } from '../../src/core/modules/users/auth.service.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
try {
  const { ctx, dbh } = await openCtx({ url: process.argv[2]! });
  const u = await ctx.db.selectFrom('users').select('id').where('email', '=', 'agent@serviceloop.local').executeTakeFirstOrThrow();
  console.log((await createApiToken(ctx, u.id, 'x', null, systemActor('cli'))).token.slice(0, 8));
  await dbh.close();
} catch (e) { console.log('ERR', (e as Error).stack, (e as { code?: string }).code); }
