/** Case domain: the vocabulary and the pure rules (no I/O). */

import type { CasesTable } from './case.table.ts';

export const CHANNELS = ['web', 'email', 'phone', 'chat', 'social', 'walk_in', 'import', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

/** 咨询, 投诉, 抱怨 (informal complaint, may be upgraded), 建议, 表扬, 服务请求/报修 */
export const CASE_TYPES = ['inquiry', 'complaint', 'dissatisfaction', 'suggestion', 'praise', 'service_request'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** 一般, 重要, 紧急. Repeat (重复投诉) is a flag on top, not a grade. */
export const COMPLAINT_GRADES = ['general', 'important', 'urgent'] as const;
export type ComplaintGrade = (typeof COMPLAINT_GRADES)[number];

/** 有偿, 无偿/保修, 合同服务 */
export const SERVICE_KINDS = ['paid', 'warranty', 'contract'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const STATUSES = ['new', 'open', 'pending_customer', 'pending_internal', 'resolved', 'closed', 'reopened'] as const;
export type CaseStatus = (typeof STATUSES)[number];

export const CLOSE_REASONS = ['solved', 'unsolved', 'duplicate', 'spam', 'withdrawn'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Statuses in which the case is still the service centre's to act on. */
export const OPEN_STATUSES: CaseStatus[] = ['new', 'open', 'pending_customer', 'pending_internal', 'reopened'];

const TRANSITIONS: Record<CaseStatus, CaseStatus[]> = {
  new: ['open', 'pending_customer', 'pending_internal', 'resolved', 'closed'],
  open: ['pending_customer', 'pending_internal', 'resolved', 'closed'],
  pending_customer: ['open', 'pending_internal', 'resolved', 'closed'],
  pending_internal: ['open', 'pending_customer', 'resolved', 'closed'],
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  reopened: ['open', 'pending_customer', 'pending_internal', 'resolved', 'closed'],
};

export const canTransition = (from: CaseStatus, to: CaseStatus): boolean => TRANSITIONS[from].includes(to);
export const legalNextStatuses = (from: CaseStatus): CaseStatus[] => TRANSITIONS[from];

/** Impact and urgency: 1 = high, 2 = medium, 3 = low (严重程度/影响范围 x 紧急性). */
export type Level = 1 | 2 | 3;

/** Priority matrix indexed [impact-1][urgency-1]; configurable, this is the default. */
export type PriorityMatrix = [[Priority, Priority, Priority], [Priority, Priority, Priority], [Priority, Priority, Priority]];
export const DEFAULT_PRIORITY_MATRIX: PriorityMatrix = [
  ['P1', 'P2', 'P3'],
  ['P2', 'P3', 'P4'],
  ['P3', 'P4', 'P4'],
];

export const priorityOf = (impact: Level, urgency: Level, matrix: PriorityMatrix = DEFAULT_PRIORITY_MATRIX): Priority =>
  matrix[impact - 1]![urgency - 1]!;

export const isComplaintType = (t: string): boolean => t === 'complaint';

/** Who may own a complaint of a given grade (SPEC 2): urgent at manager level or above, important at supervisor or above. */
export const minimumAuthorityForGrade = (grade: string | null): number =>
  grade === 'urgent' ? 3 : grade === 'important' ? 2 : 1;

/**
 * The earliest time of receipt a case may have. The business calendars that time the service
 * commitments are precomputed from 2020-01-01 (local time of any zone, hence the day of margin)
 * and throw a RangeError before it; an older record is refused at intake instead of failing there.
 */
export const EARLIEST_RECEIVED_AT = Date.UTC(2020, 0, 2);

/** Case number `SL-YYYYMMDD-NNNN`, the day in the centre's zone. */
export const formatCaseNumber = (day: string, n: number): string => `SL-${day}-${String(n).padStart(4, '0')}`;

/** What intake knows of a new case; every other column starts at rest. */
export type NewCaseFields = Pick<CasesTable, 'id' | 'number' | 'contact_name' | 'channel' | 'received_at' | 'subject' | 'description' | 'language' | 'type' | 'created_at'> & {
  impact: Level;
  urgency: Level;
} & Partial<CasesTable>;

/**
 * The row of a case as intake creates it: status new, nobody handling it, no outcome, version 1,
 * priority from impact × urgency. The one place that spells out a fresh case (the service and the
 * benchmarks' synthetic rows build on it).
 */
export function newCaseRow(f: NewCaseFields): CasesTable {
  return {
    customer_id: null,
    contact_email: null,
    contact_phone: null,
    received_by: null,
    request: null,
    category_id: null,
    priority: priorityOf(f.impact, f.urgency),
    complaint_grade: null,
    is_repeat: 0,
    repeat_of_id: null,
    sensitive: 0,
    service_kind: null,
    status: 'new',
    close_reason: null,
    team_id: null,
    assignee_id: null,
    owner_id: null,
    first_response_at: null,
    first_resolved_at: null,
    resolved_at: null,
    closed_at: null,
    resolution_cause: null,
    resolution_solution: null,
    compensation: null,
    corrective_action: null,
    reopen_count: 0,
    transfer_count: 0,
    external_ref: null,
    updated_at: f.created_at,
    version: 1,
    erased_at: null,
    ...f,
  };
}
