/** One survey a resolution of a case issued (SPEC 6). */
export interface SurveysTable {
  id: string;
  case_id: string;
  customer_id: string | null;
  /** sha256 of the one-time token in the link; null when the survey was not sent. */
  token_hash: string | null;
  /** pending (sent, not answered), answered, expired (timed out or replaced by a later resolution), not_sent */
  status: string;
  /** customer_erased | opted_out | no_email (status not_sent) */
  not_sent_reason: string | null;
  issued_at: number;
  expires_at: number;
  locale: string;
  /** 5 or 10: the CSAT scale when it was issued. */
  scale: number;
  /** The case's team, agent (assignee, else owner) and channel at the resolution: the report's breakdowns. */
  team_id: string | null;
  agent_id: string | null;
  channel: string;
  answered_at: number | null;
  csat: number | null;
  /** satisfied | neutral | dissatisfied (SPEC 8's bands of the scale) */
  band: string | null;
  attitude: number | null;
  speed: number | null;
  solution: number | null;
  completeness: number | null;
  nps: number | null;
  comment: string | null;
  expired_at: number | null;
}

/** 满意度补救: what a low score asks a supervisor to do. */
export interface SurveyRecoveryTasksTable {
  id: string;
  /** A resolution survey (surveys.id), or a periodic one (survey_wave_surveys.id) when case_id is null. */
  survey_id: string;
  /** null for a periodic survey's task (no case: customer_id says whom to call). */
  case_id: string | null;
  team_id: string | null;
  assignee_id: string | null;
  /** open | closed */
  status: string;
  created_at: number;
  due_at: number;
  closed_at: number | null;
  closed_by: string | null;
  outcome: string | null;
  /** The customer of a periodic survey's task (null on a resolution survey's: see the case). */
  customer_id: string | null;
}
