import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { prepared } from '../../db/prepared.ts';
import { repeat } from '../../shared/repeat.ts';
import type { OutboxTable } from './outbox.table.ts';
import { registerLocalDelivery } from './outbox.ts';
import { consoleLogger, DeliveryError, permanentError, type Logger, type OutboxEnvelope, type Transports } from './transports.ts';

export interface OutboxWorkerOptions {
  /** By topic; a message whose topic has none fails at once ("no transport configured"). */
  transports: Transports;
  /** Messages claimed per batch (default 50). */
  batchSize?: number;
  /**
   * How long a claim keeps other workers off a message (default 10 min). It must exceed the time a
   * batch can take; when a worker dies, its messages are picked up again after it. Messages this
   * process writes while the worker runs are held as long for it (see enqueue).
   */
  claimMs?: number;
  /** Messages handed over by this process's transactions that may wait in memory (default 100 batches). */
  maxHanded?: number;
  /** Failed attempts after which a message is given up (failed_at set; default 12). */
  maxAttempts?: number;
  /** Idle wait between batches of the start() loop (default 1000 ms). */
  pollMs?: number;
  /** The shortest wait of the start() loop (default 100 ms, at most pollMs); see outboxPacer. */
  busyPollMs?: number;
  /** Retry after a failure: backoffBaseMs * 2^(attempts-1), at most backoffMaxMs (default 1 min, 1 h). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Cases delivered in parallel inside a batch; one case's messages always go in order (default 4). */
  concurrency?: number;
  log?: Logger;
}

export interface OutboxRunResult {
  sent: number;
  /** Failed attempts in this batch (retried later, or given up). */
  failed: number;
}

export interface OutboxWorker {
  /** Claims one batch of due messages (and takes those handed over), delivers them and records the outcome. */
  runOnce(): Promise<OutboxRunResult>;
  /**
   * Runs batches until stop(), paced by outboxPacer, and takes the messages this process's
   * buffered transactions (intake) write straight after their commit (see enqueue).
   */
  start(): void;
  /**
   * Ends the loop, waits for the batch in flight, makes the messages handed over and not yet
   * delivered available to every worker again, then closes the transports.
   */
  stop(): Promise<void>;
}

type Db = Kysely<Database>;

export const backoffDelay = (attempts: number, baseMs: number, maxMs: number): number =>
  Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));

const errorText = (err: unknown): string => {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.slice(0, 2000);
};

/**
 * When the start() loop runs its next batch, given what the last one claimed and how long it took:
 * - a full batch (a backlog): after a pause as long as that batch took, so the worker takes at
 *   most half the time while it drains;
 * - some messages: after busyPollMs, so that while messages keep coming they go out in small
 *   portions;
 * - none: after busyPollMs, doubling with each empty batch up to pollMs.
 */
/** last_error of a message the consent register refused (failed_at set, never sent). */
export const REFUSED_BY_CONSENT = 'refused_by_consent';

/** A message's state as it is now (a point lookup, built once: it runs before every send). */
const outboxState = prepared((db: Db, id: string) => db.selectFrom('outbox').select(['sent_at', 'failed_at']).where('id', '=', id));

/** The privacy module, loaded when a message first needs its check (it imports this module's index itself). */
let privacy: Promise<typeof import('../privacy/index.ts')> | undefined;

export function outboxPacer(o: { batchSize: number; pollMs: number; busyPollMs: number }): (claimed: number, tookMs: number) => number {
  let idle = o.busyPollMs;
  return (claimed, tookMs) => {
    if (claimed > 0) {
      idle = o.busyPollMs;
      return claimed >= o.batchSize ? Math.max(1, Math.round(tookMs)) : o.busyPollMs;
    }
    const wait = idle;
    idle = Math.min(o.pollMs, idle * 2);
    return wait;
  };
}

export function createOutboxWorker(ctx: Ctx, opts: OutboxWorkerOptions): OutboxWorker {
  const batchSize = opts.batchSize ?? 50;
  const claimMs = opts.claimMs ?? 10 * 60_000;
  const maxAttempts = opts.maxAttempts ?? 12;
  const pollMs = opts.pollMs ?? 1000;
  const busyPollMs = Math.min(opts.busyPollMs ?? 100, pollMs);
  const baseMs = opts.backoffBaseMs ?? 60_000;
  const maxMs = opts.backoffMaxMs ?? 3600_000;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const maxHanded = Math.max(1, opts.maxHanded ?? batchSize * 100);
  const log = opts.log ?? consoleLogger;
  const pg = ctx.ops.supportsForUpdate;

  /** Due: not sent, not given up, available, and not claimed by a live worker. */
  const due = (db: Db, now: number) =>
    db
      .selectFrom('outbox')
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .where('available_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('available_at')
      .orderBy('id')
      .limit(batchSize);

  /**
   * One writer (SQLite, no FOR UPDATE): the worker's writes ride in the intake's group commits
   * when there are any (db/batcher.ts): under a flood the acknowledgements are most of the
   * outbox, and a commit of their own stalled the intakes behind it. PostgreSQL: one statement
   * each, committed on its own on another connection, beside the intake's batch instead of
   * inside it, where the claim and the marks lengthened every batch they joined (half-peak intake
   * median 11.0-11.3 ms against 12.8-14.3, docs/performance.md, "What was changed to get here").
   */
  const write = <T>(fn: (trx: Db) => Promise<T>): Promise<T> => (ctx.batched && !pg ? ctx.batched(fn) : fn(ctx.db));

  /** When the last claim ran (performance.now()) and whether it found a full batch. */
  let lastClaim = { at: -Infinity, full: false };

  async function claim(): Promise<OutboxTable[]> {
    const now = ctx.clock.now();
    const until = now + claimMs;
    // One statement: PostgreSQL locks the due rows, skipping those another worker holds, and
    // stamps the claim, so a second worker gets the next rows, never the same ones; SQLite has
    // one writer at a time (it also holds with several processes on one file: no read-then-upgrade window).
    const rows = await write((trx) => {
      const ids = pg ? due(trx, now).select('id').forUpdate().skipLocked() : due(trx, now).select('id');
      return trx.updateTable('outbox').set({ claimed_until: until }).where('id', 'in', ids).returningAll().execute();
    });
    lastClaim = { at: performance.now(), full: rows.length >= batchSize };
    return rows;
  }

  /** Messages this process's transactions handed over after their commit (see enqueue), oldest first. */
  const handed: Array<{ row: OutboxTable; payload: Record<string, unknown>; at: number }> = [];
  let taking = false;

  /** Sets `set` on those of the messages `ids` not sent yet (with `heldOnly`, not claimed either), 500 a statement. */
  async function updateUnsent(ids: string[], set: () => Partial<OutboxTable>, heldOnly = false): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await write((trx) => {
        const q = trx.updateTable('outbox').set(set()).where('id', 'in', chunk).where('sent_at', 'is', null);
        return (heldOnly ? q.where('claimed_until', 'is', null) : q).execute();
      });
    }
  }

  /** Makes held messages available to every worker now (not sent, not claimed: still held); a failure is logged. */
  const release = (ids: string[]): Promise<void> =>
    updateUnsent(ids, () => ({ available_at: ctx.clock.now() }), true).catch((err: unknown) =>
      log.error({ err, outboxIds: ids.length }, 'outbox: handed messages not released; they go out when their hold ends'),
    );
  const releaseLater = (ids: string[]) => void release(ids);

  /**
   * Up to a batch of the handed messages. One that waited in memory half its hold (a backlog
   * longer than minutes) is released instead, well before another worker could take it too.
   */
  function takeHanded(): Array<{ row: OutboxTable; payload: Record<string, unknown> }> {
    const stale: string[] = [];
    const now = performance.now();
    while (handed.length && now - handed[0]!.at > claimMs / 2) stale.push(handed.shift()!.row.id);
    if (stale.length) releaseLater(stale);
    return handed.splice(0, batchSize);
  }

  /** Sends one message; false when, read again at send time, it was no longer to be sent (cancelled by an erasure, sent by another worker). */
  async function deliver(row: OutboxTable, given?: Record<string, unknown>): Promise<boolean> {
    let payload: Record<string, unknown>;
    try {
      payload = given ?? (JSON.parse(row.payload) as Record<string, unknown>);
    } catch {
      throw permanentError('payload is not valid JSON');
    }
    const transport = opts.transports[row.topic as keyof Transports];
    if (!transport) throw permanentError(`no transport configured for topic "${row.topic}"`);
    // SPEC 10: a message declaring whose personal data it carries and for what (payload.consent,
    // written by privacy's enqueueWithConsent), and every webhook (a third party), goes only with
    // that consent in the register now: one withdrawn since it was queued stops it. Others (the
    // case mails about the customer's own case, staff notifications) are not looked at.
    if (payload.consent !== undefined || row.topic === 'webhook') {
      privacy ??= import('../privacy/index.ts');
      const refusal = await (await privacy).outboxConsentRefusal(ctx.db, row.topic, payload);
      if (refusal !== null) throw permanentError(`${REFUSED_BY_CONSENT}: ${refusal}`);
    }
    // Read again at send time, as the consent above: the row (its payload) was read at the claim,
    // or handed over at the commit, maybe minutes ago. An erasure since then cancelled it (failed_at
    // set, payload reduced to its template: privacy's erase.service.ts), or another worker sent it
    // after our claim lapsed: then nothing goes out, and its row stays as it is. The database is
    // the one every node shares, so this holds across app nodes; a send that had begun when the
    // erasure committed is the only one that still goes (docs/privacy-rights.md).
    const [state] = await outboxState(ctx.db, row.id);
    if (!state || state.failed_at !== null || state.sent_at !== null) return false;
    const m: OutboxEnvelope = { id: row.id, topic: row.topic, payload, caseId: row.case_id, attempts: row.attempts };
    await transport.send(m);
    return true;
  }

  /**
   * One statement (one commit) for the batch's deliveries, not one per message: under an intake
   * flood the acknowledgements are most of the outbox, and a commit each cost more than the rest.
   * A crash between sending and this write sends those messages again (at least once, as always).
   */
  async function markSent(ids: string[]): Promise<void> {
    await updateUnsent(ids, () => ({ sent_at: ctx.clock.now(), claimed_until: null, last_error: null }));
  }

  /** attempts+1; retry later with exponential backoff, or give up (failed_at) when permanent or out of attempts. */
  async function markFailed(row: OutboxTable, err: unknown): Promise<void> {
    const now = ctx.clock.now();
    const attempts = row.attempts + 1;
    const permanent = err instanceof DeliveryError && err.permanent;
    const msg = errorText(err);
    const giveUp = permanent || attempts >= maxAttempts;
    const set: Partial<OutboxTable> = giveUp
      ? { attempts, claimed_until: null, failed_at: now, last_error: permanent ? msg : `gave up after ${attempts} attempts: ${msg}` }
      : { attempts, claimed_until: null, last_error: msg, available_at: now + backoffDelay(attempts, baseMs, maxMs) };
    // A late failure never touches a message that another worker has sent meanwhile.
    await ctx.db.updateTable('outbox').set(set).where('id', '=', row.id).where('sent_at', 'is', null).execute();
    const info = { outboxId: row.id, topic: row.topic, caseId: row.case_id, attempts, error: msg };
    if (giveUp && msg.startsWith(REFUSED_BY_CONSENT)) log.warn(info, 'outbox: message refused by the consent register, not sent');
    else if (giveUp) log.error(info, 'outbox: message given up');
    else log.warn({ ...info, retryAt: set.available_at }, 'outbox: delivery failed, will retry');
  }

  async function runBatch(): Promise<OutboxRunResult & { claimed: number }> {
    const mine = takeHanded();
    // While messages are handed over, the database is still polled as often as when they came
    // from it (retries, other processes' messages, the timer sweep's), and at once after a full claim.
    const poll = mine.length === 0 || lastClaim.full || performance.now() - lastClaim.at >= busyPollMs;
    const rows = [...(poll ? await claim() : []), ...mine.map((m) => m.row)];
    const given = new Map(mine.map((m) => [m.row.id, m.payload]));
    const result = { claimed: rows.length, sent: 0, failed: 0 };
    if (rows.length === 0) return result;
    // One queue per case, in the order they were written; the queues run in parallel.
    rows.sort((a, b) => a.available_at - b.available_at || a.created_at - b.created_at || (a.id < b.id ? -1 : 1));
    const queues = new Map<string, OutboxTable[]>();
    for (const r of rows) {
      const key = r.case_id ?? r.id;
      queues.set(key, [...(queues.get(key) ?? []), r]);
    }
    const pending = [...queues.values()];
    const dbErrors: unknown[] = [];
    const sent: string[] = [];
    const lane = async () => {
      for (let q = pending.shift(); q; q = pending.shift())
        for (const row of q) {
          let error: unknown = undefined;
          let ok = true;
          let went = false;
          try {
            went = await deliver(row, given.get(row.id));
          } catch (err) {
            ok = false;
            error = err;
          }
          if (ok) {
            if (went) sent.push(row.id);
            else log.info({ outboxId: row.id, topic: row.topic, caseId: row.case_id }, 'outbox: message cancelled or sent elsewhere since it was claimed; not sent');
            continue;
          }
          try {
            await markFailed(row, error);
            result.failed++;
          } catch (err) {
            // The outcome could not be recorded: the claim expires and the message is tried again.
            dbErrors.push(err);
          }
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, lane));
    try {
      await markSent(sent);
      result.sent = sent.length;
    } catch (err) {
      dbErrors.push(err);
    }
    if (dbErrors.length) throw dbErrors[0];
    return result;
  }

  let closed = false;
  /**
   * Under an intake flood the acknowledgements are as many as the cases. Drained back to back
   * once a second they came as a burst of ~150 ms that slowed every intake batch beside it
   * (docs/performance-log.md, seventh session); spread out, the same work leaves the intakes room.
   */
  const pace = outboxPacer({ batchSize, pollMs, busyPollMs });
  const loop = repeat(
    async () => {
      const t0 = performance.now();
      const { claimed } = await runBatch();
      const next = pace(claimed, performance.now() - t0);
      // messages handed over during the run are not left for an idle wait
      return handed.length ? Math.min(next, busyPollMs) : next;
    },
    { everyMs: pollMs, name: 'outbox', onError: (err) => log.error({ err }, 'outbox: batch failed') },
  );

  return {
    async runOnce() {
      const { sent, failed } = await runBatch();
      return { sent, failed };
    },
    start() {
      if (closed) return;
      taking = true;
      registerLocalDelivery(ctx.db, {
        holdMs: claimMs,
        accepting: () => taking && handed.length < maxHanded,
        take(row, payload) {
          if (!taking) return releaseLater([row.id]);
          handed.push({ row, payload, at: performance.now() });
          loop.soon(busyPollMs);
        },
      });
      loop.start();
    },
    async stop() {
      if (taking) {
        taking = false;
        registerLocalDelivery(ctx.db, null);
      }
      await loop.stop();
      const left = handed.splice(0).map((m) => m.row.id);
      if (left.length) await release(left);
      if (closed) return;
      closed = true;
      for (const t of new Set(Object.values(opts.transports))) await t?.close?.();
    },
  };
}
