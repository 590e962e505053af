import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

/**
 * The outbox row a Message-ID we sent names: emailTransport gives each mail `<outboxId@domain>`
 * (transports.ts, messageIdFor), so a customer's reply (In-Reply-To, References) points back to the
 * outbox message, and through it to its case, without a record of every mail sent. Null for any
 * other Message-ID. (A notify mail's id has a `.lang` part: staff mail, not a customer's thread.)
 */
export function outboxIdOfMessageId(messageId: string): string | null {
  const m = /^<?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^\s<>@]+>?$/i.exec(messageId.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/** The cases of the customer mails (outbox topic `email`) among these outbox ids, by outbox id. */
export async function casesOfSentMail(db: Kysely<Database>, outboxIds: string[]): Promise<Map<string, string>> {
  if (outboxIds.length === 0) return new Map();
  const rows = await db.selectFrom('outbox').select(['id', 'case_id']).where('id', 'in', outboxIds).where('topic', '=', 'email').where('case_id', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.case_id!]));
}
