import './types.ts';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { sql } from 'kysely';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../core/context.ts';
import { registerAuth } from './plugins/auth.ts';
import { clientErrorHandler, frameworkErrors, registerErrorHandler } from './plugins/errors.ts';
import { registerJsonBody } from './plugins/json-body.ts';
import { storableValue } from '../core/shared/unicode.ts';
import { countAccepts } from '../core/shared/new-connections.ts';
import { parse as parseQuery } from 'fast-querystring';
import { adminRoutes } from './routes/admin.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { caseRoutes } from './routes/cases.routes.ts';
import { commitmentRoutes } from './routes/commitments.routes.ts';
import { analyticsRoutes } from './routes/analytics.routes.ts';
import { privacyRoutes } from './routes/privacy.routes.ts';
import { consentRoutes } from './routes/consent.routes.ts';
import { securityRoutes } from './routes/security.routes.ts';
import { channelRoutes } from './routes/channels.routes.ts';
import { collaborationRoutes } from './routes/collaboration.routes.ts';
import { routingRoutes } from './routes/routing.routes.ts';
import { improvementRoutes } from './routes/improvement.routes.ts';
import { surveyRoutes } from './routes/surveys.routes.ts';
import { surveyWaveRoutes } from './routes/survey-waves.routes.ts';
import { followupsRoutes } from './routes/followups.routes.ts';
import { knowledgeRoutes } from './routes/knowledge.routes.ts';
import { qualityRoutes } from './routes/quality.routes.ts';
import { trainingRoutes } from './routes/training.routes.ts';
import { scorecardRoutes } from './routes/scorecards.routes.ts';
import { importRoutes } from './routes/import.routes.ts';
import { portalRoutes } from './routes/portal.routes.ts';
import { customerProfileRoutes } from './routes/customers.routes.ts';
import { reportsRoutes } from './routes/reports.routes.ts';
import { fieldserviceRoutes } from './routes/fieldservice.routes.ts';
import { renderHomePage } from './pages/home.page.ts';
import { registerWebApp } from './web.ts';
import type { ZApp } from './routes/zapp.ts';
import { switchFromEnv } from '../core/shared/env-settings.ts';

export interface AppOptions {
  ctx: Ctx;
  logger?: boolean;
  secureCookies?: boolean;
  /** Extra route groups (later modules register here). */
  plugins?: Array<(app: ZApp, ctx: Ctx) => void>;
}

export interface RouteInfo {
  method: string;
  url: string;
  permission: string | null;
  public: boolean;
}

const ROUTES = new WeakMap<FastifyInstance, RouteInfo[]>();

/** Every route the app registered (collected by an onRoute hook), for the route x role tests. */
export const listRoutes = (app: FastifyInstance): RouteInfo[] => [...(ROUTES.get(app) ?? [])];

/** The HTTP application without listen(): tests drive it with inject(). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { ctx } = opts;
  const app = Fastify({
    logger: opts.logger ? { level: process.env.LOG_LEVEL ?? 'info' } : false,
    bodyLimit: 1024 * 1024,
    trustProxy: switchFromEnv('TRUST_PROXY', false),
    ajv: { customOptions: { removeAdditional: false } },
    frameworkErrors,
    clientErrorHandler,
    // the router's own parser; a %00 (NUL, which PostgreSQL's text cannot hold) becomes U+FFFD
    routerOptions: { querystringParser: (q: string) => (q.length === 0 ? {} : q.includes('%00') ? (storableValue(parseQuery(q)) as Record<string, unknown>) : parseQuery(q)) },
  }).withTypeProvider<ZodTypeProvider>();
  const routes: RouteInfo[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat())
      routes.push({ method, url: r.url, permission: r.config?.permission ?? null, public: r.config?.public === true });
  });
  // The server's own share of a request's time (from reading it to sending the answer), for
  // browsers' dev tools and the bench, which sets it beside the time its client saw.
  // (reply.elapsedTime is only kept when the logger is on.)
  // (Callback hooks: no promise per request on the hot path.)
  const started = new WeakMap<object, number>();
  app.addHook('onRequest', (req, _reply, done) => {
    started.set(req, performance.now());
    if (req.url.includes('%00')) req.params = storableValue(req.params); // a NUL in a path parameter, as in the query
    done();
  });
  // SL_TIMING_AT=1 (diagnosis): also the wall-clock moment it read the request, so that a client on
  // the same machine can tell the time before the server read it from the time after it answered.
  const timingAt = switchFromEnv('SL_TIMING_AT', false);
  app.addHook('onSend', (req, reply, payload, done) => {
    const t0 = started.get(req);
    if (t0 !== undefined)
      reply.header('server-timing', `app;dur=${(performance.now() - t0).toFixed(1)}${timingAt ? `, read;desc="${(performance.timeOrigin + t0).toFixed(3)}"` : ''}`);
    done(null, payload);
  });
  // libuv accepts one connection a turn of the event loop: the intake batcher holds a batch's
  // start while connections are being accepted (core/shared/new-connections.ts).
  countAccepts(app.server);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerJsonBody(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'ServiceLoop API', description: 'Customer-service quality management (客户服务质量管理系统)', version: '1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'sl_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  registerAuth(app, ctx);

  app.get('/api/v1/health', { config: { public: true }, schema: { tags: ['health'] } }, async () => {
    try {
      await sql`SELECT 1`.execute(ctx.db);
      return { status: 'ok', db: ctx.ops.name };
    } catch {
      return { status: 'degraded', db: 'unreachable' };
    }
  });
  app.get('/', { config: { public: true }, schema: { hide: true } }, (_req, reply) => reply.type('text/html; charset=utf-8').send(renderHomePage()));
  await registerWebApp(app); // the staff web app under /app/ (web/, built into web/dist)
  authRoutes(app, ctx, { secureCookies: opts.secureCookies ?? false });
  caseRoutes(app, ctx);
  adminRoutes(app, ctx);
  commitmentRoutes(app, ctx);
  analyticsRoutes(app, ctx);
  privacyRoutes(app, ctx);
  consentRoutes(app, ctx);
  securityRoutes(app, ctx);
  channelRoutes(app, ctx);
  collaborationRoutes(app, ctx);
  routingRoutes(app, ctx);
  improvementRoutes(app, ctx);
  surveyRoutes(app, ctx);
  surveyWaveRoutes(app, ctx);
  followupsRoutes(app, ctx);
  knowledgeRoutes(app, ctx);
  qualityRoutes(app, ctx);
  trainingRoutes(app, ctx);
  scorecardRoutes(app, ctx);
  importRoutes(app, ctx);
  portalRoutes(app, ctx);
  customerProfileRoutes(app, ctx);
  reportsRoutes(app, ctx);
  fieldserviceRoutes(app, ctx);
  for (const p of opts.plugins ?? []) p(app, ctx);
  return app;
}
