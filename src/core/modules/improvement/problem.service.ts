import { sql, type Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { decodeCursor, encodeCursor } from '../../shared/pagination.ts';
import { recordAudit } from '../audit/index.ts';
import { assertCanSee, insertEvents, type CasesTable } from '../cases/index.ts';
import { calendarOf } from '../commitments/index.ts';
import { authorityOf, can } from '../users/index.ts';
import { effectivenessOf } from './effectiveness.ts';
import {
  ACTIVE_PROBLEM_STATUSES,
  checkProblemMove,
  closeOfBusiness,
  dateAfter,
  readyForCheck,
  type ActionKind,
  type ActionStatus,
  type CheckResult,
  type ProblemFacts,
  type ProblemStatus,
  type RootCauseCategory,
} from './problem.ts';
import type { ProblemActionsTable, ProblemsTable } from './problem.table.ts';
import type {
  ActionView,
  CaseProblemView,
  CheckView,
  CreateProblemInput,
  LinkedCaseView,
  NewActionInput,
  ProblemListQuery,
  ProblemSummary,
  ProblemView,
  UpdateProblemInput,
} from './problem.schemas.ts';

type Db = Kysely<Database>;

/** The calendar action due dates and check dates are counted on (SPEC 4's standard working days). */
export const CAPA_CALENDAR = 'standard';
const LEAD_ROLES = ['supervisor', 'manager', 'director'];
const HANDLER_ROLES = ['agent', ...LEAD_ROLES];

const requireStaff = (actor: Actor) => {
  if (actor.kind !== 'staff') throw forbidden();
};

/** Leads, inspectors and admins read every problem record; agents those linked to a case they may open, or with an action of theirs. */
const readsAll = (actor: Actor) => actor.kind === 'staff' && actor.role !== 'agent';

/** The problem's owner decides its course; a manager or the director may act for any owner. */
const mayManage = (actor: Actor, p: Pick<ProblemsTable, 'owner_id'>) => actor.kind === 'staff' && (p.owner_id === actor.id || authorityOf(actor.role) >= 3);

/** Whether the actor may open the case (as the cases module's assertCanSee, without throwing). */
const seesCase = (actor: Actor, c: Pick<CasesTable, 'sensitive' | 'owner_id' | 'assignee_id' | 'received_by'>) =>
  c.sensitive !== 1 || can(actor.role, 'case.read_sensitive') || [c.owner_id, c.assignee_id, c.received_by].includes(actor.id);

/** Problems an agent may read: a linked (or proposed) case they may open, or an action they own. */
function readableBy(db: Db, actor: Actor) {
  return db.selectFrom('problems as p').where((eb) =>
    eb.or([
      eb.exists(
        eb
          .selectFrom('problem_cases as pc')
          .innerJoin('cases as c', 'c.id', 'pc.case_id')
          .select('pc.case_id')
          .whereRef('pc.problem_id', '=', 'p.id')
          .where((w) => w.or([w('c.sensitive', '=', 0), w('c.owner_id', '=', actor.id), w('c.assignee_id', '=', actor.id), w('c.received_by', '=', actor.id)])),
      ),
      eb.exists(eb.selectFrom('problem_actions as a').select('a.id').whereRef('a.problem_id', '=', 'p.id').where('a.owner_id', '=', actor.id)),
    ]),
  );
}

async function lockProblem(ctx: Ctx, trx: Db, id: string): Promise<ProblemsTable> {
  let q = trx.selectFrom('problems').selectAll().where('id', '=', id);
  if (ctx.ops.supportsForUpdate) q = q.forUpdate();
  const p = await q.executeTakeFirst();
  if (!p) throw notFound('problem', id);
  return p;
}

/** Read (for a view) or 404: an agent who may not read it learns nothing of it. */
async function assertMayRead(ctx: Ctx, db: Db, actor: Actor, id: string): Promise<void> {
  requireStaff(actor);
  if (readsAll(actor)) return;
  const ok = await readableBy(db, actor).select('p.id').where('p.id', '=', id).executeTakeFirst();
  if (!ok) throw notFound('problem', id);
}

function assertManage(actor: Actor, p: ProblemsTable) {
  if (!mayManage(actor, p)) throw new DomainError('not_problem_owner', 'Only the owner of the problem record (or a manager or the director) decides its course.', 403);
}

function assertActive(p: ProblemsTable) {
  if (!ACTIVE_PROBLEM_STATUSES.includes(p.status as ProblemStatus))
    throw conflict('problem_not_active', `The problem record is ${p.status}: it takes no more changes.`, { status: p.status });
}

async function facts(trx: Db, p: ProblemsTable): Promise<ProblemFacts> {
  const actions = await trx.selectFrom('problem_actions').select(['kind', 'status']).where('problem_id', '=', p.id).execute();
  return { status: p.status as ProblemStatus, hasRootCause: p.root_cause !== null && p.root_cause_category !== null, actions: actions.map((a) => ({ kind: a.kind as ActionKind, status: a.status as ActionStatus })) };
}

async function assertUserRole(db: Db, userId: string, roles: string[], code: string, what: string) {
  const u = await db.selectFrom('users').select(['id', 'role', 'active']).where('id', '=', userId).executeTakeFirst();
  if (!u) throw notFound('user', userId);
  if (u.active !== 1 || !roles.includes(u.role)) throw invalid(code, `${what} must be an active ${roles.join(', ')}.`, { role: u.role });
}

// ---- views ------------------------------------------------------------------------------------

const actionView = (a: ProblemActionsTable & { owner_name: string }, now: number): ActionView => ({
  id: a.id,
  problemId: a.problem_id,
  kind: a.kind as ActionKind,
  description: a.description,
  ownerId: a.owner_id,
  ownerName: a.owner_name,
  dueDate: a.due_date,
  dueAt: Number(a.due_at),
  calendarId: a.calendar_id,
  status: a.status as ActionStatus,
  completionNote: a.completion_note,
  doneAt: a.done_at === null ? null : Number(a.done_at),
  doneBy: a.done_by,
  overdue: a.overdue_at !== null || (a.status === 'open' ? Number(a.due_at) <= now : a.status === 'done' && a.done_at !== null && Number(a.done_at) > Number(a.due_at)),
  overdueAt: a.overdue_at === null ? null : Number(a.overdue_at),
  createdAt: Number(a.created_at),
});

async function summaries(ctx: Ctx, db: Db, rows: Array<ProblemsTable & { owner_name: string }>): Promise<ProblemSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const now = ctx.clock.now();
  const [cases, actions] = await Promise.all([
    db.selectFrom('problem_cases').select(['problem_id']).select((eb) => eb.fn.countAll<number>().as('n')).where('problem_id', 'in', ids).where('status', '=', 'linked').groupBy('problem_id').execute(),
    db
      .selectFrom('problem_actions')
      .select(['problem_id'])
      .select((eb) => [
        eb.fn.countAll<number>().as('open'),
        eb.fn.sum<number>(eb.case().when('due_at', '<=', now).then(1).else(0).end()).as('overdue'),
      ])
      .where('problem_id', 'in', ids)
      .where('status', '=', 'open')
      .groupBy('problem_id')
      .execute(),
  ]);
  const caseCount = new Map(cases.map((c) => [c.problem_id, Number(c.n)]));
  const actionCount = new Map(actions.map((a) => [a.problem_id, { open: Number(a.open), overdue: Number(a.overdue ?? 0) }]));
  return rows.map((p) => ({
    id: p.id,
    title: p.title,
    status: p.status as ProblemStatus,
    ownerId: p.owner_id,
    ownerName: p.owner_name,
    rootCauseCategory: p.root_cause_category as RootCauseCategory | null,
    caseCount: caseCount.get(p.id) ?? 0,
    openActions: actionCount.get(p.id)?.open ?? 0,
    overdueActions: actionCount.get(p.id)?.overdue ?? 0,
    checkDueAt: p.check_due_at === null ? null : Number(p.check_due_at),
    createdAt: Number(p.created_at),
    updatedAt: Number(p.updated_at),
  }));
}

async function problemView(ctx: Ctx, db: Db, id: string, actor: Actor): Promise<ProblemView> {
  const p = await db.selectFrom('problems as p').innerJoin('users as o', 'o.id', 'p.owner_id').selectAll('p').select('o.name as owner_name').where('p.id', '=', id).executeTakeFirst();
  if (!p) throw notFound('problem', id);
  const now = ctx.clock.now();
  const [summary] = await summaries(ctx, db, [p]);
  const [links, actions, checks] = await Promise.all([
    db
      .selectFrom('problem_cases as pc')
      .innerJoin('cases as c', 'c.id', 'pc.case_id')
      .leftJoin('users as u', 'u.id', 'pc.linked_by')
      .select(['pc.case_id', 'pc.status as link_status', 'pc.linked_by', 'pc.linked_at', 'u.name as linker_name'])
      .select(['c.number', 'c.subject', 'c.status', 'c.type', 'c.category_id', 'c.is_repeat', 'c.received_at', 'c.sensitive', 'c.owner_id', 'c.assignee_id', 'c.received_by'])
      .where('pc.problem_id', '=', id)
      .orderBy('c.received_at')
      .orderBy('c.id')
      .execute(),
    db.selectFrom('problem_actions as a').innerJoin('users as u', 'u.id', 'a.owner_id').selectAll('a').select('u.name as owner_name').where('a.problem_id', '=', id).orderBy('a.due_at').orderBy('a.id').execute(),
    db.selectFrom('problem_checks as k').leftJoin('users as u', 'u.id', 'k.checked_by').selectAll('k').select('u.name as checker_name').where('k.problem_id', '=', id).orderBy('k.checked_at').orderBy('k.id').execute(),
  ]);
  const visible = links.filter((l) => seesCase(actor, l));
  const cases: LinkedCaseView[] = visible.map((l) => ({
    caseId: l.case_id,
    number: l.number,
    subject: l.subject,
    status: l.status,
    type: l.type,
    categoryId: l.category_id,
    isRepeat: l.is_repeat === 1,
    receivedAt: Number(l.received_at),
    linkStatus: l.link_status as 'linked' | 'proposed',
    linkedBy: l.linked_by,
    linkedByName: l.linker_name,
    linkedAt: Number(l.linked_at),
  }));
  const checkViews: CheckView[] = checks.map((k) => ({
    id: k.id,
    result: k.result as CheckResult,
    evidence: k.evidence,
    checkedBy: k.checked_by,
    checkedByName: k.checker_name,
    checkedAt: Number(k.checked_at),
    casesBefore: k.cases_before,
    casesAfter: k.cases_after,
    windowDays: k.window_days,
  }));
  return {
    ...summary!,
    description: p.description,
    rootCause: p.root_cause,
    checkDays: p.check_days,
    actionsDoneAt: p.actions_done_at === null ? null : Number(p.actions_done_at),
    checkDate: p.check_date,
    checkResult: p.check_result as CheckResult | null,
    cancelReason: p.cancel_reason,
    createdBy: p.created_by,
    closedAt: p.closed_at === null ? null : Number(p.closed_at),
    cases,
    hiddenCases: links.length - visible.length,
    actions: actions.map((a) => actionView(a, now)),
    checks: checkViews,
    effectiveness: await effectivenessOf(ctx, db, p),
    canManage: mayManage(actor, p),
  };
}

export async function getProblem(ctx: Ctx, id: string, actor: Actor): Promise<ProblemView> {
  await assertMayRead(ctx, ctx.db, actor, id);
  return problemView(ctx, ctx.db, id, actor);
}

/** Problem records, newest first; agents see only those they may read. */
export async function listProblems(ctx: Ctx, query: ProblemListQuery, actor: Actor): Promise<{ items: ProblemSummary[]; nextCursor: string | null }> {
  requireStaff(actor);
  let q = (readsAll(actor) ? ctx.db.selectFrom('problems as p') : readableBy(ctx.db, actor)).innerJoin('users as o', 'o.id', 'p.owner_id').selectAll('p').select('o.name as owner_name');
  if (query.status === 'active') q = q.where('p.status', 'in', ACTIVE_PROBLEM_STATUSES);
  else if (query.status) q = q.where('p.status', '=', query.status);
  if (query.ownerId) q = q.where('p.owner_id', '=', query.ownerId);
  if (query.rootCauseCategory) q = q.where('p.root_cause_category', '=', query.rootCauseCategory);
  if (query.q) {
    const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    // ESCAPE named: SQLite's LIKE has no escape character otherwise; lower(): PostgreSQL's LIKE is case-sensitive, SQLite's not
    const matches = (col: 'p.title' | 'p.description') => sql<boolean>`lower(${sql.ref(col)}) like ${like} escape '\\'`;
    q = q.where((eb) => eb.or([matches('p.title'), matches('p.description')]));
  }
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    const v = Number(c.v);
    q = q.where((eb) => eb.or([eb('p.created_at', '<', v), eb.and([eb('p.created_at', '=', v), eb('p.id', '<', c.id)])]));
  }
  const rows = await q.orderBy('p.created_at', 'desc').orderBy('p.id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: await summaries(ctx, ctx.db, page), nextCursor: rows.length > query.limit && last ? encodeCursor({ v: Number(last.created_at), id: last.id }) : null };
}

/** The problem records a case is linked to (or proposed for): whoever may open the case sees them. */
export async function caseProblems(ctx: Ctx, caseId: string, actor: Actor): Promise<CaseProblemView[]> {
  requireStaff(actor);
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  const rows = await ctx.db
    .selectFrom('problem_cases as pc')
    .innerJoin('problems as p', 'p.id', 'pc.problem_id')
    .select(['p.id', 'p.title', 'p.status', 'p.root_cause_category', 'pc.status as link_status', 'pc.linked_at'])
    .where('pc.case_id', '=', caseId)
    .orderBy('pc.linked_at')
    .orderBy('p.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    status: r.status as ProblemStatus,
    rootCauseCategory: r.root_cause_category as RootCauseCategory | null,
    linkStatus: r.link_status as 'linked' | 'proposed',
    linkedAt: Number(r.linked_at),
  }));
}

// ---- links ------------------------------------------------------------------------------------

/** The case locked, visible to the actor and not erased: a case event is written on it. */
async function linkableCase(ctx: Ctx, trx: Db, caseId: string, actor: Actor): Promise<CasesTable> {
  let cq = trx.selectFrom('cases').selectAll().where('id', '=', caseId);
  if (ctx.ops.supportsForUpdate) cq = cq.forUpdate();
  const c = await cq.executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  if (c.erased_at !== null)
    throw conflict(
      'customer_erased',
      `The personal data of the customer of case ${c.number} was erased on ${new Date(c.erased_at).toISOString()}: the case is kept for the indicators and is not linked to problem records any more.`,
      { number: c.number },
    );
  return c;
}

/**
 * Links a case (the owner or a manager: linked; anyone else with the permission, e.g. the agent
 * handling it: proposed, until the owner links it too). Written on the case's timeline (internal).
 */
export async function linkCaseIn(ctx: Ctx, trx: Db, p: ProblemsTable, caseId: string, actor: Actor, via: 'link' | 'create' | 'resolve' = 'link'): Promise<'linked' | 'proposed' | 'unchanged'> {
  const c = await linkableCase(ctx, trx, caseId, actor);
  // the lead creating the record links its cases, whoever owns it; resolving a case with it links that case
  const status = via !== 'link' || mayManage(actor, p) ? 'linked' : 'proposed';
  const existing = await trx.selectFrom('problem_cases').select('status').where('problem_id', '=', p.id).where('case_id', '=', c.id).executeTakeFirst();
  if (existing?.status === 'linked' || (existing && status === 'proposed')) {
    if (via === 'resolve') return 'unchanged';
    throw conflict('case_already_linked', `Case ${c.number} is already ${existing.status === 'linked' ? 'linked to' : 'proposed for'} this problem record.`, { number: c.number, status: existing.status });
  }
  const now = ctx.clock.now();
  if (existing) await trx.updateTable('problem_cases').set({ status, linked_by: actor.id, linked_at: now }).where('problem_id', '=', p.id).where('case_id', '=', c.id).execute();
  else await trx.insertInto('problem_cases').values({ problem_id: p.id, case_id: c.id, status, linked_by: actor.id, linked_at: now }).execute();
  const data = { problemId: p.id, title: p.title, ...(via === 'resolve' ? { via } : {}), ...(existing ? { accepted: true } : {}) };
  // resolving with the record: the resolve's own internal problem_linked event is on the timeline already
  if (via !== 'resolve') await insertEvents(ctx, trx, c.id, actor, [{ type: status === 'linked' ? 'problem_linked' : 'problem_link_proposed', visibility: 'internal', data }]);
  await recordAudit(ctx, trx, { actor, action: status === 'linked' ? 'problem.link' : 'problem.propose_link', targetType: 'problem', targetId: p.id, after: { caseId: c.id, number: c.number, ...data } });
  return status;
}

export async function linkCase(ctx: Ctx, problemId: string, caseId: string, actor: Actor): Promise<ProblemView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockProblem(ctx, trx, problemId);
    // a proposal needs only the case to be seen; the record itself is found by its id
    assertActive(p);
    await linkCaseIn(ctx, trx, p, caseId, actor);
    await trx.updateTable('problems').set({ updated_at: ctx.clock.now() }).where('id', '=', p.id).execute();
    return problemView(ctx, trx, p.id, actor);
  });
}

/** The owner (or a manager) unlinks a case; whoever proposed a link may withdraw the proposal. */
export async function unlinkCase(ctx: Ctx, problemId: string, caseId: string, actor: Actor): Promise<ProblemView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockProblem(ctx, trx, problemId);
    const link = await trx.selectFrom('problem_cases').selectAll().where('problem_id', '=', p.id).where('case_id', '=', caseId).executeTakeFirst();
    if (!link) {
      await assertMayRead(ctx, trx, actor, p.id);
      throw notFound('problem_case', caseId);
    }
    if (!mayManage(actor, p) && !(link.status === 'proposed' && link.linked_by === actor.id)) assertManage(actor, p);
    assertActive(p);
    const c = await linkableCase(ctx, trx, caseId, actor);
    await trx.deleteFrom('problem_cases').where('problem_id', '=', p.id).where('case_id', '=', caseId).execute();
    const data = { problemId: p.id, title: p.title, was: link.status };
    await insertEvents(ctx, trx, c.id, actor, [{ type: 'problem_unlinked', visibility: 'internal', data }]);
    await recordAudit(ctx, trx, { actor, action: 'problem.unlink', targetType: 'problem', targetId: p.id, before: { caseId, status: link.status }, after: { caseId: c.id, number: c.number } });
    await trx.updateTable('problems').set({ updated_at: ctx.clock.now() }).where('id', '=', p.id).execute();
    return problemView(ctx, trx, p.id, actor);
  });
}

// ---- the record -------------------------------------------------------------------------------

export async function createProblem(ctx: Ctx, input: CreateProblemInput, actor: Actor): Promise<ProblemView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const ownerId = input.ownerId ?? actor.id;
    await assertUserRole(trx, ownerId, LEAD_ROLES, 'problem_owner_not_lead', 'The owner of a problem record');
    const now = ctx.clock.now();
    const row: ProblemsTable = {
      id: newId(),
      title: input.title,
      description: input.description,
      status: 'open',
      owner_id: ownerId,
      root_cause_category: null,
      root_cause: null,
      check_days: input.checkDays,
      actions_done_at: null,
      check_date: null,
      check_due_at: null,
      check_result: null,
      cancel_reason: null,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
      closed_at: null,
    };
    await trx.insertInto('problems').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'problem.create', targetType: 'problem', targetId: row.id, after: { title: row.title, ownerId, checkDays: row.check_days, caseIds: input.caseIds } });
    for (const caseId of [...new Set(input.caseIds)]) await linkCaseIn(ctx, trx, row, caseId, actor, 'create');
    return problemView(ctx, trx, row.id, actor);
  });
}

export async function updateProblem(ctx: Ctx, id: string, input: UpdateProblemInput, actor: Actor): Promise<ProblemView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockProblem(ctx, trx, id);
    assertManage(actor, p);
    assertActive(p);
    if (input.ownerId !== undefined) await assertUserRole(trx, input.ownerId, LEAD_ROLES, 'problem_owner_not_lead', 'The owner of a problem record');
    const set: Partial<ProblemsTable> = {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.ownerId !== undefined ? { owner_id: input.ownerId } : {}),
      ...(input.checkDays !== undefined ? { check_days: input.checkDays } : {}),
      ...(input.rootCauseCategory !== undefined ? { root_cause_category: input.rootCauseCategory } : {}),
      ...(input.rootCause !== undefined ? { root_cause: input.rootCause } : {}),
    };
    if (Object.keys(set).length === 0) throw invalid('no_change', 'Nothing to change.');
    await trx.updateTable('problems').set({ ...set, updated_at: ctx.clock.now() }).where('id', '=', p.id).execute();
    const before = Object.fromEntries(Object.keys(set).map((k) => [k, p[k as keyof ProblemsTable]]));
    await recordAudit(ctx, trx, { actor, action: 'problem.update', targetType: 'problem', targetId: p.id, before, after: set });
    return problemView(ctx, trx, p.id, actor);
  });
}

/** To checking: when the last action was done, the check is due `check_days` later, at the close of business of that day (or the next working one). */
async function enterChecking(ctx: Ctx, trx: Db, p: ProblemsTable, actor: Actor): Promise<void> {
  const now = ctx.clock.now();
  const cal = await calendarOf(ctx, CAPA_CALENDAR, trx);
  const checkDate = dateAfter(now, p.check_days, cal.spec.timeZone);
  const set = { status: 'checking', actions_done_at: now, check_date: checkDate, check_due_at: closeOfBusiness(cal, checkDate), updated_at: now };
  await trx.updateTable('problems').set(set).where('id', '=', p.id).execute();
  await recordAudit(ctx, trx, { actor, action: 'problem.move', targetType: 'problem', targetId: p.id, before: { status: p.status }, after: { status: 'checking', checkDate, checkDueAt: set.check_due_at } });
}

export async function moveProblem(ctx: Ctx, id: string, to: 'analysing' | 'actions' | 'cancelled', reason: string | undefined, actor: Actor): Promise<ProblemView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockProblem(ctx, trx, id);
    assertManage(actor, p);
    const f = await facts(trx, p);
    const ok = checkProblemMove(f, to);
    if (!ok.ok) throw conflict(ok.code, ok.message, { status: p.status, to });
    if (to === 'cancelled' && !reason) throw invalid('cancel_reason_required', 'Say why the problem record is cancelled.');
    const now = ctx.clock.now();
    const set: Partial<ProblemsTable> = { status: to, updated_at: now, ...(to === 'cancelled' ? { cancel_reason: reason!, closed_at: now } : {}) };
    await trx.updateTable('problems').set(set).where('id', '=', p.id).execute();
    await recordAudit(ctx, trx, { actor, action: 'problem.move', targetType: 'problem', targetId: p.id, before: { status: p.status }, after: { status: to, ...(reason ? { reason } : {}) } });
    // actions planned and done while analysing: checked at once
    if (to === 'actions' && readyForCheck({ ...f, status: 'actions' })) await enterChecking(ctx, trx, { ...p, ...set } as ProblemsTable, actor);
    return problemView(ctx, trx, p.id, actor);
  });
}

// ---- actions ----------------------------------------------------------------------------------

export async function addAction(ctx: Ctx, problemId: string, input: NewActionInput, actor: Actor): Promise<ProblemView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockProblem(ctx, trx, problemId);
    assertManage(actor, p);
    assertActive(p);
    if (p.status === 'checking')
      throw conflict('check_required', 'The problem is waiting for its effectiveness check: record it as not having worked to plan further actions.');
    await assertUserRole(trx, input.ownerId, HANDLER_ROLES, 'action_owner_invalid', 'The owner of an action');
    const cal = await calendarOf(ctx, CAPA_CALENDAR, trx);
    const now = ctx.clock.now();
    if (input.dueDate < dateAfter(now, 0, cal.spec.timeZone)) throw invalid('due_date_past', `The due date ${input.dueDate} is in the past.`);
    let dueAt: number;
    try {
      dueAt = closeOfBusiness(cal, input.dueDate);
    } catch (e) {
      if (e instanceof RangeError || e instanceof TypeError) throw invalid('due_date_out_of_range', `The calendar does not cover ${input.dueDate}.`);
      throw e;
    }
    const row: ProblemActionsTable = {
      id: newId(),
      problem_id: p.id,
      kind: input.kind,
      description: input.description,
      owner_id: input.ownerId,
      due_date: input.dueDate,
      due_at: dueAt,
      calendar_id: CAPA_CALENDAR,
      status: 'open',
      completion_note: null,
      done_at: null,
      done_by: null,
      overdue_at: null,
      created_by: actor.id,
      created_at: now,
    };
    await trx.insertInto('problem_actions').values(row).execute();
    await trx.updateTable('problems').set({ updated_at: now }).where('id', '=', p.id).execute();
    await recordAudit(ctx, trx, { actor, action: 'problem.action.add', targetType: 'problem_action', targetId: row.id, after: { problemId: p.id, kind: row.kind, ownerId: row.owner_id, dueDate: row.due_date, dueAt } });
    return problemView(ctx, trx, p.id, actor);
  });
}

async function finishAction(ctx: Ctx, problemId: string, actionId: string, outcome: 'done' | 'cancelled', text: string, actor: Actor): Promise<ProblemView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockProblem(ctx, trx, problemId);
    const a = await trx.selectFrom('problem_actions').selectAll().where('id', '=', actionId).where('problem_id', '=', p.id).executeTakeFirst();
    if (!a) {
      await assertMayRead(ctx, trx, actor, p.id);
      throw notFound('problem_action', actionId);
    }
    // its owner marks it done; the problem's owner (or a manager) may do either
    if (!mayManage(actor, p) && !(outcome === 'done' && a.owner_id === actor.id)) assertManage(actor, p);
    assertActive(p);
    if (a.status !== 'open') throw conflict('action_not_open', `The action is already ${a.status}.`, { status: a.status });
    const now = ctx.clock.now();
    const set = outcome === 'done' ? { status: 'done', completion_note: text, done_at: now, done_by: actor.id } : { status: 'cancelled', completion_note: text, done_at: now, done_by: actor.id };
    await trx.updateTable('problem_actions').set(set).where('id', '=', a.id).execute();
    await trx.updateTable('problems').set({ updated_at: now }).where('id', '=', p.id).execute();
    await recordAudit(ctx, trx, { actor, action: outcome === 'done' ? 'problem.action.done' : 'problem.action.cancel', targetType: 'problem_action', targetId: a.id, before: { status: 'open' }, after: { problemId: p.id, ...set } });
    if (readyForCheck(await facts(trx, p))) await enterChecking(ctx, trx, p, actor);
    return problemView(ctx, trx, p.id, actor);
  });
}

export const completeAction = (ctx: Ctx, problemId: string, actionId: string, note: string, actor: Actor) => finishAction(ctx, problemId, actionId, 'done', note, actor);
export const cancelAction = (ctx: Ctx, problemId: string, actionId: string, reason: string, actor: Actor) => finishAction(ctx, problemId, actionId, 'cancelled', reason, actor);

// ---- the effectiveness check ------------------------------------------------------------------

/**
 * The owner records whether the actions worked, from the check date on (SPEC 8: "a later check of
 * whether the actions worked"), with the evidence; the counts shown then are kept with it.
 * Worked: closed. Did not work: back to actions, for more (or other) actions.
 */
export async function checkProblem(ctx: Ctx, id: string, result: CheckResult, evidence: string, actor: Actor): Promise<ProblemView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const p = await lockProblem(ctx, trx, id);
    assertManage(actor, p);
    if (p.status !== 'checking') throw conflict('problem_not_checking', `The problem record is ${p.status}: its effectiveness is checked once every action is done.`, { status: p.status });
    const cal = await calendarOf(ctx, CAPA_CALENDAR, trx);
    const today = dateAfter(ctx.clock.now(), 0, cal.spec.timeZone);
    if (p.check_date !== null && today < p.check_date)
      throw conflict('check_not_due', `The effectiveness check is due on ${p.check_date}: give the actions that long to show whether they worked.`, { checkDate: p.check_date });
    const ev = await effectivenessOf(ctx, trx, p);
    const now = ctx.clock.now();
    const check = {
      id: newId(),
      problem_id: p.id,
      result,
      evidence,
      checked_by: actor.id,
      checked_at: now,
      cases_before: ev?.before.count ?? null,
      cases_after: ev?.after.count ?? null,
      window_days: ev ? Math.round(ev.windowMs / 86_400_000) : null,
    };
    await trx.insertInto('problem_checks').values(check).execute();
    const set: Partial<ProblemsTable> =
      result === 'worked'
        ? { status: 'closed', check_result: result, closed_at: now, updated_at: now }
        : { status: 'actions', check_result: result, actions_done_at: null, check_date: null, check_due_at: null, updated_at: now };
    const move = checkProblemMove(await facts(trx, p), set.status as ProblemStatus, 'check');
    if (!move.ok) throw conflict(move.code, move.message);
    await trx.updateTable('problems').set(set).where('id', '=', p.id).execute();
    await recordAudit(ctx, trx, { actor, action: 'problem.check', targetType: 'problem', targetId: p.id, before: { status: p.status }, after: { status: set.status, result, casesBefore: check.cases_before, casesAfter: check.cases_after, windowDays: check.window_days } });
    return problemView(ctx, trx, p.id, actor);
  });
}
