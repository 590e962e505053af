import { setImmediate } from 'node:timers/promises';
import { DateTime } from 'luxon';
import type { Ctx } from '../../context.ts';
import { systemActor } from '../../shared/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import { eraseCustomer } from './erase.service.ts';

/** The reason an erasure by the retention job is recorded with. */
export const RETENTION_REASON = 'retention';
const DAY_MS = 86_400_000;
/** Errors other than a domain refusal (lock timeout, SQLITE_BUSY...) in a row that stop a run. */
export const MAX_FAILURES_IN_A_ROW = 5;

export interface RetentionOptions {
  /** List what would be erased, change nothing. */
  dryRun?: boolean;
  /** Customers looked at per window (default 500); the due ones among them are erased one transaction each. */
  batchSize?: number;
  /** Stop after this many customers (default: all that are due). */
  limit?: number;
  /** Checked between customers: a server stopping ends the run there. */
  signal?: AbortSignal;
}

export interface RetentionReport {
  dryRun: boolean;
  retentionDays: number;
  /** Data of customers with no case open whose last activity (see dueAmong) was before this is due. */
  cutoff: number;
  /** Due customers found (dry run: all of them; otherwise those tried). */
  due: number;
  erased: string[];
  /**
   * Found due but not erased: a case was opened or reopened meanwhile, another process erased it
   * first (the refusal's code), or the erasure failed otherwise (code `error`: a lock timeout,
   * SQLITE_BUSY...; the run goes on, and stops after MAX_FAILURES_IN_A_ROW in a row).
   */
  skipped: Array<{ customerId: string; code: string; message: string }>;
  /** Ids of the due customers (a dry run's list), at most 1,000. */
  customers: string[];
  /** The run was stopped (signal, or MAX_FAILURES_IN_A_ROW errors in a row) before it finished. */
  stopped: boolean;
}

/** `fn` over `all` in chunks of a bounded number of parameters; the rows concatenated. */
async function inChunks<T>(all: string[], fn: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < all.length; i += 5000) out.push(...(await fn(all.slice(i, i + 5000))));
  return out;
}

/**
 * The customers past the retention limit (SPEC 10) among the next `scan` customers after `after`,
 * in id order: not erased, no case that is not closed, and their last activity before `cutoff`;
 * and the id the next window starts after (null: the end). The last activity is the latest of:
 * the customer's created_at and updated_at; every case's updated_at and closed_at; their
 * consents' granted_at and withdrawn_at; their portal accounts' (users.customer_id) updated_at
 * and last successful login (login_attempts ok = 1 by the account's email). A window at a time,
 * each fact read for the whole window in one indexed query (IN), so that on SQLite, whose
 * statements run on the event loop, the daily job never holds the requests for longer than a
 * window (a whole-table scan at 1M cases would hold them for seconds).
 */
async function dueAmong(ctx: Ctx, cutoff: number, after: string, scan: number): Promise<{ due: string[]; next: string | null }> {
  const window = await ctx.db
    .selectFrom('customers')
    .select(['id', 'created_at', 'updated_at', 'erased_at'])
    .where('id', '>', after)
    .orderBy('id')
    .limit(scan)
    .execute();
  if (window.length === 0) return { due: [], next: null };
  const next = window.length < scan ? null : window[window.length - 1]!.id;
  const live = window.filter((c) => c.erased_at === null);
  if (live.length === 0) return { due: [], next };
  const liveIds = live.map((c) => c.id);
  const last = new Map<string, number>(live.map((c) => [c.id, Math.max(Number(c.created_at), Number(c.updated_at ?? 0))]));
  const open = new Set<string>();
  const seen = (id: string | null, ...at: Array<number | string | bigint | null | undefined>) => {
    if (id === null) return;
    for (const v of at) if (v !== null && v !== undefined && Number(v) > (last.get(id) ?? 0)) last.set(id, Number(v));
  };
  const cases = await ctx.db
    .selectFrom('cases')
    .select((eb) => [
      'customer_id',
      eb.fn.max('updated_at').as('last_updated'),
      eb.fn.max('closed_at').as('last_closed'),
      eb.fn.sum<number>(eb.case().when('status', '<>', 'closed').then(1).else(0).end()).as('open'),
    ])
    .where('customer_id', 'in', liveIds)
    .groupBy('customer_id')
    .execute();
  for (const s of cases) {
    if (Number(s.open) > 0 && s.customer_id !== null) open.add(s.customer_id);
    seen(s.customer_id, s.last_updated, s.last_closed);
  }
  const consents = await ctx.db
    .selectFrom('consents')
    .select((eb) => ['customer_id', eb.fn.max('granted_at').as('granted'), eb.fn.max('withdrawn_at').as('withdrawn')])
    .where('customer_id', 'in', liveIds)
    .groupBy('customer_id')
    .execute();
  for (const s of consents) seen(s.customer_id, s.granted, s.withdrawn);
  const accounts = await ctx.db.selectFrom('users').select(['customer_id', 'email', 'updated_at']).where('customer_id', 'in', liveIds).execute();
  const byEmail = new Map<string, string>();
  for (const a of accounts) {
    seen(a.customer_id, a.updated_at);
    if (a.customer_id !== null) byEmail.set(a.email, a.customer_id);
  }
  const logins = await inChunks([...byEmail.keys()], (emails) =>
    ctx.db
      .selectFrom('login_attempts')
      .select((eb) => ['email', eb.fn.max('at').as('at')])
      .where('email', 'in', emails)
      .where('ok', '=', 1)
      .groupBy('email')
      .execute(),
  );
  for (const l of logins) seen(byEmail.get(l.email) ?? null, l.at);
  const due = live.filter((c) => !open.has(c.id) && last.get(c.id)! < cutoff).map((c) => c.id);
  return { due, next };
}

/**
 * The destruction job (SPEC 10, retention limits): erases by anonymisation, as an erasure on
 * request does (eraseCustomer), each customer past the retention limit (ctx.config.retentionDays,
 * SL_RETENTION_DAYS), actor the system, reason `retention`; a window of customers at a time
 * (batchSize, default 500), one transaction a customer.
 * With dryRun it only lists them.
 */
export async function runRetention(ctx: Ctx, opts: RetentionOptions = {}): Promise<RetentionReport> {
  const scan = Math.max(1, opts.batchSize ?? 500);
  const retentionDays = ctx.config.retentionDays;
  const cutoff = ctx.clock.now() - retentionDays * DAY_MS;
  const report: RetentionReport = { dryRun: Boolean(opts.dryRun), retentionDays, cutoff, due: 0, erased: [], skipped: [], customers: [], stopped: false };
  const actor = systemActor(RETENTION_REASON);
  let after: string | null = '';
  let failures = 0;
  while (after !== null) {
    if (opts.limit !== undefined && report.due >= opts.limit) break;
    const { due, next } = await dueAmong(ctx, cutoff, after, scan);
    after = next;
    for (const id of due) {
      if (opts.signal?.aborted) {
        report.stopped = true;
        return report;
      }
      if (opts.limit !== undefined && report.due >= opts.limit) break;
      report.due++;
      if (report.customers.length < 1000) report.customers.push(id);
      if (report.dryRun) continue;
      try {
        await eraseCustomer(ctx, id, { reason: RETENTION_REASON }, actor);
        report.erased.push(id);
        failures = 0;
      } catch (err) {
        if (err instanceof DomainError) {
          report.skipped.push({ customerId: id, code: err.code, message: err.message });
          failures = 0;
          continue;
        }
        // not about the customer (a lock timeout, SQLITE_BUSY, a lost connection): the next one may go;
        // several in a row, the database is in trouble: the run stops (the next run takes them again)
        report.skipped.push({ customerId: id, code: 'error', message: err instanceof Error ? err.message : String(err) });
        if (++failures >= MAX_FAILURES_IN_A_ROW) {
          report.stopped = true;
          return report;
        }
      }
    }
    if (opts.signal?.aborted) {
      report.stopped = true;
      return report;
    }
    await setImmediate(); // requests waiting on the event loop go first
  }
  return report;
}

export interface RetentionWorker {
  start(): void;
  /** Stops the timer and waits for a run in progress, which ends after the customer it is erasing. */
  stop(): Promise<void>;
  /** One run now (tests). */
  runOnce(): Promise<RetentionReport>;
}

/** The hour of the night, in the centre's time zone, when the server runs the retention job. */
export const RETENTION_HOUR = 3;

/**
 * How long from `now` until the next RETENTION_HOUR:00 in `timeZone`: a destruction job belongs to
 * the quiet hours, not to the minute after a start (or a deployment) in the middle of the day.
 */
export function msUntilRetentionHour(now: number, timeZone: string): number {
  const local = DateTime.fromMillis(now, { zone: timeZone });
  let next = local.set({ hour: RETENTION_HOUR, minute: 0, second: 0, millisecond: 0 });
  if (next <= local) next = next.plus({ days: 1 });
  return next.toMillis() - now;
}

/**
 * Runs the retention job in the server (main.ts): `firstAfterMs` after start (default: at the next
 * 03:00 in the centre's time zone), then every `everyMs` (default a day). Several app nodes may
 * each run it: an erasure locks its customer and the second finds it erased (skipped), so each
 * customer is erased once.
 */
export function createRetentionWorker(
  ctx: Ctx,
  opts: { everyMs?: number; firstAfterMs?: number; onReport?: (r: RetentionReport) => void; onError?: (err: unknown) => void } = {},
): RetentionWorker {
  const everyMs = opts.everyMs ?? DAY_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stop = new AbortController();
  const runOnce = () => runRetention(ctx, { signal: stop.signal });
  const tick = () => {
    timer = undefined;
    running = runOnce()
      .then((r) => opts.onReport?.(r), (err: unknown) => opts.onError?.(err))
      .finally(() => {
        running = undefined;
        if (!stop.signal.aborted) schedule(everyMs);
      });
  };
  const schedule = (ms: number) => {
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  return {
    start() {
      if (timer || running) return;
      stop = new AbortController();
      schedule(opts.firstAfterMs ?? msUntilRetentionHour(Date.now(), ctx.config.timeZone));
    },
    async stop() {
      stop.abort();
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
    runOnce,
  };
}
