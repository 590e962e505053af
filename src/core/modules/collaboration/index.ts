// Internal collaboration (SPEC 3): consultation requests from a case to another team, with each team's own time limit.
export * from './consultation.schemas.ts';
export {
  requestConsultation,
  answerConsultation,
  declineConsultation,
  withdrawConsultation,
  getConsultation,
  caseConsultations,
  listConsultations,
  consultationReport,
} from './consultation.service.ts';
export {
  consultationLimits,
  consultationLimitOf,
  consultationLimitsView,
  consultationLimitsPatch,
  consultationLimitsSchema,
  updateConsultationLimits,
  DEFAULT_CONSULTATION_MINUTES,
  MAX_CONSULTATION_MINUTES,
  type ConsultationLimits,
  type ConsultationLimitsPatch,
  type ConsultationLimitsView,
  type TeamConsultationLimit,
} from './limits.ts';
export { consultationsHook } from './consultation.hook.ts';
export { sweepOverdueConsultations, createConsultationWorker, type ConsultationWorker, type OverdueSweepResult } from './overdue.ts';
export type { ConsultationsTable } from './consultation.table.ts';
