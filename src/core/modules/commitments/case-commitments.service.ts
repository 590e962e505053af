import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { forbidden, notFound } from '../../shared/errors.ts';
import { assertCanSee } from '../cases/index.ts';
import { toTimer } from './apply.ts';
import { calendarOf } from './config.service.ts';
import { TARGET_LABELS, type TargetKind } from './policy.ts';
import { elapsedMinutes } from './timer.ts';

export interface TargetView {
  id: string;
  kind: string;
  label: { zh: string; en: string };
  policyId: string | null;
  calendarId: string;
  teamId: string | null;
  startedAt: number;
  /** null while paused: no deadline runs then (it is set again on resuming); remainingMinutes is what is left */
  dueAt: number | null;
  budgetMinutes: number;
  elapsedMinutes: number;
  remainingMinutes: number;
  /** running, paused, met, warned, breached, cancelled */
  state: string;
  warned: number;
  metAt: number | null;
  breachedAt: number | null;
}

/** Each commitment of a case: deadline, business time used and left, and its state now. */
export async function caseCommitments(ctx: Ctx, caseId: string, actor: Actor) {
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  // the internal timers (reception, review, handling; teams, escalations and who was told): staff only.
  // A customer reads the promises made to them, and whether kept, in the portal (GET /api/v1/portal/cases/:id).
  if (actor.kind === 'customer') throw forbidden('The service commitments of a case are for staff; your request shows the times promised to you.');
  const now = ctx.clock.now();
  const rows = await ctx.db.selectFrom('case_targets').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
  const targets: TargetView[] = [];
  for (const t of rows) {
    const cal = await calendarOf(ctx, t.calendar_id);
    const elapsed = t.elapsed_minutes ?? elapsedMinutes(toTimer(t), cal, now);
    const state = t.state === 'running' && t.warned > 0 ? 'warned' : t.state;
    targets.push({
      id: t.id,
      kind: t.kind,
      label: TARGET_LABELS[t.kind as TargetKind] ?? { zh: t.kind, en: t.kind },
      policyId: t.policy_id,
      calendarId: t.calendar_id,
      teamId: t.team_id,
      startedAt: t.started_at,
      dueAt: t.state === 'paused' ? null : t.due_at,
      budgetMinutes: round(t.budget_minutes),
      elapsedMinutes: round(elapsed),
      remainingMinutes: round(t.budget_minutes - elapsed),
      state,
      warned: t.warned,
      metAt: t.met_at,
      breachedAt: t.breached_at,
    });
  }
  const escalations = await ctx.db.selectFrom('case_escalations').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
  return {
    caseId,
    escalationLevel: escalations.reduce((m, e) => Math.max(m, e.level), 1),
    targets,
    escalations: escalations.map((e) => ({ level: e.level, reason: e.reason, targetId: e.target_id, notified: JSON.parse(e.notified) as string[], at: e.created_at })),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
