import type { Expression, Kysely, SqlBool } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../../shared/pagination.ts';
import { recordAudit } from '../audit/index.ts';
import { assertCanSee, insertEvents, OPEN_STATUSES, type CasesTable, type CaseStatus } from '../cases/index.ts';
import { calendarOf } from '../commitments/index.ts';
import { authorityOf, can } from '../users/index.ts';
import type { ConsultationsTable } from './consultation.table.ts';
import type { ConsultationListQuery, ConsultationReportRow, ConsultationStatus, ConsultationView, RequestConsultationInput } from './consultation.schemas.ts';
import { consultationLimitOf } from './limits.ts';

type Db = Kysely<Database>;

const requireStaff = (actor: Actor) => {
  if (actor.kind !== 'staff') throw forbidden();
};

/** A consultation with what its view shows of the case, the team and the people. */
const withNames = (db: Db) =>
  db
    .selectFrom('consultations as q')
    .innerJoin('cases as c', 'c.id', 'q.case_id')
    .innerJoin('teams as t', 't.id', 'q.target_team_id')
    .innerJoin('users as r', 'r.id', 'q.requested_by')
    .leftJoin('users as x', 'x.id', 'q.closed_by')
    .selectAll('q')
    .select(['c.number as case_number', 'c.subject as case_subject', 't.name as team_name', 'r.name as requester_name', 'x.name as closer_name']);

type Row = ConsultationsTable & { case_number: string; case_subject: string; team_name: string; requester_name: string; closer_name: string | null };

const toView = (r: Row, now: number): ConsultationView => ({
  id: r.id,
  caseId: r.case_id,
  caseNumber: r.case_number,
  caseSubject: r.case_subject,
  teamId: r.target_team_id,
  teamName: r.team_name,
  requestedBy: r.requested_by,
  requestedByName: r.requester_name,
  requesterTeamId: r.requester_team_id,
  question: r.question,
  status: r.status as ConsultationStatus,
  requestedAt: Number(r.requested_at),
  limitMinutes: r.limit_minutes,
  calendarId: r.calendar_id,
  dueAt: Number(r.due_at),
  overdue: r.overdue_at !== null || (r.status === 'open' ? Number(r.due_at) <= now : r.closed_at !== null && Number(r.closed_at) > Number(r.due_at)),
  overdueAt: r.overdue_at === null ? null : Number(r.overdue_at),
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
  closedBy: r.closed_by,
  closedByName: r.closer_name,
  answer: r.status === 'answered' ? r.response : null,
  reason: r.status === 'declined' || r.status === 'withdrawn' ? r.response : null,
  answeredWithinLimit: r.status === 'answered' && r.closed_at !== null ? Number(r.closed_at) <= Number(r.due_at) : null,
});

/** The actor's team and every unit above it: they answer for consultations sent to any of these. */
async function teamAndAbove(db: Db, teamId: string | null): Promise<string[]> {
  const out: string[] = [];
  for (let id = teamId, hops = 0; id && hops < 10 && !out.includes(id); hops++) {
    out.push(id);
    const t = await db.selectFrom('teams').select('parent_id').where('id', '=', id).executeTakeFirst();
    id = t?.parent_id ?? null;
  }
  return out;
}

/** The lead of the team, else of the nearest unit above it that has one. */
export async function leadOf(db: Db, teamId: string): Promise<string | null> {
  for (let id: string | null = teamId, hops = 0; id && hops < 10; hops++) {
    const t = await db.selectFrom('teams').select(['parent_id', 'lead_user_id']).where('id', '=', id).executeTakeFirst();
    if (!t) return null;
    if (t.lead_user_id) return t.lead_user_id;
    id = t.parent_id;
  }
  return null;
}

/**
 * Who answers (or declines) a consultation sent to a team: its members (users of the team or of a
 * team under it) and its leads (the lead of the team or of a unit above it), and the service
 * director. Nobody else, whatever their role: the question is for that team.
 */
async function mayAnswerFor(db: Db, actor: Actor, teamId: string): Promise<boolean> {
  if (actor.kind !== 'staff') return false;
  if ((await teamAndAbove(db, actor.teamId)).includes(teamId)) return true;
  if (authorityOf(actor.role) >= 4) return true;
  for (let id: string | null = teamId, hops = 0; id && hops < 10; hops++) {
    const t = await db.selectFrom('teams').select(['parent_id', 'lead_user_id']).where('id', '=', id).executeTakeFirst();
    if (!t) break;
    if (t.lead_user_id === actor.id) return true;
    id = t.parent_id;
  }
  return false;
}

/**
 * Whether the actor may read a consultation: any staff member, except on a restricted (sensitive)
 * case, where only those who may open the case (its handlers, leads: assertCanSee), the asker and
 * the team asked may.
 */
function maySee(actor: Actor, c: Pick<CasesTable, 'sensitive' | 'owner_id' | 'assignee_id' | 'received_by'>, q: ConsultationsTable, myTeams: string[]): boolean {
  if (c.sensitive !== 1 || can(actor.role, 'case.read_sensitive')) return true;
  return [c.owner_id, c.assignee_id, c.received_by, q.requested_by].includes(actor.id) || myTeams.includes(q.target_team_id);
}

async function viewById(ctx: Ctx, db: Db, id: string): Promise<ConsultationView> {
  const r = await withNames(db).where('q.id', '=', id).executeTakeFirst();
  if (!r) throw notFound('consultation', id);
  return toView(r as Row, ctx.clock.now());
}

// ---- asking ---------------------------------------------------------------------------------

/**
 * The case's owner (or a lead, as for every decision on an owned case: case.service's
 * assertMayDecide) asks another team a question about an open case and keeps the case (首问负责).
 * The request is due after the team's own limit in business time (limits.ts), counted from now on
 * the limit's calendar (SPEC 4: working hours, holidays, make-up working days).
 */
export async function requestConsultation(ctx: Ctx, caseId: string, input: RequestConsultationInput, actor: Actor): Promise<ConsultationView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    // the case row locked first (as case changes lock it): a close running now sees this request, or this request sees it closed
    let cq = trx.selectFrom('cases').selectAll().where('id', '=', caseId);
    if (ctx.ops.supportsForUpdate) cq = cq.forUpdate();
    const c = await cq.executeTakeFirst();
    if (!c) throw notFound('case', caseId);
    assertCanSee(actor, c);
    // an erased customer's case is closed too, but that is not why it cannot be asked about: said first
    if (c.erased_at !== null)
      throw conflict(
        'customer_erased',
        `The personal data of the customer of case ${c.number} was erased on ${new Date(c.erased_at).toISOString()}: the case is kept for the indicators and no other team is asked about it. A new request from the person is a new case.`,
        { number: c.number },
      );
    if (c.owner_id !== null && c.owner_id !== actor.id && authorityOf(actor.role) < 2)
      throw conflict('case_owned', 'Another agent owns this case (首问负责): its owner or a lead asks other teams about it.', { ownerId: c.owner_id });
    if (!OPEN_STATUSES.includes(c.status as CaseStatus))
      throw conflict('case_not_open', `The case is ${c.status}: reopen it before asking another team about it.`, { status: c.status });
    const team = await trx.selectFrom('teams').select(['id', 'name']).where('id', '=', input.teamId).executeTakeFirst();
    if (!team) throw notFound('team', input.teamId);
    // a unit the asker belongs to (their team or one above it) is not another team: they could answer it themselves
    if ((await teamAndAbove(trx, actor.teamId)).includes(team.id))
      throw invalid('consultation_own_team', `You belong to ${team.name}: ask a colleague or your lead directly, or hand the case over.`);
    const limit = await consultationLimitOf(ctx, team.id, trx);
    const cal = await calendarOf(ctx, limit.calendarId, trx);
    const now = ctx.clock.now();
    const row: ConsultationsTable = {
      id: newId(),
      case_id: c.id,
      target_team_id: team.id,
      requested_by: actor.id,
      requester_team_id: actor.teamId,
      question: input.question,
      status: 'open',
      requested_at: now,
      limit_minutes: limit.minutes,
      calendar_id: limit.calendarId,
      due_at: cal.addBusinessMinutes(now, limit.minutes),
      overdue_at: null,
      closed_at: null,
      closed_by: null,
      response: null,
    };
    await trx.insertInto('consultations').values(row).execute();
    const data = { consultationId: row.id, teamId: team.id, teamName: team.name, dueAt: row.due_at, limitMinutes: row.limit_minutes, calendarId: row.calendar_id };
    await insertEvents(ctx, trx, c.id, actor, [{ type: 'consultation_requested', visibility: 'internal', body: row.question, data }]);
    await recordAudit(ctx, trx, { actor, action: 'consultation.request', targetType: 'consultation', targetId: row.id, after: { caseId: c.id, ...data } });
    return viewById(ctx, trx, row.id);
  });
}

// ---- answering, declining, withdrawing -------------------------------------------------------

type Outcome = 'answered' | 'declined' | 'withdrawn';

async function close(ctx: Ctx, id: string, outcome: Outcome, response: string | null, actor: Actor): Promise<ConsultationView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('consultations').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('consultation', id);
    const c = await trx.selectFrom('cases').select(['number', 'sensitive', 'owner_id', 'assignee_id', 'received_by', 'erased_at']).where('id', '=', row.case_id).executeTakeFirstOrThrow();
    // as getConsultation: a restricted case's consultation does not exist for who may not see it
    if (!maySee(actor, c, row, await teamAndAbove(trx, actor.teamId))) throw notFound('consultation', id);
    // (none is open on an erased case: erasure needs the cases closed, and a case with one open does not close)
    if (c.erased_at !== null)
      throw conflict('customer_erased', `The personal data of the customer of case ${c.number} was erased: nothing more is written on it but an internal note.`, { number: c.number });
    if (outcome === 'withdrawn') {
      // the asking side: the asker, the case's owner or handler now, or a lead
      if (![row.requested_by, c.owner_id, c.assignee_id].includes(actor.id) && authorityOf(actor.role) < 2)
        throw new DomainError('not_consultation_asker', 'Only the asking side (the asker, the case owner, or a lead) may withdraw this consultation.', 403);
    } else if (!(await mayAnswerFor(trx, actor, row.target_team_id))) {
      throw new DomainError('not_consultation_team', 'This consultation was sent to another team: only its members or leads answer or decline it.', 403, { teamId: row.target_team_id });
    }
    if (row.status !== 'open') throw conflict('consultation_not_open', `This consultation is already ${row.status}.`, { status: row.status });
    const now = ctx.clock.now();
    const set = { status: outcome, closed_at: now, closed_by: actor.id, response };
    const r = await trx.updateTable('consultations').set(set).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw conflict('consultation_not_open', 'This consultation was closed meanwhile.');
    const team = await trx.selectFrom('teams').select('name').where('id', '=', row.target_team_id).executeTakeFirst();
    const data: Record<string, unknown> = {
      consultationId: id,
      teamId: row.target_team_id,
      teamName: team?.name ?? null,
      byId: actor.id,
      byName: actor.name,
      dueAt: Number(row.due_at),
    };
    if (outcome === 'answered') {
      const cal = await calendarOf(ctx, row.calendar_id, trx);
      Object.assign(data, { withinLimit: now <= Number(row.due_at), businessMinutes: Math.round(cal.businessMinutesBetween(Number(row.requested_at), now)), limitMinutes: row.limit_minutes });
    }
    await insertEvents(ctx, trx, row.case_id, actor, [{ type: `consultation_${outcome}`, visibility: 'internal', body: response, data }]);
    await recordAudit(ctx, trx, {
      actor,
      action: `consultation.${outcome === 'answered' ? 'answer' : outcome === 'declined' ? 'decline' : 'withdraw'}`,
      targetType: 'consultation',
      targetId: id,
      before: { status: row.status },
      after: { status: outcome, caseId: row.case_id, ...(data.withinLimit === undefined ? {} : { withinLimit: data.withinLimit }) },
    });
    return viewById(ctx, trx, id);
  });
}

/** The team asked answers: the answer is recorded on the case timeline and the request closes. */
export const answerConsultation = (ctx: Ctx, id: string, answer: string, actor: Actor) => close(ctx, id, 'answered', answer, actor);
/** The team asked declines it (not theirs to answer), with the reason. */
export const declineConsultation = (ctx: Ctx, id: string, reason: string, actor: Actor) => close(ctx, id, 'declined', reason, actor);
/** The asking side no longer needs the answer. */
export const withdrawConsultation = (ctx: Ctx, id: string, reason: string | undefined, actor: Actor) => close(ctx, id, 'withdrawn', reason?.trim() || null, actor);

// ---- reading --------------------------------------------------------------------------------

export async function getConsultation(ctx: Ctx, id: string, actor: Actor): Promise<ConsultationView> {
  requireStaff(actor);
  const row = await ctx.db.selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('consultation', id);
  const c = await ctx.db.selectFrom('cases').select(['sensitive', 'owner_id', 'assignee_id', 'received_by']).where('id', '=', row.case_id).executeTakeFirstOrThrow();
  if (!maySee(actor, c, row, await teamAndAbove(ctx.db, actor.teamId))) throw notFound('consultation', id);
  return viewById(ctx, ctx.db, id);
}

/** A case's consultations, oldest first, for whoever may open the case. */
export async function caseConsultations(ctx: Ctx, caseId: string, actor: Actor): Promise<ConsultationView[]> {
  requireStaff(actor);
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  const rows = await withNames(ctx.db).where('q.case_id', '=', caseId).orderBy('q.requested_at').orderBy('q.id').execute();
  const now = ctx.clock.now();
  return rows.map((r) => toView(r as Row, now));
}

/**
 * The consultations inbox: filtered by the team asked, the case, the status (overdue: open past
 * due) and mine (those I asked), soonest due first. Consultations on restricted cases are left
 * out for those who may not see them (maySee).
 */
export async function listConsultations(ctx: Ctx, f: ConsultationListQuery, actor: Actor): Promise<Page<ConsultationView>> {
  requireStaff(actor);
  const now = ctx.clock.now();
  let q = withNames(ctx.db);
  if (f.teamId) q = q.where('q.target_team_id', '=', f.teamId);
  if (f.caseId) q = q.where('q.case_id', '=', f.caseId);
  if (f.status === 'overdue') q = q.where('q.status', '=', 'open').where('q.due_at', '<=', now);
  else if (f.status) q = q.where('q.status', '=', f.status);
  if (f.mine) q = q.where('q.requested_by', '=', actor.id);
  if (!can(actor.role, 'case.read_sensitive')) {
    const myTeams = await teamAndAbove(ctx.db, actor.teamId);
    q = q.where((eb) =>
      eb.or([
        eb('c.sensitive', '=', 0),
        eb('q.requested_by', '=', actor.id),
        eb('c.owner_id', '=', actor.id),
        eb('c.assignee_id', '=', actor.id),
        eb('c.received_by', '=', actor.id),
        ...(myTeams.length ? [eb('q.target_team_id', 'in', myTeams)] : []),
      ]),
    );
  }
  if (f.cursor) {
    const k = decodeCursor(f.cursor);
    const v = Number(k.v);
    q = q.where((eb) => eb.or([eb('q.due_at', '>', v), eb.and([eb('q.due_at', '=', v), eb('q.id', '>', k.id)])]));
  }
  const rows = await q.orderBy('q.due_at').orderBy('q.id').limit(f.limit + 1).execute();
  const items = rows.slice(0, f.limit).map((r) => toView(r as Row, now));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > f.limit && last ? encodeCursor({ v: last.dueAt, id: last.id }) : null };
}

/**
 * Per team asked: consultations asked in [from, to), answered within the team's limit or after it,
 * declined, withdrawn, still open (and past due now), and marked overdue (SPEC 8 will chart them).
 */
export async function consultationReport(ctx: Ctx, range: { from?: number | undefined; to?: number | undefined }): Promise<ConsultationReportRow[]> {
  const now = ctx.clock.now();
  let q = ctx.db
    .selectFrom('consultations as q')
    .innerJoin('teams as t', 't.id', 'q.target_team_id')
    .select((eb) => {
      const count = (cond: Array<Expression<SqlBool>>) => eb.fn.sum<number>(eb.case().when(eb.and(cond)).then(1).else(0).end());
      return [
        'q.target_team_id as team_id',
        't.name as team_name',
        eb.fn.countAll<number>().as('requested'),
        count([eb('q.status', '=', 'answered')]).as('answered'),
        count([eb('q.status', '=', 'answered'), eb('q.closed_at', '<=', eb.ref('q.due_at'))]).as('within'),
        count([eb('q.status', '=', 'declined')]).as('declined'),
        count([eb('q.status', '=', 'withdrawn')]).as('withdrawn'),
        count([eb('q.status', '=', 'open')]).as('open'),
        count([eb('q.status', '=', 'open'), eb('q.due_at', '<=', now)]).as('open_overdue'),
        count([eb('q.overdue_at', 'is not', null)]).as('overdue'),
      ];
    })
    .groupBy(['q.target_team_id', 't.name'])
    .orderBy('t.name');
  if (range.from !== undefined) q = q.where('q.requested_at', '>=', range.from);
  if (range.to !== undefined) q = q.where('q.requested_at', '<', range.to);
  const rows = await q.execute();
  return rows.map((r) => {
    const answered = Number(r.answered);
    const within = Number(r.within);
    return {
      teamId: r.team_id,
      teamName: r.team_name,
      requested: Number(r.requested),
      answered,
      answeredWithinLimit: within,
      answeredLate: answered - within,
      declined: Number(r.declined),
      withdrawn: Number(r.withdrawn),
      open: Number(r.open),
      openOverdue: Number(r.open_overdue),
      overdue: Number(r.overdue),
    };
  });
}
