import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import { appendRow, bufferOf } from '../../db/commit-buffer.ts';

export type OutboxTopic = 'email' | 'sms' | 'webhook' | 'notify';

export interface OutboxMessage {
  topic: OutboxTopic;
  /** email: {to, template, locale, vars}; notify: {userIds, kind, caseId, ...} */
  payload: Record<string, unknown>;
  caseId?: string | null;
  availableAt?: number;
}

/** The row a message becomes (also used by writers that insert many messages in one statement). */
export const outboxRow = (now: number, m: OutboxMessage): Database['outbox'] => ({
  id: newId(),
  topic: m.topic,
  payload: JSON.stringify(m.payload),
  case_id: m.caseId ?? null,
  created_at: now,
  available_at: m.availableAt ?? now,
  attempts: 0,
  sent_at: null,
  last_error: null,
  claimed_until: null,
  failed_at: null,
});

/**
 * The outbox worker running in this process, which takes the messages this process writes
 * straight after their commit (see enqueue): registered by its start(), for its database.
 */
export interface LocalDelivery {
  /** How long a handed message stays out of other workers' reach: the worker's claim time. */
  readonly holdMs: number;
  /** Whether it takes more now (its queue is bounded). */
  accepting(): boolean;
  /** A committed message, with its payload as written. */
  take(row: Database['outbox'], payload: Record<string, unknown>): void;
}

const local = new WeakMap<Kysely<Database>, LocalDelivery>();

export const registerLocalDelivery = (db: Kysely<Database>, d: LocalDelivery | null): void => {
  if (d) local.set(db, d);
  else local.delete(db);
};

/**
 * Written in the caller's transaction: sent by the outbox worker only if the change committed.
 *
 * When this process runs the worker and the transaction is buffered (intake), the message is
 * written as held for it (available only after the worker's claim time, as if claimed) and
 * handed to it once the transaction commits: no worker has to find it by polling and claim it,
 * which was a read and an update of every message (a tenth of intake's cost under a flood). If
 * the process dies first, any worker takes it when the hold ends, as after a lapsed claim.
 */
export async function enqueue(ctx: Ctx, trx: Kysely<Database>, m: OutboxMessage): Promise<string> {
  const now = ctx.clock.now();
  const row = outboxRow(now, m);
  const worker = local.get(ctx.db);
  const buffer = worker && row.available_at <= now && worker.accepting() ? bufferOf(trx) : undefined;
  if (worker && buffer) {
    row.available_at = now + worker.holdMs;
    buffer.afterCommit(() => worker.take(row, m.payload));
  }
  await appendRow(trx, 'outbox', row);
  return row.id;
}
