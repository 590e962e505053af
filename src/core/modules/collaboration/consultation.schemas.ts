import { z } from 'zod';

/** The API contract of internal collaboration (consultation requests, SPEC 3). */
export const CONSULTATION_STATUSES = ['open', 'answered', 'declined', 'withdrawn'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

/** The case timeline's events of a consultation: all internal, never shown to the customer. */
export const CONSULTATION_EVENTS = ['consultation_requested', 'consultation_answered', 'consultation_declined', 'consultation_withdrawn', 'consultation_overdue'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().min(1).max(64);

export const requestConsultationBody = z.strictObject({
  /** The team asked (teams table). */
  teamId: id,
  question: text(5_000),
});
export type RequestConsultationInput = z.infer<typeof requestConsultationBody>;

export const answerConsultationBody = z.strictObject({ answer: text(20_000) });
export const declineConsultationBody = z.strictObject({ reason: text(2_000) });
export const withdrawConsultationBody = z.strictObject({ reason: z.string().trim().max(2_000).optional() });

export const consultationParams = z.strictObject({ id });

export const consultationListQuery = z.strictObject({
  /** The team asked. */
  teamId: id.optional(),
  caseId: id.optional(),
  /** overdue: open and past its due time. */
  status: z.enum([...CONSULTATION_STATUSES, 'overdue']).optional(),
  /** true: those I asked. */
  mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type ConsultationListQuery = z.infer<typeof consultationListQuery>;

export const consultationReportQuery = z.strictObject({
  /** Requests asked in [from, to) (epoch ms); default: all. */
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
});

export interface ConsultationView {
  id: string;
  caseId: string;
  caseNumber: string;
  caseSubject: string;
  teamId: string;
  teamName: string;
  requestedBy: string;
  requestedByName: string;
  requesterTeamId: string | null;
  question: string;
  status: ConsultationStatus;
  requestedAt: number;
  /** The team's limit when it was asked, in business minutes on calendarId. */
  limitMinutes: number;
  calendarId: string;
  dueAt: number;
  /** Open past its due time now, or closed after it. */
  overdue: boolean;
  /** When the overdue sweep marked it (once). */
  overdueAt: number | null;
  closedAt: number | null;
  closedBy: string | null;
  closedByName: string | null;
  /** The answer (status answered). */
  answer: string | null;
  /** Why it was declined or withdrawn. */
  reason: string | null;
  /** Answered within the team's limit (null until answered). */
  answeredWithinLimit: boolean | null;
}

export interface ConsultationReportRow {
  teamId: string;
  teamName: string;
  requested: number;
  answered: number;
  answeredWithinLimit: number;
  answeredLate: number;
  declined: number;
  withdrawn: number;
  open: number;
  /** Open and past due now. */
  openOverdue: number;
  /** Marked overdue by the sweep (each at most once), whatever happened after. */
  overdue: number;
}
