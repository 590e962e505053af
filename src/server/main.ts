import type { AddressInfo } from 'node:net';
import { openCtx } from '../core/bootstrap.ts';
import { DEMO_PASSWORD, loadDemo } from '../core/seed/demo.ts';
import { closeKilledDemo, DemoInterrupted, demoPlan, demoProgress, describeReset, resetUnfinishedDemo } from '../core/seed/demo-state.ts';
import { defaultConfig, type Ctx } from '../core/context.ts';
import { chinaScheduleNotice, createTimerWorker, listCalendars } from '../core/modules/commitments/index.ts';
import { createOutboxWorker, transportsFromEnv } from '../core/modules/notifications/index.ts';
import { createSearchMergeWorker } from '../core/db/search-merge.worker.ts';
import { createRetentionWorker } from '../core/modules/privacy/index.ts';
import { createConsultationWorker } from '../core/modules/collaboration/index.ts';
import { createCapaWorker } from '../core/modules/improvement/index.ts';
import { createFollowupWorker } from '../core/modules/followups/index.ts';
import { createDigestWorker } from '../core/modules/reports/index.ts';
import { createSurveyWaveWorker } from '../core/modules/surveys/index.ts';
import { smtpInboundSettingsFromEnv, startSmtpInbound } from '../core/modules/channels/index.ts';
import { buildApp } from './app.ts';
import { countFromEnv, msFromEnv, switchFromEnv } from '../core/shared/env-settings.ts';

export interface ServerOptions {
  url: string;
  port: number;
  host: string;
  demo: boolean;
  /** Cases in the demo history (default 3,000). */
  demoCases?: number | undefined;
}

/**
 * Another process is loading the demo: resolves when it is in, or when that process has stopped
 * answering (then the demo stays unfinished until a --demo start finds it so), or on stop.
 */
async function waitForDemo(ctx: Ctx, stop: AbortSignal): Promise<boolean> {
  for (;;) {
    if (stop.aborted) return false;
    const p = await demoProgress(ctx);
    if (p === 'ready') {
      console.log('  demo: ready (loaded by another process)');
      return true;
    }
    if (p !== 'loading') {
      // its old notifications may not be marked sent: no outbox worker until the demo is redone
      console.log('  demo: the process that was loading it stopped; the workers stay off: restart with --demo to load it again');
      return false;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** config -> database -> app -> listen; stops cleanly on SIGINT/SIGTERM. */
export async function startServer(o: ServerOptions): Promise<void> {
  // the workers' settings first: a bad one stops the start before anything is opened
  const tuning = {
    timerPollMs: msFromEnv('SL_TIMER_POLL_MS', 1000, 1),
    timerBatch: countFromEnv('SL_TIMER_BATCH', 500),
    searchMergeMs: msFromEnv('SL_SEARCH_MERGE_MS', 1000),
    workers: switchFromEnv('SL_WORKERS', true),
    secureCookies: switchFromEnv('SECURE_COOKIES', false),
    smtpInbound: smtpInboundSettingsFromEnv(), // the email channel's SMTP listener (SL_SMTP_INBOUND_*), off unless its port is set
  };
  void defaultConfig.authCacheMs; // SL_AUTH_CACHE_MS, read again when the context is made
  void defaultConfig.retentionDays; // SL_RETENTION_DAYS, likewise
  const level = process.env.LOG_LEVEL;
  if (level && !LOG_LEVELS.includes(level)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${level}")`);
  let { ctx, dbh } = await openCtx({ url: o.url });
  if (o.demo) {
    const r = await resetUnfinishedDemo(dbh);
    if (r) console.log(describeReset(r));
    if (r?.reset) ({ ctx, dbh } = await openCtx({ url: o.url }));
    else if (r?.found === 'killed' && (await closeKilledDemo(dbh))) console.log('  demo: its loader is gone; the part loaded stays, and the workers start');
  }
  // On an empty database the demo loads in the background once the server answers, so the first
  // start is usable at once (logins work as soon as "demo organisation created" is printed).
  const plan = o.demo ? await demoPlan(ctx) : 'skip';
  const app = await buildApp({ ctx, logger: process.env.LOG_LEVEL !== 'silent', secureCookies: tuning.secureCookies });
  await app.listen({ port: o.port, host: o.host });
  // Email channel: mail for SL_SMTP_INBOUND_DOMAINS becomes cases and replies (250 only once committed).
  const smtpInbound = tuning.smtpInbound ? await startSmtpInbound(ctx, { ...tuning.smtpInbound, log: app.log }) : null;
  if (smtpInbound) console.log(`Email channel: SMTP on ${tuning.smtpInbound!.host}:${smtpInbound.port} for ${tuning.smtpInbound!.domains.join(', ')}`);
  // SLA timers: warnings, breaches, escalations; exactly once across processes (see sweep.ts).
  const timers = createTimerWorker(ctx, {
    pollMs: tuning.timerPollMs,
    batchSize: tuning.timerBatch,
    onError: (err) => app.log.error({ err }, 'timer sweep failed'),
  });
  // Outbox: mail over SMTP_URL (MAIL_FROM), or into this log when SMTP_URL is unset.
  const outbox = createOutboxWorker(ctx, { transports: transportsFromEnv(ctx, process.env, app.log), log: app.log, pollMs: 1000 });
  // PostgreSQL: the text index's pending list merged here, not inside an intake (see search-merge.worker.ts).
  const merge = createSearchMergeWorker(ctx.db, dbh.ops, { everyMs: tuning.searchMergeMs, onError: (err) => app.log.error({ err }, 'search index merge failed') });
  // Retention (SPEC 10): customers' personal data past SL_RETENTION_DAYS erased by anonymisation, nightly at 03:00 in the centre's time zone.
  const retention = createRetentionWorker(ctx, {
    onReport: (r) => {
      if (r.erased.length || r.skipped.length)
        app.log.info({ erased: r.erased.length, skipped: r.skipped.length, retentionDays: r.retentionDays }, 'retention: personal data past the limit erased');
    },
    onError: (err) => app.log.error({ err }, 'retention job failed'),
  });
  // Consultations (SPEC 3) past their team's limit marked overdue once (across nodes), with the timeline event and the notification.
  const consultations = createConsultationWorker(ctx, { onError: (err) => app.log.error({ err }, 'consultation overdue sweep failed') });
  // CAPA actions (SPEC 8) past their due date marked overdue once (across nodes), mailed to their owner and the problem's owner.
  const capa = createCapaWorker(ctx, { onError: (err) => app.log.error({ err }, 'CAPA overdue sweep failed') });
  // Follow-ups (SPEC 5) past due marked overdue once (across nodes), with the timeline event and the mail to the assignee's lead.
  const followups = createFollowupWorker(ctx, { onError: (err) => app.log.error({ err }, 'follow-up overdue sweep failed') });
  // Report digests (SPEC 8): yesterday's and last week's key figures mailed once (across nodes) to the leads who subscribed.
  const digests = createDigestWorker(ctx, { onError: (err) => app.log.error({ err }, 'report digest failed') });
  // Periodic survey waves (SPEC 6): each due run once (across nodes), its invitations through the outbox.
  const waves = createSurveyWaveWorker(ctx, { onError: (err) => app.log.error({ err }, 'survey wave run failed') });
  let stopping = false;
  const startWorkers = () => {
    if (!tuning.workers || stopping) return;
    timers.start();
    outbox.start();
    merge.start();
    retention.start();
    consultations.start();
    capa.start();
    followups.start();
    digests.start();
    waves.start();
  };
  const { port } = app.server.address() as AddressInfo; // the one chosen, when asked for port 0
  const base = `http://${o.host}:${port}`;
  console.log(`\nServiceLoop is running at ${base} on ${dbh.ops.name} (${o.url.replace(/\/\/[^@]*@/, '//***@')})`);
  console.log(`API docs: ${base}/api/docs`);
  const notice = chinaScheduleNotice(await listCalendars(ctx), new Date(ctx.clock.now()));
  if (notice) console.log(`Note: ${notice}`);
  // The workers wait for the demo: its history runs on its own clock through the past (with its
  // own timer sweeps), and its old notifications are marked sent when it finishes, not mailed.
  const demoStop = new AbortController();
  // resolves true when the workers may start
  let demoLoad: Promise<boolean> = Promise.resolve(true);
  if (plan === 'load') {
    console.log('empty database: loading demo data in the background...');
    demoLoad = loadDemo(ctx, { log: (s) => console.log(`  demo: ${s}`), signal: demoStop.signal, cases: o.demoCases }).then(
      () => {
        console.log('  demo: ready');
        return true;
      },
      (err: unknown) => {
        if (err instanceof DemoInterrupted) console.log('  demo: stopped before it finished; the next start with --demo loads it again, unless the database is used meanwhile');
        else app.log.error({ err }, 'demo data failed to load; the database keeps what was loaded (to start over, empty it: npm run serviceloop -- migrate --down)');
        return true; // (the part's old notifications are marked sent)
      },
    );
  } else if (plan === 'busy') {
    console.log('demo data: another process is loading it into this database; the workers start when it is in');
    demoLoad = waitForDemo(ctx, demoStop.signal);
  }
  void demoLoad.then((ok) => ok && startWorkers());
  if (o.demo)
    console.log(
      `Demo logins (password ${DEMO_PASSWORD}): admin@, director@, manager@, supervisor@, agent@, agent2@, inspector@serviceloop.local; customer portal: customer@serviceloop.local`,
    );
  const stop = async () => {
    stopping = true;
    demoStop.abort();
    await demoLoad;
    await merge.stop();
    await retention.stop();
    await consultations.stop();
    await capa.stop();
    await followups.stop();
    await digests.stop();
    await waves.stop();
    await timers.stop();
    await outbox.stop();
    await smtpInbound?.close(); // waits for the mails being taken in
    await app.close();
    await dbh.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
