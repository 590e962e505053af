import { sql, type Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit, recordAuditNow } from '../audit/index.ts';
import { enqueue, type OutboxMessage } from '../notifications/index.ts';
import type { ConsentsTable } from './consent.table.ts';
import {
  isConsentPurpose,
  type ConsentChannel,
  type ConsentPurpose,
  type ConsentRegister,
  type ConsentView,
  type GrantConsentInput,
} from './consent.schemas.ts';

type Db = Kysely<Database>;

const toView = (r: ConsentsTable): ConsentView => ({
  id: r.id,
  customerId: r.customer_id,
  purpose: r.purpose as ConsentPurpose,
  scope: r.scope,
  channel: r.channel as ConsentChannel,
  evidenceRef: r.evidence_ref,
  grantedAt: r.granted_at,
  recordedBy: r.recorded_by,
  active: r.withdrawn_at === null,
  withdrawnAt: r.withdrawn_at,
  withdrawnBy: r.withdrawn_by,
  withdrawalReason: r.withdrawal_reason,
});

/** Empty or blank scope is no scope (the whole purpose). */
const scopeOf = (s: string | null | undefined): string | null => {
  const t = s?.trim();
  return t ? t : null;
};

async function assertCustomer(db: Db, customerId: string): Promise<void> {
  const c = await db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
  if (!c) throw notFound('customer', customerId);
}

/** The customer a portal account acts for; a customer account without one may not use the register. */
export function ownCustomerId(actor: Actor): string {
  if (actor.kind !== 'customer' || !actor.customerId) throw forbidden('This account is not linked to a customer.');
  return actor.customerId;
}

// ---- the check ------------------------------------------------------------------------------

/** Whether a case of the customer is not closed: contact about it is part of handling it. */
async function hasCaseNotClosed(db: Db, customerId: string): Promise<boolean> {
  const c = await db.selectFrom('cases').select('id').where('customer_id', '=', customerId).where('status', '!=', 'closed').limit(1).executeTakeFirst();
  return c !== undefined;
}

/** An active (not withdrawn) consent of the purpose; with `scope`, one without scope or with that scope (case-insensitive). */
async function activeConsent(db: Db, customerId: string, purpose: ConsentPurpose, scope?: string | null): Promise<ConsentsTable | undefined> {
  let q = db.selectFrom('consents').selectAll().where('customer_id', '=', customerId).where('purpose', '=', purpose).where('withdrawn_at', 'is', null);
  const s = scopeOf(scope);
  if (s) q = q.where((eb) => eb.or([eb('scope', 'is', null), eb(sql<string>`lower(scope)`, '=', s.toLowerCase())]));
  return q.orderBy('granted_at', 'desc').limit(1).executeTakeFirst();
}

/** Whether the customer withdrew a consent of the purpose (covering `scope` as activeConsent does). */
async function hasWithdrawn(db: Db, customerId: string, purpose: ConsentPurpose, scope?: string | null): Promise<boolean> {
  let q = db.selectFrom('consents').select('id').where('customer_id', '=', customerId).where('purpose', '=', purpose).where('withdrawn_at', 'is not', null);
  const s = scopeOf(scope);
  if (s) q = q.where((eb) => eb.or([eb('scope', 'is', null), eb(sql<string>`lower(scope)`, '=', s.toLowerCase())]));
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}

export interface ConsentDecision {
  allowed: boolean;
  /**
   * Why it is allowed: a consent in the register; (service_contact only) a case of theirs that is
   * not closed; (satisfaction_survey only) no withdrawal of it on record.
   */
  basis: 'consent' | 'open_case' | 'not_opted_out' | null;
  consentId: string | null;
}

/**
 * May personal data of the customer be carried out for `purpose` (SPEC 10)? Yes when the
 * register holds an active (granted, not withdrawn) consent of that purpose, covering `scope`
 * when one is asked for (a consent without scope covers every scope of its purpose).
 *
 * service_contact, contact about the customer's own cases, is also implied while the customer has
 * a case that is not closed (any status but `closed`, including `resolved` awaiting their
 * confirmation): every case is a request the customer brought in themselves (web, mail, a call
 * logged by an agent...), and telling them about it is part of handling it (PIPL art. 13(2)).
 * A withdrawn service_contact therefore only stops contact beyond open cases, such as
 * follow-ups after closure (回访).
 *
 * satisfaction_survey is opt-out: SPEC 6 asks every resolution to be surveyed, and the survey asks
 * about the customer's own case, so it is allowed unless the customer withdrew it (a withdrawn
 * record and none in force since). Every other purpose needs its consent in the register.
 *
 * Pass the transaction when inside one (on SQLite a query on ctx.db would wait for it).
 */
export async function consentDecision(db: Db, customerId: string, purpose: ConsentPurpose, scope?: string | null): Promise<ConsentDecision> {
  const c = await activeConsent(db, customerId, purpose, scope);
  if (c) return { allowed: true, basis: 'consent', consentId: c.id };
  if (purpose === 'service_contact' && (await hasCaseNotClosed(db, customerId))) return { allowed: true, basis: 'open_case', consentId: null };
  if (purpose === 'satisfaction_survey' && !(await hasWithdrawn(db, customerId, purpose, scope))) return { allowed: true, basis: 'not_opted_out', consentId: null };
  return { allowed: false, basis: null, consentId: null };
}

export const hasConsent = async (db: Db, customerId: string, purpose: ConsentPurpose, scope?: string | null): Promise<boolean> =>
  (await consentDecision(db, customerId, purpose, scope)).allowed;

const PURPOSE_TEXT: Record<ConsentPurpose, string> = {
  service_contact: 'contact about their cases',
  satisfaction_survey: 'satisfaction surveys',
  call_recording: 'call recording',
  third_party_sharing: 'sharing with third parties',
  marketing: 'marketing',
};

/** The error of a path that would carry personal data out without consent: 409 consent_required. */
export const consentRequired = (customerId: string, purpose: ConsentPurpose, scope?: string | null): DomainError =>
  new DomainError(
    'consent_required',
    `The customer has not consented to ${PURPOSE_TEXT[purpose]}${scopeOf(scope) ? ` (${scopeOf(scope)})` : ''}, or has withdrawn it: their personal data may not be used for it. Record their consent first.`,
    409,
    { customerId, purpose, scope: scopeOf(scope) },
  );

/**
 * Throws consent_required (409) unless hasConsent. Call it on every path that carries a
 * customer's personal data out of ServiceLoop for anything but their own case, before it does:
 * - future webhooks and integrations (field-service contractors, CRM/ERP sync):
 *   purpose third_party_sharing, scope = the receiving party;
 * - satisfaction survey sends (SPEC 6): satisfaction_survey (opt-out, see consentDecision);
 * - care campaigns and proactive notices (SPEC 9): marketing; follow-ups after closure: service_contact;
 * - call recording (telephony integration): call_recording.
 * A message queued for later goes through enqueueWithConsent, so the outbox worker checks again
 * when it sends (a consent withdrawn meanwhile stops it).
 */
export async function assertConsent(db: Db, customerId: string, purpose: ConsentPurpose, scope?: string | null): Promise<void> {
  if (!(await hasConsent(db, customerId, purpose, scope))) throw consentRequired(customerId, purpose, scope);
}

/** What an outbox payload declares about the personal data it carries (payload field `consent`). */
export interface ConsentDeclaration {
  customerId: string;
  purpose: ConsentPurpose;
  scope?: string | null;
}

/**
 * Queues a message carrying a customer's personal data for a purpose: refused now (consent_required)
 * without consent, and declared in the payload (`consent`) so that the outbox worker checks the
 * register again when it sends (outboxConsentRefusal).
 */
export async function enqueueWithConsent(ctx: Ctx, trx: Db, m: OutboxMessage, declared: ConsentDeclaration): Promise<string> {
  const extra = declared.purpose === 'third_party_sharing' || m.topic !== 'webhook' ? [] : (['third_party_sharing'] as const);
  for (const p of [declared.purpose, ...extra]) await assertConsent(trx, declared.customerId, p, declared.scope);
  return enqueue(ctx, trx, { ...m, payload: { ...m.payload, consent: { customerId: declared.customerId, purpose: declared.purpose, scope: scopeOf(declared.scope) } } });
}

/**
 * The outbox worker's check at send time (notifications/outbox.worker.ts): null when the message
 * may go, else why not. A message declaring `consent: {customerId, purpose, scope?}` needs that
 * consent now; a webhook (a third-party destination) must declare whose data it carries
 * (`consent`, or `consent: null` for none) and needs third_party_sharing besides its purpose.
 * Messages declaring nothing (the case mails to the customer about their own case, staff
 * notifications) are not checked.
 */
export async function outboxConsentRefusal(db: Db, topic: string, payload: Record<string, unknown>): Promise<string | null> {
  const d = payload.consent;
  if (d === null && topic === 'webhook') return null;
  if (d === undefined || d === null) return topic === 'webhook' ? 'a webhook must declare whose personal data it carries (payload.consent, or null for none)' : null;
  const decl = d as Partial<Record<keyof ConsentDeclaration, unknown>>;
  if (typeof d !== 'object' || typeof decl.customerId !== 'string' || !isConsentPurpose(decl.purpose))
    return 'payload.consent must be {customerId, purpose, scope?} with a known purpose';
  const scope = typeof decl.scope === 'string' ? decl.scope : null;
  const purposes: ConsentPurpose[] = topic === 'webhook' && decl.purpose !== 'third_party_sharing' ? [decl.purpose, 'third_party_sharing'] : [decl.purpose];
  for (const p of purposes)
    if (!(await hasConsent(db, decl.customerId, p, scope))) return `customer ${decl.customerId} has no active consent to ${p}${scope ? ` (${scope})` : ''}`;
  return null;
}

// ---- the register ---------------------------------------------------------------------------

/** The customer's consents, in force and withdrawn; the read is audited (consent.read). */
export async function listConsents(ctx: Ctx, customerId: string, actor: Actor): Promise<ConsentRegister> {
  await assertCustomer(ctx.db, customerId);
  const rows = await ctx.db.selectFrom('consents').selectAll().where('customer_id', '=', customerId).orderBy('granted_at', 'desc').orderBy('id', 'desc').execute();
  const implied = await hasCaseNotClosed(ctx.db, customerId);
  await recordAuditNow(ctx, { actor, action: 'consent.read', targetType: 'customer', targetId: customerId, after: { count: rows.length } });
  const views = rows.map(toView);
  return { customerId, current: views.filter((v) => v.active), history: views.filter((v) => !v.active), serviceContactImplied: implied };
}

/** The consents of a customer, for their data export (SPEC 10): no audit of its own, the export is audited. */
export async function consentsForExport(db: Db, customerId: string): Promise<ConsentView[]> {
  const rows = await db.selectFrom('consents').selectAll().where('customer_id', '=', customerId).orderBy('granted_at').orderBy('id').execute();
  return rows.map(toView);
}

/**
 * Records a consent. The same purpose and scope already in force is a conflict (409
 * consent_already_granted); after a withdrawal a new grant is a new record. An erased customer
 * (erase.service.ts) is refused: 409 customer_erased.
 */
export async function grantConsent(ctx: Ctx, customerId: string, input: GrantConsentInput, actor: Actor): Promise<ConsentView> {
  return ctx.db.transaction().execute(async (trx) => {
    // PostgreSQL: read FOR SHARE, so that a grant waits for an erasure in progress (which locks the row) and then sees it
    let cq = trx.selectFrom('customers').select(['id', 'erased_at']).where('id', '=', customerId);
    if (ctx.ops.supportsForUpdate) cq = cq.forShare();
    const customer = await cq.executeTakeFirst();
    if (!customer) throw notFound('customer', customerId);
    if (customer.erased_at !== null)
      throw conflict('customer_erased', `The personal data of customer ${customerId} was erased: there is nobody left to record a consent of.`);
    await ctx.ops.lockKeys(trx, [`consent:${customerId}`]); // two grants at once: the second sees the first
    const scope = scopeOf(input.scope);
    let same = trx.selectFrom('consents').select('id').where('customer_id', '=', customerId).where('purpose', '=', input.purpose).where('withdrawn_at', 'is', null);
    same = scope === null ? same.where('scope', 'is', null) : same.where('scope', '=', scope);
    const existing = await same.executeTakeFirst();
    if (existing) throw conflict('consent_already_granted', `This consent (${input.purpose}${scope ? `, ${scope}` : ''}) is already in force.`, { consentId: existing.id });
    const row: ConsentsTable = {
      id: newId(),
      customer_id: customerId,
      purpose: input.purpose,
      scope,
      channel: input.channel,
      evidence_ref: input.evidenceRef?.trim() || null,
      granted_at: ctx.clock.now(),
      recorded_by: actor.id,
      withdrawn_at: null,
      withdrawn_by: null,
      withdrawal_reason: null,
    };
    await trx.insertInto('consents').values(row).execute();
    await recordAudit(ctx, trx, {
      actor,
      action: 'consent.grant',
      targetType: 'customer',
      targetId: customerId,
      after: { consentId: row.id, purpose: row.purpose, scope, channel: row.channel, evidenceRef: row.evidence_ref },
    });
    return toView(row);
  });
}

/** Withdraws a consent of the customer (kept, marked withdrawn); already withdrawn is 409 consent_already_withdrawn. */
export async function withdrawConsent(ctx: Ctx, customerId: string, consentId: string, reason: string | undefined, actor: Actor): Promise<ConsentView> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('consents').selectAll().where('id', '=', consentId).where('customer_id', '=', customerId).executeTakeFirst();
    if (!row) throw notFound('consent', consentId);
    if (row.withdrawn_at !== null) throw conflict('consent_already_withdrawn', 'This consent was already withdrawn.', { withdrawnAt: row.withdrawn_at });
    const set = { withdrawn_at: ctx.clock.now(), withdrawn_by: actor.id, withdrawal_reason: reason?.trim() || null };
    const r = await trx.updateTable('consents').set(set).where('id', '=', consentId).where('withdrawn_at', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw conflict('consent_already_withdrawn', 'This consent was already withdrawn.');
    await recordAudit(ctx, trx, {
      actor,
      action: 'consent.withdraw',
      targetType: 'customer',
      targetId: customerId,
      before: { consentId, purpose: row.purpose, scope: row.scope },
      after: { consentId, withdrawnAt: set.withdrawn_at, reason: set.withdrawal_reason },
    });
    return toView({ ...row, ...set });
  });
}

/** A portal customer's own register. */
export const listOwnConsents = (ctx: Ctx, actor: Actor): Promise<ConsentRegister> => listConsents(ctx, ownCustomerId(actor), actor);

/** A portal customer gives a consent themselves: obtained through the portal, recorded by their account. */
export const grantOwnConsent = (ctx: Ctx, input: { purpose: ConsentPurpose; scope?: string | null | undefined }, actor: Actor): Promise<ConsentView> =>
  grantConsent(ctx, ownCustomerId(actor), { purpose: input.purpose, scope: input.scope ?? null, channel: 'portal', evidenceRef: null }, actor);

/** A portal customer withdraws one of their own consents (another customer's is not found). */
export const withdrawOwnConsent = (ctx: Ctx, consentId: string, reason: string | undefined, actor: Actor): Promise<ConsentView> =>
  withdrawConsent(ctx, ownCustomerId(actor), consentId, reason, actor);
