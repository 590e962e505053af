import { z } from 'zod';
import type { Actor } from '../../shared/actor.ts';
import { maskEmail, maskFields, maskNullable, maskPhone, seesPersonalData } from '../../shared/masking.ts';
import type { CaseEventsTable, CasesTable } from './case.table.ts';

export interface CaseView {
  id: string;
  number: string;
  customerId: string | null;
  contact: { name: string; email: string | null; phone: string | null };
  channel: string;
  receivedAt: number;
  receivedBy: string | null;
  subject: string;
  description: string;
  request: string | null;
  language: string;
  type: string;
  categoryId: string | null;
  impact: number;
  urgency: number;
  priority: string;
  complaintGrade: string | null;
  isRepeat: boolean;
  repeatOfId: string | null;
  sensitive: boolean;
  serviceKind: string | null;
  status: string;
  closeReason: string | null;
  teamId: string | null;
  assigneeId: string | null;
  ownerId: string | null;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  resolution: { cause: string | null; solution: string | null; compensation: string | null; correctiveAction: string | null };
  reopenCount: number;
  transferCount: number;
  externalRef: string | null;
  /** When the customer's personal data was erased (SPEC 10): the case is then read-only but for internal notes (409 customer_erased). */
  erasedAt: number | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/**
 * The case's next commitment deadline, as the queue shows it (GET /api/v1/cases): of its timers
 * still open (not met, not cancelled), the one due first; a paused one only when all are paused.
 * `state` is `breached` also for a timer whose deadline has passed by the server's clock before
 * the timer worker marked it.
 */
export interface NextDeadline {
  targetId: string;
  /** first_response, resolution, reception, next_response, initial_review, handling */
  kind: string;
  state: 'running' | 'warned' | 'paused' | 'breached';
  /** epoch ms; null while paused (no deadline runs then) */
  dueAt: number | null;
  /** business minutes left when paused (null otherwise) */
  pausedMinutesLeft: number | null;
}

/** A case as the case list gives it: the case and its next deadline (null: none open, or a closed or resolved case). */
export type CaseListItem = CaseView & { nextDeadline: NextDeadline | null };

/** The case as `viewer` may see it: contact email and phone masked unless they see personal data (null: the intake's own echo). */
export const toCaseView = (c: CasesTable, viewer: Actor | null): CaseView => ({
  id: c.id,
  number: c.number,
  customerId: c.customer_id,
  contact: seesPersonalData(viewer, c.customer_id)
    ? { name: c.contact_name, email: c.contact_email, phone: c.contact_phone }
    : { name: c.contact_name, email: maskNullable(c.contact_email, maskEmail), phone: maskNullable(c.contact_phone, maskPhone) },
  channel: c.channel,
  receivedAt: c.received_at,
  receivedBy: c.received_by,
  subject: c.subject,
  description: c.description,
  request: c.request,
  language: c.language,
  type: c.type,
  categoryId: c.category_id,
  impact: c.impact,
  urgency: c.urgency,
  priority: c.priority,
  complaintGrade: c.complaint_grade,
  isRepeat: c.is_repeat === 1,
  repeatOfId: c.repeat_of_id,
  sensitive: c.sensitive === 1,
  serviceKind: c.service_kind,
  status: c.status,
  closeReason: c.close_reason,
  teamId: c.team_id,
  assigneeId: c.assignee_id,
  ownerId: c.owner_id,
  firstResponseAt: c.first_response_at,
  resolvedAt: c.resolved_at,
  closedAt: c.closed_at,
  resolution: { cause: c.resolution_cause, solution: c.resolution_solution, compensation: c.compensation, correctiveAction: c.corrective_action },
  reopenCount: c.reopen_count,
  transferCount: c.transfer_count,
  externalRef: c.external_ref,
  erasedAt: c.erased_at,
  createdAt: c.created_at,
  updatedAt: c.updated_at,
  version: c.version,
});

export interface CaseEventView {
  id: string;
  type: string;
  actorId: string | null;
  actorKind: string;
  visibility: 'public' | 'internal';
  body: string | null;
  data: Record<string, unknown> | null;
  createdAt: number;
}

/** `clear`: whether the viewer sees the case's personal data (else email and phone fields of the data are masked). */
export const toEventView = (e: CaseEventsTable, clear: boolean): CaseEventView => ({
  id: e.id,
  type: e.type,
  actorId: e.actor_id,
  actorKind: e.actor_kind,
  visibility: e.visibility,
  body: e.body,
  data: e.data === null ? null : ((clear ? JSON.parse(e.data) : maskFields(JSON.parse(e.data))) as Record<string, unknown>),
  createdAt: e.created_at,
});

/**
 * What only staff see of a case: who handles it inside (receiver, owner, assignee, team), its
 * internal assessment and links (complaint grade, repeat, restriction), the corrective action
 * (an internal improvement) and the row version.
 */
export const STAFF_ONLY_CASE_FIELDS = ['receivedBy', 'complaintGrade', 'isRepeat', 'repeatOfId', 'sensitive', 'teamId', 'assigneeId', 'ownerId', 'version'] as const;

export type CustomerCaseView = Omit<CaseView, (typeof STAFF_ONLY_CASE_FIELDS)[number] | 'resolution'> & {
  resolution: Omit<CaseView['resolution'], 'correctiveAction'>;
};

/** A case view (as toCaseView made it for the customer) without the staff-only fields: a customer's own copy of their data. */
export function toCustomerCaseView(v: CaseView): CustomerCaseView {
  const out: Record<string, unknown> = { ...v };
  for (const k of STAFF_ONLY_CASE_FIELDS) delete out[k];
  const { correctiveAction: _internal, ...resolution } = v.resolution;
  return { ...(out as Omit<CustomerCaseView, 'resolution'>), resolution };
}

// The list's response, documented (OpenAPI) and checked as it is sent: GET /api/v1/cases.
const nullableString = z.string().nullable();
const nullableInt = z.number().int().nullable();
export const nextDeadlineSchema = z
  .object({
    targetId: z.string(),
    kind: z.string().describe('first_response, resolution, reception, next_response, initial_review, handling'),
    state: z.enum(['running', 'warned', 'paused', 'breached']).describe('breached also when the deadline passed before the timer worker marked it'),
    dueAt: nullableInt.describe('epoch ms; null while paused'),
    pausedMinutesLeft: z.number().nullable().describe('business minutes left while paused; null otherwise'),
  })
  .describe('The open commitment due first (a paused one only when all are paused)');
export const caseViewSchema = z.object({
  id: z.string(),
  number: z.string(),
  customerId: nullableString,
  contact: z.object({ name: z.string(), email: nullableString, phone: nullableString }),
  channel: z.string(),
  receivedAt: z.number().int(),
  receivedBy: nullableString,
  subject: z.string(),
  description: z.string(),
  request: nullableString,
  language: z.string(),
  type: z.string(),
  categoryId: nullableString,
  impact: z.number().int(),
  urgency: z.number().int(),
  priority: z.string(),
  complaintGrade: nullableString,
  isRepeat: z.boolean(),
  repeatOfId: nullableString,
  sensitive: z.boolean(),
  serviceKind: nullableString,
  status: z.string(),
  closeReason: nullableString,
  teamId: nullableString,
  assigneeId: nullableString,
  ownerId: nullableString,
  firstResponseAt: nullableInt,
  resolvedAt: nullableInt,
  closedAt: nullableInt,
  resolution: z.object({ cause: nullableString, solution: nullableString, compensation: nullableString, correctiveAction: nullableString }),
  reopenCount: z.number().int(),
  transferCount: z.number().int(),
  externalRef: nullableString,
  erasedAt: nullableInt.describe("epoch ms when the customer's personal data was erased: the case takes no change but an internal note; null: not erased"),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  version: z.number().int(),
});
// exact: a field the schema does not name is not sent, so a field added to CaseView must be added
// here too (the type check below fails until it is)
export const caseListResponse = z.object({
  items: z.array(caseViewSchema.extend({ nextDeadline: nextDeadlineSchema.nullable() })),
  nextCursor: nullableString,
});

// the schema says what the types say, field for field (a field added to one and not the other fails the type check)
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type CaseListSchemaMatchesTypes = Assert<Same<z.output<typeof caseListResponse>['items'][number], CaseListItem>>;

// ---- what a customer receives (SPEC 10: customers see only their own cases, and not the staff-only fields) ----

const staffOnlyKeys = Object.fromEntries(STAFF_ONLY_CASE_FIELDS.map((k) => [k, true])) as { [K in (typeof STAFF_ONLY_CASE_FIELDS)[number]]: true };
/** A case as a customer receives it: toCustomerCaseView (no staff-only fields, no corrective action). */
export const customerCaseViewSchema = caseViewSchema
  .omit(staffOnlyKeys)
  .extend({ resolution: z.object({ cause: nullableString, solution: nullableString, compensation: nullableString }) })
  .describe("A customer's own case (the portal account's view): without who handles it inside, its internal assessment, corrective action and row version");
export type CustomerCaseViewSchemaMatchesTypes = Assert<Same<z.output<typeof customerCaseViewSchema>, CustomerCaseView>>;

/**
 * A route's answer that is a case: staff get the case in full, a customer their view of it. The staff
 * variant comes first: a customer's view lacks its fields, so it can only pass as the second.
 */
export const caseViewResponse = z.union([caseViewSchema, customerCaseViewSchema]);

export const caseEventViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  actorId: nullableString.describe("who did it; null for a customer's view of what the service centre did"),
  actorKind: z.string(),
  visibility: z.enum(['public', 'internal']),
  body: nullableString,
  // any JSON: its shape is the event type's (a type this version does not know may carry an array)
  data: z.unknown().describe("the event's details, by its type; null when it has none"),
  createdAt: z.number().int(),
});
const attachmentMetaSchema = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int(), createdAt: z.number().int() });
/** GET /api/v1/cases/:id and /by-number/:number: the case, its timeline (a customer's: public events only) and its files. */
export const caseDetailResponse = z.union([
  z.object({ case: caseViewSchema, timeline: z.array(caseEventViewSchema), attachments: z.array(attachmentMetaSchema) }),
  z.object({ case: customerCaseViewSchema, timeline: z.array(caseEventViewSchema), attachments: z.array(attachmentMetaSchema) }),
]);
/** GET /api/v1/cases: staff get the queue's items (with the next internal deadline), a customer their own cases in their view. */
export const caseListResponseFor = z.union([caseListResponse, z.object({ items: z.array(customerCaseViewSchema), nextCursor: nullableString })]);

/** The case as the viewer receives it: a customer without the staff-only fields. */
export function caseViewFor(viewer: Actor, v: CaseView): CaseView | CustomerCaseView {
  return viewer.kind === 'customer' ? toCustomerCaseView(v) : v;
}

/** Event data a customer never receives (the resolution's corrective action is an internal improvement). */
const STAFF_ONLY_EVENT_DATA = ['correctiveAction'];

/** A case with its (public) timeline as its customer receives it: without staff-only fields, nor which staff member did what. */
export function toCustomerCaseDetail<D extends { case: CaseView; timeline: CaseEventView[] }>(d: D): Omit<D, 'case'> & { case: CustomerCaseView } {
  const timeline = d.timeline.map((e) => {
    const data = e.data === null ? null : Object.fromEntries(Object.entries(e.data).filter(([k]) => !STAFF_ONLY_EVENT_DATA.includes(k)));
    return { ...e, actorId: e.actorKind === 'customer' ? e.actorId : null, data };
  });
  return { ...d, case: toCustomerCaseView(d.case), timeline };
}

/** A case with its timeline as the viewer receives it: staff in full, a customer toCustomerCaseDetail. */
export function caseDetailFor<D extends { case: CaseView; timeline: CaseEventView[] }>(viewer: Actor, d: D): D | (Omit<D, 'case'> & { case: CustomerCaseView }) {
  return viewer.kind === 'customer' ? toCustomerCaseDetail(d) : d;
}

/** The case list as the viewer receives it: a customer's items without staff-only fields or the internal deadline. */
export function caseListFor<P extends { items: CaseListItem[] }>(viewer: Actor, p: P): P | (Omit<P, 'items'> & { items: CustomerCaseView[] }) {
  if (viewer.kind !== 'customer') return p;
  return { ...p, items: p.items.map(({ nextDeadline: _internal, ...v }) => toCustomerCaseView(v)) };
}
