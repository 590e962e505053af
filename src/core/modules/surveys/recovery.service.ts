import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { systemActor, type Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { insertEvents } from '../cases/index.ts';
import { calendarOf } from '../commitments/index.ts';
import { enqueue } from '../notifications/index.ts';
import { authorityOf } from '../users/index.ts';
import type { RecoveryListQuery, RecoveryTaskView } from './survey.schemas.ts';
import type { SurveyRecoveryTasksTable, SurveysTable } from './survey.table.ts';
import type { SurveyWaveSurveysTable } from './wave.table.ts';

type Db = Kysely<Database>;

const LEAD_ROLES = ['supervisor', 'manager', 'director'];

/**
 * Who recovers a dissatisfied customer: the lead of the case's team (or of the nearest unit above
 * it with an active supervisor-or-above lead), else any active supervisor, else nobody (the task
 * waits in the team's list).
 */
async function recovererOf(db: Db, teamId: string | null): Promise<string | null> {
  for (let id = teamId, hops = 0; id && hops < 10; hops++) {
    const t = await db
      .selectFrom('teams as t')
      .leftJoin('users as u', 'u.id', 't.lead_user_id')
      .select(['t.parent_id', 't.lead_user_id', 'u.role', 'u.active'])
      .where('t.id', '=', id)
      .executeTakeFirst();
    if (!t) break;
    if (t.lead_user_id && t.active === 1 && t.role && LEAD_ROLES.includes(t.role)) return t.lead_user_id;
    id = t.parent_id;
  }
  const any = await db.selectFrom('users').select('id').where('role', '=', 'supervisor').where('active', '=', 1).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return any?.id ?? null;
}

/**
 * Opens the recovery task of a dissatisfied answer (in the answer's transaction): due at the close
 * of business of the next working day on the standard calendar (SPEC 4's "within 1 working day"),
 * mailed to the supervisor through the outbox, an internal event on the case.
 */
export async function openRecoveryTask(ctx: Ctx, trx: Db, s: SurveysTable, caseNumber: string): Promise<SurveyRecoveryTasksTable> {
  const now = ctx.clock.now();
  const cal = await calendarOf(ctx, 'standard', trx);
  const task: SurveyRecoveryTasksTable = {
    id: newId(),
    survey_id: s.id,
    case_id: s.case_id,
    team_id: s.team_id,
    assignee_id: await recovererOf(trx, s.team_id),
    status: 'open',
    created_at: now,
    due_at: cal.addWorkingDays(now, 1),
    closed_at: null,
    closed_by: null,
    outcome: null,
    customer_id: null,
  };
  await trx.insertInto('survey_recovery_tasks').values(task).execute();
  const actor = systemActor('surveys');
  const data = { taskId: task.id, surveyId: s.id, assigneeId: task.assignee_id, dueAt: task.due_at };
  await insertEvents(ctx, trx, s.case_id, actor, [{ type: 'survey_recovery_opened', visibility: 'internal', data }]);
  if (task.assignee_id)
    await enqueue(ctx, trx, {
      topic: 'notify',
      caseId: s.case_id,
      payload: { userIds: [task.assignee_id], kind: 'survey_recovery', template: 'survey_recovery', caseId: s.case_id, vars: { number: caseNumber, csat: s.csat, scale: s.scale, dueAt: task.due_at } },
    });
  await recordAudit(ctx, trx, { actor, action: 'survey.recovery.open', targetType: 'survey_recovery_task', targetId: task.id, after: { caseId: s.case_id, ...data } });
  return task;
}

/**
 * Opens the recovery task of a dissatisfied periodic answer (in the answer's transaction): no case,
 * so the team is that of the customer's account manager (客户经理), when they have one, and the
 * task goes to its lead (as a case's to its team's), else to the longest-serving active supervisor;
 * no timeline; otherwise as a resolution survey's: due the next working day, mailed through the
 * outbox, audited.
 */
export async function openPeriodicRecoveryTask(ctx: Ctx, trx: Db, s: SurveyWaveSurveysTable, customerName: string): Promise<SurveyRecoveryTasksTable> {
  const now = ctx.clock.now();
  const cal = await calendarOf(ctx, 'standard', trx);
  const manager = await trx
    .selectFrom('customer_profiles as p')
    .innerJoin('users as u', 'u.id', 'p.account_manager_id')
    .select('u.team_id')
    .where('p.customer_id', '=', s.customer_id)
    .executeTakeFirst();
  const teamId = manager?.team_id ?? null;
  const task: SurveyRecoveryTasksTable = {
    id: newId(),
    survey_id: s.id,
    case_id: null,
    team_id: teamId,
    assignee_id: await recovererOf(trx, teamId),
    status: 'open',
    created_at: now,
    due_at: cal.addWorkingDays(now, 1),
    closed_at: null,
    closed_by: null,
    outcome: null,
    customer_id: s.customer_id,
  };
  await trx.insertInto('survey_recovery_tasks').values(task).execute();
  const data = { taskId: task.id, surveyId: s.id, waveId: s.wave_id, customerId: s.customer_id, teamId: task.team_id, assigneeId: task.assignee_id, dueAt: task.due_at };
  if (task.assignee_id)
    await enqueue(ctx, trx, {
      topic: 'notify',
      payload: { userIds: [task.assignee_id], kind: 'survey_recovery', template: 'survey_recovery', vars: { number: customerName, periodic: true, csat: s.csat, scale: s.scale, dueAt: task.due_at } },
    });
  await recordAudit(ctx, trx, { actor: systemActor('surveys'), action: 'survey.recovery.open', targetType: 'survey_recovery_task', targetId: task.id, after: data });
  return task;
}

type Row = SurveyRecoveryTasksTable & {
  case_number: string | null;
  case_subject: string | null;
  customer_name: string | null;
  assignee_name: string | null;
  csat: number | null;
  scale: number;
  comment: string | null;
};

// a resolution survey's task names its case; a periodic one's (no case) its customer
const withNames = (db: Db) =>
  db
    .selectFrom('survey_recovery_tasks as r')
    .leftJoin('cases as c', 'c.id', 'r.case_id')
    .leftJoin('surveys as s', 's.id', 'r.survey_id')
    .leftJoin('survey_wave_surveys as w', 'w.id', 'r.survey_id')
    .leftJoin('customers as cu', 'cu.id', 'r.customer_id')
    .leftJoin('users as u', 'u.id', 'r.assignee_id')
    .selectAll('r')
    .select((eb) => [
      'c.number as case_number',
      'c.subject as case_subject',
      'cu.name as customer_name',
      'u.name as assignee_name',
      eb.fn.coalesce('s.csat', 'w.csat').as('csat'),
      eb.fn.coalesce('s.scale', 'w.scale').as('scale'),
      eb.fn.coalesce('s.comment', 'w.comment').as('comment'),
    ]);

const toView = (r: Row, now: number): RecoveryTaskView => ({
  id: r.id,
  surveyId: r.survey_id,
  caseId: r.case_id,
  caseNumber: r.case_number,
  caseSubject: r.case_subject,
  customerId: r.customer_id,
  customerName: r.customer_name,
  teamId: r.team_id,
  assigneeId: r.assignee_id,
  assigneeName: r.assignee_name,
  status: r.status as 'open' | 'closed',
  createdAt: Number(r.created_at),
  dueAt: Number(r.due_at),
  overdue: r.status === 'open' ? Number(r.due_at) <= now : r.closed_at !== null && Number(r.closed_at) > Number(r.due_at),
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
  closedBy: r.closed_by,
  outcome: r.outcome,
  csat: r.csat === null ? null : Number(r.csat),
  scale: Number(r.scale),
  comment: r.comment,
});

/** The actor's team and every team under it. */
async function teamAndBelow(db: Db, teamId: string | null): Promise<string[]> {
  if (!teamId) return [];
  const teams = await db.selectFrom('teams').select(['id', 'parent_id']).execute();
  const out = [teamId];
  for (let i = 0; i < out.length; i++) for (const t of teams) if (t.parent_id === out[i] && !out.includes(t.id)) out.push(t.id);
  return out;
}

const MANAGER = 3;

/** Recovery tasks: mine (assigned to me), my team's (cases of my team or under it), or all (managers and above); soonest due first. */
export async function listRecoveryTasks(ctx: Ctx, f: RecoveryListQuery, actor: Actor): Promise<RecoveryTaskView[]> {
  if (actor.kind !== 'staff') throw forbidden();
  let q = withNames(ctx.db);
  if (f.scope === 'mine') q = q.where('r.assignee_id', '=', actor.id);
  else if (f.scope === 'team') {
    const teams = await teamAndBelow(ctx.db, actor.teamId);
    q = q.where((eb) => eb.or([eb('r.assignee_id', '=', actor.id), ...(teams.length ? [eb('r.team_id', 'in', teams)] : [])]));
  } else if (authorityOf(actor.role) < MANAGER) throw forbidden('Only a manager or the director lists every recovery task: ask for yours or your team’s.');
  if (f.status !== 'all') q = q.where('r.status', '=', f.status);
  const rows = await q.orderBy('r.due_at').orderBy('r.id').limit(f.limit).execute();
  const now = ctx.clock.now();
  return rows.map((r) => toView(r as Row, now));
}

/** The recovery tasks of a case (the case card shows them). */
export async function caseRecoveryTasks(ctx: Ctx, caseId: string): Promise<RecoveryTaskView[]> {
  const rows = await withNames(ctx.db).where('r.case_id', '=', caseId).orderBy('r.created_at').orderBy('r.id').execute();
  const now = ctx.clock.now();
  return rows.map((r) => toView(r as Row, now));
}

/**
 * Closes a recovery task with what was done (the call, the apology, the remedy): its assignee, or
 * a manager or the director. An internal event on the case, and an audit entry.
 */
export async function closeRecoveryTask(ctx: Ctx, id: string, outcome: string, actor: Actor): Promise<RecoveryTaskView> {
  if (actor.kind !== 'staff') throw forbidden();
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('survey_recovery_tasks').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const task = await q.executeTakeFirst();
    if (!task) throw notFound('recovery_task', id);
    if (task.assignee_id !== actor.id && authorityOf(actor.role) < MANAGER)
      throw new DomainError('not_recovery_assignee', 'This recovery task is assigned to another supervisor: they, a manager or the director close it.', 403, { assigneeId: task.assignee_id });
    if (task.status !== 'open') throw conflict('recovery_task_closed', 'This recovery task is already closed.');
    if (task.case_id !== null) {
      const c = await trx.selectFrom('cases').select(['number', 'erased_at']).where('id', '=', task.case_id).executeTakeFirstOrThrow();
      if (c.erased_at !== null) throw conflict('customer_erased', "The customer's personal data was erased: nothing more is written about them on the case.", { number: c.number });
    } else if (task.customer_id !== null) {
      const cu = await trx.selectFrom('customers').select('erased_at').where('id', '=', task.customer_id).executeTakeFirst();
      if (cu && cu.erased_at !== null) throw conflict('customer_erased', "The customer's personal data was erased: nothing more is written about them.");
    }
    const now = ctx.clock.now();
    await trx.updateTable('survey_recovery_tasks').set({ status: 'closed', closed_at: now, closed_by: actor.id, outcome }).where('id', '=', id).execute();
    const data = { taskId: id, surveyId: task.survey_id, withinDue: now <= Number(task.due_at) };
    if (task.case_id !== null) await insertEvents(ctx, trx, task.case_id, actor, [{ type: 'survey_recovery_closed', visibility: 'internal', body: outcome, data }]);
    await recordAudit(ctx, trx, { actor, action: 'survey.recovery.close', targetType: 'survey_recovery_task', targetId: id, before: { status: 'open' }, after: { status: 'closed', caseId: task.case_id, withinDue: data.withinDue } });
    const r = await withNames(trx).where('r.id', '=', id).executeTakeFirstOrThrow();
    return toView(r as Row, now);
  });
}
