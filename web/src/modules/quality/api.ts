import { api, post, withQuery } from '../../api.ts';
import type {
  AppealView,
  CaseQuality,
  CriterionScore,
  DrawResult,
  InspectionView,
  PlanView,
  QualityReport,
  QualitySettings,
  RubricView,
} from '../../../../src/core/modules/quality/quality.schemas.ts';

export type { AppealView, CaseQuality, CriterionScore, DrawResult, InspectionView, PlanView, QualityReport, QualitySettings, RubricView };

/** Quality inspection (SPEC 7): quality.routes.ts. */
export const QUALITY_CHECKS = ['response_time', 'handover_note', 'forbidden_phrase', 'unanswered'] as const;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface FlaggedItem {
  caseId: string;
  number: string;
  subject: string;
  status: string;
  agentId: string | null;
  agentName: string | null;
  receivedAt: number;
  flagged: string[];
}

const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });
const patch = <T>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body });
const enc = encodeURIComponent;

export const listRubrics = () => api<RubricView[]>('/api/v1/quality/rubrics');
export const listPlans = () => api<PlanView[]>('/api/v1/quality/plans');
export const drawPlan = (id: string, date?: string) => post<DrawResult>(`/api/v1/quality/plans/${enc(id)}/draw`, date ? { date } : {});
export const createPlan = (body: unknown) => post<PlanView>('/api/v1/quality/plans', body);
export const listInspections = (q: Record<string, string | undefined>) => api<Page<InspectionView>>(withQuery('/api/v1/quality/inspections', { ...q, limit: 100 }));
export const getInspection = (id: string) => api<InspectionView>(`/api/v1/quality/inspections/${enc(id)}`);
export const startInspection = (caseId: string) => post<InspectionView>('/api/v1/quality/inspections', { caseId });
export const scoreInspection = (id: string, body: { scores: CriterionScore[]; comment?: string; submit: boolean }) => put<InspectionView>(`/api/v1/quality/inspections/${enc(id)}/scores`, body);
export const appealInspection = (id: string, reason: string) => post<InspectionView>(`/api/v1/quality/inspections/${enc(id)}/appeal`, { reason });
export const listAppeals = (status?: string) => api<AppealView[]>(withQuery('/api/v1/quality/appeals', { status }));
export const decideAppeal = (id: string, body: { decision: 'uphold' | 'adjust'; note: string; scores?: CriterionScore[] }) => post<InspectionView>(`/api/v1/quality/appeals/${enc(id)}/decide`, body);
export const caseQuality = (caseId: string) => api<CaseQuality>(`/api/v1/cases/${enc(caseId)}/quality`);
export const flaggedCases = (q: { from: number; to: number; check?: string; agentId?: string }) => api<{ scanned: number; items: FlaggedItem[] }>(withQuery('/api/v1/quality/flagged', q));
export const qualityReport = (from: number, to: number) => api<QualityReport>(withQuery('/api/v1/quality/report', { from, to }));
export const qualitySettings = () => api<QualitySettings>('/api/v1/quality/settings');
export const updateQualitySettings = (body: Partial<QualitySettings>) => patch<QualitySettings>('/api/v1/quality/settings', body);

/** The start of the month holding `ms`, and of the next, in local time (the browser's, as the console is used in the centre). */
export function monthRange(ms: number): { from: number; to: number } {
  const d = new Date(ms);
  return { from: new Date(d.getFullYear(), d.getMonth(), 1).getTime(), to: new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime() };
}
