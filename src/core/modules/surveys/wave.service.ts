import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { systemActor, type Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../../shared/errors.ts';
import { newId, randomToken, sha256 } from '../../shared/ids.ts';
import { overdueWorker, type OverdueWorker } from '../../shared/overdue-sweep.ts';
import { wallClock } from '../../shared/wall-clock.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueue } from '../notifications/index.ts';
import { consentDecision } from '../privacy/index.ts';
import { openPeriodicRecoveryTask } from './recovery.service.ts';
import { waveFigures } from './report.ts';
import { publicBaseUrl, surveySettings } from './settings.ts';
import { bandOf, SURVEY_DIMENSIONS, type PublicSurvey, type SatisfactionBand, type SurveyAnswerInput } from './survey.schemas.ts';
import { waveInputSchema, type WaveAudience, type WaveInput, type WaveResults, type WaveRunResult, type WaveSchedule, type WaveStatus, type WaveView } from './wave.schemas.ts';
import type { SurveyWaveSurveysTable, SurveyWavesTable } from './wave.table.ts';

type Db = Kysely<Database>;
const DAY = 86_400_000;
const WAVE_ACTOR = systemActor('survey-waves');
const LINK_ACTOR = systemActor('survey-link');

// ---- the schedule ------------------------------------------------------------------------------

const offsetMs = (ms: number, timeZone: string): number => {
  const m = /^([+-])(\d+)(?::(\d+))?$/.exec(wallClock(ms, timeZone).offset);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
};

/**
 * The instant `months` months after `anchor`, at the same wall time in `timeZone` (a day past the
 * month's end is its last day: 31 Jan + 1 month is 28 or 29 Feb, + 2 months 31 Mar).
 */
export function addMonthsInZone(anchor: number, months: number, timeZone: string): number {
  const w = wallClock(anchor, timeZone);
  const sub = anchor - Math.floor(anchor / 60_000) * 60_000; // seconds and ms, kept
  const index = w.year * 12 + (w.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index % 12; // 0..11
  const day = Math.min(w.day, new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
  const wall = Date.UTC(year, month, day, w.hour, w.minute) + sub;
  let utc = wall - offsetMs(wall, timeZone);
  utc = wall - offsetMs(utc, timeZone);
  return utc;
}

const STEP: Record<WaveSchedule, number> = { once: 0, monthly: 1, quarterly: 3 };

/**
 * The run after the `runs`-th of a wave first run at `first`: a one-off has none; a recurring wave
 * the first of its slots (first + k months) after `now`, so a server down for months runs once,
 * not once per missed slot.
 */
export function nextRunAfter(schedule: WaveSchedule, first: number, runs: number, now: number, timeZone: string): number | null {
  const step = STEP[schedule];
  if (step === 0) return null;
  let k = Math.max(runs, 1);
  let slot = addMonthsInZone(first, k * step, timeZone);
  while (slot <= now && k < 10_000) slot = addMonthsInZone(first, ++k * step, timeZone);
  return slot;
}

// ---- waves -------------------------------------------------------------------------------------

const staffOnly = (actor: Actor) => {
  if (actor.kind !== 'staff') throw forbidden();
};

const toView = (w: SurveyWavesTable, counts?: { sent: number; answered: number }): WaveView => {
  const sent = counts?.sent ?? 0;
  const answered = counts?.answered ?? 0;
  return {
    id: w.id,
    name: w.name,
    scale: Number(w.scale),
    expiryDays: Number(w.expiry_days),
    audience: JSON.parse(w.audience) as WaveAudience,
    schedule: w.schedule as WaveSchedule,
    quietDays: Number(w.quiet_days),
    status: w.status as WaveStatus,
    firstRunAt: Number(w.first_run_at),
    nextRunAt: w.next_run_at === null ? null : Number(w.next_run_at),
    lastRunAt: w.last_run_at === null ? null : Number(w.last_run_at),
    runs: Number(w.runs),
    createdBy: w.created_by,
    createdAt: Number(w.created_at),
    sent,
    answered,
    responseRate: sent === 0 ? null : answered / sent,
  };
};

async function countsOf(db: Db, waveIds: string[]): Promise<Map<string, { sent: number; answered: number }>> {
  if (waveIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('survey_wave_surveys')
    .select((eb) => [
      'wave_id',
      eb.fn.sum<number>(eb.case().when('status', '!=', 'not_sent').then(1).else(0).end()).as('sent'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'answered').then(1).else(0).end()).as('answered'),
    ])
    .where('wave_id', 'in', waveIds)
    .groupBy('wave_id')
    .execute();
  return new Map(rows.map((r) => [r.wave_id, { sent: Number(r.sent ?? 0), answered: Number(r.answered ?? 0) }]));
}

const emptyAudience = (a: WaveAudience) => !a.all && !a.tier && !a.stage && a.caseWithinDays === undefined && !a.customerIds;

/** A periodic survey wave (定期满意度调查): its first run at startAt (default now), then monthly or quarterly, or once. */
export async function createWave(ctx: Ctx, input: WaveInput, actor: Actor): Promise<WaveView> {
  staffOnly(actor);
  const parsed = waveInputSchema.safeParse(input);
  if (!parsed.success) throw invalid('wave_invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const v = parsed.data;
  if (emptyAudience(v.audience))
    throw invalid('audience_empty', 'Name the audience: all customers, a tier, a lifecycle stage, customers with a case in the last N days, or a list.', { field: 'audience' });
  if (v.audience.customerIds) {
    const ids = [...new Set(v.audience.customerIds)];
    const known = await ctx.db.selectFrom('customers').select('id').where('id', 'in', ids).execute();
    const missing = ids.find((i) => !known.some((k) => k.id === i));
    if (missing) throw notFound('customer', missing);
  }
  const now = ctx.clock.now();
  const settings = await surveySettings(ctx);
  const first = v.startAt ?? now;
  const row: SurveyWavesTable = {
    id: newId(),
    name: v.name,
    scale: v.scale ?? settings.scale,
    expiry_days: v.expiryDays ?? settings.expiryDays,
    audience: JSON.stringify(v.audience),
    schedule: v.schedule,
    quiet_days: v.quietDays,
    status: 'scheduled',
    first_run_at: first,
    next_run_at: first,
    last_run_at: null,
    runs: 0,
    created_by: actor.id,
    created_at: now,
    updated_at: now,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('survey_waves').values(row).execute();
    const { created_by: _c, audience: _a, ...rest } = row;
    await recordAudit(ctx, trx, { actor, action: 'survey.wave.create', targetType: 'survey_wave', targetId: row.id, after: { ...rest, audience: v.audience } });
  });
  return toView(row);
}

/** Every wave, newest first, with its sent and answered counts. */
export async function listWaves(ctx: Ctx, actor: Actor): Promise<WaveView[]> {
  staffOnly(actor);
  const rows = await ctx.db.selectFrom('survey_waves').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(200).execute();
  const counts = await countsOf(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => toView(r, counts.get(r.id)));
}

async function waveRow(db: Db, id: string): Promise<SurveyWavesTable> {
  const w = await db.selectFrom('survey_waves').selectAll().where('id', '=', id).executeTakeFirst();
  if (!w) throw notFound('survey_wave', id);
  return w;
}

/** A wave's results: the report's figures over its surveys, who was not sent one and why, each run. */
export async function waveResults(ctx: Ctx, id: string, actor: Actor): Promise<WaveResults> {
  staffOnly(actor);
  const w = await waveRow(ctx.db, id);
  const counts = await countsOf(ctx.db, [id]);
  const reasons = await ctx.db
    .selectFrom('survey_wave_surveys')
    .select(['not_sent_reason', (eb) => eb.fn.countAll<number>().as('n')])
    .where('wave_id', '=', id)
    .where('status', '=', 'not_sent')
    .groupBy('not_sent_reason')
    .execute();
  const runs = await ctx.db
    .selectFrom('survey_wave_surveys')
    .select((eb) => [
      'run_at',
      eb.fn.sum<number>(eb.case().when('status', '!=', 'not_sent').then(1).else(0).end()).as('sent'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'not_sent').then(1).else(0).end()).as('not_sent'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'answered').then(1).else(0).end()).as('answered'),
    ])
    .where('wave_id', '=', id)
    .groupBy('run_at')
    .orderBy('run_at')
    .execute();
  return {
    wave: toView(w, counts.get(id)),
    report: await waveFigures(ctx, id),
    notSentBy: Object.fromEntries(reasons.map((r) => [r.not_sent_reason ?? 'unknown', Number(r.n)])),
    runs: runs.map((r) => ({ runAt: Number(r.run_at), sent: Number(r.sent ?? 0), notSent: Number(r.not_sent ?? 0), answered: Number(r.answered ?? 0) })),
  };
}

/** Stops a scheduled wave: no further run (links already sent stay answerable until they expire). */
export async function cancelWave(ctx: Ctx, id: string, actor: Actor): Promise<WaveView> {
  staffOnly(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const w = await waveRow(trx, id);
    const now = ctx.clock.now();
    const r = await trx.updateTable('survey_waves').set({ status: 'cancelled', next_run_at: null, updated_at: now }).where('id', '=', id).where('status', '=', 'scheduled').executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw conflict('wave_not_scheduled', `This wave is ${w.status}: only a scheduled wave can be cancelled.`, { status: w.status });
    await recordAudit(ctx, trx, { actor, action: 'survey.wave.cancel', targetType: 'survey_wave', targetId: id, before: { status: w.status }, after: { status: 'cancelled' } });
    return toView({ ...w, status: 'cancelled', next_run_at: null, updated_at: now }, (await countsOf(trx, [id])).get(id));
  });
}

/**
 * Runs a wave now instead of at its start (a wave that has not run yet): its first run becomes
 * now (a recurring one's later runs follow from it). Refused once it ran: its runs follow the schedule.
 */
export async function launchWave(ctx: Ctx, id: string, actor: Actor): Promise<WaveRunResult> {
  staffOnly(actor);
  const now = ctx.clock.now();
  const moved = await ctx.db.transaction().execute(async (trx) => {
    const w = await waveRow(trx, id);
    if (w.status !== 'scheduled') throw conflict('wave_not_scheduled', `This wave is ${w.status}: only a scheduled wave can be launched.`, { status: w.status });
    if (Number(w.runs) > 0) throw conflict('wave_already_started', 'This wave has run already: its next run follows its schedule.', { nextRunAt: w.next_run_at });
    const r = await trx
      .updateTable('survey_waves')
      .set({ first_run_at: now, next_run_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'scheduled')
      .where('runs', '=', 0)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw conflict('wave_already_started', 'This wave has run already: its next run follows its schedule.');
    await recordAudit(ctx, trx, { actor, action: 'survey.wave.launch', targetType: 'survey_wave', targetId: id, before: { nextRunAt: w.next_run_at }, after: { nextRunAt: now } });
    return { ...w, first_run_at: now, next_run_at: now };
  });
  const result = await runWave(ctx, moved);
  // (another node's sweep may have claimed the run first: it is the same run)
  return result ?? { waveId: id, runAt: now, sent: 0, notSent: 0 };
}

// ---- runs --------------------------------------------------------------------------------------

interface Recipient {
  id: string;
  name: string;
  email: string | null;
  locale: string;
  erased_at: number | null;
}

/** The active, unerased customers an audience names at `at`, by id. */
async function audienceAt(db: Db, a: WaveAudience, at: number): Promise<Recipient[]> {
  let q = db
    .selectFrom('customers as c')
    .leftJoin('customer_profiles as p', 'p.customer_id', 'c.id')
    .select(['c.id', 'c.name', 'c.email', 'c.locale', 'c.erased_at'])
    .where('c.status', '=', 'active')
    .where('c.erased_at', 'is', null);
  if (a.customerIds) q = q.where('c.id', 'in', [...new Set(a.customerIds)]);
  if (a.tier) q = q.where('c.tier', '=', a.tier);
  if (a.stage) q = q.where('p.stage', '=', a.stage);
  if (a.caseWithinDays !== undefined) {
    const since = at - a.caseWithinDays * DAY;
    q = q.where((eb) => eb.exists(eb.selectFrom('cases as k').select('k.id').whereRef('k.customer_id', '=', 'c.id').where('k.received_at', '>=', since).where('k.received_at', '<=', at)));
  }
  return q.orderBy('c.id').execute();
}

/**
 * Of `ids`, the customers sent any survey (a resolution's or another wave's) issued in [since, until].
 * The wave's own earlier runs do not count: its schedule says how often it asks (a monthly wave's
 * runs are 28 to 31 days apart, within the default quiet period of 30 days).
 */
async function surveyedSince(db: Db, ids: string[], since: number, until: number, waveId: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const a = await db.selectFrom('surveys').select('customer_id').distinct().where('customer_id', 'in', chunk).where('status', '!=', 'not_sent').where('issued_at', '>=', since).where('issued_at', '<=', until).execute();
    const b = await db.selectFrom('survey_wave_surveys').select('customer_id').distinct().where('customer_id', 'in', chunk).where('wave_id', '!=', waveId).where('status', '!=', 'not_sent').where('issued_at', '>=', since).where('issued_at', '<=', until).execute();
    for (const r of [...a, ...b]) if (r.customer_id) out.add(r.customer_id);
  }
  return out;
}

/**
 * One run of a wave, at its slot next_run_at, exactly once across app nodes: the run is claimed by
 * moving the wave's next_run_at on, only while it still is this slot (the row's update waits for
 * another node's, then finds the slot taken), in the transaction that records one survey per
 * customer (unique on wave, slot and customer) and puts the invitations in the outbox. A customer
 * who opted out of surveys (satisfaction_survey withdrawn: the resolution surveys' rule), was
 * surveyed (any other survey sent) in the quiet period, or has no email, is recorded as not sent with
 * the reason. Null when another node ran it.
 */
async function runWave(ctx: Ctx, w: SurveyWavesTable): Promise<WaveRunResult | null> {
  const slot = w.next_run_at;
  if (slot === null) return null;
  const now = ctx.clock.now();
  const audience = JSON.parse(w.audience) as WaveAudience;
  const runs = Number(w.runs) + 1;
  const next = nextRunAfter(w.schedule as WaveSchedule, Number(w.first_run_at), runs, now, ctx.config.timeZone);
  return ctx.db.transaction().execute(async (trx) => {
    const claim = await trx
      .updateTable('survey_waves')
      .set({ next_run_at: next, last_run_at: slot, runs, status: next === null ? 'completed' : 'scheduled', updated_at: now })
      .where('id', '=', w.id)
      .where('status', '=', 'scheduled')
      .where('next_run_at', '=', slot)
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) return null;
    const customers = await audienceAt(trx, audience, now);
    const quiet = Number(w.quiet_days) > 0 ? await surveyedSince(trx, customers.map((c) => c.id), now - Number(w.quiet_days) * DAY, now, w.id) : new Set<string>();
    let sent = 0;
    let notSent = 0;
    for (const c of customers) {
      const optedOut = !(await consentDecision(trx, c.id, 'satisfaction_survey')).allowed;
      const email = c.email?.trim() || null;
      const reason = c.erased_at !== null ? 'customer_erased' : optedOut ? 'opted_out' : quiet.has(c.id) ? 'quiet_period' : email ? null : 'no_email';
      const token = reason ? null : randomToken(24);
      const row: SurveyWaveSurveysTable = {
        id: newId(),
        wave_id: w.id,
        run_at: slot,
        customer_id: c.id,
        token_hash: token ? sha256(token) : null,
        status: reason ? 'not_sent' : 'pending',
        not_sent_reason: reason,
        issued_at: now,
        expires_at: now + Number(w.expiry_days) * DAY,
        locale: c.locale,
        scale: Number(w.scale),
        answered_at: null,
        csat: null,
        band: null,
        attitude: null,
        speed: null,
        solution: null,
        completeness: null,
        nps: null,
        comment: null,
        expired_at: null,
      };
      const inserted = await trx
        .insertInto('survey_wave_surveys')
        .values(row)
        .onConflict((oc) => oc.columns(['wave_id', 'run_at', 'customer_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) continue;
      if (reason) {
        notSent++;
        continue;
      }
      sent++;
      await enqueue(ctx, trx, {
        topic: 'email',
        payload: {
          to: email,
          template: 'survey_wave_invitation',
          locale: c.locale,
          vars: { name: c.name, link: `${publicBaseUrl()}/survey/${token}`, expiresAt: row.expires_at, scale: row.scale },
          consent: { customerId: c.id, purpose: 'satisfaction_survey', scope: null },
        },
      });
    }
    await recordAudit(ctx, trx, { actor: WAVE_ACTOR, action: 'survey.wave.run', targetType: 'survey_wave', targetId: w.id, after: { runAt: slot, sent, notSent, nextRunAt: next } });
    return { waveId: w.id, runAt: slot, sent, notSent };
  });
}

/** Runs every scheduled wave whose next run is due (the worker; any number of nodes at once). */
export async function runDueWaves(ctx: Ctx): Promise<WaveRunResult[]> {
  const due = await ctx.db.selectFrom('survey_waves').selectAll().where('status', '=', 'scheduled').where('next_run_at', '<=', ctx.clock.now()).orderBy('next_run_at').orderBy('id').limit(50).execute();
  const out: WaveRunResult[] = [];
  for (const w of due) {
    const r = await runWave(ctx, w);
    if (r) out.push(r);
  }
  return out;
}

export type SurveyWaveWorker = OverdueWorker;

/** The server's wave runner (main.ts): every `everyMs` (default five minutes), on every app node; each run happens once. */
export const createSurveyWaveWorker = (ctx: Ctx, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): SurveyWaveWorker =>
  overdueWorker('survey-waves', async () => ({ marked: (await runDueWaves(ctx)).length }), { everyMs: opts.everyMs ?? 300_000, onError: opts.onError });

// ---- the public link ---------------------------------------------------------------------------

/** The periodic survey a link's token names, or undefined (then it may be a resolution survey's). */
export async function waveSurveyByToken(ctx: Ctx, db: Db, token: string, lock: boolean): Promise<SurveyWaveSurveysTable | undefined> {
  let q = db.selectFrom('survey_wave_surveys').selectAll().where('token_hash', '=', sha256(token));
  if (lock && ctx.ops.supportsForUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

const gone = (message: string) => new DomainError('survey_expired', message, 410);

function usableWave(ctx: Ctx, s: SurveyWaveSurveysTable): SurveyWaveSurveysTable {
  if (s.status === 'answered') throw conflict('survey_answered', 'This survey was already answered: thank you. Each link can be used once.');
  if (s.status !== 'pending') throw gone('This survey is no longer open.');
  if (Number(s.expires_at) <= ctx.clock.now()) throw gone(`This survey expired on ${new Date(Number(s.expires_at)).toISOString()}.`);
  return s;
}

/** What the answer page shows of a periodic survey: no case; the scale and until when. */
export function publicWaveSurvey(ctx: Ctx, s: SurveyWaveSurveysTable): PublicSurvey {
  usableWave(ctx, s);
  return { caseNumber: '', subject: '', scale: Number(s.scale), expiresAt: Number(s.expires_at), locale: s.locale, periodic: true };
}

/**
 * The customer's answer to a periodic survey, once, in the caller's transaction (the row locked on
 * PostgreSQL, updated only while pending): the same questions and bands as a resolution survey's; a
 * dissatisfied score opens the same recovery task (without a case).
 */
export async function recordWaveAnswer(ctx: Ctx, trx: Db, found: SurveyWaveSurveysTable, input: SurveyAnswerInput): Promise<{ band: SatisfactionBand; caseNumber: string; locale: string }> {
  const s = usableWave(ctx, found);
  const c = await trx.selectFrom('customers').select(['name', 'erased_at']).where('id', '=', s.customer_id).executeTakeFirstOrThrow();
  if (c.erased_at !== null) throw conflict('customer_erased', 'The personal data of this customer was erased: the survey can no longer be answered.');
  for (const k of ['csat', ...SURVEY_DIMENSIONS] as const) {
    const v = input[k];
    if (v !== undefined && v > s.scale) throw invalid('score_out_of_scale', `${k} is ${v}: this survey is on a 1-${s.scale} scale.`, { field: k, scale: s.scale });
  }
  const now = ctx.clock.now();
  const band = bandOf(input.csat, s.scale);
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
    comment: input.comment?.trim() || null,
  };
  const r = await trx.updateTable('survey_wave_surveys').set(set).where('id', '=', s.id).where('status', '=', 'pending').executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw conflict('survey_answered', 'This survey was already answered: thank you. Each link can be used once.');
  const { comment: _c, status: _s, ...scores } = set;
  await recordAudit(ctx, trx, { actor: LINK_ACTOR, action: 'survey.wave.answer', targetType: 'survey_wave_survey', targetId: s.id, after: { waveId: s.wave_id, customerId: s.customer_id, scale: s.scale, ...scores } });
  if (band === 'dissatisfied') await openPeriodicRecoveryTask(ctx, trx, { ...s, ...set }, c.name);
  return { band, caseNumber: '', locale: s.locale };
}
