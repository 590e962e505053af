import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

/** A survey as a customer's data export carries it (SPEC 10): what was asked and what they answered; never the token's hash. */
export interface SurveyExport {
  id: string;
  caseId: string;
  caseNumber: string;
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

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** The surveys of the customer's cases, oldest first (privacy's export). */
export async function surveysForExport(db: Kysely<Database>, caseIds: string[]): Promise<SurveyExport[]> {
  const out: SurveyExport[] = [];
  for (let i = 0; i < caseIds.length; i += 500) {
    const rows = await db
      .selectFrom('surveys as s')
      .innerJoin('cases as c', 'c.id', 's.case_id')
      .select(['s.id', 's.case_id', 'c.number', 's.status', 's.issued_at', 's.expires_at', 's.answered_at', 's.scale', 's.csat', 's.attitude', 's.speed', 's.solution', 's.completeness', 's.nps', 's.comment'])
      .where('s.case_id', 'in', caseIds.slice(i, i + 500))
      .orderBy('s.issued_at')
      .orderBy('s.id')
      .execute();
    for (const r of rows)
      out.push({
        id: r.id,
        caseId: r.case_id,
        caseNumber: r.number,
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
  }
  return out.sort((a, b) => a.issuedAt - b.issuedAt || a.id.localeCompare(b.id));
}

/** A periodic survey (定期满意度调查) as the customer's data export carries it: the wave that asked, and the answer; never the token's hash. */
export interface PeriodicSurveyExport {
  id: string;
  waveId: string;
  waveName: string;
  runAt: number;
  /** pending | answered | expired | not_sent */
  status: string;
  /** Why it was not sent (opted_out, quiet_period, no_email, customer_erased). */
  notSentReason: string | null;
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

/** The customer's periodic surveys, oldest first (privacy's export). */
export async function periodicSurveysForExport(db: Kysely<Database>, customerId: string): Promise<PeriodicSurveyExport[]> {
  const rows = await db
    .selectFrom('survey_wave_surveys as s')
    .innerJoin('survey_waves as w', 'w.id', 's.wave_id')
    .select(['s.id', 's.wave_id', 'w.name', 's.run_at', 's.status', 's.not_sent_reason', 's.issued_at', 's.expires_at', 's.answered_at', 's.scale', 's.csat', 's.attitude', 's.speed', 's.solution', 's.completeness', 's.nps', 's.comment'])
    .where('s.customer_id', '=', customerId)
    .orderBy('s.issued_at')
    .orderBy('s.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    waveId: r.wave_id,
    waveName: r.name,
    runAt: Number(r.run_at),
    status: r.status,
    notSentReason: r.not_sent_reason,
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
  }));
}
