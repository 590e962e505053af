import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { DomainError } from '../../core/shared/errors.ts';
import * as users from '../../core/modules/users/index.ts';
import { actor, SESSION_COOKIE } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['auth'];

export function authRoutes(app: ZApp, ctx: Ctx, opts: { secureCookies: boolean }): void {
  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true, rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { tags, summary: 'Log in: sets the session cookie', body: z.strictObject({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(200) }) },
    },
    async (req, reply) => {
      const r = await users.login(ctx, req.body.email, req.body.password, req.ip ?? null);
      reply.setCookie(SESSION_COOKIE, r.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.secureCookies,
        expires: new Date(r.expiresAt),
      });
      return { user: await users.getUser(ctx, r.actor.id, r.actor), permissions: users.permissionsOf(r.actor.role), expiresAt: r.expiresAt };
    },
  );
  app.post('/api/v1/auth/logout', { config: { permission: 'self.read' }, schema: { tags } }, async (req, reply) => {
    if (req.sessionToken) await users.logout(ctx, req.sessionToken, actor(req));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });
  app.get('/api/v1/auth/me', { config: { permission: 'self.read' }, schema: { tags, summary: 'Who am I, and what may I do' } }, async (req) => {
    const a = actor(req);
    return { user: await users.getUser(ctx, a.id, a), permissions: users.permissionsOf(a.role) };
  });
  app.get('/api/v1/auth/tokens', { config: { permission: 'token.own' }, schema: { tags } }, (req) => users.listApiTokens(ctx, actor(req).id));
  app.post(
    '/api/v1/auth/tokens',
    {
      config: { permission: 'token.own' },
      schema: { tags, summary: 'Create an API token (shown once)', body: z.strictObject({ name: z.string().trim().min(1).max(100), expiresAt: z.number().int().positive().nullable().optional() }) },
    },
    async (req, reply) => {
      const a = actor(req);
      const expiresAt = req.body.expiresAt ?? null;
      if (expiresAt !== null && expiresAt <= ctx.clock.now())
        throw new DomainError('expiry_in_past', `expiresAt (${new Date(expiresAt).toISOString()}) has passed: a token must expire later than now, or not at all (null).`, 400);
      const r = await users.createApiToken(ctx, a.id, req.body.name, expiresAt, a);
      return reply.status(201).send({ token: r.token, ...r.view });
    },
  );
  app.delete('/api/v1/auth/tokens/:id', { config: { permission: 'token.own' }, schema: { tags, params: z.strictObject({ id: z.string().max(64) }) } }, async (req, reply) => {
    await users.revokeApiToken(ctx, req.params.id, actor(req));
    return reply.status(204).send();
  });
}
