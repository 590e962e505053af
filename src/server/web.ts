import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `vite build` (web/vite.config.ts) writes the staff web app. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>ServiceLoop</title></head>
<body style="font-family:sans-serif;max-width:640px;margin:48px auto;line-height:1.7">
<h1>ServiceLoop</h1><p>网页端尚未构建。请运行 <code>npm run build:web</code>（<code>npm start</code> 会自动构建）。</p>
<p>The web app is not built yet: run <code>npm run build:web</code> (<code>npm start</code> builds it).</p></body></html>`;

/**
 * The staff web app (React, built into web/dist) under /app/: files as they are, and index.html
 * for every other path below /app/ (client-side routes such as /app/cases/:id). Hashed assets are
 * cached for good; index.html never, so a new build is picked up on the next load.
 */
export async function registerWebApp(app: FastifyInstance, dist: string = WEB_DIST): Promise<void> {
  await app.register(fastifyStatic, { root: dist, serve: false });
  const cfg = { config: { public: true }, schema: { hide: true } };
  app.get('/app', cfg, (_req, reply) => reply.redirect('/app/'));
  app.get('/app/*', cfg, (req, reply) => {
    if (!existsSync(join(dist, 'index.html'))) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    const path = (req.params as { '*': string })['*'];
    if (path.startsWith('assets/')) return reply.sendFile(path, { maxAge: '365d', immutable: true });
    return reply.header('cache-control', 'no-cache').sendFile(/\.[a-z0-9]+$/i.test(path) ? path : 'index.html', { cacheControl: false });
  });
}
