import type { CaseHook } from '../cases/index.ts';
import { recordAudit } from '../audit/index.ts';
import { insertEvents } from '../cases/index.ts';
import { calendarOf } from '../commitments/index.ts';
import { newId } from '../../shared/ids.ts';
import { followupSettings } from './settings.ts';

/**
 * A resolved case gets its satisfaction follow-up (SPEC 4 and 5): due within the set working days
 * after the resolution (default 2; the day of resolution not counted, the close of business of the
 * last one: the commitments module's calendar), assigned to the case's owner (else its handler,
 * else the team). One pending follow-up a case: a reopen cancels it, the next resolution schedules
 * another. In the case's transaction (mutateCase runs hooks there): the case and its follow-up
 * commit together. An erased customer's case changes no more (mutateCase refuses it), so none is
 * scheduled for it.
 */
export const followupsHook: CaseHook = {
  name: 'followups',
  async onChanged(ctx, trx, _before, after, change, info) {
    if (change === 'reopened') {
      const pending = await trx.selectFrom('followups').select('id').where('case_id', '=', after.id).where('status', '=', 'pending').execute();
      if (pending.length === 0) return;
      const now = ctx.clock.now();
      await trx
        .updateTable('followups')
        .set({ status: 'cancelled', cancel_reason: 'case_reopened', closed_at: now, closed_by: info.actor.kind === 'staff' ? info.actor.id : null })
        .where('case_id', '=', after.id)
        .where('status', '=', 'pending')
        .execute();
      await insertEvents(ctx, trx, after.id, info.actor, pending.map((p) => ({ type: 'followup_cancelled', visibility: 'internal' as const, data: { followupId: p.id, reason: 'case_reopened' } })));
      await recordAudit(ctx, trx, { actor: info.actor, action: 'followup.cancel', targetType: 'case', targetId: after.id, after: { followupIds: pending.map((p) => p.id), reason: 'case_reopened' } });
      return;
    }
    if (change !== 'resolved' || after.erased_at !== null) return;
    const open = await trx.selectFrom('followups').select('id').where('case_id', '=', after.id).where('status', '=', 'pending').executeTakeFirst();
    if (open) return;
    const settings = await followupSettings(ctx, trx);
    const cal = await calendarOf(ctx, settings.calendarId, trx);
    const now = ctx.clock.now();
    const assignee = after.owner_id ?? after.assignee_id;
    let teamId = after.team_id;
    if (assignee && !teamId) teamId = (await trx.selectFrom('users').select('team_id').where('id', '=', assignee).executeTakeFirst())?.team_id ?? null;
    const id = newId();
    const dueAt = cal.addWorkingDays(now, settings.workingDays);
    await trx
      .insertInto('followups')
      .values({
        id,
        kind: 'case',
        case_id: after.id,
        customer_id: after.customer_id,
        plan_id: null,
        plan_step: null,
        status: 'pending',
        assignee_id: assignee,
        team_id: teamId,
        scheduled_at: now,
        due_at: dueAt,
        calendar_id: settings.calendarId,
        working_days: settings.workingDays,
        overdue_at: null,
        attempts: 0,
        last_attempt_at: null,
        closed_at: null,
        closed_by: null,
        method: null,
        result: null,
        action: null,
        escalation_level: null,
        notes: null,
        cancel_reason: null,
        created_at: now,
      })
      .execute();
    const data = { followupId: id, dueAt, workingDays: settings.workingDays, calendarId: settings.calendarId, assigneeId: assignee, teamId };
    await insertEvents(ctx, trx, after.id, info.actor, [{ type: 'followup_scheduled', visibility: 'internal', data }]);
    await recordAudit(ctx, trx, { actor: info.actor, action: 'followup.schedule', targetType: 'followup', targetId: id, after: { caseId: after.id, ...data } });
  },
};
