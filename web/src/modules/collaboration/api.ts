import { api, post, withQuery } from '../../api.ts';
import type { ConsultationView, Page, TeamView } from '../../types.ts';

/** Internal collaboration (SPEC 3): consultations from a case to another team (collaboration.routes.ts). */
export const CONSULTATION_FILTERS = ['open', 'overdue', 'answered', 'declined', 'withdrawn'] as const;

export interface ConsultationFilters {
  status?: string;
  teamId?: string;
  mine?: 'true';
  caseId?: string;
}

export const listTeams = () => api<TeamView[]>('/api/v1/teams');
export const caseConsultations = (caseId: string) => api<ConsultationView[]>(`/api/v1/cases/${encodeURIComponent(caseId)}/consultations`);
export const listConsultations = (f: ConsultationFilters, cursor: string | null) => api<Page<ConsultationView>>(withQuery('/api/v1/consultations', { ...f, limit: 50, cursor }));
export const requestConsultation = (caseId: string, body: { teamId: string; question: string }) => post<ConsultationView>(`/api/v1/cases/${encodeURIComponent(caseId)}/consultations`, body);

export type ConsultationStep = 'answer' | 'decline' | 'withdraw';
export const consultationStep = (id: string, step: ConsultationStep, body: unknown) => post<ConsultationView>(`/api/v1/consultations/${encodeURIComponent(id)}/${step}`, body);

/** The units a user belongs to: their team and those above it (as the API's teamAndAbove). */
export function teamAndAbove(teams: TeamView[], teamId: string | null | undefined): string[] {
  const byId = new Map(teams.map((t) => [t.id, t]));
  const out: string[] = [];
  for (let id = teamId ?? null, hops = 0; id && hops < 10 && !out.includes(id); hops++) {
    out.push(id);
    id = byId.get(id)?.parentId ?? null;
  }
  return out;
}

/**
 * Whether the user may answer or decline for the team, as the API decides (consultation.service.ts
 * mayAnswerFor): a member of it (or of a unit above it), a director or above, or the lead of it or
 * of a unit above it.
 */
export function mayAnswerFor(teams: TeamView[], me: { id: string; teamId: string | null }, authority: number, teamId: string): boolean {
  if (teamAndAbove(teams, me.teamId).includes(teamId)) return true;
  if (authority >= 4) return true;
  const byId = new Map(teams.map((t) => [t.id, t]));
  for (let id: string | null = teamId, hops = 0; id && hops < 10; hops++) {
    const t = byId.get(id);
    if (!t) break;
    if (t.leadUserId === me.id) return true;
    id = t.parentId;
  }
  return false;
}

/** What the list shows of a consultation's state: open, overdue (open past due), answered (in time or late), declined, withdrawn. */
export type ShownConsultationState = 'open' | 'overdue' | 'answered' | 'answered_late' | 'declined' | 'withdrawn';
export function shownConsultationState(c: ConsultationView, now: number): ShownConsultationState {
  if (c.status === 'open') return c.dueAt <= now ? 'overdue' : 'open';
  if (c.status === 'answered') return c.answeredWithinLimit === false ? 'answered_late' : 'answered';
  return c.status;
}
