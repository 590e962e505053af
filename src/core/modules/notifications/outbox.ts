import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import { appendRow } from '../../db/commit-buffer.ts';

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

/** Written in the caller's transaction: sent by the outbox worker only if the change committed. */
export async function enqueue(ctx: Ctx, trx: Kysely<Database>, m: OutboxMessage): Promise<string> {
  const row = outboxRow(ctx.clock.now(), m);
  await appendRow(trx, 'outbox', row);
  return row.id;
}
