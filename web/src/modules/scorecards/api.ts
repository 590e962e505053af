import { api, post, withQuery } from '../../api.ts';
import type { AssessmentView, ScorecardConfig, ScorecardReport, SupervisionItem } from '../../types.ts';
import { centreMonth } from '../../ui/centre-month.ts';

/** Appraisal (考核, SPEC 7): scorecards and the monthly supervision assessment (scorecards.routes.ts). */
export const scorecards = (month: string) => api<ScorecardReport>(withQuery('/api/v1/scorecards', { month }));
export const scorecardCases = (agentId: string, month: string, figure: string) =>
  api<{ caseIds: string[] }>(withQuery(`/api/v1/scorecards/agents/${encodeURIComponent(agentId)}/cases`, { month, figure }));
export const saveScorecardConfig = (c: ScorecardConfig) => api<ScorecardConfig>('/api/v1/scorecards/config', { method: 'PUT', body: c });

export const supervisionItems = () => api<SupervisionItem[]>('/api/v1/supervision/items');
export const listAssessments = (month?: string) => api<AssessmentView[]>(withQuery('/api/v1/supervision/assessments', { month }));
export interface AssessmentInput {
  scores: Array<{ key: string; score: number }>;
  comment?: string | null;
  entries?: Array<{ kind: 'reward' | 'discipline'; targetUserId?: string | null; targetTeamId?: string | null; reason: string; points?: number | null; amount?: number | null }>;
}
export const createAssessment = (body: AssessmentInput & { month: string; departmentId: string }) => post<AssessmentView>('/api/v1/supervision/assessments', body);
export const publishAssessment = (id: string) => post<AssessmentView>(`/api/v1/supervision/assessments/${encodeURIComponent(id)}/publish`);
export const correctAssessment = (id: string, body: AssessmentInput & { reason: string }) => post<AssessmentView>(`/api/v1/supervision/assessments/${encodeURIComponent(id)}/corrections`, body);

/** The month now in the centre's zone (UTC+8), as YYYY-MM. */
export const currentMonth = (now = Date.now()): string => centreMonth(now);
/** The month before. */
export const previousMonth = (m: string): string => {
  const [y, mm] = m.split('-').map(Number) as [number, number];
  return mm === 1 ? `${y - 1}-12` : `${y}-${String(mm - 1).padStart(2, '0')}`;
};
