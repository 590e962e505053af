import { api, post, withQuery } from '../../api.ts';
import type { FollowupDetail, FollowupReport, FollowupView, Page, PlanView } from '../../types.ts';

/** Follow-ups (回访, SPEC 5): followups.routes.ts. */
export const FOLLOWUP_FILTERS = ['pending', 'overdue', 'done', 'unreachable', 'cancelled'] as const;
export const FOLLOWUP_METHODS = ['phone', 'visit', 'email', 'sms'] as const;
export const FOLLOWUP_RESULTS = ['satisfied', 'neutral', 'dissatisfied'] as const;

export interface FollowupFilters {
  scope?: 'mine' | 'team';
  status?: string;
  kind?: string;
  caseId?: string;
  planId?: string;
}

export interface OutcomeInput {
  method: string;
  reached: boolean;
  result?: string;
  action?: string;
  notes?: string;
}

export const listFollowups = (f: FollowupFilters, cursor: string | null) => api<Page<FollowupView>>(withQuery('/api/v1/followups', { ...f, limit: 50, cursor }));
export const caseFollowups = (caseId: string) => api<FollowupView[]>(`/api/v1/cases/${encodeURIComponent(caseId)}/followups`);
export const getFollowup = (id: string) => api<FollowupDetail>(`/api/v1/followups/${encodeURIComponent(id)}`);
export const recordOutcome = (id: string, body: OutcomeInput) => post<FollowupDetail>(`/api/v1/followups/${encodeURIComponent(id)}/outcome`, body);
export const followupReport = (from: number, to: number) => api<FollowupReport>(withQuery('/api/v1/followups/report', { from, to }));
export const listPlans = (status?: string) => api<PlanView[]>(withQuery('/api/v1/followup-plans', status ? { status } : {}));
export const createPlan = (body: { customerId: string; title: string; deliveredOn: string; endsOn?: string }) => post<PlanView>('/api/v1/followup-plans', body);
export const updatePlan = (id: string, body: { status?: string; endsOn?: string | null; title?: string }) => api<PlanView>(`/api/v1/followup-plans/${encodeURIComponent(id)}`, { method: 'PATCH', body });
/** Customers by exact name, email or phone (GET /api/v1/customers?q=). */
export const searchCustomers = (q: string) => api<Array<{ id: string; name: string; company: string | null }>>(withQuery('/api/v1/customers', { q, limit: 20 }));

/** What the list shows of a follow-up's state: a pending one past due reads as overdue. */
export const shownFollowupState = (f: FollowupView, now: number): string => (f.status === 'pending' && f.dueAt <= now ? 'overdue' : f.status);
