import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { systemActor, type Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../../shared/errors.ts';
import { sha256 } from '../../shared/ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../../shared/pagination.ts';
import { recordAudit } from '../audit/index.ts';
import { assertCanSee, insertEvents } from '../cases/index.ts';
import { can } from '../users/index.ts';
import { openRecoveryTask } from './recovery.service.ts';
import { bandOf, SURVEY_DIMENSIONS, type PublicSurvey, type SatisfactionBand, type SurveyAnswerInput, type SurveyListQuery, type SurveyStatus, type SurveyView } from './survey.schemas.ts';
import type { SurveysTable } from './survey.table.ts';
import { publicWaveSurvey, recordWaveAnswer, waveSurveyByToken } from './wave.service.ts';

type Db = Kysely<Database>;

/** Who answers on the public page: the holder of the link, not a user. */
const LINK_ACTOR = systemActor('survey-link');

const num = (v: number | null) => (v === null ? null : Number(v));

export const toSurveyView = (r: SurveysTable & { case_number: string }): SurveyView => ({
  id: r.id,
  caseId: r.case_id,
  caseNumber: r.case_number,
  status: r.status as SurveyStatus,
  notSentReason: r.not_sent_reason,
  issuedAt: Number(r.issued_at),
  expiresAt: Number(r.expires_at),
  scale: r.scale,
  locale: r.locale,
  teamId: r.team_id,
  agentId: r.agent_id,
  channel: r.channel,
  answeredAt: num(r.answered_at),
  csat: r.csat,
  band: r.band as SatisfactionBand | null,
  attitude: r.attitude,
  speed: r.speed,
  solution: r.solution,
  completeness: r.completeness,
  nps: r.nps,
  comment: r.comment,
  expiredAt: num(r.expired_at),
});

const withCase = (db: Db) => db.selectFrom('surveys as s').innerJoin('cases as c', 'c.id', 's.case_id').selectAll('s').select('c.number as case_number');

// ---- the public link ---------------------------------------------------------------------------

const gone = (message: string) => new DomainError('survey_expired', message, 410);

/** The survey a link's token names, checked usable now: 404 unknown, 409 answered, 410 expired (or replaced). */
async function usable(ctx: Ctx, db: Db, token: string, lock: boolean): Promise<SurveysTable> {
  let q = db.selectFrom('surveys').selectAll().where('token_hash', '=', sha256(token));
  if (lock && ctx.ops.supportsForUpdate) q = q.forUpdate();
  const s = await q.executeTakeFirst();
  if (!s) throw new DomainError('survey_not_found', 'This survey link is not valid: check that it was copied whole.', 404);
  if (s.status === 'answered') throw conflict('survey_answered', 'This survey was already answered: thank you. Each link can be used once.');
  if (s.status !== 'pending') throw gone('This survey is no longer open: it was replaced by a newer one or has expired.');
  if (Number(s.expires_at) <= ctx.clock.now()) throw gone(`This survey expired on ${new Date(Number(s.expires_at)).toISOString()}.`);
  return s;
}

/** What the page shows: the case's number and subject, the scale, until when. */
export async function publicSurvey(ctx: Ctx, token: string): Promise<PublicSurvey> {
  const periodic = await waveSurveyByToken(ctx, ctx.db, token, false);
  if (periodic) return publicWaveSurvey(ctx, periodic);
  const s = await usable(ctx, ctx.db, token, false);
  const c = await ctx.db.selectFrom('cases').select(['number', 'subject']).where('id', '=', s.case_id).executeTakeFirstOrThrow();
  return { caseNumber: c.number, subject: c.subject, scale: s.scale, expiresAt: Number(s.expires_at), locale: s.locale };
}

/**
 * The customer's answer, once (SPEC 6): recorded on the survey and as an internal event on the
 * case's timeline; a dissatisfied score (SPEC 8's band) opens a recovery task for a supervisor.
 * One transaction; the survey row is locked (PostgreSQL) and updated only while still pending, so
 * two submissions of one link record one answer.
 */
export async function answerSurvey(ctx: Ctx, token: string, input: SurveyAnswerInput): Promise<{ band: SatisfactionBand; caseNumber: string; locale: string }> {
  return ctx.db.transaction().execute(async (trx) => {
    // a periodic survey's link (定期满意度调查) opens the same page
    const periodic = await waveSurveyByToken(ctx, trx, token, true);
    if (periodic) return recordWaveAnswer(ctx, trx, periodic, input);
    return recordAnswer(ctx, trx, await usable(ctx, trx, token, true), input);
  });
}

/** The answer to a survey found usable (the public link; the demo loader), in the caller's transaction. */
export async function recordAnswer(ctx: Ctx, trx: Db, s: SurveysTable, input: SurveyAnswerInput): Promise<{ band: SatisfactionBand; caseNumber: string; locale: string }> {
  const c = await trx.selectFrom('cases').select(['id', 'number', 'erased_at']).where('id', '=', s.case_id).executeTakeFirstOrThrow();
  if (c.erased_at !== null) throw conflict('customer_erased', 'The personal data of this customer was erased: the survey can no longer be answered.', { number: c.number });
  for (const k of ['csat', ...SURVEY_DIMENSIONS] as const) {
    const v = input[k];
    if (v !== undefined && v > s.scale) throw invalid('score_out_of_scale', `${k} is ${v}: this survey is on a 1-${s.scale} scale.`, { field: k, scale: s.scale });
  }
  const now = ctx.clock.now();
  const band = bandOf(input.csat, s.scale);
  const comment = input.comment?.trim() || null;
  const set = {
    status: 'answered',
    answered_at: now,
    csat: input.csat,
    band,
    attitude: input.attitude ?? null,
    speed: input.speed ?? null,
    solution: input.solution ?? null,
    completeness: input.completeness ?? null,
    nps: input.nps ?? null,
    comment,
  };
  const r = await trx.updateTable('surveys').set(set).where('id', '=', s.id).where('status', '=', 'pending').executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw conflict('survey_answered', 'This survey was already answered: thank you. Each link can be used once.');
  const data = { surveyId: s.id, scale: s.scale, csat: input.csat, band, attitude: set.attitude, speed: set.speed, solution: set.solution, completeness: set.completeness, nps: set.nps };
  await insertEvents(ctx, trx, s.case_id, LINK_ACTOR, [{ type: 'survey_answered', visibility: 'internal', body: comment, data }]);
  await recordAudit(ctx, trx, { actor: LINK_ACTOR, action: 'survey.answer', targetType: 'survey', targetId: s.id, after: { caseId: s.case_id, ...data } });
  if (band === 'dissatisfied') await openRecoveryTask(ctx, trx, { ...s, ...set }, c.number);
  return { band, caseNumber: c.number, locale: s.locale };
}

// ---- staff reads --------------------------------------------------------------------------------

/** A case's surveys, newest first, for staff who may open the case. */
export async function caseSurveys(ctx: Ctx, caseId: string, actor: Actor): Promise<SurveyView[]> {
  if (actor.kind !== 'staff') throw forbidden();
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  const rows = await withCase(ctx.db).where('s.case_id', '=', caseId).orderBy('s.issued_at', 'desc').orderBy('s.id', 'desc').execute();
  return rows.map(toSurveyView);
}

/** Surveys issued in a period (team, agent, channel, status, band), newest first; restricted cases only for those who may see them. */
export async function listSurveys(ctx: Ctx, f: SurveyListQuery, actor: Actor): Promise<Page<SurveyView>> {
  if (actor.kind !== 'staff') throw forbidden();
  let q = withCase(ctx.db);
  if (f.from !== undefined) q = q.where('s.issued_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('s.issued_at', '<', f.to);
  if (f.teamId) q = q.where('s.team_id', '=', f.teamId);
  if (f.agentId) q = q.where('s.agent_id', '=', f.agentId);
  if (f.channel) q = q.where('s.channel', '=', f.channel);
  if (f.status) q = q.where('s.status', '=', f.status);
  if (f.band) q = q.where('s.band', '=', f.band);
  if (!can(actor.role, 'case.read_sensitive'))
    q = q.where((eb) => eb.or([eb('c.sensitive', '=', 0), eb('c.owner_id', '=', actor.id), eb('c.assignee_id', '=', actor.id), eb('c.received_by', '=', actor.id)]));
  if (f.cursor) {
    const k = decodeCursor(f.cursor);
    const v = Number(k.v);
    q = q.where((eb) => eb.or([eb('s.issued_at', '<', v), eb.and([eb('s.issued_at', '=', v), eb('s.id', '<', k.id)])]));
  }
  const rows = await q.orderBy('s.issued_at', 'desc').orderBy('s.id', 'desc').limit(f.limit + 1).execute();
  const items = rows.slice(0, f.limit).map(toSurveyView);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > f.limit && last ? encodeCursor({ v: last.issuedAt, id: last.id }) : null };
}

/**
 * Cases with a dissatisfied answer (SPEC 8's band of its scale) given in [fromMs, toMs): quality
 * inspection's sampling includes them (SPEC 7).
 */
export async function lowScoreCaseIds(db: Db, fromMs: number, toMs: number): Promise<string[]> {
  const rows = await db
    .selectFrom('surveys')
    .select('case_id')
    .distinct()
    .where('band', '=', 'dissatisfied')
    .where('answered_at', '>=', fromMs)
    .where('answered_at', '<', toMs)
    .orderBy('case_id')
    .execute();
  return rows.map((r) => r.case_id);
}
