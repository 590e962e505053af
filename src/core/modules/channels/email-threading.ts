import type { Ctx } from '../../context.ts';
import { casesOfSentMail, outboxIdOfMessageId } from '../notifications/index.ts';
import { listFromEnv } from '../../shared/env-settings.ts';
import { AUTHSERV_ID, keyOfId, senderAuthenticated, type ParsedEmail } from './email-parse.ts';

/**
 * SL_EMAIL_TRUSTED_AUTHSERV: the authserv-ids (RFC 8601) of the mail server in front, whose
 * Authentication-Results headers are believed (comma-separated host names; unset: none, and no
 * mail is threaded by the case number in its subject). A bad value stops the start naming it.
 */
export function trustedAuthservFromEnv(): string[] {
  return listFromEnv('SL_EMAIL_TRUSTED_AUTHSERV', (d) => AUTHSERV_ID.test(d), 'authserv-ids, the host names the mail server in front writes in Authentication-Results (mx.example.com)').map((d) => d.toLowerCase());
}

/** A case number in a subject, as our mails write it: `[SL-20261123-0042]`. */
const SUBJECT_NUMBER = /\[(SL-\d{8}-\d{4,})\]/i;

export interface Thread {
  caseId: string;
  /** How the mail was tied to the case. */
  by: 'message_id' | 'subject_number';
}

/**
 * The case a mail answers, if any:
 * 1. by its In-Reply-To and References (newest first): a Message-ID of a mail we sent about a case
 *    (the outbox id in it, see notifications/message-ids.ts) or of a mail we took in for one
 *    (case_email_messages). Whoever sends it: such an id is only known to those who got the thread
 *    (our ids are random UUIDs), as when a colleague of the customer answers in it.
 * 2. else by a case number in the subject, but only from the case's own contact address, and only
 *    when the mail server in front vouches for that From (senderAuthenticated: a trusted
 *    Authentication-Results with dmarc or aligned dkim pass). Anyone can type a number, and
 *    anyone can write any From: a stranger's mail naming someone else's case must not land on that
 *    case's timeline (and reopen it, or read as the customer's word); it makes a case of its own.
 */
export async function findThread(ctx: Ctx, mail: Pick<ParsedEmail, 'refs' | 'subject' | 'from' | 'authResults'>, trustedAuthserv: readonly string[] = []): Promise<Thread | null> {
  if (mail.refs.length > 0) {
    const refs = mail.refs.slice(0, 100);
    const outboxIds = refs.map(outboxIdOfMessageId);
    const [sent, received] = await Promise.all([
      casesOfSentMail(ctx.db, [...new Set(outboxIds.filter((x): x is string => x !== null))]),
      ctx.db.selectFrom('case_email_messages').select(['message_id', 'case_id']).where('message_id', 'in', refs.map(keyOfId)).execute(),
    ]);
    const byReceived = new Map(received.map((r) => [r.message_id, r.case_id]));
    for (const [i, ref] of refs.entries()) {
      const caseId = byReceived.get(keyOfId(ref)) ?? (outboxIds[i] ? sent.get(outboxIds[i]) : undefined);
      if (caseId) return { caseId, by: 'message_id' };
    }
  }
  const number = SUBJECT_NUMBER.exec(mail.subject)?.[1]?.toUpperCase();
  if (number && senderAuthenticated(mail, trustedAuthserv)) {
    const c = await ctx.db.selectFrom('cases').select(['id', 'contact_email']).where('number', '=', number).executeTakeFirst();
    if (c && c.contact_email !== null && c.contact_email.toLowerCase() === mail.from.address) return { caseId: c.id, by: 'subject_number' };
  }
  return null;
}
