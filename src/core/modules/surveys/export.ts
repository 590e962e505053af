import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

/** What a survey of either kind carries into the customer's data export (SPEC 10): when it was asked and what they answered; never the token's hash. */
export interface SurveyAnswerExport {
  status: string;
  issuedAt: number;
  expiresAt: number;
  answeredAt: number | null;
  scale: number;
  csat: number | null;
  attitude: number | null;
  speed: number | null;
  solution: number | null;
  completeness: number | null;
  nps: number | null;
  comment: string | null;
}

/** A survey of a case as the export carries it. */
export interface SurveyExport extends SurveyAnswerExport {
  id: string;
  caseId: string;
  caseNumber: string;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));
type AnswerRow = { status: string; issued_at: number | string; expires_at: number | string; answered_at: number | string | null; scale: number | string } & Record<'csat' | 'attitude' | 'speed' | 'solution' | 'completeness' | 'nps', number | string | null> & { comment: string | null };
const ANSWER_COLUMNS = ['s.status', 's.issued_at', 's.expires_at', 's.answered_at', 's.scale', 's.csat', 's.attitude', 's.speed', 's.solution', 's.completeness', 's.nps', 's.comment'] as const;
const answerOf = (r: AnswerRow): SurveyAnswerExport => ({
  status: r.status,
  issuedAt: Number(r.issued_at),
  expiresAt: Number(r.expires_at),
  answeredAt: num(r.answered_at),
  scale: Number(r.scale),
  csat: num(r.csat),
  attitude: num(r.attitude),
  speed: num(r.speed),
  solution: num(r.solution),
  completeness: num(r.completeness),
  nps: num(r.nps),
  comment: r.comment,
});

/** The surveys of the customer's cases, oldest first (privacy's export). */
export async function surveysForExport(db: Kysely<Database>, caseIds: string[]): Promise<SurveyExport[]> {
  const out: SurveyExport[] = [];
  for (let i = 0; i < caseIds.length; i += 500) {
    const rows = await db
      .selectFrom('surveys as s')
      .innerJoin('cases as c', 'c.id', 's.case_id')
      .select(['s.id', 's.case_id', 'c.number', ...ANSWER_COLUMNS])
      .where('s.case_id', 'in', caseIds.slice(i, i + 500))
      .orderBy('s.issued_at')
      .orderBy('s.id')
      .execute();
    for (const r of rows) out.push({ id: r.id, caseId: r.case_id, caseNumber: r.number, ...answerOf(r) });
  }
  return out.sort((a, b) => a.issuedAt - b.issuedAt || a.id.localeCompare(b.id));
}

/** A periodic survey (定期满意度调查) as the customer's data export carries it: the wave that asked, and the answer; never the token's hash. */
export interface PeriodicSurveyExport extends SurveyAnswerExport {
  id: string;
  waveId: string;
  waveName: string;
  runAt: number;
  /** Why it was not sent (opted_out, quiet_period, no_email, customer_erased); its status is then not_sent. */
  notSentReason: string | null;
}

/** The customer's periodic surveys, oldest first (privacy's export). */
export async function periodicSurveysForExport(db: Kysely<Database>, customerId: string): Promise<PeriodicSurveyExport[]> {
  const rows = await db
    .selectFrom('survey_wave_surveys as s')
    .innerJoin('survey_waves as w', 'w.id', 's.wave_id')
    .select(['s.id', 's.wave_id', 'w.name', 's.run_at', 's.not_sent_reason', ...ANSWER_COLUMNS])
    .where('s.customer_id', '=', customerId)
    .orderBy('s.issued_at')
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    waveId: r.wave_id,
    waveName: r.name,
    runAt: Number(r.run_at),
    notSentReason: r.not_sent_reason,
    ...answerOf(r),
  }));
}
