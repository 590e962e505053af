import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { assertCanSee, visibleCases } from '../cases/index.ts';
import { enqueue } from '../notifications/index.ts';
import type { RemediesTable } from './commitments.table.ts';
import type { RemedyProposal } from './remedy-rules.ts';

export interface RemedyView {
  id: string;
  caseId: string;
  targetId: string | null;
  status: RemediesTable['status'];
  proposal: RemedyProposal;
  final: RemedyProposal | null;
  decidedBy: string | null;
  decidedAt: number | null;
  note: string | null;
  createdAt: number;
}

const toView = (r: RemediesTable): RemedyView => ({
  id: r.id,
  caseId: r.case_id,
  targetId: r.target_id,
  status: r.status,
  proposal: JSON.parse(r.proposal) as RemedyProposal,
  final: r.final ? (JSON.parse(r.final) as RemedyProposal) : null,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  note: r.note,
  createdAt: r.created_at,
});

/** Remedies of the cases the actor may see: of one case as the case itself answers (404, 403 case_restricted). */
export async function listRemedies(
  ctx: Ctx,
  f: { status?: RemediesTable['status'] | undefined; caseId?: string | undefined; limit: number },
  actor: Actor,
): Promise<RemedyView[]> {
  let q = ctx.db.selectFrom('remedies').selectAll('remedies');
  if (f.caseId) {
    const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', f.caseId).executeTakeFirst();
    if (!c) throw notFound('case', f.caseId);
    assertCanSee(actor, c);
    q = q.where('remedies.case_id', '=', f.caseId);
  } else {
    const visible = visibleCases(actor);
    if (visible) q = q.innerJoin('cases', 'cases.id', 'remedies.case_id').where(visible);
  }
  if (f.status) q = q.where('remedies.status', '=', f.status);
  return (await q.orderBy('remedies.created_at', 'desc').limit(f.limit).execute()).map(toView);
}

/**
 * A supervisor approves (possibly changing what is offered) or rejects a proposed remedy. An
 * approved remedy is told to the customer; everything is on the timeline and in the audit log.
 */
export async function decideRemedy(
  ctx: Ctx,
  id: string,
  input: { decision: 'approve' | 'reject'; amount?: number | undefined; text?: string | undefined; textEn?: string | undefined; note?: string | undefined },
  actor: Actor,
): Promise<RemedyView> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await trx.selectFrom('remedies').select('case_id').where('id', '=', id).executeTakeFirst();
    if (!found) throw notFound('remedy', id);
    // PostgreSQL: the case row locked first, as case changes and the erasure lock it: an erasure in
    // flight commits first (and this sees the case erased), a later one waits for this decision
    // (and redacts its letter); two decisions on the remedy run one after the other
    let cq = trx.selectFrom('cases').selectAll().where('id', '=', found.case_id);
    if (ctx.ops.supportsForUpdate) cq = cq.forUpdate();
    const c = await cq.executeTakeFirstOrThrow();
    assertCanSee(actor, c);
    // the decision writes the letter into the case and sends it to the contact: not for an
    // anonymised case (an erasure closes the remedies still waiting; this refuses one left over)
    if (c.erased_at !== null)
      throw conflict(
        'customer_erased',
        `The personal data of the customer of case ${c.number} was erased on ${new Date(c.erased_at).toISOString()}: no remedy is decided or told to them any more.`,
        { number: c.number },
      );
    const r = await trx.selectFrom('remedies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (r.status !== 'proposed') throw conflict('remedy_decided', `This remedy was already ${r.status}.`);
    const now = ctx.clock.now();
    const proposal = JSON.parse(r.proposal) as RemedyProposal;
    const final: RemedyProposal | null =
      input.decision === 'approve'
        ? { ...proposal, ...(input.amount !== undefined ? { amount: input.amount } : {}), ...(input.text ? { text: input.text } : {}), ...(input.textEn ? { textEn: input.textEn } : {}) }
        : null;
    const status = input.decision === 'approve' ? 'approved' : 'rejected';
    await trx.updateTable('remedies').set({ status, final: final ? JSON.stringify(final) : null, decided_by: actor.id, decided_at: now, note: input.note ?? null }).where('id', '=', id).execute();
    await trx
      .insertInto('case_events')
      .values({
        id: newId(),
        case_id: c.id,
        type: status === 'approved' ? 'remedy_approved' : 'remedy_rejected',
        actor_id: actor.id,
        actor_kind: 'staff',
        visibility: status === 'approved' ? 'public' : 'internal',
        body: final ? (c.language === 'en' ? final.textEn : final.text) : (input.note ?? null),
        data: JSON.stringify({ remedyId: id, proposal, final }),
        created_at: now,
      })
      .execute();
    if (final && c.contact_email)
      await enqueue(ctx, trx, {
        topic: 'email',
        caseId: c.id,
        payload: { to: c.contact_email, template: 'remedy', locale: c.language, vars: { number: c.number, subject: c.subject, name: c.contact_name, text: c.language === 'en' ? final.textEn : final.text, kind: final.kind, amount: final.amount ?? null, currency: final.currency ?? null } },
      });
    await recordAudit(ctx, trx, { actor, action: `remedy.${input.decision}`, targetType: 'case', targetId: c.id, before: { remedyId: id, proposal }, after: { status, final } });
    return toView({ ...r, status, final: final ? JSON.stringify(final) : null, decided_by: actor.id, decided_at: now, note: input.note ?? null });
  });
}
