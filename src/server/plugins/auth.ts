import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../../core/context.ts';
import { actorFromApiToken, actorFromSession, can } from '../../core/modules/users/index.ts';
import { DomainError } from '../../core/shared/errors.ts';

export const SESSION_COOKIE = 'sl_session';

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1] ?? null;
}

/**
 * Resolves who is calling (session cookie or API token) and enforces the route's permission.
 * A route without a permission and not marked public is refused at start-up, so none is forgotten.
 */
export function registerAuth(app: FastifyInstance, ctx: Ctx): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRoute', (route) => {
    const cfg = route.config as { permission?: string; public?: boolean } | undefined;
    if (route.url.startsWith('/api/docs') || route.method === 'HEAD') return;
    if (!cfg?.public && !cfg?.permission) throw new Error(`Route ${route.method} ${route.url} declares no permission`);
  });
  // onRequest, before the body is parsed and validated: a caller without the right to a route
  // learns nothing about its schema (401/403, never 400) and cannot make us parse a 16 MB body.
  app.addHook('onRequest', async (req) => {
    const cfg = req.routeOptions.config;
    if (cfg.public || !cfg.permission) return;
    const ip = req.ip ?? null;
    const token = bearer(req);
    if (token) req.actor = await actorFromApiToken(ctx, token, ip);
    else {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) {
        req.actor = await actorFromSession(ctx, cookie, ip);
        if (req.actor) req.sessionToken = cookie;
      }
    }
    if (!req.actor) throw new DomainError('unauthenticated', 'Log in or send a valid API token.', 401);
    if (!can(req.actor.role, cfg.permission))
      throw new DomainError('forbidden', `Your role (${req.actor.role}) does not have permission ${cfg.permission}.`, 403);
  });
}

export const actor = (req: FastifyRequest) => {
  if (!req.actor) throw new DomainError('unauthenticated', 'Log in or send a valid API token.', 401);
  return req.actor;
};
