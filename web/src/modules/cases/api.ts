import { api, post, withQuery } from '../../api.ts';
import type { CaseDetail, CaseListItem, CaseView, CategoryView, Page, TargetView, UserView } from '../../types.ts';

export const CHANNELS = ['phone', 'email', 'web', 'chat', 'walk_in', 'social', 'import', 'api'] as const;
export const CASE_TYPES = ['inquiry', 'complaint', 'dissatisfaction', 'suggestion', 'praise', 'service_request'] as const;
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const STATUSES = ['new', 'open', 'pending_customer', 'pending_internal', 'resolved', 'closed', 'reopened'] as const;
export const OPEN_STATUSES = ['new', 'open', 'pending_customer', 'pending_internal', 'reopened'] as const;
export const COMPLAINT_GRADES = ['general', 'important', 'urgent'] as const;
export const SERVICE_KINDS = ['paid', 'warranty', 'contract'] as const;
export const CLOSE_REASONS = ['solved', 'unsolved', 'duplicate', 'spam', 'withdrawn'] as const;

/** The queue's filters, as GET /api/v1/cases takes them (status, type, priority: comma-separated). */
export interface CaseFilters {
  status?: string;
  assigneeId?: string;
  teamId?: string;
  priority?: string;
  type?: string;
  q?: string;
}

export interface CaseCommitments {
  caseId: string;
  escalationLevel: number;
  targets: TargetView[];
  escalations: Array<{ level: number; reason: string; targetId: string | null; notified: string[]; at: number }>;
}

export const listCases = (f: CaseFilters, cursor: string | null) => api<Page<CaseListItem>>(withQuery('/api/v1/cases', { ...f, limit: 25, cursor }));
export const getCase = (id: string) => api<CaseDetail>(`/api/v1/cases/${encodeURIComponent(id)}`);
export const getCommitments = (id: string) => api<CaseCommitments>(`/api/v1/cases/${encodeURIComponent(id)}/commitments`);
export const listUsers = () => api<UserView[]>('/api/v1/users');
export const listCategories = () => api<CategoryView[]>('/api/v1/categories');
export const createCase = (body: unknown, idempotencyKey: string) => post<CaseView>('/api/v1/cases', body, { 'idempotency-key': idempotencyKey });

/** The actions on a case (POST /api/v1/cases/:id/<action>), each with its body. */
export type CaseAction = 'take' | 'replies' | 'notes' | 'status' | 'classify' | 'resolve' | 'close' | 'reopen';
export const caseAction = (id: string, action: CaseAction, body: unknown = {}) => post<CaseView>(`/api/v1/cases/${encodeURIComponent(id)}/${action}`, body);
