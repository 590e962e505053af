import { z } from 'zod';

/** The API contract of after-sales field service (售后服务, SPEC 9). */
export const WORK_ORDER_TYPES = ['installation', 'delivery', 'training', 'repair', 'maintenance'] as const;
export type WorkOrderType = (typeof WORK_ORDER_TYPES)[number];
export const WORK_ORDER_STATUSES = ['new', 'remote_support', 'scheduled', 'en_route', 'on_site', 'completed', 'signed_off', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];
/** warranty: free (保修); contract: under a service contract (合同); paid: with a fee quote (付费). */
export const SERVICE_KINDS = ['warranty', 'contract', 'paid'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export const CONTRACT_LEVELS = ['basic', 'standard', 'premium'] as const;
export const REMOTE_OUTCOMES = ['resolved', 'not_resolved'] as const;
export const QUOTE_KINDS = ['labour', 'parts', 'callout'] as const;
export const NOTICE_KINDS = ['maintenance', 'upgrade', 'recall'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** The case timeline's events of field service (all internal); field_visit is counted by analytics (first-contact resolution). */
export const FIELD_EVENTS = ['work_order_created', 'remote_support', 'visit_booked', 'field_visit', 'work_order_completed', 'work_order_signed_off', 'work_order_cancelled'] as const;

const id = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().min(1).max(max);
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a date');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const idParams = z.strictObject({ id });

// ---- register --------------------------------------------------------------------------------

export const createContractBody = z.strictObject({
  customerId: id,
  number: text(64),
  level: z.enum(CONTRACT_LEVELS),
  startsOn: isoDate,
  endsOn: isoDate,
});
export type CreateContractInput = z.infer<typeof createContractBody>;

export const contractViewSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  number: z.string(),
  level: z.enum(CONTRACT_LEVELS),
  startsOn: z.string(),
  endsOn: z.string(),
  createdAt: z.number(),
});
export type ContractView = z.infer<typeof contractViewSchema>;

export const createProductBody = z.strictObject({
  customerId: id,
  model: text(100),
  serial: text(100),
  purchasedOn: isoDate,
  warrantyEndsOn: isoDate,
  contractId: id.optional(),
});
export type CreateProductInput = z.infer<typeof createProductBody>;

export const productViewSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  model: z.string(),
  serial: z.string(),
  purchasedOn: z.string(),
  warrantyEndsOn: z.string(),
  lastMaintainedOn: z.string().nullable(),
  contract: contractViewSchema.nullable(),
  /** The service kind today (the centre's date). */
  serviceKind: z.enum(SERVICE_KINDS),
});
export type ProductView = z.infer<typeof productViewSchema>;

export const productListQuery = z.strictObject({
  /** A serial or the start of one. */
  serial: z.string().trim().max(100).optional(),
  model: z.string().trim().max(100).optional(),
  customerId: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ProductListQuery = z.infer<typeof productListQuery>;

// ---- engineers -------------------------------------------------------------------------------

export const putEngineerBody = z.strictObject({
  areas: z.array(text(50)).min(1).max(30),
  maxDailyVisits: z.number().int().min(1).max(20),
  active: z.boolean().default(true),
});
export type PutEngineerInput = z.infer<typeof putEngineerBody>;

export const engineerViewSchema = z.object({
  userId: z.string(),
  name: z.string(),
  skills: z.array(z.string()),
  areas: z.array(z.string()),
  maxDailyVisits: z.number(),
  active: z.boolean(),
});
export type EngineerView = z.infer<typeof engineerViewSchema>;

// ---- work orders -----------------------------------------------------------------------------

export const quoteItemSchema = z.strictObject({
  kind: z.enum(QUOTE_KINDS),
  description: text(200),
  /** CNY in fen (1/100 yuan). */
  amountFen: z.number().int().min(0).max(100_000_000),
});
export type QuoteItem = z.infer<typeof quoteItemSchema>;

export const checklistItemSchema = z.object({ key: z.string(), done: z.boolean(), note: z.string().nullable() });
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

export const fieldReportSchema = z.strictObject({
  workDone: text(5_000),
  findings: z.string().trim().max(5_000).default(''),
  minutesOnSite: z.number().int().min(0).max(24 * 60),
});
export type FieldReport = z.infer<typeof fieldReportSchema>;

export const partViewSchema = z.object({
  id: z.string(),
  partNo: z.string(),
  name: z.string(),
  qty: z.number(),
  unitPriceFen: z.number(),
  partSerial: z.string().nullable(),
  warrantyMonths: z.number(),
  installedOn: z.string(),
  warrantyEndsOn: z.string(),
});
export type PartView = z.infer<typeof partViewSchema>;

export const workOrderViewSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNumber: z.string().nullable(),
  productId: z.string(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  type: z.enum(WORK_ORDER_TYPES),
  status: z.enum(WORK_ORDER_STATUSES),
  area: z.string(),
  skill: z.string().nullable(),
  serviceKind: z.enum(SERVICE_KINDS),
  /** The problem the order is made for (问题描述), null when none was given. */
  problem: z.string().nullable(),
  quote: z.object({ items: z.array(quoteItemSchema), totalFen: z.number(), currency: z.literal('CNY'), acceptedAt: z.number().nullable(), acceptedBy: z.string().nullable() }).nullable(),
  remote: z.object({ outcome: z.enum(REMOTE_OUTCOMES), notes: z.string().nullable(), at: z.number() }).nullable(),
  overrideReason: z.string().nullable(),
  engineerId: z.string().nullable(),
  engineerName: z.string().nullable(),
  visitDate: z.string().nullable(),
  windowStart: z.string().nullable(),
  windowEnd: z.string().nullable(),
  visits: z.number(),
  checklist: z.array(checklistItemSchema),
  report: z.object({ workDone: z.string(), findings: z.string(), minutesOnSite: z.number() }).nullable(),
  parts: z.array(partViewSchema),
  signoff: z.object({ signerName: z.string(), at: z.number(), confirmation: z.string().nullable() }).nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type WorkOrderView = z.infer<typeof workOrderViewSchema>;

export const createWorkOrderBody = z.strictObject({
  caseId: id,
  productId: id,
  type: z.enum(WORK_ORDER_TYPES),
  area: text(50),
  skill: text(50).optional(),
  /** The problem as the customer reports it (问题描述). */
  problem: text(2_000).optional(),
});
export type CreateWorkOrderInput = z.infer<typeof createWorkOrderBody>;

export const workOrderListQuery = z.strictObject({
  status: z.enum(WORK_ORDER_STATUSES).optional(),
  caseId: id.optional(),
  productId: id.optional(),
  /** mine: the visits booked for me (an engineer). */
  scope: z.enum(['all', 'mine']).default('all'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type WorkOrderListQuery = z.infer<typeof workOrderListQuery>;

export const remoteSupportBody = z.strictObject({ outcome: z.enum(REMOTE_OUTCOMES), notes: z.string().trim().max(5_000).optional() });
export const quoteBody = z.strictObject({ items: z.array(quoteItemSchema).min(1).max(50) });
export const acceptQuoteBody = z.strictObject({ acceptedBy: text(100) });

export const suggestQuery = z.strictObject({ date: isoDate });
export const suggestionSchema = z.object({
  userId: z.string(),
  name: z.string(),
  score: z.number(),
  areaMatch: z.boolean(),
  skillMatch: z.boolean(),
  booked: z.number(),
  maxDailyVisits: z.number(),
});

export const bookBody = z.strictObject({
  engineerId: id,
  date: isoDate,
  windowStart: hhmm,
  windowEnd: hhmm,
  /** A repair without a remote-support attempt: why it is scheduled at once (audited). */
  overrideReason: text(500).optional(),
  /** Re-booking a visit already scheduled: why it moves (audited; the old window is freed). */
  reason: text(500).optional(),
});
export type BookInput = z.infer<typeof bookBody>;

export const moveBody = z.strictObject({ to: z.enum(['en_route', 'on_site', 'cancelled']), reason: text(500).optional() });

export const checklistBody = z.strictObject({ items: z.array(z.strictObject({ key: text(50), done: z.boolean(), note: z.string().trim().max(1_000).nullable().optional() })).min(1).max(50) });

export const addPartBody = z.strictObject({
  partNo: text(64),
  name: text(200),
  qty: z.number().int().min(1).max(1_000),
  unitPriceFen: z.number().int().min(0).max(100_000_000),
  partSerial: text(100).optional(),
  warrantyMonths: z.number().int().min(0).max(120),
});
export type AddPartInput = z.infer<typeof addPartBody>;

export const completeBody = z.strictObject({ report: fieldReportSchema });
export const signoffBody = z.strictObject({ signerName: text(100), confirmation: z.string().trim().max(500).optional() });

// ---- proactive notices -----------------------------------------------------------------------

export const noticeBody = z
  .strictObject({
    kind: z.enum(NOTICE_KINDS),
    title: text(200),
    subject: text(200),
    body: text(10_000),
    /** upgrade, recall: the model. */
    model: text(100).optional(),
    /** recall: an optional serial range (inclusive, compared as text). */
    serialFrom: text(100).optional(),
    serialTo: text(100).optional(),
    /** maintenance: products whose last maintenance (else purchase) is older than this many months. */
    olderThanMonths: z.number().int().min(1).max(120).optional(),
  })
  .refine((b) => b.kind === 'maintenance' || b.model !== undefined, { message: 'An upgrade or recall names the model.', path: ['model'] })
  .refine((b) => b.kind !== 'maintenance' || b.olderThanMonths !== undefined, { message: 'A maintenance reminder gives olderThanMonths.', path: ['olderThanMonths'] });
export type NoticeInput = z.infer<typeof noticeBody>;

export const noticeResultSchema = z.object({ kind: z.enum(NOTICE_KINDS), productIds: z.array(z.string()), customerIds: z.array(z.string()), campaignId: z.string().nullable() });
export type NoticeResult = z.infer<typeof noticeResultSchema>;
