import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { systemActor } from '../../shared/actor.ts';
import { overdueWorker, sweepInBatches, type OverdueSweepResult, type OverdueWorker } from '../../shared/overdue-sweep.ts';
import { recordAudit } from '../audit/index.ts';
import { insertEvents } from '../cases/index.ts';
import { enqueue } from '../notifications/index.ts';
import { leadOf } from './consultation.service.ts';

type Db = Kysely<Database>;

export type { OverdueSweepResult };

const ACTOR = systemActor('consultations');

/**
 * One batch: claims the open consultations past due that nobody has marked yet, with one UPDATE
 * ... WHERE overdue_at IS NULL that sets overdue_at (on PostgreSQL the rows picked with FOR UPDATE
 * SKIP LOCKED, and the UPDATE's own condition checked again on the row once locked), so each is
 * marked exactly once whatever the number of app nodes sweeping; then, in the same transaction,
 * the case's internal consultation_overdue event and a notification to the team's lead and the
 * asker through the outbox.
 */
async function sweepBatch(ctx: Ctx, trx: Db, batchSize: number): Promise<number> {
  const now = ctx.clock.now();
  let due = trx.selectFrom('consultations').select('id').where('status', '=', 'open').where('overdue_at', 'is', null).where('due_at', '<=', now).orderBy('due_at').limit(batchSize);
  if (ctx.ops.supportsForUpdate) due = due.forUpdate().skipLocked();
  const claimed = await trx
    .updateTable('consultations')
    .set({ overdue_at: now })
    .where('id', 'in', due)
    .where('status', '=', 'open')
    .where('overdue_at', 'is', null)
    .returningAll()
    .execute();
  if (claimed.length === 0) return 0;
  const caseIds = [...new Set(claimed.map((c) => c.case_id))];
  const teamIds = [...new Set(claimed.map((c) => c.target_team_id))];
  const [cases, teams] = await Promise.all([
    trx.selectFrom('cases').select(['id', 'number', 'subject']).where('id', 'in', caseIds).execute(),
    trx.selectFrom('teams').select(['id', 'name']).where('id', 'in', teamIds).execute(),
  ]);
  const caseOf = new Map(cases.map((c) => [c.id, c]));
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const leads = new Map<string, string | null>();
  for (const id of teamIds) leads.set(id, await leadOf(trx, id));
  // (one by one, in due order: each case's events keep the order of its consultations)
  for (const q of claimed.sort((a, b) => Number(a.due_at) - Number(b.due_at) || a.id.localeCompare(b.id))) {
    const c = caseOf.get(q.case_id);
    const lead = leads.get(q.target_team_id) ?? null;
    const notified = [...new Set([lead, q.requested_by].filter((u): u is string => u !== null))];
    const data = { consultationId: q.id, teamId: q.target_team_id, teamName: teamName.get(q.target_team_id) ?? null, dueAt: Number(q.due_at), requestedBy: q.requested_by, notified };
    await insertEvents(ctx, trx, q.case_id, ACTOR, [{ type: 'consultation_overdue', visibility: 'internal', data }]);
    await enqueue(ctx, trx, {
      topic: 'notify',
      caseId: q.case_id,
      payload: {
        userIds: notified,
        kind: 'consultation_overdue',
        template: 'consultation_overdue',
        caseId: q.case_id,
        vars: { number: c?.number, subject: c?.subject, team: data.teamName, dueAt: data.dueAt, requestedAt: Number(q.requested_at), question: q.question },
      },
    });
  }
  await recordAudit(ctx, trx, { actor: ACTOR, action: 'consultation.overdue', targetType: 'consultations', after: { marked: claimed.map((c) => c.id), node: ctx.config.nodeId } });
  return claimed.length;
}

/** Marks every consultation past due (a batch a transaction, a turn of the event loop between batches). */
export const sweepOverdueConsultations = (ctx: Ctx, opts: { batchSize?: number; maxBatches?: number } = {}): Promise<OverdueSweepResult> =>
  sweepInBatches(ctx, sweepBatch, opts);

export type ConsultationWorker = OverdueWorker;

/** The server's overdue sweep (main.ts), every `everyMs` (default a minute): on every app node, each consultation marked once. */
export const createConsultationWorker = (ctx: Ctx, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): ConsultationWorker =>
  overdueWorker('consultation-overdue', () => sweepOverdueConsultations(ctx), { everyMs: opts.everyMs ?? 60_000, onError: opts.onError });
