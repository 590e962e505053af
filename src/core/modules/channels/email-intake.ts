import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import { caseByIdempotencyKey, createCase, EARLIEST_RECEIVED_AT, mutateCase, reply, type AttachmentInput, type NewCaseInput } from '../cases/index.ts';
import { consoleLogger, escapeHtml, type Logger } from '../notifications/index.ts';
import { parseEmail, type ParsedEmail } from './email-parse.ts';
import { findThread, type Thread } from './email-threading.ts';

/**
 * The email channel's actor: every mail comes in as it, whichever way (the HTTP endpoint or the
 * SMTP listener), so that its Message-ID is one idempotency key across both (idempotency keys are
 * per actor): the same mail handed over twice, by a gateway and by the listener, makes one case.
 */
export const EMAIL_ACTOR_ID = 'channel:email';

/**
 * created: a new case; threaded: a customer reply on its case; duplicate: taken in before;
 * noted: an automatic mail (an out-of-office, a bounce) put on its case as an internal entry;
 * ignored: a bounce that answers no case, taken and dropped (logged at warn with its key, From
 * and Subject). An out-of-office answering no case becomes a case, without an acknowledgement.
 */
export type EmailOutcome = 'created' | 'threaded' | 'duplicate' | 'noted' | 'ignored';

export interface IngestResult {
  outcome: EmailOutcome;
  /** How a threaded (or noted) mail was tied to its case. */
  threadedBy?: Thread['by'];
  /** Only what a mail gateway needs: no personal data of the case goes back. Null when ignored. */
  case: { id: string; number: string; status: string } | null;
  /** The Message-ID (or, without one, the hash of the message) it is known by. */
  messageKey: string;
}

export interface IngestOptions {
  /** The address it came from (the SMTP client, the gateway's HTTP request). */
  ip?: string | null;
  /** The SMTP reverse path (MAIL FROM), when known: '' (`<>`) marks a bounce. */
  envelopeFrom?: string | null;
  /** The authserv-ids whose Authentication-Results are believed (SL_EMAIL_TRUSTED_AUTHSERV): without one, no threading by subject. */
  trustedAuthserv?: readonly string[];
  /** Where a mail taken and dropped is logged (the listener's, the request's logger). */
  log?: Logger;
}

/** The most files taken from one mail (the API takes 10 per request); the rest are named as not taken. */
export const MAX_MAIL_ATTACHMENTS = 20;

const intakeActor = (o: IngestOptions): Actor => ({
  id: EMAIL_ACTOR_ID,
  kind: 'system',
  role: 'system',
  name: 'email channel',
  teamId: null,
  customerId: null,
  ip: o.ip ?? null,
});

const NO_SUBJECT = '（无主题）(no subject)';
const NO_TEXT = '（无正文）(no text)';

/** The mail as sent, when the text kept for the case left part of it out (quoted mail, signature): HTML as sent, or its whole text. */
function originalHtml(mail: ParsedEmail): string | undefined {
  if (mail.html) return mail.html;
  if (mail.fullText && mail.fullText !== mail.text && mail.fullText.length <= 90_000)
    return `<p>${escapeHtml(mail.fullText).replace(/\r?\n/g, '<br>')}</p>`;
  return undefined;
}

/** The files taken (at most MAX_MAIL_ATTACHMENTS) and the names of those left out. */
function attachmentsOf(mail: ParsedEmail): { taken: AttachmentInput[]; notTaken: string[] } {
  // an empty file carries nothing (and the cases module refuses one as not a file)
  const files = mail.attachments.filter((a) => a.content.length > 0);
  return {
    taken: files.slice(0, MAX_MAIL_ATTACHMENTS).map((a) => ({ filename: a.filename, contentType: a.contentType, contentBase64: a.content.toString('base64') })),
    notTaken: files.slice(MAX_MAIL_ATTACHMENTS).map((a) => a.filename),
  };
}

/** A line naming the files left out, for a case's description. */
const notTakenNote = (names: string[]): string =>
  names.length === 0 ? '' : `\n\n[${names.length} more attachment(s) not taken (at most ${MAX_MAIL_ATTACHMENTS} per mail): ${names.slice(0, 50).join(', ')}${names.length > 50 ? ', …' : ''}]`;

const summary = (c: { id: string; number: string; status: string }) => ({ id: c.id, number: c.number, status: c.status });

/**
 * Takes in one raw RFC 5322 message: a mail already taken in (its Message-ID is known) answers
 * `duplicate` with its case; an automatic mail (an out-of-office, a bounce) is only noted on the
 * case it answers (noteAutomatic); a reply to a case (email-threading.ts) becomes a customer reply on it
 * (the cases module's reply: it reopens a resolved or closed case, resumes paused timers...);
 * anything else becomes a new case through the cases module's intake (classification,
 * commitments, acknowledgement mail, audit, outbox), keyed by the Message-ID. Resolves once that
 * is committed. A DomainError (4xx) for a message that can never become a case; anything else
 * (the database busy or gone) is worth trying again.
 */
export async function ingestEmail(ctx: Ctx, raw: Buffer, o: IngestOptions = {}): Promise<IngestResult> {
  const mail = await parseEmail(raw, { envelopeFrom: o.envelopeFrom });
  // The fast path for a retried delivery. What guarantees one case or reply per Message-ID is the
  // idempotency key of the intake and the unique key of case_email_messages written with a reply.
  const known = await caseOfMessage(ctx, mail.key);
  if (known) return { outcome: 'duplicate', case: known, messageKey: mail.key };
  const thread = await findThread(ctx, mail, o.trustedAuthserv ?? []);
  if (mail.automatic && thread) {
    const noted = await noteAutomatic(ctx, mail, thread);
    if (noted) return noted;
    // (null: it answers a case whose customer was erased) nobody's request: not a new case that
    // would hold the erased person's address again, and never dropped without a trace
    (o.log ?? consoleLogger).info({ messageKey: mail.key, caseId: thread.caseId }, "email channel: an automatic reply to an erased customer's case was taken and dropped");
    return { outcome: 'ignored', case: null, messageKey: mail.key };
  }
  if (mail.automatic === 'bounce') {
    // never dropped without a trace
    (o.log ?? consoleLogger).warn({ messageKey: mail.key, from: mail.from.address, subject: mail.subject }, 'email channel: a bounce that answers no case was taken and dropped');
    return { outcome: 'ignored', case: null, messageKey: mail.key };
  }
  // an automatic reply answering no case: a case, but no acknowledgement (a mail loop with a responder)
  if (mail.automatic) return createFromMail(ctx, mail, o);
  if (thread) {
    const r = await threadReply(ctx, mail, thread, o);
    if (r) return r;
  }
  return createFromMail(ctx, mail, o);
}

async function caseOfMessage(ctx: Ctx, key: string) {
  return ctx.db
    .selectFrom('case_email_messages as m')
    .innerJoin('cases as c', 'c.id', 'm.case_id')
    .select(['c.id', 'c.number', 'c.status'])
    .where('m.message_id', '=', key)
    .executeTakeFirst();
}

async function threadReply(ctx: Ctx, mail: ParsedEmail, thread: Thread, o: IngestOptions): Promise<IngestResult | null> {
  const c = await ctx.db.selectFrom('cases').select(['id', 'customer_id', 'contact_email', 'erased_at']).where('id', '=', thread.caseId).executeTakeFirst();
  // The reply is the customer's: a case without a customer (no contact at intake) cannot take one,
  // nor one whose customer's data was erased (as at any intake, their contact makes a new customer);
  // the mail makes a case instead. (An erasure between this read and the reply: the reply refuses
  // it, customer_erased, below, and the mail makes a case all the same.)
  if (!c?.customer_id || c.erased_at !== null) return null;
  const actor: Actor = { id: EMAIL_ACTOR_ID, kind: 'customer', role: 'customer', name: mail.from.name, teamId: null, customerId: c.customer_id, ip: o.ip ?? null };
  // someone else in the thread (a colleague of the customer's) is named on the reply
  const sender = c.contact_email === mail.from.address ? {} : { sender: { name: mail.from.name, email: mail.from.address } };
  const html = originalHtml(mail);
  const files = attachmentsOf(mail);
  try {
    const view = await reply(
      ctx,
      c.id,
      { body: mail.text || NO_TEXT, ...(html ? { bodyHtml: html } : {}) },
      actor,
      {
        attachments: files.taken,
        data: { channel: 'email', threadedBy: thread.by, ...sender, ...(files.notTaken.length > 0 ? { attachmentsNotTaken: files.notTaken.slice(0, 200) } : {}) },
        // in the reply's transaction: a retried delivery finds it (or, at the same moment, fails on its key and rolls back)
        inTransaction: async (trx) => {
          await trx.insertInto('case_email_messages').values({ message_id: mail.key, case_id: c.id, kind: 'reply', created_at: ctx.clock.now() }).execute();
        },
      },
    );
    return { outcome: 'threaded', threadedBy: thread.by, case: summary(view), messageKey: mail.key };
  } catch (err) {
    return afterRefusedWrite(ctx, mail, err);
  }
}

/**
 * A write of a mail on its case that failed: null when the case's customer was erased meanwhile
 * (the cases module's refusal, customer_erased: the caller takes the mail as answering no case);
 * the case it made when the same Message-ID was taken in at the same moment (its key); else the error.
 */
async function afterRefusedWrite(ctx: Ctx, mail: ParsedEmail, err: unknown): Promise<IngestResult | null> {
  if (err instanceof DomainError && err.code === 'customer_erased') return null;
  if (ctx.ops.isUniqueViolation(err)) {
    const known = await caseOfMessage(ctx, mail.key);
    if (known) return { outcome: 'duplicate', case: known, messageKey: mail.key };
  }
  throw err;
}

/**
 * An automatic mail (email-parse.ts, `automatic`) on the case it answers: an internal entry that
 * changes nothing (staff see that the customer is away, or that our mail did not reach them).
 * Null when that case's customer was erased: the mail (it names its sender) is not written into
 * the anonymised case, and is taken as answering no case.
 */
async function noteAutomatic(ctx: Ctx, mail: ParsedEmail, thread: Thread): Promise<IngestResult | null> {
  const system: Actor = { ...intakeActor({}), name: 'email channel (automatic mail)' };
  try {
    const view = await mutateCase(ctx, thread.caseId, system, 'replied', 'case.email_automatic', async (_c, trx) => {
      await trx.insertInto('case_email_messages').values({ message_id: mail.key, case_id: thread.caseId, kind: 'reply', created_at: ctx.clock.now() }).execute();
      const data = { channel: 'email', automatic: mail.automatic, subject: mail.subject, sender: { name: mail.from.name, email: mail.from.address } };
      return { set: {}, events: [{ type: 'email_automatic', visibility: 'internal' as const, body: truncateText(mail.fullText || mail.subject || NO_TEXT), data }] };
    });
    return { outcome: 'noted', threadedBy: thread.by, case: summary(view), messageKey: mail.key };
  } catch (err) {
    return afterRefusedWrite(ctx, mail, err);
  }
}

const truncateText = (s: string) => (s.length <= 20_000 ? s : `${s.slice(0, 19_999)}…`);

async function createFromMail(ctx: Ctx, mail: ParsedEmail, o: IngestOptions): Promise<IngestResult> {
  const now = ctx.clock.now();
  // the Date header when sane; else (none, in the future, before the earliest date) the time it reached us
  const receivedAt = mail.date !== null && mail.date <= now && mail.date >= EARLIEST_RECEIVED_AT ? mail.date : undefined;
  const html = originalHtml(mail);
  const { taken: attachments, notTaken } = attachmentsOf(mail);
  const input: NewCaseInput = {
    channel: 'email',
    contact: { name: mail.from.name, email: mail.from.address },
    subject: mail.subject || (mail.text.split('\n')[0] ?? '').slice(0, 80).trim() || NO_SUBJECT,
    description: (mail.text || mail.subject || NO_TEXT) + notTakenNote(notTaken),
    ...(html ? { descriptionHtml: html } : {}),
    ...(receivedAt !== undefined ? { receivedAt } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(mail.automatic ? { noAcknowledgementMail: true } : {}),
  };
  const key = `email:${mail.key}`;
  let view;
  let created = false;
  try {
    ({ case: view, created } = await createCase(ctx, input, intakeActor(o), key));
  } catch (err) {
    // the same message, made into a different request (its Date judged otherwise at the first delivery): the case it made then
    const earlier = err instanceof DomainError && err.code === 'idempotency_key_reused' ? await caseByIdempotencyKey(ctx, EMAIL_ACTOR_ID, key) : undefined;
    if (!earlier) throw err;
    view = earlier;
  }
  // After the case's commit (intake is not made longer for this): a retry after a crash in between
  // is answered by the idempotency key above and writes it then.
  await ctx.db
    .insertInto('case_email_messages')
    .values({ message_id: mail.key, case_id: view.id, kind: 'case', created_at: now })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute();
  return { outcome: created ? 'created' : 'duplicate', case: summary(view), messageKey: mail.key };
}
