import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { forbidden } from '../../shared/errors.ts';
import { getCase, type CaseEventView, type CaseStatus } from '../cases/index.ts';
import type { PortalCaseDetail, PortalCommitment, PortalEvent, PortalList, PortalListQuery } from './portal.schemas.ts';

const DONE: CaseStatus[] = ['resolved', 'closed'];
/** The commitments told to the customer in the acknowledgement (SPEC 1); the internal steps (reception, review, handling) are not. */
const PROMISED_KINDS = ['first_response', 'resolution'] as const;

function assertCustomer(actor: Actor): void {
  if (actor.kind !== 'customer') throw forbidden('The portal is for customers; staff use the workspace.');
}

/** A customer's own cases, open ones first, then the latest changed first; a page at a time. */
export async function listOwnCases(ctx: Ctx, q: PortalListQuery, actor: Actor): Promise<PortalList> {
  assertCustomer(actor);
  // an account linked to no customer has no cases (and PostgreSQL refuses a NUL byte as a stand-in id)
  if (!actor.customerId) return { items: [], page: q.page, pageSize: q.pageSize, total: 0 };
  let base = ctx.db.selectFrom('cases').where('customer_id', '=', actor.customerId);
  if (q.show === 'open') base = base.where('status', 'not in', DONE);
  if (q.show === 'done') base = base.where('status', 'in', DONE);
  const [rows, count] = await Promise.all([
    base
      .select(['id', 'number', 'subject', 'type', 'status', 'received_at', 'updated_at'])
      .orderBy(sql`case when status in ('resolved', 'closed') then 1 else 0 end`)
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({ id: r.id, number: r.number, subject: r.subject, type: r.type, status: r.status as CaseStatus, receivedAt: Number(r.received_at), updatedAt: Number(r.updated_at) })),
    page: q.page,
    pageSize: q.pageSize,
    total: Number(count.n),
  };
}

const byOf = (e: CaseEventView): PortalEvent['by'] => (e.actorKind === 'customer' ? 'you' : e.actorKind === 'system' ? 'system' : 'staff');

/** Of a public event's data, only what a customer is meant to read (whatever else other modules put there stays inside). */
function publicData(e: CaseEventView): PortalEvent['data'] {
  const d = e.data ?? {};
  const out: PortalEvent['data'] = {};
  if (typeof d.attachmentId === 'string') out.attachmentId = d.attachmentId;
  if (typeof d.filename === 'string') out.filename = d.filename;
  if (typeof d.size === 'number') out.size = d.size;
  if (e.type === 'closed' && typeof d.reason === 'string') out.reason = d.reason;
  if (e.type === 'acknowledged') {
    if (typeof d.firstResponseDueAt === 'number') out.firstResponseDueAt = d.firstResponseDueAt;
    if (typeof d.resolutionDueAt === 'number') out.resolutionDueAt = d.resolutionDueAt;
  }
  return out;
}

/**
 * One of the customer's own cases as the portal shows it: the case's public part (the case
 * service's customer view: public events only, access checked and the read audited), and the
 * promises made to them with whether they were kept. Someone else's case: 404 case_not_found.
 */
export async function getOwnCase(ctx: Ctx, caseId: string, actor: Actor): Promise<PortalCaseDetail> {
  assertCustomer(actor);
  const d = await getCase(ctx, caseId, actor);
  const targets = await ctx.db
    .selectFrom('case_targets')
    .select(['kind', 'state', 'due_at', 'met_at'])
    .where('case_id', '=', caseId)
    .where('kind', 'in', [...PROMISED_KINDS])
    .where('state', '!=', 'cancelled')
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  // as the acknowledgement says them: the first reply, then the solution (each kind in the order started)
  targets.sort((a, b) => PROMISED_KINDS.indexOf(a.kind as (typeof PROMISED_KINDS)[number]) - PROMISED_KINDS.indexOf(b.kind as (typeof PROMISED_KINDS)[number]));
  const now = ctx.clock.now();
  const commitments: PortalCommitment[] = targets.map((t) => ({
    kind: t.kind as PortalCommitment['kind'],
    dueAt: t.state === 'paused' ? null : Number(t.due_at),
    // a deadline passed before the timer worker marked it is missed all the same
    state: t.state === 'met' ? 'met' : t.state === 'breached' || (t.state === 'running' && Number(t.due_at) < now) ? 'missed' : t.state === 'paused' ? 'paused' : 'pending',
    metAt: t.met_at === null ? null : Number(t.met_at),
  }));
  const c = d.case;
  return {
    case: {
      id: c.id,
      number: c.number,
      subject: c.subject,
      description: c.description,
      request: c.request,
      type: c.type,
      categoryId: c.categoryId,
      channel: c.channel,
      status: c.status as CaseStatus,
      closeReason: c.closeReason,
      receivedAt: c.receivedAt,
      updatedAt: c.updatedAt,
      resolvedAt: c.resolvedAt,
      closedAt: c.closedAt,
      resolution: { cause: c.resolution.cause, solution: c.resolution.solution, compensation: c.resolution.compensation },
      erased: c.erasedAt !== null,
    },
    timeline: d.timeline.map((e) => ({ id: e.id, type: e.type, by: byOf(e), body: e.body, data: publicData(e), createdAt: e.createdAt })),
    attachments: d.attachments,
    commitments,
  };
}
