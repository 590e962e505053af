import { api, post, withQuery } from '../../api.ts';
import type { Candidates, CaseProblemView, ProblemSummary, ProblemView, Page } from '../../types.ts';

/** Problem records and CAPA (SPEC 8): the client of improvement.routes.ts. */
export const PROBLEM_STATUSES = ['open', 'analysing', 'actions', 'checking', 'closed', 'cancelled'] as const;
export const ROOT_CAUSE_CATEGORIES = ['people', 'process', 'system', 'product', 'policy'] as const;

export interface ProblemFilters {
  status?: string;
  rootCauseCategory?: string;
  q?: string;
  ownerId?: string;
}

const P = (id: string) => `/api/v1/problems/${encodeURIComponent(id)}`;

export const listProblems = (f: ProblemFilters, cursor: string | null) => api<Page<ProblemSummary>>(withQuery('/api/v1/problems', { ...f, limit: 50, cursor }));
export const getProblem = (id: string) => api<ProblemView>(P(id));
export const createProblem = (body: { title: string; description: string; ownerId?: string; checkDays?: number; caseIds?: string[] }) => post<ProblemView>('/api/v1/problems', body);
export const updateProblem = (id: string, body: Record<string, unknown>) => api<ProblemView>(P(id), { method: 'PATCH', body });
export const moveProblem = (id: string, to: 'analysing' | 'actions' | 'cancelled', reason?: string) => post<ProblemView>(`${P(id)}/status`, reason ? { to, reason } : { to });
export const linkCase = (id: string, caseId: string) => post<ProblemView>(`${P(id)}/cases`, { caseId });
export const unlinkCase = (id: string, caseId: string) => api<ProblemView>(`${P(id)}/cases/${encodeURIComponent(caseId)}`, { method: 'DELETE' });
export const addAction = (id: string, body: { kind: string; description: string; ownerId: string; dueDate: string }) => post<ProblemView>(`${P(id)}/actions`, body);
export const completeAction = (id: string, actionId: string, note: string) => post<ProblemView>(`${P(id)}/actions/${encodeURIComponent(actionId)}/done`, { note });
export const cancelAction = (id: string, actionId: string, reason: string) => post<ProblemView>(`${P(id)}/actions/${encodeURIComponent(actionId)}/cancel`, { reason });
export const checkProblem = (id: string, result: 'worked' | 'not_worked', evidence: string) => post<ProblemView>(`${P(id)}/check`, { result, evidence });
export const caseProblems = (caseId: string) => api<CaseProblemView[]>(`/api/v1/cases/${encodeURIComponent(caseId)}/problems`);
export const problemCandidates = (q: { days: number; minCases: number; types: string; byCustomer: boolean }) =>
  api<Candidates>(withQuery('/api/v1/problems/candidates', { days: q.days, minCases: q.minCases, types: q.types, byCustomer: String(q.byCustomer) }));

/** What the record's owner may move it to by hand (as the API's checkProblemMove; the rest follows from actions and the check). */
export function manualMoves(status: string): Array<'analysing' | 'actions' | 'cancelled'> {
  if (status === 'open') return ['analysing', 'cancelled'];
  if (status === 'analysing') return ['actions', 'cancelled'];
  if (status === 'actions' || status === 'checking') return ['cancelled'];
  return [];
}

export const isActive = (status: string) => status !== 'closed' && status !== 'cancelled';
