import { classificationSettings } from './classification-settings.ts';
import type { CompiledQuery, Kysely } from 'kysely';
import sanitizeHtml from 'sanitize-html';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../../shared/errors.ts';
import { newId, sha256 } from '../../shared/ids.ts';
import { recordAudit, recordAuditNow } from '../audit/index.ts';
import { findCustomerByContact, insertCustomer, normalisePhone, phoneKey, type ContactHint } from '../customers/index.ts';
import { enqueue } from '../notifications/index.ts';
import { activeStaff, authorityOf, can } from '../users/index.ts';
import { routeNewCase } from '../routing/index.ts';
import { assertCertified } from '../training/certification.ts';
import { assertRecordingInspectable } from '../training/recordings.ts';
import {
  canTransition,
  EARLIEST_RECEIVED_AT,
  minimumAuthorityForGrade,
  newCaseRow,
  OPEN_STATUSES,
  priorityOf,
  type CaseStatus,
  type CaseType,
  type Channel,
  type CloseReason,
  type ComplaintGrade,
  type Level,
  type ServiceKind,
} from './case.ts';
import { allocateCaseNumber } from './case-number.ts';
import type { Acknowledgement, CaseChange, IntakeFacts } from './case.hooks.ts';
import type { CaseEventsTable, CasesTable } from './case.table.ts';
import { suggestClassification } from './classification.ts';
import { seesPersonalData } from '../../shared/masking.ts';
import { toCaseView, toEventView, type CaseEventView, type CaseView } from './case.views.ts';
import { insertRow } from '../../db/fast-insert.ts';
import { sameIssue } from './same-issue.ts';
import { prepared } from '../../db/prepared.ts';
import { appendRow, appendRows, bufferedTransaction, bufferOf, FLUSH_ORDER, pendingRows, rowsBefore, type PendingWrite } from '../../db/commit-buffer.ts';

type Trx = Kysely<Database>;

export interface AttachmentInput {
  filename: string;
  contentType: string;
  contentBase64: string;
}

export interface NewCaseInput {
  channel: Channel;
  customerId?: string | undefined;
  contact: { name: string; email?: string | undefined; phone?: string | undefined };
  subject: string;
  description: string;
  descriptionHtml?: string | undefined;
  request?: string | undefined;
  receivedAt?: number | undefined;
  language?: string | undefined;
  type?: CaseType | undefined;
  categoryId?: string | undefined;
  impact?: Level | undefined;
  urgency?: Level | undefined;
  complaintGrade?: ComplaintGrade | undefined;
  serviceKind?: ServiceKind | undefined;
  sensitive?: boolean | undefined;
  teamId?: string | undefined;
  externalRef?: string | undefined;
  attachments?: AttachmentInput[] | undefined;
  /** No acknowledgement mail to the contact (an automatic reply made into a case: no mail loop with a responder). Not for API callers. */
  noAcknowledgementMail?: boolean | undefined;
}

export interface EventInput {
  /** Set when something else (an attachment) must point at this event. */
  id?: string;
  type: string;
  visibility: 'public' | 'internal';
  body?: string | null;
  data?: Record<string, unknown> | null;
  actor?: Actor;
}

const HTML_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'b', 'strong', 'i', 'em', 'u', 'ul', 'ol', 'li', 'blockquote', 'a', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'td', 'th'],
  // rel and target are set by the transform below (which overrides what the sender wrote); they must be allowed to survive the filter.
  allowedAttributes: { a: ['href', 'rel', 'target'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

/** Customer-supplied HTML is stored only after sanitising, so it can be shown as it is. */
export const sanitize = (html: string): string => sanitizeHtml(html, HTML_OPTIONS);

export async function insertEvents(ctx: Ctx, trx: Trx, caseId: string, actor: Actor, events: EventInput[]): Promise<CaseEventsTable[]> {
  if (events.length === 0) return [];
  const now = ctx.clock.now();
  const rows: CaseEventsTable[] = events.map((e) => {
    const who = e.actor ?? actor;
    return {
      id: e.id ?? newId(),
      case_id: caseId,
      type: e.type,
      actor_id: who.kind === 'system' ? null : who.id,
      actor_kind: who.kind,
      visibility: e.visibility,
      body: e.body ?? null,
      data: e.data ? JSON.stringify(e.data) : null,
      created_at: now,
    };
  });
  await appendRows(trx, 'case_events', rows);
  return rows;
}

/** Search index entries of a buffered transaction, written in one statement before commit. */
class PendingSearch implements PendingWrite {
  readonly entries = new Map<string, string>();
  /** one entry a case, and in an intake batch only cases it creates */
  readonly ownRows = true;
  constructor(private readonly ctx: Ctx) {}
  flush(trx: Trx): Promise<void> {
    return this.ctx.ops.indexCases(trx, this.list());
  }
  statement(trx: Trx): CompiledQuery | undefined {
    return this.ctx.ops.indexCasesStatement?.(trx, this.list());
  }
  private list() {
    return [...this.entries].map(([caseId, text]) => ({ caseId, text }));
  }
}

async function indexForSearch(ctx: Ctx, trx: Trx, caseId: string, text: string): Promise<void> {
  const b = bufferOf(trx);
  if (b) b.work('search', FLUSH_ORDER.rollup, () => new PendingSearch(ctx)).entries.set(caseId, text);
  else await ctx.ops.indexCase(trx, caseId, text);
}

const searchText = (c: Pick<CasesTable, 'number' | 'subject' | 'description' | 'request' | 'contact_name' | 'contact_email' | 'contact_phone'>) =>
  [c.number, c.subject, c.description, c.request ?? '', c.contact_name, c.contact_email ?? '', c.contact_phone ?? ''].join('\n');

/**
 * Writes the search index entries of these cases again from their rows as they are now (in the
 * caller's transaction): after their text was changed outside the case's own use cases (the
 * privacy module's erasure), so the old text is no longer found.
 */
export async function reindexCases(ctx: Ctx, trx: Trx, rows: ReadonlyArray<Parameters<typeof searchText>[0] & { id: string }>): Promise<void> {
  if (rows.length > 0) await ctx.ops.indexCases(trx, rows.map((c) => ({ caseId: c.id, text: searchText(c) })));
}

function decodeAttachment(ctx: Ctx, a: AttachmentInput): Buffer {
  const buf = Buffer.from(a.contentBase64, 'base64');
  if (buf.length === 0) throw invalid('attachment_empty', `Attachment ${a.filename} is empty or not base64.`);
  if (buf.length > ctx.config.maxAttachmentBytes)
    throw new DomainError('attachment_too_large', `Attachment ${a.filename} is larger than ${ctx.config.maxAttachmentBytes} bytes.`, 413);
  return buf;
}

async function insertAttachment(ctx: Ctx, trx: Trx, caseId: string, eventId: string | null, a: AttachmentInput, content: Buffer, actor: Actor) {
  const row = {
    id: newId(),
    case_id: caseId,
    event_id: eventId,
    filename: a.filename,
    content_type: a.contentType,
    size: content.length,
    sha256: sha256(content),
    content,
    uploaded_by: actor.kind === 'system' ? null : actor.id,
    created_at: ctx.clock.now(),
  };
  await appendRow(trx, 'case_attachments', row);
  return { id: row.id, filename: row.filename, contentType: row.content_type, size: row.size, sha256: row.sha256 };
}

/**
 * The complaints of a customer (or, without one, a contact email) received in [since, until] other
 * than `id`, oldest first: in a category, the first; without one, up to 50, for sameIssue to choose
 * from. One prepared text for each of the four shapes.
 */
const complaintsOf = (by: 'customer_id' | 'contact_email', withCategory: boolean) =>
  prepared((db, id: string, who: string, category: string, since: number, until: number) => {
    const q = db
      .selectFrom('cases')
      .select(['id', 'number', 'repeat_of_id', 'received_at', 'subject'])
      .where('type', '=', 'complaint')
      .where('id', '!=', id)
      .where('received_at', '>=', since)
      .where('received_at', '<=', until)
      .where(by, '=', who);
    return (withCategory ? q.where('category_id', '=', category).limit(1) : q.where('category_id', 'is', null).limit(50)).orderBy('received_at');
  });
const COMPLAINTS_OF = {
  customer_id: { true: complaintsOf('customer_id', true), false: complaintsOf('customer_id', false) },
  contact_email: { true: complaintsOf('contact_email', true), false: complaintsOf('contact_email', false) },
};

/**
 * Earlier complaints by the same customer (or contact) about the same issue inside the window
 * (SPEC 2): in the same category, or, without a category, with a subject about the same thing
 * (sameIssue): two complaints of one customer are not a repeat for being complaints.
 */
async function findRepeatRoot(ctx: Ctx, trx: Trx, c: Pick<CasesTable, 'id' | 'customer_id' | 'contact_email' | 'category_id' | 'received_at' | 'subject'>) {
  const who = c.customer_id ?? c.contact_email;
  if (!who) return undefined;
  const since = c.received_at - (await classificationSettings(ctx, trx)).repeatWindowDays * 86_400_000;
  const about = (p: { subject: string }) => c.category_id !== null || sameIssue(p.subject, c.subject);
  const lookup = COMPLAINTS_OF[c.customer_id ? 'customer_id' : 'contact_email'][c.category_id ? 'true' : 'false'];
  let earlier: { id: string; number: string; repeat_of_id: string | null; received_at: number } | undefined = (
    await lookup(trx, c.id, who, c.category_id ?? '', since, c.received_at)
  ).find(about);
  // complaints taken earlier in the same intake batch are not written yet, nor, while it writes, those of the batch before
  for (const p of [...rowsBefore(trx, 'cases'), ...(pendingRows(trx, 'cases') ?? [])])
    if (
      p.type === 'complaint' &&
      p.id !== c.id &&
      p.received_at >= since &&
      p.received_at <= c.received_at &&
      (c.customer_id ? p.customer_id === c.customer_id : p.contact_email === c.contact_email) &&
      p.category_id === (c.category_id ?? null) &&
      about(p) &&
      (!earlier || p.received_at < earlier.received_at)
    )
      earlier = { id: p.id, number: p.number, repeat_of_id: p.repeat_of_id, received_at: p.received_at };
  if (!earlier) return undefined;
  return { id: earlier.repeat_of_id ?? earlier.id, number: earlier.number, directId: earlier.id };
}

export interface CreateResult {
  case: CaseView;
  created: boolean;
}

/** What only staff decide at intake; a portal customer's case is classified and timed by the rules. */
const STAFF_ONLY_FIELDS = ['type', 'impact', 'urgency', 'complaintGrade', 'serviceKind', 'sensitive', 'teamId', 'receivedAt'] as const;

function refuseStaffOnlyFields(input: NewCaseInput, actor: Actor): void {
  if (actor.kind !== 'customer') return;
  const fields: string[] = STAFF_ONLY_FIELDS.filter((k) => input[k] !== undefined);
  if (input.customerId !== undefined && input.customerId !== actor.customerId) fields.push('customerId');
  if (fields.length > 0)
    throw invalid('staff_only_fields', `Only staff set ${fields.join(', ')} on a case; leave ${fields.length > 1 ? 'them' : 'it'} out.`, { fields });
}

/** Internal options of an intake, never set from a request (the HTTP API has no way to pass them). */
export interface CreateOptions {
  /** Not routed, whatever routing rules are enabled: the demo loader's history, whose handlers it chose itself. */
  unrouted?: boolean;
  /** The staff member who received the request (an offline record's 受理人, modules/channels/import); default: the actor, if staff. */
  receivedBy?: string;
  /** Runs in the case's transaction after its hooks (the import records its row there, so the case and its idempotency key commit together). */
  inTransaction?: (trx: Trx, row: CasesTable) => Promise<void>;
}

export async function createCase(ctx: Ctx, input: NewCaseInput, actor: Actor, idempotencyKey?: string, options?: CreateOptions): Promise<CreateResult> {
  refuseStaffOnlyFields(input, actor);
  // Only a keyed request is ever compared with an earlier one.
  const requestHash = idempotencyKey ? sha256(JSON.stringify(input)) : '';
  if (idempotencyKey) {
    const replay = await findIdempotent(ctx, actor, idempotencyKey, requestHash);
    if (replay) return replay;
  }
  const files = (input.attachments ?? []).map((a) => ({ a, content: decodeAttachment(ctx, a) }));
  try {
    const work = (trx: Trx) => createInTrx(ctx, trx, input, actor, idempotencyKey, requestHash, files, options?.unrouted === true, options);
    // The contact lets the batch look up all its requests' customers in one query.
    const hint: ContactHint = actor.kind === 'customer' || input.customerId ? {} : { email: input.contact.email, phone: input.contact.phone };
    return await (ctx.batched ? ctx.batched(work, hint) : bufferedTransaction(ctx.db, work));
  } catch (err) {
    // A concurrent retry with the same key committed first: answer with its case.
    if (idempotencyKey && ctx.ops.isUniqueViolation(err)) {
      const replay = await findIdempotent(ctx, actor, idempotencyKey, requestHash);
      if (replay) return replay;
    }
    throw err;
  }
}

/**
 * The case an intake with this key made, whatever its request was: for a channel whose key names
 * the message itself (an email's Message-ID), where a retry is the same message even if what was
 * made of it differs (a Date header judged differently).
 */
export async function caseByIdempotencyKey(ctx: Ctx, actorId: string, key: string): Promise<CaseView | undefined> {
  const k = await ctx.db.selectFrom('idempotency_keys').select('case_id').where('actor_id', '=', actorId).where('key', '=', key).executeTakeFirst();
  if (!k) return undefined;
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', k.case_id).executeTakeFirstOrThrow();
  return toCaseView(c, null);
}

async function findIdempotent(ctx: Ctx, actor: Actor, key: string, requestHash: string): Promise<CreateResult | undefined> {
  const k = await ctx.db.selectFrom('idempotency_keys').selectAll().where('actor_id', '=', actor.id).where('key', '=', key).executeTakeFirst();
  if (!k) return undefined;
  if (k.request_hash !== requestHash)
    throw conflict('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', k.case_id).executeTakeFirstOrThrow();
  return { case: toCaseView(c, null), created: false }; // the same request's echo
}

async function createInTrx(
  ctx: Ctx,
  trx: Trx,
  input: NewCaseInput,
  actor: Actor,
  idempotencyKey: string | undefined,
  requestHash: string,
  files: Array<{ a: AttachmentInput; content: Buffer }>,
  unrouted = false,
  options?: CreateOptions,
): Promise<CreateResult> {
  const now = ctx.clock.now();
  const id = newId();
  if (idempotencyKey)
    await insertRow(trx, 'idempotency_keys', { actor_id: actor.id, key: idempotencyKey, request_hash: requestHash, case_id: id, created_at: now });

  const isCustomer = actor.kind === 'customer';
  // Only staff log a request received earlier (a phone call, an import); a portal customer cannot backdate one.
  const receivedAt = isCustomer ? now : (input.receivedAt ?? now);
  if (receivedAt > now + 60_000) throw invalid('received_in_future', 'receivedAt cannot be in the future.');
  if (receivedAt < EARLIEST_RECEIVED_AT)
    throw invalid('received_too_early', `receivedAt cannot be before ${new Date(EARLIEST_RECEIVED_AT).toISOString()}.`);
  // Allocate the number first: the counter row's lock (held to commit) serialises intakes of the
  // day, so the find-or-create of the customer below cannot run twice at once for one contact on
  // PostgreSQL. It rolls back with the transaction, so a failed intake consumes no number.
  const number = await allocateCaseNumber(trx, receivedAt, ctx.config.timeZone);

  let customer = undefined as Awaited<ReturnType<typeof findCustomerByContact>>;
  let customerCreated = false;
  if (isCustomer && !actor.customerId) throw new DomainError('customer_required', 'This portal account belongs to no customer.', 403);
  const customerId = isCustomer ? actor.customerId : input.customerId;
  if (customerId) {
    // PostgreSQL: FOR SHARE, so that an erasure in progress (it locks the row FOR UPDATE) commits first and is seen below
    let cq = trx.selectFrom('customers').selectAll().where('id', '=', customerId);
    if (ctx.ops.supportsForUpdate) cq = cq.forShare();
    customer = await cq.executeTakeFirst();
    if (!customer) throw notFound('customer', customerId);
    // (the row is read anyway: no query added) an erased customer has no contact to answer at
    if (customer.erased_at !== null)
      throw conflict('customer_erased', `The personal data of customer ${customerId} was erased; record the request without customerId: its contact makes a new customer.`);
  } else {
    customer = await findCustomerByContact(trx, input.contact.email, input.contact.phone);
    if (!customer && (input.contact.email || input.contact.phone)) {
      customer = await insertCustomer(ctx, trx, { name: input.contact.name, email: input.contact.email, phone: input.contact.phone });
      customerCreated = true;
    }
  }
  if (input.categoryId) {
    const cat = await trx.selectFrom('categories').select('id').where('id', '=', input.categoryId).executeTakeFirst();
    if (!cat) throw notFound('category', input.categoryId);
  }
  if (input.teamId && !isCustomer) {
    const team = await trx.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst();
    if (!team) throw notFound('team', input.teamId);
  }

  const contact = isCustomer
    ? await ownContact(trx, actor, customer!, input.contact)
    : { email: input.contact.email?.trim().toLowerCase() || null, phone: normalisePhone(input.contact.phone) };
  // channel is a required field of the request, but a portal case always comes in through the portal
  const channel: Channel = isCustomer ? 'web' : input.channel;
  const auto = suggestClassification({ subject: input.subject, description: input.description, channel, customerTier: customer?.tier ?? null });
  const type = (!isCustomer && input.type) || auto.type;
  const impact = (!isCustomer && input.impact) || auto.impact;
  const urgency = (!isCustomer && input.urgency) || auto.urgency;
  const grade = type === 'complaint' ? (!isCustomer && input.complaintGrade) || auto.complaintGrade || 'general' : null;
  if (input.complaintGrade && type !== 'complaint')
    throw invalid('grade_without_complaint', `A complaint grade is given for a case of type ${type}: set type complaint, or leave the grade out.`);

  const row = newCaseRow({
    id,
    number,
    customer_id: customer?.id ?? null,
    contact_name: input.contact.name,
    contact_email: contact.email,
    contact_phone: contact.phone,
    channel,
    received_at: receivedAt,
    received_by: actor.kind === 'staff' ? (options?.receivedBy ?? actor.id) : null,
    subject: input.subject,
    description: input.description,
    request: input.request ?? null,
    language: input.language ?? (/[\u4e00-\u9fff]/.test(input.subject + input.description) ? 'zh' : 'en'),
    type,
    category_id: input.categoryId ?? null,
    impact,
    urgency,
    priority: priorityOf(impact, urgency, (await classificationSettings(ctx, trx)).priorityMatrix),
    complaint_grade: grade,
    sensitive: (!isCustomer && input.sensitive) || auto.sensitive ? 1 : 0,
    service_kind: isCustomer ? null : (input.serviceKind ?? null),
    team_id: isCustomer ? null : (input.teamId ?? null),
    external_ref: input.externalRef ?? null,
    created_at: now,
  });
  const repeat = type === 'complaint' ? await findRepeatRoot(ctx, trx, row) : undefined;
  if (repeat) {
    row.is_repeat = 1;
    row.repeat_of_id = repeat.id;
  }
  // SPEC 3: the routing rules give the team and the agent, on the row before it is written (no query while no rule is enabled).
  // Staff who name a team keep it: a rule for that team may still pick its agent (modules/routing routeNewCase).
  const routed = unrouted ? undefined : await routeNewCase(
    ctx,
    trx,
    { type, categoryId: row.category_id, channel, language: row.language, customerTier: customer?.tier ?? null, priority: row.priority, complaintGrade: grade },
    row.team_id,
  );
  if (routed) {
    row.team_id = routed.teamId;
    // as a lead's assign(): assignee and owner (首问负责), and the case is open
    if (routed.assigneeId) Object.assign(row, { assignee_id: routed.assigneeId, owner_id: routed.assigneeId, status: 'open' });
  }
  await appendRow(trx, 'cases', row);

  const events: EventInput[] = [
    {
      type: 'created',
      visibility: 'public',
      body: row.description,
      data: {
        channel,
        subject: row.subject,
        request: row.request,
        receivedAt,
        ...(input.descriptionHtml ? { bodyHtml: sanitize(input.descriptionHtml) } : {}),
      },
    },
    {
      type: 'classified',
      visibility: 'internal',
      data: { type, impact, urgency, priority: row.priority, complaintGrade: grade, sensitive: row.sensitive === 1, rule: auto.rule },
    },
  ];
  if (repeat) events.push({ type: 'repeat_detected', visibility: 'internal', data: { repeatOfId: repeat.id, earlierCaseId: repeat.directId, earlierNumber: repeat.number } });
  if (routed) events.push({ type: 'routed', visibility: 'internal', actor: { ...actor, kind: 'system' }, data: { ...routed } });
  const [createdEvent] = await insertEvents(ctx, trx, id, actor, events);
  if (repeat)
    await insertEvents(ctx, trx, repeat.directId, actor, [{ type: 'repeat_linked', visibility: 'internal', data: { caseId: id, number: row.number } }]);
  for (const f of files) await insertAttachment(ctx, trx, id, createdEvent!.id, f.a, f.content, actor);
  await indexForSearch(ctx, trx, id, searchText(row));

  const ack: Acknowledgement = {};
  const intake: IntakeFacts = { customerTier: customer?.tier ?? null };
  for (const h of ctx.caseHooks) await h.onCreated?.(ctx, trx, row, ack, intake);
  await insertEvents(ctx, trx, id, actor, [{ type: 'acknowledged', visibility: 'public', actor: { ...actor, kind: 'system' }, data: { ...ack } }]);
  if (row.contact_email && !input.noAcknowledgementMail)
    await enqueue(ctx, trx, {
      topic: 'email',
      caseId: id,
      payload: { to: row.contact_email, template: 'case_acknowledged', locale: row.language, vars: { number: row.number, subject: row.subject, name: row.contact_name, ...ack } },
    });
  if (options?.inTransaction) await options.inTransaction(trx, row);
  // one operation, one entry: a customer made for the case's contact is named in it (no customer.create of its own, on intake's path)
  await recordAudit(ctx, trx, {
    actor,
    action: 'case.create',
    targetType: 'case',
    targetId: id,
    after: {
      number: row.number,
      channel,
      type,
      priority: row.priority,
      customerId: row.customer_id,
      ...(customerCreated ? { customerCreated: true } : {}),
      ...(routed ? { routingRuleId: routed.ruleId, teamId: routed.teamId, assigneeId: routed.assigneeId } : {}),
    },
  });
  return { case: toCaseView(row, null), created: true }; // echoes what the caller sent
}

/**
 * The contact of a portal customer's case: their own, the portal account's email or their customer
 * record's email and phone. The case's mail goes there, so another address or phone is refused
 * (rather than dropped unseen); the customer can name it in the description.
 */
async function ownContact(
  trx: Trx,
  actor: Actor,
  customer: { email: string | null; phone: string | null },
  given: NewCaseInput['contact'],
): Promise<{ email: string | null; phone: string | null }> {
  const account = await trx.selectFrom('users').select('email').where('id', '=', actor.id).executeTakeFirst();
  const emails = [account?.email, customer.email].filter((e): e is string => Boolean(e)).map((e) => e.trim().toLowerCase());
  const email = given.email?.trim().toLowerCase() || null;
  const phone = phoneKey(given.phone);
  const foreign = [
    ...(email && !emails.includes(email) ? ['contact.email'] : []),
    ...(phone && phoneKey(customer.phone) !== phone ? ['contact.phone'] : []),
  ];
  if (foreign.length > 0)
    throw invalid('contact_not_own', 'A portal case is answered at your own contact details (your account or customer record); give any other in the description.', { fields: foreign });
  return { email: email ?? emails[0] ?? null, phone: customer.phone };
}

/** Customers see only their own cases; restricted (sensitive) cases only their handlers and leads. */
export function assertCanSee(actor: Actor, c: CasesTable): void {
  if (actor.kind === 'system') return;
  if (actor.kind === 'customer') {
    if (!actor.customerId || c.customer_id !== actor.customerId) throw notFound('case', c.id);
    return;
  }
  if (c.sensitive === 1 && !can(actor.role, 'case.read_sensitive') && c.owner_id !== actor.id && c.assignee_id !== actor.id && c.received_by !== actor.id)
    throw new DomainError('case_restricted', 'This case is restricted (sensitive); only its handlers and leads may open it.', 403);
}

async function loadForUpdate(ctx: Ctx, trx: Trx, caseId: string): Promise<CasesTable> {
  let q = trx.selectFrom('cases').selectAll().where('id', '=', caseId);
  if (ctx.ops.supportsForUpdate) q = q.forUpdate();
  const c = await q.executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  return c;
}

/**
 * What may still be written on a case whose customer's personal data was erased (SPEC 10,
 * docs/privacy-rights.md): only a staff member's internal note (quality inspection, a supervisor's
 * review: about how the case was handled, never shown to anyone outside, and nobody to answer).
 * Everything else would reopen a case with no one to answer, or write new personal data into an
 * anonymised record: a reply (from staff, or from the customer by mail: the email channel makes a
 * new case instead), a reopen, a file, a reclassification, a status change, a hand-over...
 */
const WRITABLE_AFTER_ERASURE: ReadonlySet<string> = new Set(['case.note']);

/** 409 customer_erased for a change of a case whose customer was erased (read on the locked row: no query of its own). */
function assertNotErased(c: CasesTable, action: string): void {
  if (c.erased_at === null || WRITABLE_AFTER_ERASURE.has(action)) return;
  throw conflict(
    'customer_erased',
    `The personal data of the customer of case ${c.number} was erased on ${new Date(c.erased_at).toISOString()}: the case is kept for the indicators and can no longer be reopened, answered or changed (an internal note is still possible). A new request from the person is a new case.`,
    { number: c.number },
  );
}

interface Mutation {
  set: Partial<CasesTable>;
  events: EventInput[];
  emails?: Array<{ template: string; vars?: Record<string, unknown> }>;
  audit?: Record<string, unknown>;
}

/** One change of a case: lock, check, update the row, append events, run hooks, audit; one transaction. */
export async function mutateCase(
  ctx: Ctx,
  caseId: string,
  actor: Actor,
  change: CaseChange,
  action: string,
  fn: (c: CasesTable, trx: Trx) => Promise<Mutation> | Mutation,
): Promise<CaseView> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await loadForUpdate(ctx, trx, caseId);
    assertCanSee(actor, before);
    assertNotErased(before, action);
    const m = await fn(before, trx);
    const after: CasesTable = { ...before, ...m.set, updated_at: ctx.clock.now(), version: before.version + 1 };
    const { id: _id, ...changes } = after;
    await trx.updateTable('cases').set(changes).where('id', '=', caseId).execute();
    await insertEvents(ctx, trx, caseId, actor, m.events);
    for (const e of m.emails ?? [])
      if (after.contact_email)
        await enqueue(ctx, trx, {
          topic: 'email',
          caseId,
          payload: { to: after.contact_email, template: e.template, locale: after.language, vars: { number: after.number, subject: after.subject, name: after.contact_name, ...e.vars } },
        });
    for (const h of ctx.caseHooks) await h.onChanged?.(ctx, trx, before, after, change, { actor, events: m.events });
    await recordAudit(ctx, trx, { actor, action, targetType: 'case', targetId: caseId, before: m.audit ? undefined : pick(before, m.set), after: m.audit ?? m.set });
    return toCaseView(after, actor);
  });
}

const pick = (row: CasesTable, set: Partial<CasesTable>) =>
  Object.fromEntries(Object.keys(set).map((k) => [k, row[k as keyof CasesTable]]));

const requireStaff = (actor: Actor) => {
  if (actor.kind !== 'staff') throw forbidden();
};

/**
 * First-contact ownership (SPEC 3, 首问负责): the owner of a case, or a lead, decides its course
 * (resolve, close, reopen, move it between statuses); other agents may reply and add notes, and
 * take it over only by a documented hand-over.
 */
function assertMayDecide(actor: Actor, c: Pick<CasesTable, 'owner_id'>) {
  if (actor.kind === 'staff' && c.owner_id !== null && c.owner_id !== actor.id && authorityOf(actor.role) < 2)
    throw conflict('case_owned', 'Another agent owns this case (首问负责): its owner or a lead resolves, closes or moves it; hand it over first.', { ownerId: c.owner_id });
}

function assertAuthorityForGrade(role: string, grade: string | null, who = 'This person') {
  const need = minimumAuthorityForGrade(grade);
  if (authorityOf(role) < need)
    throw new DomainError(
      'insufficient_authority',
      `${who} cannot handle a ${grade} complaint: it needs ${need === 3 ? 'a manager or above' : 'a supervisor or above'} (SPEC 2).`,
      403,
    );
}

/** SPEC 7: staff who would become an unowned case's owner (first reply, resolve) need its category's certificate. */
const assertMayOwn = (ctx: Ctx, trx: Trx, c: CasesTable, actor: Actor) =>
  actor.kind === 'staff' && !c.owner_id ? assertCertified(ctx, trx, actor, c.category_id) : Promise.resolve();

/** The first staff member to take a case owns it (首问负责) until a documented hand-over. */
function takeOwnership(c: CasesTable, actor: Actor): Partial<CasesTable> {
  return {
    owner_id: actor.id,
    assignee_id: actor.id,
    team_id: c.team_id ?? actor.teamId,
    status: c.status === 'new' || c.status === 'reopened' ? 'open' : c.status,
  };
}

/**
 * What a channel (modules/channels: a customer's mail threaded into their case) adds to a reply:
 * its files, facts for the reply's event data (the channel, the sender), and a write of its own in
 * the reply's transaction (the received Message-ID, so that a retried delivery adds nothing twice).
 */
export interface ReplyExtras {
  attachments?: AttachmentInput[] | undefined;
  data?: Record<string, unknown> | undefined;
  inTransaction?: ((trx: Trx, c: CasesTable) => Promise<void>) | undefined;
}

export function reply(
  ctx: Ctx,
  caseId: string,
  input: { body: string; bodyHtml?: string | undefined; setStatus?: 'open' | 'pending_customer' | 'pending_internal' | undefined },
  actor: Actor,
  extras?: ReplyExtras,
) {
  if (extras) return replyWithExtras(ctx, caseId, input, actor, extras);
  return mutateCase(ctx, caseId, actor, 'replied', 'case.reply', async (c, trx) => {
    await assertMayOwn(ctx, trx, c, actor);
    return replyMutation(ctx, c, input, actor, null);
  });
}

async function replyWithExtras(ctx: Ctx, caseId: string, input: Parameters<typeof reply>[2], actor: Actor, extras: ReplyExtras) {
  const files = (extras.attachments ?? []).map((a) => ({ a, content: decodeAttachment(ctx, a) }));
  return mutateCase(ctx, caseId, actor, 'replied', 'case.reply', async (c, trx) => {
    await extras.inTransaction?.(trx, c);
    await assertMayOwn(ctx, trx, c, actor);
    const m = replyMutation(ctx, c, input, actor, extras.data ?? null);
    const visibility = m.events[0]!.visibility;
    for (const f of files) {
      const eventId = newId();
      const out = await insertAttachment(ctx, trx, caseId, eventId, f.a, f.content, actor);
      m.events.push({ id: eventId, type: 'attachment', visibility, data: { attachmentId: out.id, filename: out.filename, size: out.size, contentType: out.contentType } });
    }
    return m;
  });
}

function replyMutation(ctx: Ctx, c: CasesTable, input: Parameters<typeof reply>[2], actor: Actor, extraData: Record<string, unknown> | null): Mutation {
  const now = ctx.clock.now();
  const data = input.bodyHtml ? { ...extraData, bodyHtml: sanitize(input.bodyHtml) } : extraData;
  if (actor.kind === 'customer') {
    const set: Partial<CasesTable> = {};
    const events: EventInput[] = [{ type: 'customer_reply', visibility: 'public', body: input.body, data }];
    if (c.status === 'pending_customer') {
      set.status = 'open';
      events.push({ type: 'status_changed', visibility: 'internal', data: { from: c.status, to: 'open', via: 'customer_reply' } });
    }
    if (c.status === 'resolved' || c.status === 'closed') {
      Object.assign(set, { status: 'reopened', reopen_count: c.reopen_count + 1, resolved_at: null, closed_at: null, close_reason: null });
      events.push({ type: 'reopened', visibility: 'public', data: { reason: 'customer_reply', from: c.status } });
    }
    return { set, events };
  }
  if (c.status === 'closed') throw conflict('case_closed', 'The case is closed; reopen it before replying.');
  const set: Partial<CasesTable> = {};
  const events: EventInput[] = [{ type: 'reply', visibility: 'public', body: input.body, data }];
  if (c.first_response_at === null) set.first_response_at = now;
  if (!c.owner_id) {
    assertAuthorityForGrade(actor.role, c.complaint_grade, 'You');
    Object.assign(set, takeOwnership(c, actor));
    events.push({ type: 'taken', visibility: 'internal', data: { ownerId: actor.id, via: 'first_reply' } });
  } else if (c.status === 'new' || c.status === 'reopened') set.status = 'open';
  if (input.setStatus) {
    const from = (set.status ?? c.status) as CaseStatus;
    if (from !== input.setStatus) {
      assertAuthorityForGrade(actor.role, c.complaint_grade, 'You'); // a status change, as changeStatus()
      assertMayDecide(actor, c);
      if (!canTransition(from, input.setStatus)) throw illegal(from, input.setStatus);
      set.status = input.setStatus;
      events.push({ type: 'status_changed', visibility: 'internal', data: { from, to: input.setStatus } });
    }
  }
  return { set, events, emails: [{ template: 'case_reply', vars: { body: input.body } }] };
}

export function addNote(ctx: Ctx, caseId: string, body: string, actor: Actor) {
  requireStaff(actor);
  return mutateCase(ctx, caseId, actor, 'replied', 'case.note', () => ({ set: {}, events: [{ type: 'note', visibility: 'internal', body }] }));
}

export interface ClassifyInput {
  type?: CaseType | undefined;
  categoryId?: string | null | undefined;
  impact?: Level | undefined;
  urgency?: Level | undefined;
  complaintGrade?: ComplaintGrade | undefined;
  serviceKind?: ServiceKind | null | undefined;
  sensitive?: boolean | undefined;
  reason: string;
}

export function classify(ctx: Ctx, caseId: string, input: ClassifyInput, actor: Actor) {
  requireStaff(actor);
  return mutateCase(ctx, caseId, actor, 'classified', 'case.classify', async (c, trx) => {
    if (input.categoryId) {
      const cat = await trx.selectFrom('categories').select('id').where('id', '=', input.categoryId).executeTakeFirst();
      if (!cat) throw notFound('category', input.categoryId);
    }
    // Only someone allowed to handle a complaint's grade may lower it (no downgrading to take it).
    if (c.type === 'complaint' && c.complaint_grade && minimumAuthorityForGrade(c.complaint_grade) > authorityOf(actor.role)) {
      const newGrade = (input.type ?? c.type) === 'complaint' ? (input.complaintGrade ?? c.complaint_grade) : null;
      if (minimumAuthorityForGrade(newGrade) < minimumAuthorityForGrade(c.complaint_grade)) assertAuthorityForGrade(actor.role, c.complaint_grade, 'You');
    }
    // Lifting a restriction opens the case to every agent: only those who may read restricted cases
    // (leads) decide that, not whoever received it.
    if (c.sensitive === 1 && input.sensitive === false && !can(actor.role, 'case.read_sensitive'))
      throw new DomainError('insufficient_authority', 'Only a supervisor or above can lift the restriction on a sensitive case.', 403);
    const type = input.type ?? (c.type as CaseType);
    const impact = input.impact ?? (c.impact as Level);
    const urgency = input.urgency ?? (c.urgency as Level);
    const set: Partial<CasesTable> = {
      type,
      impact,
      urgency,
      priority: priorityOf(impact, urgency, (await classificationSettings(ctx, trx)).priorityMatrix),
      category_id: input.categoryId === undefined ? c.category_id : input.categoryId,
      complaint_grade: type === 'complaint' ? (input.complaintGrade ?? c.complaint_grade ?? 'general') : null,
      service_kind: input.serviceKind === undefined ? c.service_kind : input.serviceKind,
      sensitive: input.sensitive === undefined ? c.sensitive : input.sensitive ? 1 : 0,
    };
    const changed = Object.fromEntries(Object.entries(set).filter(([k, v]) => c[k as keyof CasesTable] !== v));
    if (Object.keys(changed).length === 0) throw invalid('no_change', 'The classification is already as given.');
    const events: EventInput[] = [
      {
        type: 'reclassified',
        visibility: 'internal',
        body: input.reason,
        data: { before: Object.fromEntries(Object.keys(changed).map((k) => [k, c[k as keyof CasesTable]])), after: changed },
      },
    ];
    if (type === 'complaint' && c.type !== 'complaint' && !c.is_repeat) {
      const repeat = await findRepeatRoot(ctx, trx, { ...c, category_id: set.category_id ?? null });
      if (repeat) {
        set.is_repeat = 1;
        set.repeat_of_id = repeat.id;
        events.push({ type: 'repeat_detected', visibility: 'internal', data: { repeatOfId: repeat.id, earlierCaseId: repeat.directId, earlierNumber: repeat.number } });
      }
    }
    return { set, events };
  });
}

export function take(ctx: Ctx, caseId: string, actor: Actor) {
  requireStaff(actor);
  return mutateCase(ctx, caseId, actor, 'assigned', 'case.take', async (c, trx) => {
    await assertCertified(ctx, trx, actor, c.category_id);
    // An agent cannot take another's case (首问负责); a lead can take it over, e.g. when it is
    // escalated to them, and that take-over is recorded as a hand-over.
    const takeOver = c.owner_id !== null && c.owner_id !== actor.id;
    if (takeOver && authorityOf(actor.role) < 2)
      throw conflict('case_owned', 'Another agent owns this case (首问负责); it changes hands only by a documented hand-over.', { ownerId: c.owner_id });
    if (c.status === 'closed') throw conflict('case_closed', 'The case is closed.');
    assertAuthorityForGrade(actor.role, c.complaint_grade, 'You');
    const set = { ...takeOwnership(c, actor), team_id: c.team_id ?? actor.teamId };
    if (takeOver)
      return {
        set,
        events: [{ type: 'handed_over', visibility: 'internal', body: `Taken over by ${actor.name} (${actor.role}) / 由${actor.name}接管`, data: { fromOwnerId: c.owner_id, toOwnerId: actor.id, fromTeamId: c.team_id, toTeamId: c.team_id, via: 'take_over' } }],
      } satisfies Mutation;
    return { set, events: [{ type: 'taken', visibility: 'internal', data: { ownerId: actor.id } }] } satisfies Mutation;
  });
}

export function assign(ctx: Ctx, caseId: string, input: { assigneeId: string; teamId?: string | undefined; handoverNote?: string | undefined }, actor: Actor) {
  requireStaff(actor);
  return mutateCase(ctx, caseId, actor, 'assigned', 'case.assign', async (c, trx) => {
    const u = await activeStaff(trx, input.assigneeId);
    assertAuthorityForGrade(u.role, c.complaint_grade, u.name);
    await assertCertified(ctx, trx, u, c.category_id);
    if (c.status === 'closed') throw conflict('case_closed', 'The case is closed.');
    const handover = c.owner_id !== null && c.owner_id !== u.id;
    if (handover && (!input.handoverNote || input.handoverNote.trim().length < 5))
      throw invalid('handover_note_required', 'The case already has an owner: assigning it elsewhere needs a hand-over note (at least 5 characters).');
    if (input.teamId) {
      const t = await trx.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst();
      if (!t) throw notFound('team', input.teamId);
    }
    const teamId = input.teamId ?? u.team_id ?? c.team_id;
    const crossTeam = c.team_id !== null && teamId !== c.team_id;
    const set: Partial<CasesTable> = {
      assignee_id: u.id,
      owner_id: u.id,
      team_id: teamId,
      transfer_count: c.transfer_count + (crossTeam ? 1 : 0),
      status: c.status === 'new' || c.status === 'reopened' ? 'open' : c.status,
    };
    const type = handover ? 'handed_over' : 'assigned';
    return { set, events: [{ type, visibility: 'internal', body: input.handoverNote ?? null, data: { fromOwnerId: c.owner_id, toOwnerId: u.id, fromTeamId: c.team_id, toTeamId: teamId } }] };
  });
}

/** Hand-over to another agent or team; the note is mandatory so the customer never repeats themselves. */
export function transfer(ctx: Ctx, caseId: string, input: { toUserId?: string | undefined; toTeamId?: string | undefined; handoverNote: string }, actor: Actor) {
  requireStaff(actor);
  return mutateCase(ctx, caseId, actor, 'transferred', 'case.transfer', async (c, trx) => {
    if (!input.toUserId && !input.toTeamId) throw invalid('transfer_target_required', 'Name the agent (toUserId) or team (toTeamId) to hand the case to.');
    const isLead = authorityOf(actor.role) >= 2;
    if (!isLead && c.owner_id !== actor.id && c.assignee_id !== actor.id)
      throw forbidden('Only the owner of the case or a lead may hand it over.');
    if (c.status === 'closed') throw conflict('case_closed', 'The case is closed.');
    let teamId = input.toTeamId ?? c.team_id;
    let ownerId: string | null = null;
    if (input.toUserId) {
      const u = await activeStaff(trx, input.toUserId);
      assertAuthorityForGrade(u.role, c.complaint_grade, u.name);
      await assertCertified(ctx, trx, u, c.category_id);
      ownerId = u.id;
      teamId = input.toTeamId ?? u.team_id ?? teamId;
    }
    if (input.toTeamId) {
      const t = await trx.selectFrom('teams').select('id').where('id', '=', input.toTeamId).executeTakeFirst();
      if (!t) throw notFound('team', input.toTeamId);
    }
    const crossTeam = teamId !== c.team_id && c.team_id !== null;
    const set: Partial<CasesTable> = {
      owner_id: ownerId,
      assignee_id: ownerId,
      team_id: teamId,
      transfer_count: c.transfer_count + (crossTeam ? 1 : 0),
    };
    return {
      set,
      events: [{ type: 'handed_over', visibility: 'internal', body: input.handoverNote, data: { fromOwnerId: c.owner_id, toOwnerId: ownerId, fromTeamId: c.team_id, toTeamId: teamId, crossTeam } }],
    };
  });
}

const illegal = (from: string, to: string) =>
  new DomainError('illegal_transition', `A case cannot go from ${from} to ${to}.`, 409, { from, to });

export function changeStatus(ctx: Ctx, caseId: string, input: { status: 'open' | 'pending_customer' | 'pending_internal'; note?: string | undefined }, actor: Actor) {
  requireStaff(actor);
  return mutateCase(ctx, caseId, actor, 'status', 'case.status', (c) => {
    assertAuthorityForGrade(actor.role, c.complaint_grade, 'You');
    assertMayDecide(actor, c);
    if (!canTransition(c.status as CaseStatus, input.status)) throw illegal(c.status, input.status);
    return { set: { status: input.status }, events: [{ type: 'status_changed', visibility: 'internal', body: input.note ?? null, data: { from: c.status, to: input.status } }] };
  });
}

export interface ResolveInput {
  cause: string;
  solution: string;
  compensation?: string | undefined;
  correctiveAction?: string | undefined;
  /** A problem record (modules/improvement) with a root cause and a corrective action, instead of correctiveAction: its hook checks it and links the case. */
  problemId?: string | undefined;
}

export function resolve(ctx: Ctx, caseId: string, input: ResolveInput, actor: Actor) {
  requireStaff(actor);
  return mutateCase(ctx, caseId, actor, 'resolved', 'case.resolve', async (c, trx) => {
    assertAuthorityForGrade(actor.role, c.complaint_grade, 'You');
    await assertMayOwn(ctx, trx, c, actor);
    assertMayDecide(actor, c);
    if (!canTransition(c.status as CaseStatus, 'resolved')) throw illegal(c.status, 'resolved');
    if (c.is_repeat === 1 && !input.correctiveAction?.trim() && !input.problemId)
      throw invalid('corrective_action_required', 'A repeat complaint cannot be resolved without its root cause and a corrective action (SPEC 2).');
    const now = ctx.clock.now();
    const set: Partial<CasesTable> = {
      status: 'resolved',
      resolved_at: now,
      first_resolved_at: c.first_resolved_at ?? now,
      // the result told to the customer is a staff public reply too
      first_response_at: c.first_response_at ?? now,
      resolution_cause: input.cause,
      resolution_solution: input.solution,
      compensation: input.compensation ?? null,
      corrective_action: input.correctiveAction ?? c.corrective_action,
    };
    if (!c.owner_id) Object.assign(set, { owner_id: actor.id, assignee_id: actor.id, team_id: c.team_id ?? actor.teamId });
    const data = { cause: input.cause, compensation: input.compensation ?? null, correctiveAction: input.correctiveAction ?? null };
    return {
      set,
      events: [
        { type: 'resolved', visibility: 'public', body: input.solution, data },
        ...(input.problemId ? [{ type: 'problem_linked', visibility: 'internal' as const, data: { problemId: input.problemId, via: 'resolve' } }] : []),
      ],
      emails: [{ template: 'case_resolved', vars: { solution: input.solution, ...data } }],
    };
  });
}

export function confirm(ctx: Ctx, caseId: string, input: { comment?: string | undefined }, actor: Actor) {
  return mutateCase(ctx, caseId, actor, 'closed', 'case.confirm', (c) => {
    // staff confirming for the customer close the case: the same level as close
    if (actor.kind === 'staff') assertAuthorityForGrade(actor.role, c.complaint_grade, 'You');
    assertMayDecide(actor, c);
    if (c.status !== 'resolved') throw illegal(c.status, 'closed');
    return {
      set: { status: 'closed', closed_at: ctx.clock.now(), close_reason: 'solved' },
      events: [{ type: 'confirmed', visibility: 'public', body: input.comment ?? null, data: { by: actor.kind } }],
    };
  });
}

export interface CloseInput {
  reason: CloseReason;
  note?: string | undefined;
  /** Only when a repeat complaint is withdrawn (SPEC 2): its root cause and corrective action. */
  cause?: string | undefined;
  correctiveAction?: string | undefined;
}

export function close(ctx: Ctx, caseId: string, input: CloseInput, actor: Actor) {
  requireStaff(actor);
  return mutateCase(ctx, caseId, actor, 'closed', 'case.close', (c) => {
    assertAuthorityForGrade(actor.role, c.complaint_grade, 'You');
    assertMayDecide(actor, c);
    if (!canTransition(c.status as CaseStatus, 'closed')) throw illegal(c.status, 'closed');
    const needsResolution = input.reason === 'solved' || input.reason === 'unsolved';
    if (needsResolution && c.status !== 'resolved')
      throw invalid('resolve_first', 'Resolve the case (cause and solution) before closing it as solved or unsolved.');
    if ((input.cause || input.correctiveAction) && input.reason !== 'withdrawn')
      throw invalid('resolve_instead', 'A cause and corrective action are given when resolving the case (or when closing a withdrawn complaint).');
    const set: Partial<CasesTable> = { status: 'closed', closed_at: ctx.clock.now(), close_reason: input.reason };
    // A repeat complaint cannot close without a root cause and a corrective action (SPEC 2).
    // Solved and unsolved ones were resolved first, where resolve() demanded them. A withdrawn one
    // was a real complaint all the same, so it needs them too; a duplicate (the earlier case
    // carries the complaint) or spam never was one, and has no cause to find.
    if (c.is_repeat === 1 && input.reason === 'withdrawn') {
      const cause = input.cause?.trim() || c.resolution_cause;
      const correctiveAction = input.correctiveAction?.trim() || c.corrective_action;
      if (!cause || !correctiveAction)
        throw invalid('corrective_action_required', 'A withdrawn repeat complaint cannot close without its root cause (cause) and a corrective action (correctiveAction) (SPEC 2).');
      Object.assign(set, { resolution_cause: cause, corrective_action: correctiveAction });
    }
    return {
      set,
      events: [{ type: 'closed', visibility: 'public', body: input.note ?? null, data: { reason: input.reason } }],
      // a spam sender gets no mail; a solved/unsolved close was already told by the resolution notice
      emails: needsResolution || input.reason === 'spam' ? [] : [{ template: 'case_closed', vars: { reason: input.reason } }],
    };
  });
}

export function reopen(ctx: Ctx, caseId: string, input: { reason: string }, actor: Actor) {
  return mutateCase(ctx, caseId, actor, 'reopened', 'case.reopen', (c) => {
    // the customer may always reopen their case; staff reopen it for its grade's handlers
    if (actor.kind === 'staff') assertAuthorityForGrade(actor.role, c.complaint_grade, 'You');
    assertMayDecide(actor, c);
    if (!canTransition(c.status as CaseStatus, 'reopened')) throw illegal(c.status, 'reopened');
    return {
      set: { status: 'reopened', reopen_count: c.reopen_count + 1, resolved_at: null, closed_at: null, close_reason: null },
      events: [{ type: 'reopened', visibility: 'public', body: input.reason, data: { from: c.status, by: actor.kind } }],
    };
  });
}

export async function attach(ctx: Ctx, caseId: string, input: AttachmentInput & { visibility?: 'public' | 'internal' | undefined }, actor: Actor) {
  const content = decodeAttachment(ctx, input);
  const visibility = actor.kind === 'customer' ? 'public' : (input.visibility ?? 'public');
  let out: { id: string; filename: string; contentType: string; size: number; sha256: string } | undefined;
  await mutateCase(ctx, caseId, actor, 'replied', 'case.attach', async (_c, trx) => {
    const eventId = newId();
    out = await insertAttachment(ctx, trx, caseId, eventId, input, content, actor);
    return { set: {}, events: [{ id: eventId, type: 'attachment', visibility, data: { attachmentId: out.id, filename: out.filename, size: out.size, contentType: out.contentType } }] };
  });
  return out!;
}

export interface CaseDetail {
  case: CaseView;
  timeline: CaseEventView[];
  attachments: Array<{ id: string; filename: string; contentType: string; size: number; createdAt: number }>;
}

/** A case with its timeline; customers get only the public part. Reading personal data is audited. */
export async function getCase(ctx: Ctx, caseId: string, actor: Actor): Promise<CaseDetail> {
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  let ev = ctx.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId);
  if (actor.kind === 'customer') ev = ev.where('visibility', '=', 'public');
  const [events, files] = await Promise.all([
    ev.orderBy('created_at').orderBy('id').execute(),
    ctx.db.selectFrom('case_attachments').select(['id', 'filename', 'content_type', 'size', 'created_at', 'event_id']).where('case_id', '=', caseId).orderBy('created_at').execute(),
  ]);
  await recordAuditNow(ctx, { actor, action: 'case.read', targetType: 'case', targetId: caseId });
  return detailOf(c, events, files, actor);
}

type AttachmentMeta = Pick<Database['case_attachments'], 'id' | 'filename' | 'content_type' | 'size' | 'created_at' | 'event_id'>;

/** A case as `actor` sees it, from its events and attachments as read for them (a customer's: the public events only). */
function detailOf(c: CasesTable, events: CaseEventsTable[], files: AttachmentMeta[], actor: Actor): CaseDetail {
  const visibleEvents = new Set(events.map((e) => e.id));
  const clear = seesPersonalData(actor, c.customer_id);
  return {
    case: toCaseView(c, actor),
    timeline: events.map((e) => toEventView(e, clear)),
    attachments: files
      .filter((f) => actor.kind !== 'customer' || f.event_id === null || visibleEvents.has(f.event_id))
      .map((f) => ({ id: f.id, filename: f.filename, contentType: f.content_type, size: f.size, createdAt: f.created_at })),
  };
}

/**
 * Many cases with their timelines, each as getCase shows it to `actor` (a customer: the public
 * part), read in a few queries and not audited: for a caller that reads them all at once and
 * records that itself (the privacy module's export). The caller has checked the actor may see them.
 */
export async function caseDetails(ctx: Ctx, rows: CasesTable[], actor: Actor): Promise<CaseDetail[]> {
  const events = new Map<string, CaseEventsTable[]>();
  const files = new Map<string, AttachmentMeta[]>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((c) => c.id);
    let ev = ctx.db.selectFrom('case_events').selectAll().where('case_id', 'in', ids);
    if (actor.kind === 'customer') ev = ev.where('visibility', '=', 'public');
    const [es, fs] = await Promise.all([
      ev.orderBy('created_at').orderBy('id').execute(),
      ctx.db.selectFrom('case_attachments').select(['id', 'case_id', 'filename', 'content_type', 'size', 'created_at', 'event_id']).where('case_id', 'in', ids).orderBy('created_at').execute(),
    ]);
    for (const e of es) (events.get(e.case_id) ?? events.set(e.case_id, []).get(e.case_id)!).push(e);
    for (const f of fs) (files.get(f.case_id) ?? files.set(f.case_id, []).get(f.case_id)!).push(f);
  }
  return rows.map((c) => detailOf(c, events.get(c.id) ?? [], files.get(c.id) ?? [], actor));
}

export async function getCaseByNumber(ctx: Ctx, number: string, actor: Actor): Promise<CaseDetail> {
  const c = await ctx.db.selectFrom('cases').select('id').where('number', '=', number).executeTakeFirst();
  const none = () => new DomainError('case_not_found', `No case numbered ${number}.`, 404);
  if (!c) throw none();
  try {
    return await getCase(ctx, c.id, actor);
  } catch (err) {
    // Someone else's case: answer as if it did not exist, without revealing its id.
    if (err instanceof DomainError && err.code === 'case_not_found') throw none();
    throw err;
  }
}

export async function getAttachment(ctx: Ctx, caseId: string, attachmentId: string, actor: Actor) {
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  const a = await ctx.db.selectFrom('case_attachments').selectAll().where('id', '=', attachmentId).where('case_id', '=', caseId).executeTakeFirst();
  if (!a) throw notFound('attachment', attachmentId);
  await assertRecordingInspectable(ctx.db, actor, c.customer_id, a.content_type);
  if (actor.kind === 'customer' && a.event_id) {
    const e = await ctx.db.selectFrom('case_events').select('visibility').where('id', '=', a.event_id).executeTakeFirst();
    if (!e || e.visibility !== 'public') throw notFound('attachment', attachmentId);
  }
  await recordAuditNow(ctx, { actor, action: 'case.attachment_read', targetType: 'case', targetId: caseId, after: { attachmentId } });
  return { filename: a.filename, contentType: a.content_type, content: Buffer.from(a.content) };
}

export { OPEN_STATUSES };
