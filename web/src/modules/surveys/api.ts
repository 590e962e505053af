import { api, post, withQuery } from '../../api.ts';
import type { Page, RecoveryTaskView, SurveyReport, SurveySettings, SurveyView } from '../../types.ts';
import type { WaveBody, WaveResults, WaveRunResult, WaveView } from '../../../../src/core/modules/surveys/wave.schemas.ts';

/** Satisfaction surveys (SPEC 6) and their report (SPEC 8): surveys.routes.ts. */
export interface SurveyFilters {
  from?: number;
  to?: number;
  teamId?: string;
  agentId?: string;
  channel?: string;
}

export const caseSurveys = (caseId: string) => api<{ surveys: SurveyView[]; recoveryTasks: RecoveryTaskView[] }>(`/api/v1/cases/${encodeURIComponent(caseId)}/surveys`);
export const surveyReport = (f: SurveyFilters) => api<SurveyReport>(withQuery('/api/v1/surveys/report', { ...f }));
export const listSurveys = (f: SurveyFilters & { band?: string; status?: string }, cursor: string | null) => api<Page<SurveyView>>(withQuery('/api/v1/surveys', { ...f, limit: 50, cursor }));
export const listRecoveryTasks = (scope: 'mine' | 'team' | 'all', status: 'open' | 'closed' | 'all') => api<RecoveryTaskView[]>(withQuery('/api/v1/surveys/recovery-tasks', { scope, status }));
export const closeRecoveryTask = (id: string, outcome: string) => post<RecoveryTaskView>(`/api/v1/surveys/recovery-tasks/${encodeURIComponent(id)}/close`, { outcome });
export const surveySettings = () => api<SurveySettings>('/api/v1/surveys/settings');

/** What the card shows of a survey's state: a pending one past its expiry reads as expired. */
export const shownSurveyState = (s: SurveyView, now: number): string => (s.status === 'pending' && s.expiresAt <= now ? 'expired' : s.status);

export const PERIOD_DAYS = [7, 30, 90] as const;

// ---- periodic survey waves (定期满意度调查): survey-waves.routes.ts ----
export const listWaves = () => api<WaveView[]>('/api/v1/survey-waves');
export const createWave = (body: WaveBody) => post<WaveView>('/api/v1/survey-waves', body);
export const waveResults = (id: string) => api<WaveResults>(`/api/v1/survey-waves/${encodeURIComponent(id)}`);
export const launchWave = (id: string) => post<WaveRunResult>(`/api/v1/survey-waves/${encodeURIComponent(id)}/launch`);
export const cancelWave = (id: string) => post<WaveView>(`/api/v1/survey-waves/${encodeURIComponent(id)}/cancel`);
