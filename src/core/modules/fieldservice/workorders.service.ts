import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, DomainError, forbidden, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { assertCanSee, insertEvents, mutateCase, type CasesTable } from '../cases/index.ts';
import { calendarOf } from '../commitments/index.ts';
import { authorityOf, can } from '../users/index.ts';
import type {
  AddPartInput,
  BookInput,
  ChecklistItem,
  CreateWorkOrderInput,
  FieldReport,
  QuoteItem,
  WorkOrderListQuery,
  WorkOrderStatus,
  WorkOrderType,
  WorkOrderView,
} from './fieldservice.schemas.ts';
import type { WorkOrdersTable } from './fieldservice.table.ts';
import { checklistFor, dayIn, instantOf, mayMove, overlaps, partWarrantyEnd, quoteTotalFen, rankEngineers, serviceKindOn, type Suggestion } from './rules.ts';

type Db = Kysely<Database>;

/** Statuses that hold an engineer's appointment window. */
const BOOKED: WorkOrderStatus[] = ['scheduled', 'en_route', 'on_site'];

const withNames = (db: Db) =>
  db
    .selectFrom('work_orders as w')
    .leftJoin('cases as c', 'c.id', 'w.case_id')
    .leftJoin('customer_products as p', 'p.id', 'w.product_id')
    .leftJoin('customers as cu', 'cu.id', 'w.customer_id')
    .leftJoin('users as u', 'u.id', 'w.engineer_id')
    .selectAll('w')
    .select(['c.number as case_number', 'c.sensitive as case_sensitive', 'p.model', 'p.serial', 'cu.name as customer_name', 'u.name as engineer_name']);

type Row = WorkOrdersTable & { case_number: string | null; case_sensitive: number | null; model: string | null; serial: string | null; customer_name: string | null; engineer_name: string | null };

async function views(db: Db, rows: Row[]): Promise<WorkOrderView[]> {
  const ids = rows.map((r) => r.id);
  const parts = ids.length ? await db.selectFrom('work_order_parts').selectAll().where('work_order_id', 'in', ids).orderBy('created_at').orderBy('id').execute() : [];
  return rows.map((r) => {
    const items = r.quote ? (JSON.parse(r.quote) as QuoteItem[]) : null;
    const report = r.report ? (JSON.parse(r.report) as FieldReport) : null;
    return {
      id: r.id,
      caseId: r.case_id,
      caseNumber: r.case_number,
      productId: r.product_id,
      model: r.model,
      serial: r.serial,
      customerId: r.customer_id,
      customerName: r.customer_name,
      type: r.type as WorkOrderType,
      status: r.status as WorkOrderStatus,
      area: r.area,
      skill: r.skill,
      serviceKind: r.service_kind as WorkOrderView['serviceKind'],
      problem: r.problem,
      quote: items ? { items, totalFen: quoteTotalFen(items), currency: 'CNY', acceptedAt: r.quote_accepted_at === null ? null : Number(r.quote_accepted_at), acceptedBy: r.quote_accepted_by } : null,
      remote: r.remote_outcome ? { outcome: r.remote_outcome as 'resolved' | 'not_resolved', notes: r.remote_notes, at: Number(r.remote_at) } : null,
      overrideReason: r.override_reason,
      engineerId: r.engineer_id,
      engineerName: r.engineer_name,
      visitDate: r.visit_date,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      visits: r.visits,
      checklist: JSON.parse(r.checklist) as ChecklistItem[],
      report,
      parts: parts
        .filter((p) => p.work_order_id === r.id)
        .map((p) => ({
          id: p.id,
          partNo: p.part_no,
          name: p.name,
          qty: p.qty,
          unitPriceFen: p.unit_price_fen,
          partSerial: p.part_serial,
          warrantyMonths: p.warranty_months,
          installedOn: p.installed_on,
          warrantyEndsOn: p.warranty_ends_on,
        })),
      signoff: r.signed_at !== null && r.signed_by_name ? { signerName: r.signed_by_name, at: Number(r.signed_at), confirmation: r.signoff_confirmation } : null,
      cancelReason: r.cancel_reason,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    };
  });
}

async function viewOf(db: Db, id: string): Promise<WorkOrderView> {
  const r = await withNames(db).where('w.id', '=', id).executeTakeFirst();
  if (!r) throw notFound('work_order', id);
  return (await views(db, [r as Row]))[0]!;
}

const requireStaff = (actor: Actor) => {
  if (actor.kind !== 'staff') throw forbidden();
};

/** The case of a work order, which the actor must be allowed to open (a restricted case: its handlers and leads; its engineer too). */
async function caseFor(db: Db, caseId: string, actor: Actor, engineerId: string | null = null): Promise<CasesTable> {
  const c = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  if (engineerId !== actor.id) assertCanSee(actor, c);
  return c;
}

/** Locks and reads a work order the actor may see. */
async function load(ctx: Ctx, trx: Db, id: string, actor: Actor): Promise<WorkOrdersTable> {
  let q = trx.selectFrom('work_orders').selectAll().where('id', '=', id);
  if (ctx.ops.supportsForUpdate) q = q.forUpdate();
  const w = await q.executeTakeFirst();
  if (!w) throw notFound('work_order', id);
  await caseFor(trx, w.case_id, actor, w.engineer_id);
  return w;
}

/** On-site work (moves, checklist, parts, report, sign-off) is the booked engineer's, or a lead's. */
function assertEngineerOrLead(actor: Actor, w: WorkOrdersTable): void {
  if (w.engineer_id === actor.id || authorityOf(actor.role) >= 2) return;
  throw new DomainError('not_the_engineer', 'Only the engineer booked for this visit (or a lead) records what is done on site.', 403);
}

function assertStatus(w: WorkOrdersTable, allowed: readonly WorkOrderStatus[], what: string): void {
  if (allowed.includes(w.status as WorkOrderStatus)) return;
  if (w.status === 'signed_off') throw conflict('work_order_read_only', 'The customer signed the work order off: it is read-only.');
  throw conflict('work_order_wrong_status', `A work order that is ${w.status} cannot ${what}.`, { status: w.status, allowed });
}

async function event(ctx: Ctx, trx: Db, w: WorkOrdersTable, actor: Actor, type: string, data: Record<string, unknown>, body: string | null = null) {
  await insertEvents(ctx, trx, w.case_id, actor, [{ type, visibility: 'internal', body, data: { workOrderId: w.id, type: w.type, ...data } }]);
}

async function update(ctx: Ctx, trx: Db, id: string, set: Partial<WorkOrdersTable>): Promise<void> {
  await trx.updateTable('work_orders').set({ ...set, updated_at: ctx.clock.now() }).where('id', '=', id).execute();
}

// ---- reading ---------------------------------------------------------------------------------

export async function getWorkOrder(ctx: Ctx, id: string, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  const w = await ctx.db.selectFrom('work_orders').select(['case_id', 'engineer_id']).where('id', '=', id).executeTakeFirst();
  if (!w) throw notFound('work_order', id);
  await caseFor(ctx.db, w.case_id, actor, w.engineer_id);
  return viewOf(ctx.db, id);
}

/** Work orders, newest first; `mine`: the visits booked for me, soonest first. Restricted cases only for those who may open them. */
export async function listWorkOrders(ctx: Ctx, f: WorkOrderListQuery, actor: Actor): Promise<WorkOrderView[]> {
  requireStaff(actor);
  let q = withNames(ctx.db);
  if (f.status) q = q.where('w.status', '=', f.status);
  if (f.caseId) q = q.where('w.case_id', '=', f.caseId);
  if (f.productId) q = q.where('w.product_id', '=', f.productId);
  if (f.scope === 'mine') q = q.where('w.engineer_id', '=', actor.id).orderBy('w.starts_at').orderBy('w.id');
  else q = q.orderBy('w.created_at', 'desc').orderBy('w.id');
  if (!can(actor.role, 'case.read_sensitive'))
    q = q.where((eb) => eb.or([eb('c.sensitive', 'is', null), eb('c.sensitive', '=', 0), eb('w.engineer_id', '=', actor.id), eb('c.assignee_id', '=', actor.id), eb('c.owner_id', '=', actor.id)]));
  return views(ctx.db, (await q.limit(f.limit).execute()) as Row[]);
}

/** A customer's work orders, oldest first, as staff see them (privacy's export). */
export async function customerWorkOrders(db: Db, customerId: string): Promise<WorkOrderView[]> {
  return views(db, (await withNames(db).where('w.customer_id', '=', customerId).orderBy('w.created_at').orderBy('w.id').execute()) as Row[]);
}

// ---- creating, remote support, quote ---------------------------------------------------------

/** A work order on a case for one of the case's customer's products; its service kind follows from the product today. */
export async function createWorkOrder(ctx: Ctx, input: CreateWorkOrderInput, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const c = await caseFor(trx, input.caseId, actor);
    if (c.erased_at !== null) throw conflict('customer_erased', "The customer's personal data was erased: nobody is sent.");
    const p = await trx.selectFrom('customer_products').selectAll().where('id', '=', input.productId).executeTakeFirst();
    if (!p) throw notFound('customer_product', input.productId);
    if (c.customer_id !== p.customer_id) throw invalid('product_of_other_customer', "The product is not registered to the case's customer.");
    const contract = p.contract_id ? await trx.selectFrom('service_contracts').selectAll().where('id', '=', p.contract_id).executeTakeFirst() : undefined;
    const now = ctx.clock.now();
    const kind = serviceKindOn(dayIn(now, ctx.config.timeZone), { warrantyEndsOn: p.warranty_ends_on, contract: contract ? { startsOn: contract.starts_on, endsOn: contract.ends_on } : null });
    const row: WorkOrdersTable = {
      id: newId(),
      case_id: c.id,
      product_id: p.id,
      customer_id: p.customer_id,
      type: input.type,
      status: 'new',
      area: input.area,
      skill: input.skill ?? null,
      service_kind: kind,
      quote: null,
      quote_accepted_at: null,
      quote_accepted_by: null,
      remote_outcome: null,
      remote_notes: null,
      remote_at: null,
      override_reason: null,
      engineer_id: null,
      visit_date: null,
      window_start: null,
      window_end: null,
      starts_at: null,
      ends_at: null,
      visits: 0,
      checklist: JSON.stringify(checklistFor(input.type)),
      report: null,
      arrived_at: null,
      completed_at: null,
      signed_by_name: null,
      signed_at: null,
      signoff_confirmation: null,
      cancel_reason: null,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
      problem: input.problem ?? null,
    };
    await trx.insertInto('work_orders').values(row).execute();
    await event(ctx, trx, row, actor, 'work_order_created', { serviceKind: kind, productId: p.id, model: p.model, serial: p.serial });
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.work_order.create', targetType: 'work_order', targetId: row.id, after: { ...input, serviceKind: kind } });
    return viewOf(trx, row.id);
  });
}

/** Remote support first: resolved -> the work order is completed without a visit; not resolved -> it may be scheduled. */
export async function recordRemoteSupport(ctx: Ctx, id: string, input: { outcome: 'resolved' | 'not_resolved'; notes?: string | undefined }, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const w = await load(ctx, trx, id, actor);
    assertStatus(w, ['new', 'remote_support'], 'record remote support');
    const now = ctx.clock.now();
    const status: WorkOrderStatus = input.outcome === 'resolved' ? 'completed' : 'remote_support';
    await update(ctx, trx, id, { status, remote_outcome: input.outcome, remote_notes: input.notes || null, remote_at: now, ...(status === 'completed' ? { completed_at: now } : {}) });
    await event(ctx, trx, w, actor, 'remote_support', { outcome: input.outcome }, input.notes || null);
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.remote_support', targetType: 'work_order', targetId: id, before: { status: w.status }, after: { status, outcome: input.outcome } });
    return viewOf(trx, id);
  });
}

/** The fee quote of a paid service (labour, parts, call-out; CNY): a new quote needs the customer's acceptance again. */
export async function setQuote(ctx: Ctx, id: string, items: QuoteItem[], actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const w = await load(ctx, trx, id, actor);
    if (w.service_kind !== 'paid') throw conflict('quote_not_needed', `This service is ${w.service_kind === 'warranty' ? 'under warranty' : 'under a contract'}: there is nothing to charge.`);
    assertStatus(w, ['new', 'remote_support'], 'be quoted');
    await update(ctx, trx, id, { quote: JSON.stringify(items), quote_accepted_at: null, quote_accepted_by: null });
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.quote', targetType: 'work_order', targetId: id, after: { items, totalFen: quoteTotalFen(items) } });
    return viewOf(trx, id);
  });
}

/** The customer accepted the quote (recorded by staff, with who accepted it). */
export async function acceptQuote(ctx: Ctx, id: string, acceptedBy: string, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const w = await load(ctx, trx, id, actor);
    if (!w.quote) throw conflict('quote_missing', 'There is no quote to accept.');
    assertStatus(w, ['new', 'remote_support'], 'have its quote accepted');
    if (w.quote_accepted_at !== null) throw conflict('quote_already_accepted', 'The quote was accepted already.');
    await update(ctx, trx, id, { quote_accepted_at: ctx.clock.now(), quote_accepted_by: acceptedBy });
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.quote.accept', targetType: 'work_order', targetId: id, after: { acceptedBy } });
    return viewOf(trx, id);
  });
}

// ---- dispatch --------------------------------------------------------------------------------

async function bookedOn(db: Db, date: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('work_orders')
    .select(['engineer_id'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('visit_date', '=', date)
    .where('status', 'in', [...BOOKED, 'completed', 'signed_off'])
    .where('engineer_id', 'is not', null)
    .groupBy('engineer_id')
    .execute();
  return new Map(rows.map((r) => [r.engineer_id!, Number(r.n)]));
}

/** Engineers for the work order's visit on a day, ranked (rules.ts: rankEngineers). */
export async function suggestEngineers(ctx: Ctx, id: string, date: string, actor: Actor): Promise<Suggestion[]> {
  requireStaff(actor);
  const w = await ctx.db.selectFrom('work_orders').selectAll().where('id', '=', id).executeTakeFirst();
  if (!w) throw notFound('work_order', id);
  await caseFor(ctx.db, w.case_id, actor);
  const engineers = await ctx.db
    .selectFrom('field_engineers as e')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.user_id', 'e.areas', 'e.max_daily_visits', 'u.name', 'u.skills'])
    .where('e.active', '=', 1)
    .where('u.active', '=', 1)
    .execute();
  const booked = await bookedOn(ctx.db, date);
  return rankEngineers(
    engineers.map((e) => ({ userId: e.user_id, name: e.name, areas: JSON.parse(e.areas) as string[], skills: JSON.parse(e.skills) as string[], maxDailyVisits: e.max_daily_visits, booked: booked.get(e.user_id) ?? 0 })),
    { area: w.area, skill: w.skill },
  );
}

/**
 * Books (or re-books: another visit from on site; a scheduled visit moved, with a reason, which
 * frees its old window) an engineer for an appointment window on a working day of the standard
 * calendar. Refused: a repair with no remote-support attempt (unless
 * an override reason, audited), a paid service whose quote the customer has not accepted, an
 * engineer whose window overlaps another booking or whose day is full. The engineer's row is
 * locked so two dispatchers cannot book the same window at once.
 */
export async function bookVisit(ctx: Ctx, id: string, input: BookInput, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  if (input.windowEnd <= input.windowStart) throw invalid('window_invalid', 'An appointment window ends after it starts.');
  const cal = await calendarOf(ctx, 'standard');
  if (!cal.isWorkingDay(input.date)) throw invalid('not_working_day', `${input.date} is not a working day of the service calendar.`);
  return ctx.db.transaction().execute(async (trx) => {
    const w = await load(ctx, trx, id, actor);
    assertStatus(w, ['new', 'remote_support', 'scheduled', 'on_site'], 'be scheduled');
    const rescheduling = w.status === 'scheduled';
    if (rescheduling && !input.reason) throw invalid('reschedule_reason_required', 'Say why the visit is moved to another engineer or window.');
    if (w.type === 'repair' && w.status !== 'on_site' && !rescheduling && w.remote_outcome !== 'not_resolved' && !input.overrideReason)
      throw conflict('remote_support_first', 'Try remote support first: record its outcome, or give a reason to send an engineer at once.');
    if (w.service_kind === 'paid' && w.quote_accepted_at === null) throw conflict('quote_not_accepted', 'A paid service is scheduled after the customer accepts the fee quote.');
    let eq = trx.selectFrom('field_engineers').selectAll().where('user_id', '=', input.engineerId);
    if (ctx.ops.supportsForUpdate) eq = eq.forUpdate();
    const eng = await eq.executeTakeFirst();
    if (!eng || eng.active !== 1) throw invalid('not_an_engineer', 'Book an active field engineer.');
    const startsAt = instantOf(input.date, input.windowStart, ctx.config.timeZone);
    const endsAt = instantOf(input.date, input.windowEnd, ctx.config.timeZone);
    const theirs = await trx
      .selectFrom('work_orders')
      .select(['id', 'starts_at', 'ends_at'])
      .where('engineer_id', '=', input.engineerId)
      .where('visit_date', '=', input.date)
      .where('status', 'in', [...BOOKED, 'completed', 'signed_off'])
      .where('id', '<>', id)
      .execute();
    const clash = theirs.find((o) => o.starts_at !== null && o.ends_at !== null && overlaps(startsAt, endsAt, Number(o.starts_at), Number(o.ends_at)));
    if (clash) throw conflict('engineer_double_booked', 'The engineer has another visit in an overlapping window.', { workOrderId: clash.id });
    if (theirs.length >= eng.max_daily_visits) throw conflict('engineer_day_full', `The engineer has ${theirs.length} visits that day already (at most ${eng.max_daily_visits}).`);
    const override = w.type === 'repair' && w.remote_outcome === null && w.status !== 'on_site' && !rescheduling ? (input.overrideReason ?? null) : null;
    await update(ctx, trx, id, {
      status: 'scheduled',
      engineer_id: input.engineerId,
      visit_date: input.date,
      window_start: input.windowStart,
      window_end: input.windowEnd,
      starts_at: startsAt,
      ends_at: endsAt,
      ...(override ? { override_reason: override } : {}),
    });
    await event(ctx, trx, w, actor, rescheduling ? 'visit_rescheduled' : 'visit_booked', { engineerId: input.engineerId, date: input.date, window: `${input.windowStart}-${input.windowEnd}`, overrideReason: override }, rescheduling ? (input.reason ?? null) : null);
    await recordAudit(ctx, trx, {
      actor,
      action: rescheduling ? 'fieldservice.reschedule' : override ? 'fieldservice.book.override' : 'fieldservice.book',
      targetType: 'work_order',
      targetId: id,
      before: { status: w.status, engineerId: w.engineer_id, date: w.visit_date, window: w.window_start === null ? null : `${w.window_start}-${w.window_end}` },
      after: { ...input, status: 'scheduled' },
    });
    return viewOf(trx, id);
  });
}

// ---- the visit -------------------------------------------------------------------------------

/**
 * The engineer sets off (en_route), arrives (on_site) or the work order is cancelled. Arriving is
 * a visit: a `field_visit` event on the case, written through the case's own change so that
 * analytics counts it (a second visit makes the case no first-contact resolution).
 */
export async function moveWorkOrder(ctx: Ctx, id: string, input: { to: 'en_route' | 'on_site' | 'cancelled'; reason?: string | undefined }, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  const peek = await ctx.db.selectFrom('work_orders').select(['case_id']).where('id', '=', id).executeTakeFirst();
  if (!peek) throw notFound('work_order', id);
  if (input.to === 'cancelled' && !input.reason) throw invalid('reason_required', 'Give a reason to cancel a work order.');
  if (input.to === 'on_site') {
    await mutateCase(ctx, peek.case_id, actor, 'status', 'fieldservice.visit', async (_c, trx) => {
      const w = await arrive(ctx, trx, id, actor);
      return { set: {}, events: [{ type: 'field_visit', visibility: 'internal', data: { workOrderId: id, type: w.type, visit: w.visits + 1, engineerId: w.engineer_id } }] };
    });
    return viewOf(ctx.db, id);
  }
  return ctx.db.transaction().execute(async (trx) => {
    const w = await load(ctx, trx, id, actor);
    if (!mayMove(w.status as WorkOrderStatus, input.to)) assertStatus(w, [], input.to === 'cancelled' ? 'be cancelled' : 'set off');
    if (input.to === 'en_route') assertEngineerOrLead(actor, w);
    await update(ctx, trx, id, { status: input.to, ...(input.to === 'cancelled' ? { cancel_reason: input.reason ?? null } : {}) });
    if (input.to === 'cancelled') await event(ctx, trx, w, actor, 'work_order_cancelled', {}, input.reason ?? null);
    await recordAudit(ctx, trx, { actor, action: `fieldservice.${input.to}`, targetType: 'work_order', targetId: id, before: { status: w.status }, after: { status: input.to, reason: input.reason } });
    return viewOf(trx, id);
  });
}

async function arrive(ctx: Ctx, trx: Db, id: string, actor: Actor): Promise<WorkOrdersTable> {
  const w = await load(ctx, trx, id, actor);
  if (!mayMove(w.status as WorkOrderStatus, 'on_site')) assertStatus(w, ['en_route'], 'arrive on site');
  assertEngineerOrLead(actor, w);
  await update(ctx, trx, id, { status: 'on_site', visits: w.visits + 1, arrived_at: ctx.clock.now() });
  await recordAudit(ctx, trx, { actor, action: 'fieldservice.on_site', targetType: 'work_order', targetId: id, before: { status: w.status }, after: { status: 'on_site', visits: w.visits + 1 } });
  return w;
}

/** Ticks checklist items (keys of the type's template) with notes. */
export async function tickChecklist(ctx: Ctx, id: string, items: Array<{ key: string; done: boolean; note?: string | null | undefined }>, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const w = await load(ctx, trx, id, actor);
    assertEngineerOrLead(actor, w);
    assertStatus(w, ['on_site', 'completed'], 'have its checklist changed');
    const list = JSON.parse(w.checklist) as ChecklistItem[];
    const unknown = items.filter((i) => !list.some((l) => l.key === i.key)).map((i) => i.key);
    if (unknown.length) throw invalid('checklist_item_unknown', `Not on this work order's checklist: ${unknown.join(', ')}.`, { keys: unknown });
    const next = list.map((l) => {
      const i = items.find((x) => x.key === l.key);
      return i ? { key: l.key, done: i.done, note: i.note || null } : l;
    });
    await update(ctx, trx, id, { checklist: JSON.stringify(next) });
    return viewOf(trx, id);
  });
}

/** A spare part used; its own warranty runs from today (the centre's date) for its months. */
export async function addPart(ctx: Ctx, id: string, input: AddPartInput, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const w = await load(ctx, trx, id, actor);
    assertEngineerOrLead(actor, w);
    assertStatus(w, ['on_site', 'completed'], 'have parts added');
    const now = ctx.clock.now();
    const installedOn = dayIn(now, ctx.config.timeZone);
    await trx
      .insertInto('work_order_parts')
      .values({
        id: newId(),
        work_order_id: id,
        part_no: input.partNo,
        name: input.name,
        qty: input.qty,
        unit_price_fen: input.unitPriceFen,
        part_serial: input.partSerial ?? null,
        warranty_months: input.warrantyMonths,
        installed_on: installedOn,
        warranty_ends_on: partWarrantyEnd(installedOn, input.warrantyMonths),
        created_by: actor.id,
        created_at: now,
      })
      .execute();
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.part', targetType: 'work_order', targetId: id, after: input });
    return viewOf(trx, id);
  });
}

/** The engineer finishes on site with the field report (work done, findings, time on site). */
export async function completeWorkOrder(ctx: Ctx, id: string, report: FieldReport, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const w = await load(ctx, trx, id, actor);
    assertEngineerOrLead(actor, w);
    assertStatus(w, ['on_site'], 'be completed');
    await update(ctx, trx, id, { status: 'completed', report: JSON.stringify(report), completed_at: ctx.clock.now() });
    await event(ctx, trx, w, actor, 'work_order_completed', { minutesOnSite: report.minutesOnSite }, report.workDone);
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.complete', targetType: 'work_order', targetId: id, before: { status: w.status }, after: { status: 'completed', report } });
    return viewOf(trx, id);
  });
}

/** The customer signs the field report off (name, time, optional typed confirmation); then it is read-only. A maintenance sign-off dates the product's last maintenance. */
export async function signOff(ctx: Ctx, id: string, input: { signerName: string; confirmation?: string | undefined }, actor: Actor): Promise<WorkOrderView> {
  requireStaff(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const w = await load(ctx, trx, id, actor);
    assertEngineerOrLead(actor, w);
    assertStatus(w, ['completed'], 'be signed off');
    if (w.visits === 0 || !w.report) throw conflict('no_field_report', 'Only a visit with a field report is signed off by the customer.');
    const now = ctx.clock.now();
    await update(ctx, trx, id, { status: 'signed_off', signed_by_name: input.signerName, signed_at: now, signoff_confirmation: input.confirmation || null });
    if (w.type === 'maintenance') await trx.updateTable('customer_products').set({ last_maintained_on: dayIn(now, ctx.config.timeZone) }).where('id', '=', w.product_id).execute();
    await event(ctx, trx, w, actor, 'work_order_signed_off', { signerName: input.signerName });
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.signoff', targetType: 'work_order', targetId: id, before: { status: w.status }, after: { status: 'signed_off', signerName: input.signerName } });
    return viewOf(trx, id);
  });
}
