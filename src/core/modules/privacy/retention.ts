import { setImmediate } from 'node:timers/promises';
import type { Ctx } from '../../context.ts';
import { systemActor } from '../../shared/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import { eraseCustomer } from './erase.service.ts';

/** The reason an erasure by the retention job is recorded with. */
export const RETENTION_REASON = 'retention';
const DAY_MS = 86_400_000;

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
  /** Data of customers whose last case closed (or, without cases, who were created) before this is due. */
  cutoff: number;
  /** Due customers found (dry run: all of them; otherwise those tried). */
  due: number;
  erased: string[];
  /** Found due but not erased: a case was opened or reopened meanwhile, or another process erased it first. */
  skipped: Array<{ customerId: string; code: string; message: string }>;
  /** Ids of the due customers (a dry run's list), at most 1,000. */
  customers: string[];
  /** The run was stopped (signal) before it finished. */
  stopped: boolean;
}

/**
 * The customers past the retention limit (SPEC 10) among the next `scan` customers after `after`,
 * in id order: not erased, no case that is not closed, and the last case closed before `cutoff`,
 * or, without any case, created before it; and the id the next window starts after (null: the
 * end). A window at a time, two indexed queries each, so that on SQLite, whose statements run on
 * the event loop, the daily job never holds the requests for longer than a window (a whole-table
 * scan at 1M cases would hold them for seconds).
 */
async function dueAmong(ctx: Ctx, cutoff: number, after: string, scan: number): Promise<{ due: string[]; next: string | null }> {
  const window = await ctx.db.selectFrom('customers').select(['id', 'created_at', 'erased_at']).where('id', '>', after).orderBy('id').limit(scan).execute();
  if (window.length === 0) return { due: [], next: null };
  const live = window.filter((c) => c.erased_at === null);
  const stats = live.length
    ? await ctx.db
        .selectFrom('cases')
        .select((eb) => [
          'customer_id',
          eb.fn.max('closed_at').as('last_closed'),
          eb.fn.sum<number>(eb.case().when('status', '<>', 'closed').then(1).else(0).end()).as('open'),
        ])
        .where('customer_id', 'in', live.map((c) => c.id))
        .groupBy('customer_id')
        .execute()
    : [];
  const byCustomer = new Map(stats.map((s) => [s.customer_id, s]));
  const due = live
    .filter((c) => {
      const s = byCustomer.get(c.id);
      if (!s) return c.created_at < cutoff;
      return Number(s.open) === 0 && s.last_closed !== null && Number(s.last_closed) < cutoff;
    })
    .map((c) => c.id);
  return { due, next: window.length < scan ? null : window[window.length - 1]!.id };
}

/**
 * The destruction job (SPEC 10, retention limits): erases by anonymisation, as an erasure on
 * request does (eraseCustomer), each customer past the retention limit (ctx.config.retentionDays,
 * SL_RETENTION_DAYS), actor the system, reason `retention`; in batches, one transaction a customer.
 * With dryRun it only lists them.
 */
export async function runRetention(ctx: Ctx, opts: RetentionOptions = {}): Promise<RetentionReport> {
  const scan = Math.max(1, opts.batchSize ?? 500);
  const retentionDays = ctx.config.retentionDays;
  const cutoff = ctx.clock.now() - retentionDays * DAY_MS;
  const report: RetentionReport = { dryRun: Boolean(opts.dryRun), retentionDays, cutoff, due: 0, erased: [], skipped: [], customers: [], stopped: false };
  const actor = systemActor(RETENTION_REASON);
  let after: string | null = '';
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
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        report.skipped.push({ customerId: id, code: err.code, message: err.message });
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

/**
 * Runs the retention job in the server (main.ts): `firstAfterMs` after start, then every `everyMs`
 * (default a day). Several app nodes may each run it: an erasure locks its customer and the second
 * finds it erased (skipped), so each customer is erased once.
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
      schedule(opts.firstAfterMs ?? 60_000);
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
