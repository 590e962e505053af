import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import { sha256 } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { reindexCases, type CasesTable } from '../cases/index.ts';
import { campaignMessagesOf, lockAndPrefetchContacts } from '../customers/index.ts';
import { eraseFollowups, type FollowupErasure } from '../followups/index.ts';
import { eraseSurveys, type SurveyErasure } from '../surveys/index.ts';
import { eraseFieldService, type FieldServiceErasure } from '../fieldservice/privacy.ts';
import { anonymisePortalAccounts, forgetCredentials } from '../users/index.ts';
import { redactQualityTexts } from '../quality/erasure.ts';

/**
 * Erasure by anonymisation (SPEC 10, PIPL art. 47 / GDPR art. 17): what identifies the person goes,
 * what the service-quality indicators are made of stays. Kept: the customer row (tier, locale,
 * created) and its cases' type, category, priority, channel, times, states, counts and SLA
 * outcomes, the timeline's events (type, time, actor, visibility), the metrics and rollups, the
 * commitments (targets, escalations), the remedies' kinds and amounts (those still waiting for a
 * decision are closed: rejected, note `customer_erased`), the consultations between teams (who
 * asked whom, when, within which limit, and how they ended), and the consent register's
 * purposes and times. Removed: names, contacts, company, region and branch, every free text the
 * customer wrote or was told (subject, description, request, event bodies and free text in event
 * data, the solution, the compensation text, remedy notes and letters, the consultations'
 * questions, answers and reasons), the root cause and
 * corrective action when they name the person, attachment contents and names, the external
 * reference, the email Message-IDs, the consents' scope, evidence and withdrawal reasons (those
 * in force are withdrawn, reason `erased`), the portal accounts' identity and credentials, and
 * the messages still waiting to go to them.
 * The cases are marked erased (`cases.erased_at`): from then on they take no change but an
 * internal note (the cases module's mutateCase, 409 customer_erased).
 * The audit log is not touched (ADR 0002, README "Privacy rights").
 */

/** The name an erased customer, their cases' contact and their portal accounts get. */
export const ERASED_NAME = '已匿名客户';
/** What replaces each erased free text. */
export const REDACTED = '[已删除 / erased]';
/** The file name an erased attachment keeps (its content is emptied; its size stays, as the count does). */
export const REDACTED_FILE = 'erased';
const EMPTY_SHA256 = sha256(Buffer.alloc(0));

/** How many of each thing an erasure changed: recorded in the audit entry instead of any value. */
export interface ErasureCounts extends FollowupErasure, SurveyErasure, FieldServiceErasure {
  cases: number;
  events: number;
  attachments: number;
  remedies: number;
  portalAccounts: number;
  sessionsEnded: number;
  tokensRevoked: number;
  outboxCancelled: number;
  outboxRedacted: number;
  /** Consents in force withdrawn (reason `erased`). */
  consentsWithdrawn: number;
  /** Email Message-IDs of the cases forgotten (case_email_messages). */
  emailMessages: number;
  /** Consultations of the cases (collaboration) whose question, answer or reason was replaced. */
  consultations: number;
  /** Remedies still waiting for a decision, closed (rejected, note `customer_erased`): they leave the approval queue. */
  remediesWithdrawn: number;
}

export interface ErasureResult {
  customerId: string;
  erasedAt: number;
  reason: string;
  counts: ErasureCounts;
}

/**
 * Strings kept in an event's data (JSON): ids, times, and the enumerations the indicators and
 * the timeline's shape are read from. Any other string (subject, request, bodyHtml, file name,
 * remedy text...) is replaced: new event kinds are redacted unless named here.
 */
const KEPT_KEYS = new Set([
  'id', 'type', 'channel', 'priority', 'impact', 'urgency', 'complaintGrade', 'complaint_grade', 'serviceKind', 'service_kind',
  'sensitive', 'rule', 'from', 'to', 'via', 'reason', 'by', 'kind', 'level', 'role', 'number', 'earlierNumber', 'contentType',
  'state', 'status', 'currency', 'notified', 'language', 'closeReason', 'close_reason', 'crossTeam', 'template',
  // kept on the case too (see eraseInTrx): the root cause and corrective action, about the process
  'cause', 'correctiveAction',
]);
const keptKey = (key: string) => KEPT_KEYS.has(key) || /(Id|Ids|_id|At|_at)$/.test(key);

/** An email address or a phone number (a kept key such as `from` names a status in one event, a sender in another). */
const CONTACT_LIKE = /@|^\+?[\d\s\-()]{5,}$/;

/** A copy of event data with every string outside KEPT_KEYS (and any holding one of `identifiers`, or a contact) replaced by REDACTED. */
export function redactData(value: unknown, identifiers: readonly string[], key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => redactData(v, identifiers, key));
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    return keptKey(key) && !CONTACT_LIKE.test(value) && !identifiers.some((i) => lower.includes(i)) ? value : REDACTED;
  }
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactData(v, identifiers, k)]));
}

/** The withdrawal reason of the consents an erasure withdraws. */
export const ERASED_REASON = 'erased';
/** The note of a remedy an erasure closed while it waited for a decision (status rejected, by the erasure's actor). */
export const REMEDY_CLOSED_NOTE = 'customer_erased';

/** A remedy's proposal or final (JSON) with its letter's texts (text, textEn) replaced; kind, amount, currency kept. */
function redactRemedyTexts(json: string | null): string | null {
  if (json === null) return null;
  const v = JSON.parse(json) as Record<string, unknown>;
  if (v === null || typeof v !== 'object') return json;
  let changed = false;
  for (const k of ['text', 'textEn']) if (typeof v[k] === 'string' && v[k] !== REDACTED) (v[k] = REDACTED), (changed = true);
  return changed ? JSON.stringify(v) : json;
}

const ids = <T extends { id: string }>(rows: T[]) => rows.map((r) => r.id);

/** `fn` over the ids in chunks (a bounded number of parameters a statement). */
async function chunked(all: string[], fn: (chunk: string[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < all.length; i += 500) await fn(all.slice(i, i + 500));
}

/**
 * Erases the personal data of a customer by anonymisation, in one transaction (see the top of
 * this file). Refused while a case of the customer is not closed (409 open_cases: it is still
 * being handled, and its contact is needed), for an unknown customer (404) and when already
 * erased (409 already_erased). Afterwards an intake from the same email or phone makes a new
 * customer: the erased one has no contact left, and neither have its cases (repeat detection
 * goes by customer or contact email).
 */
export async function eraseCustomer(ctx: Ctx, customerId: string, input: { reason: string }, actor: Actor): Promise<ErasureResult> {
  const result = await ctx.db.transaction().execute((trx) => eraseInTrx(ctx, trx, customerId, input.reason, actor));
  forgetCredentials(ctx); // the accounts' API tokens, remembered by this process
  return result;
}

async function eraseInTrx(ctx: Ctx, trx: Kysely<Database>, customerId: string, reason: string, actor: Actor): Promise<ErasureResult> {
  const now = ctx.clock.now();
  // PostgreSQL: the contact's locks, as intake takes them before it looks the contact up: an
  // intake of this contact in flight commits first (and its open case is seen below), a later one
  // looks it up after this commits (and makes a new customer)
  const contact = await trx.selectFrom('customers').select(['email', 'phone']).where('id', '=', customerId).executeTakeFirst();
  if (contact) await lockAndPrefetchContacts(ctx.ops, trx, [contact]);
  // and two erasures of one customer (the retention job on two nodes) run one after the other; the second finds it erased
  let q = trx.selectFrom('customers').selectAll().where('id', '=', customerId);
  if (ctx.ops.supportsForUpdate) q = q.forUpdate();
  const customer = await q.executeTakeFirst();
  if (!customer) throw notFound('customer', customerId);
  if (customer.erased_at !== null)
    throw conflict('already_erased', `The personal data of customer ${customerId} was already erased on ${new Date(customer.erased_at).toISOString()}.`);
  // PostgreSQL: the cases locked too, after the customer: a reopen in flight (mutateCase locks the
  // case) commits first and its open case is seen below; an intake naming the customer by id reads
  // it FOR SHARE (case.service.ts createInTrx), so it waits for this and then finds it erased
  let cq = trx.selectFrom('cases').selectAll().where('customer_id', '=', customerId).orderBy('received_at').orderBy('id');
  if (ctx.ops.supportsForUpdate) cq = cq.forUpdate();
  const cases: CasesTable[] = await cq.execute();
  const open = cases.filter((c) => c.status !== 'closed');
  if (open.length > 0) {
    const numbers = open.map((c) => c.number);
    const shown = numbers.slice(0, 20).join(', ') + (numbers.length > 20 ? ` and ${numbers.length - 20} more` : '');
    throw conflict(
      'open_cases',
      `Customer ${customerId} has ${open.length} case${open.length > 1 ? 's' : ''} not closed (${shown}): close ${open.length > 1 ? 'them' : 'it'} before erasing the customer's data.`,
      { numbers },
    );
  }
  const caseIds = ids(cases);
  // what identifies the person, as it may appear inside event data and queued messages
  const identifiers = [
    ...new Set(
      [customer.name, customer.email, customer.phone, customer.company, ...cases.flatMap((c) => [c.contact_name, c.contact_email, c.contact_phone])]
        .filter((v): v is string => typeof v === 'string' && v.trim().length >= 2)
        .map((v) => v.trim().toLowerCase()),
    ),
  ];
  const counts: ErasureCounts = {
    cases: cases.length, events: 0, attachments: 0, remedies: 0, portalAccounts: 0, sessionsEnded: 0, tokensRevoked: 0, outboxCancelled: 0, outboxRedacted: 0, consentsWithdrawn: 0, emailMessages: 0,
    consultations: 0, remediesWithdrawn: 0,
    followups: 0, followupsCancelled: 0, followupPlans: 0,
    surveys: 0,
    fieldService: 0, workOrdersCancelled: 0,
  };

  await trx
    .updateTable('customers')
    .set({ name: ERASED_NAME, email: null, phone: null, company: null, region: null, branch: null, status: 'inactive', erased_at: now, updated_at: now })
    .where('id', '=', customerId)
    .execute();

  // The cases: their contact and every free text about the request. Kept: resolution_cause and
  // corrective_action, which say what went wrong on our side and what we changed (root cause and
  // CAPA, SPEC 8: the improvement analysis reads them); they are written by staff about the
  // process, not about the person, and are replaced when they name the person anyway (one of
  // their identifiers, or anything that looks like a contact: the test redactData applies). Removed: resolution_solution and compensation, the answer and
  // the offer told to this customer (free text about their case; the remedy's kind and amount stay
  // in remedies), and external_ref, a reference into another system (an order, a mail thread)
  // that leads back to the person.
  const redact = (v: string | null) => (v === null ? null : REDACTED);
  const keepUnlessPersonal = (v: string | null) => (v === null ? null : (redactData(v, identifiers, 'cause') as string));
  for (const c of cases) {
    const set = {
      contact_name: ERASED_NAME,
      contact_email: null,
      contact_phone: null,
      subject: REDACTED,
      description: REDACTED,
      request: redact(c.request),
      resolution_solution: redact(c.resolution_solution),
      compensation: redact(c.compensation),
      resolution_cause: keepUnlessPersonal(c.resolution_cause),
      corrective_action: keepUnlessPersonal(c.corrective_action),
      external_ref: null,
      // marks the case read-only (the cases module's mutateCase: 409 customer_erased, internal notes aside)
      erased_at: now,
      updated_at: now,
      version: c.version + 1,
    };
    await trx.updateTable('cases').set(set).where('id', '=', c.id).execute();
    Object.assign(c, set);
  }
  // the search index written again from the erased rows: the old text is no longer found
  await reindexCases(ctx, trx, cases);

  await chunked(caseIds, async (chunk) => {
    const events = await trx.selectFrom('case_events').select(['id', 'body', 'data']).where('case_id', 'in', chunk).execute();
    counts.events += events.length;
    for (const e of events) {
      const data = e.data === null ? null : JSON.stringify(redactData(JSON.parse(e.data), identifiers));
      const body = e.body === null ? null : REDACTED;
      if (data !== e.data || body !== e.body) await trx.updateTable('case_events').set({ body, data }).where('id', '=', e.id).execute();
    }
    const a = await trx
      .updateTable('case_attachments')
      .set({ content: Buffer.alloc(0), filename: REDACTED_FILE, sha256: EMPTY_SHA256 })
      .where('case_id', 'in', chunk)
      .executeTakeFirst();
    counts.attachments += Number(a.numUpdatedRows);
    // a remedy's note is the decider's free text on this customer's case, and the letter's texts
    // (text, textEn) of its proposal and final may have been rewritten to name the person: both
    // replaced; its kind, amount and currency stay
    const remedies = await trx.selectFrom('remedies').select(['id', 'proposal', 'final', 'note']).where('case_id', 'in', chunk).execute();
    for (const r of remedies) {
      const set = { proposal: redactRemedyTexts(r.proposal)!, final: redactRemedyTexts(r.final), note: r.note === null ? null : REDACTED };
      if (set.proposal === r.proposal && set.final === r.final && set.note === r.note) continue;
      await trx.updateTable('remedies').set(set).where('id', '=', r.id).execute();
      counts.remedies++;
    }
    // a remedy still waiting for a decision is owed to nobody now (there is no one to tell, and
    // its letter would write personal text into the anonymised case): closed, so it leaves the
    // approval queue; the remedy model has no withdrawn state, so it is rejected by the erasure's
    // actor with the note `customer_erased` (kind, amount and the breach it answered stay)
    const w = await trx
      .updateTable('remedies')
      .set({ status: 'rejected', decided_by: actor.id, decided_at: now, note: REMEDY_CLOSED_NOTE })
      .where('case_id', 'in', chunk)
      .where('status', '=', 'proposed')
      .executeTakeFirst();
    counts.remediesWithdrawn += Number(w.numUpdatedRows);
    // the consultations between teams (collaboration): the question asked about the case, and the
    // answer or the reason it was declined or withdrawn, are free texts about the person's request
    const q = await trx.updateTable('consultations').set({ question: REDACTED }).where('case_id', 'in', chunk).executeTakeFirst();
    counts.consultations += Number(q.numUpdatedRows);
    await trx.updateTable('consultations').set({ response: REDACTED }).where('case_id', 'in', chunk).where('response', 'is not', null).execute();
    // quality inspection: the inspectors' comments and the appeals' reasons and decisions about the case
    await redactQualityTexts(trx, chunk, REDACTED);
    // the email channel's Message-IDs of the cases' mails (they lead back to the person's mailbox)
    const m = await trx.deleteFrom('case_email_messages').where('case_id', 'in', chunk).executeTakeFirst();
    counts.emailMessages += Number(m.numDeletedRows);
  });

  // The consent register: the free texts (scope, evidence, withdrawal reasons) replaced, and every
  // consent still in force withdrawn by the actor, reason `erased` (the rows, purposes and times stay)
  await trx.updateTable('consents').set({ scope: REDACTED }).where('customer_id', '=', customerId).where('scope', 'is not', null).execute();
  await trx.updateTable('consents').set({ evidence_ref: REDACTED }).where('customer_id', '=', customerId).where('evidence_ref', 'is not', null).execute();
  await trx.updateTable('consents').set({ withdrawal_reason: REDACTED }).where('customer_id', '=', customerId).where('withdrawal_reason', 'is not', null).execute();
  const w = await trx
    .updateTable('consents')
    .set({ withdrawn_at: now, withdrawn_by: actor.id, withdrawal_reason: ERASED_REASON })
    .where('customer_id', '=', customerId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  counts.consentsWithdrawn = Number(w.numUpdatedRows);

  Object.assign(counts, await eraseFollowups(trx, customerId, caseIds, now, actor, REDACTED));
  Object.assign(counts, await eraseSurveys(trx, caseIds, now, REDACTED, customerId));
  Object.assign(counts, await eraseFieldService(trx, customerId, now, REDACTED));
  Object.assign(counts, await cancelMessages(trx, now, caseIds, identifiers, await campaignMessagesOf(trx, customerId)));
  const accounts = await anonymisePortalAccounts(ctx, trx, customerId, ERASED_NAME);
  counts.portalAccounts = accounts.accounts;
  counts.sessionsEnded = accounts.sessionsEnded;
  counts.tokensRevoked = accounts.tokensRevoked;

  // the reason and the counts, never an erased value (the log keeps what earlier entries hold: see the README)
  await recordAudit(ctx, trx, { actor, action: 'privacy.erase', targetType: 'customer', targetId: customerId, after: { reason, ...counts } });
  return { customerId, erasedAt: now, reason, counts };
}

/**
 * The outbox: every message about the customer's cases and every care-campaign mail to them, and any other still waiting whose
 * recipient is one of the customer's contacts, keeps only its topic and template; those not sent
 * yet are marked failed (cancelled), so no worker ever sends them. A worker that read one before
 * (claimed in its batch, or handed over) reads its row again at send time and sends nothing
 * (notifications' outbox.worker.ts); only a send already begun when this commits still goes.
 */
async function cancelMessages(trx: Kysely<Database>, now: number, caseIds: string[], identifiers: readonly string[], campaignMessageIds: string[]) {
  const rows: Array<{ id: string; payload: string; sent_at: number | null; failed_at: number | null }> = [];
  await chunked(caseIds, async (chunk) => {
    rows.push(...(await trx.selectFrom('outbox').select(['id', 'payload', 'sent_at', 'failed_at']).where('case_id', 'in', chunk).execute()));
  });
  // the care campaigns' mails to the customer (customers module), sent or not: they carry the address and name
  await chunked(campaignMessageIds, async (chunk) => {
    rows.push(...(await trx.selectFrom('outbox').select(['id', 'payload', 'sent_at', 'failed_at']).where('id', 'in', chunk).where('case_id', 'is', null).execute()));
  });
  const seen = new Set(rows.map((r) => r.id));
  // messages without a case (a campaign, a notice) still waiting for one of the contacts
  const waiting = await trx
    .selectFrom('outbox')
    .select(['id', 'payload', 'sent_at', 'failed_at'])
    .where('case_id', 'is', null)
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .execute();
  const recipients = identifiers.filter((i) => i.includes('@') || /\d{5,}/.test(i));
  for (const m of waiting) {
    const to = (JSON.parse(m.payload) as { to?: unknown }).to;
    const list = (Array.isArray(to) ? to : [to]).filter((x): x is string => typeof x === 'string').map((x) => x.trim().toLowerCase());
    if (!seen.has(m.id) && list.some((x) => recipients.includes(x))) rows.push(m);
  }
  let outboxCancelled = 0;
  for (const m of rows) {
    const p = JSON.parse(m.payload) as Record<string, unknown>;
    const payload = JSON.stringify({ erased: true, ...(typeof p.template === 'string' ? { template: p.template } : {}) });
    const pending = m.sent_at === null && m.failed_at === null;
    if (pending) outboxCancelled++;
    await trx
      .updateTable('outbox')
      .set(pending ? { payload, failed_at: now, claimed_until: null, last_error: "cancelled: the customer's personal data was erased" } : { payload })
      .where('id', '=', m.id)
      .execute();
  }
  return { outboxCancelled, outboxRedacted: rows.length };
}
