import { z } from 'zod';
import { CASE_SORTS } from './case.queries.ts';
import { CASE_TYPES, CHANNELS, CLOSE_REASONS, COMPLAINT_GRADES, EARLIEST_RECEIVED_AT, PRIORITIES, SERVICE_KINDS, STATUSES } from './case.ts';

/** The API contract of the cases module (validated on the server, shared with the web client). */
const text = (max: number) => z.string().trim().min(1).max(max);
const level = z.union([z.literal(1), z.literal(2), z.literal(3)]);
const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).max(values.length));

export const attachmentInput = z.strictObject({
  filename: text(255),
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type such as image/png').max(127),
  contentBase64: z.string().min(1).max(14_000_000).regex(/^[A-Za-z0-9+/=\s]+$/, 'base64'),
});

export const newCaseBody = z.strictObject({
  channel: z.enum(CHANNELS),
  customerId: z.string().max(64).optional(),
  contact: z.strictObject({
    name: text(200),
    email: z.email().max(254).optional(),
    phone: z.string().trim().regex(/^[+\d(][\d\s().-]{4,30}$/, 'a phone number').optional(),
  }),
  subject: text(300),
  description: text(20_000),
  descriptionHtml: z.string().max(100_000).optional(),
  request: z.string().trim().max(5_000).optional(),
  receivedAt: z.number().int().min(EARLIEST_RECEIVED_AT, `no earlier than ${new Date(EARLIEST_RECEIVED_AT).toISOString()}`).optional(),
  language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional(),
  type: z.enum(CASE_TYPES).optional(),
  categoryId: z.string().max(64).optional(),
  impact: level.optional(),
  urgency: level.optional(),
  complaintGrade: z.enum(COMPLAINT_GRADES).optional(),
  serviceKind: z.enum(SERVICE_KINDS).optional(),
  sensitive: z.boolean().optional(),
  teamId: z.string().max(64).optional(),
  externalRef: z.string().max(200).optional(),
  attachments: z.array(attachmentInput).max(10).optional(),
});

export const caseListQuery = z.strictObject({
  status: csv(STATUSES).optional(),
  type: csv(CASE_TYPES).optional(),
  priority: csv(PRIORITIES).optional(),
  channel: csv(CHANNELS).optional(),
  teamId: z.string().max(64).optional(),
  assigneeId: z.string().max(64).optional(),
  customerId: z.string().max(64).optional(),
  complaintGrade: z.enum(COMPLAINT_GRADES).optional(),
  isRepeat: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  q: z.string().max(200).optional(),
  receivedFrom: z.coerce.number().int().optional(),
  receivedTo: z.coerce.number().int().optional(),
  sort: z.enum(CASE_SORTS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const replyBody = z.strictObject({
  body: text(20_000),
  bodyHtml: z.string().max(100_000).optional(),
  setStatus: z.enum(['open', 'pending_customer', 'pending_internal']).optional(),
});
export const noteBody = z.strictObject({ body: text(20_000) });
export const attachBody = attachmentInput.extend({ visibility: z.enum(['public', 'internal']).optional() });
export const classifyBody = z.strictObject({
  type: z.enum(CASE_TYPES).optional(),
  categoryId: z.string().max(64).nullable().optional(),
  impact: level.optional(),
  urgency: level.optional(),
  complaintGrade: z.enum(COMPLAINT_GRADES).optional(),
  serviceKind: z.enum(SERVICE_KINDS).nullable().optional(),
  sensitive: z.boolean().optional(),
  reason: text(2_000),
});
export const assignBody = z.strictObject({
  assigneeId: z.string().max(64),
  teamId: z.string().max(64).optional(),
  handoverNote: z.string().trim().max(5_000).optional(),
});
export const transferBody = z.strictObject({
  toUserId: z.string().max(64).optional(),
  toTeamId: z.string().max(64).optional(),
  handoverNote: z.string().trim().min(10, 'a hand-over note of at least 10 characters').max(5_000),
});
export const statusBody = z.strictObject({
  status: z.enum(['open', 'pending_customer', 'pending_internal']),
  note: z.string().trim().max(5_000).optional(),
});
export const resolveBody = z.strictObject({
  cause: text(5_000),
  solution: text(20_000),
  compensation: z.string().trim().max(2_000).optional(),
  correctiveAction: z.string().trim().max(5_000).optional(),
  /** Instead of correctiveAction: a problem record with its root cause and a corrective action (modules/improvement). */
  problemId: z.string().min(1).max(64).optional(),
});
export const confirmBody = z.strictObject({ comment: z.string().trim().max(5_000).optional() });
export const closeBody = z.strictObject({
  reason: z.enum(CLOSE_REASONS),
  note: z.string().trim().max(5_000).optional(),
  cause: z.string().trim().max(5_000).optional(),
  correctiveAction: z.string().trim().max(5_000).optional(),
});
export const reopenBody = z.strictObject({ reason: text(5_000) });
export const idParams = z.strictObject({ id: z.string().min(1).max(64) });
