import { openCtx } from '../core/bootstrap.ts';
import { isSeeded } from '../core/seed/base-seed.ts';
import { DEMO_PASSWORD, loadDemo } from '../core/seed/demo.ts';
import { createTimerWorker } from '../core/modules/commitments/index.ts';
import { createOutboxWorker, transportsFromEnv } from '../core/modules/notifications/index.ts';
import { createSearchMergeWorker } from '../core/db/search-merge.worker.ts';
import { buildApp } from './app.ts';

export interface ServerOptions {
  url: string;
  port: number;
  host: string;
  demo: boolean;
}

/** config -> database -> app -> listen; stops cleanly on SIGINT/SIGTERM. */
export async function startServer(o: ServerOptions): Promise<void> {
  const { ctx, dbh } = await openCtx({ url: o.url });
  // On an empty database the demo loads in the background once the server answers, so the first
  // start is usable at once (logins work as soon as "demo organisation created" is printed).
  const loadDemoNow = o.demo && !(await isSeeded(ctx));
  const app = await buildApp({ ctx, logger: process.env.LOG_LEVEL !== 'silent', secureCookies: process.env.SECURE_COOKIES === '1' });
  await app.listen({ port: o.port, host: o.host });
  // SLA timers: warnings, breaches, escalations; exactly once across processes (see sweep.ts).
  const timers = createTimerWorker(ctx, {
    pollMs: Number(process.env.SL_TIMER_POLL_MS ?? 1000),
    batchSize: Number(process.env.SL_TIMER_BATCH ?? 500),
    onError: (err) => app.log.error({ err }, 'timer sweep failed'),
  });
  if (process.env.SL_WORKERS !== '0') timers.start();
  // Outbox: mail over SMTP_URL (MAIL_FROM), or into this log when SMTP_URL is unset.
  const outbox = createOutboxWorker(ctx, { transports: transportsFromEnv(ctx, process.env, app.log), log: app.log, pollMs: 1000 });
  if (process.env.SL_WORKERS !== '0') outbox.start();
  // PostgreSQL: the text index's pending list merged here, not inside an intake (see search-merge.worker.ts).
  const merge = createSearchMergeWorker(ctx.db, dbh.ops, { everyMs: Number(process.env.SL_SEARCH_MERGE_MS ?? 1000), onError: (err) => app.log.error({ err }, 'search index merge failed') });
  if (process.env.SL_WORKERS !== '0') merge.start();
  const base = `http://${o.host}:${o.port}`;
  console.log(`\nServiceLoop is running at ${base} on ${dbh.ops.name} (${o.url.replace(/\/\/[^@]*@/, '//***@')})`);
  console.log(`API docs: ${base}/api/docs`);
  if (loadDemoNow) {
    console.log('empty database: loading demo data in the background...');
    void loadDemo(ctx, { log: (s) => console.log(`  demo: ${s}`) })
      .then(() => console.log('  demo: ready'))
      .catch((err: unknown) => app.log.error({ err }, 'demo data failed to load'));
  }
  if (o.demo)
    console.log(
      `Demo logins (password ${DEMO_PASSWORD}): admin@, director@, manager@, supervisor@, agent@, agent2@, inspector@serviceloop.local; customer portal: customer@serviceloop.local`,
    );
  const stop = async () => {
    await merge.stop();
    await timers.stop();
    await outbox.stop();
    await app.close();
    await dbh.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
