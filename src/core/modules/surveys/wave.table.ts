/** 定期满意度调查: a periodic (relationship) survey wave, its audience and schedule. */
export interface SurveyWavesTable {
  id: string;
  name: string;
  /** 5 or 10: the CSAT scale of its surveys. */
  scale: number;
  /** How many days a link lasts. */
  expiry_days: number;
  /** JSON WaveAudience */
  audience: string;
  /** once | monthly | quarterly */
  schedule: string;
  /** A customer sent any other survey (a resolution survey, another wave's) in the last quiet_days days is skipped; the wave's own runs do not count. */
  quiet_days: number;
  /** scheduled (a run is due at next_run_at) | completed (a one-off that ran) | cancelled */
  status: string;
  first_run_at: number;
  /** The slot of the next run (null when completed or cancelled); the run's claim is moving it on. */
  next_run_at: number | null;
  last_run_at: number | null;
  runs: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** The survey a wave's run issued to one customer: no case, the resolution survey's questions. */
export interface SurveyWaveSurveysTable {
  id: string;
  wave_id: string;
  /** The run's slot: (wave_id, run_at, customer_id) is unique, so a customer is asked once a run. */
  run_at: number;
  customer_id: string;
  token_hash: string | null;
  /** pending | answered | expired | not_sent */
  status: string;
  /** customer_erased | opted_out | no_email | quiet_period (status not_sent) */
  not_sent_reason: string | null;
  issued_at: number;
  expires_at: number;
  locale: string;
  scale: number;
  answered_at: number | null;
  csat: number | null;
  band: string | null;
  attitude: number | null;
  speed: number | null;
  solution: number | null;
  completeness: number | null;
  nps: number | null;
  comment: string | null;
  expired_at: number | null;
}
