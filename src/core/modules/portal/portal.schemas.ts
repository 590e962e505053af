import { z } from 'zod';
import { STATUSES } from '../cases/index.ts';

/**
 * The customer portal's API contract (SPEC 11 customer portal, SPEC 10 "customers see only their
 * own cases"): a customer's own cases with only what a customer may see. The staff queue's
 * internal fields (team, assignee, owner, priority, complaint grade, repeat flag, restriction,
 * the next internal deadline) are not in these schemas, so they are never sent.
 */
export const portalListQuery = z.strictObject({
  /** open: still being handled; done: resolved or closed; all (default): open ones first. */
  show: z.enum(['all', 'open', 'done']).default('all'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(10),
});

const status = z.enum(STATUSES);
const nullableInt = z.number().int().nullable();

export const portalCaseSummary = z.object({
  id: z.string(),
  number: z.string(),
  subject: z.string(),
  type: z.string(),
  status,
  receivedAt: z.number().int(),
  updatedAt: z.number().int(),
});

export const portalListResponse = z.object({
  items: z.array(portalCaseSummary),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export const portalEvent = z.object({
  id: z.string(),
  type: z.string(),
  /** you: the customer; staff: the service centre; system: automatic (acknowledgement...). Never a staff member's id. */
  by: z.enum(['you', 'staff', 'system']),
  body: z.string().nullable(),
  /** Only what the customer may see of an event: an attachment's file, a close reason, a promised time. */
  data: z.object({
    attachmentId: z.string().optional(),
    filename: z.string().optional(),
    size: z.number().optional(),
    reason: z.string().optional(),
    firstResponseDueAt: z.number().optional(),
    resolutionDueAt: z.number().optional(),
  }),
  createdAt: z.number().int(),
});

/** A promise made to the customer at intake (SPEC 1 acknowledgement, SPEC 4): when, and whether it was kept. */
export const portalCommitment = z.object({
  kind: z.enum(['first_response', 'resolution']),
  dueAt: nullableInt.describe('epoch ms; null while the clock is stopped (waiting on the customer)'),
  state: z.enum(['pending', 'paused', 'met', 'missed']),
  metAt: nullableInt,
});

export const portalCaseDetail = z.object({
  case: z.object({
    id: z.string(),
    number: z.string(),
    subject: z.string(),
    description: z.string(),
    request: z.string().nullable(),
    type: z.string(),
    categoryId: z.string().nullable(),
    channel: z.string(),
    status,
    closeReason: z.string().nullable(),
    receivedAt: z.number().int(),
    updatedAt: z.number().int(),
    resolvedAt: nullableInt,
    closedAt: nullableInt,
    resolution: z.object({ cause: z.string().nullable(), solution: z.string().nullable(), compensation: z.string().nullable() }),
    /** The customer's personal data was erased: the case takes no more changes. */
    erased: z.boolean(),
  }),
  timeline: z.array(portalEvent),
  attachments: z.array(z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int(), createdAt: z.number().int() })),
  commitments: z.array(portalCommitment),
});

export type PortalListQuery = z.output<typeof portalListQuery>;
export type PortalList = z.output<typeof portalListResponse>;
export type PortalCaseDetail = z.output<typeof portalCaseDetail>;
export type PortalEvent = z.output<typeof portalEvent>;
export type PortalCommitment = z.output<typeof portalCommitment>;
