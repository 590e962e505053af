import { DateTime } from 'luxon';
import type { Ctx } from '../context.ts';
import type { Actor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { createPlan, recordOutcome, sweepOverdueFollowups, type FollowupsTable, type RecordOutcomeInput } from '../modules/followups/index.ts';
import { newId } from '../shared/ids.ts';
import { consentDecision, grantConsent } from '../modules/privacy/index.ts';
import { Rng } from './prng.ts';

const HOUR = 3_600_000;
/** How many of the latest past-due follow-ups the demo records through the service (attempts, timeline, escalations, audit). */
const RECORDED = 40;
const DAY = 24 * HOUR;
const NOTES: Record<string, string[]> = {
  satisfied: ['客户表示问题已解决，对处理结果满意。', '客户确认已恢复正常，感谢及时处理。'],
  neutral: ['问题已解决，但客户觉得等待时间较长。'],
  dissatisfied: ['客户认为问题没有真正解决，要求主管跟进。'],
};

/**
 * The follow-ups (modules/followups, SPEC 5) of the demo history's resolutions: the latest 40 of
 * those due more than three days ago recorded by their assignee a few hours to two days after the resolution
 * (mostly satisfied; some neutral; a few dissatisfied, escalated; a few unreachable after three
 * attempts), the customer's consent to follow-up calls recorded by phone first where their case
 * is closed (SPEC 10); the recent ones left pending (the overdue among them marked by the sweep);
 * older ones written as done in bulk (bulkDone); and one periodic plan for a customer under a
 * delivered project.
 */
export async function loadDemoFollowups(ctx: Ctx, now: number, seed: number, staff: Actor[], fallback: Actor): Promise<string> {
  const r = new Rng(`${seed}:followups`);
  const byId = new Map(staff.map((a) => [a.id, a]));
  const pending = await ctx.db.selectFrom('followups').selectAll().where('status', '=', 'pending').where('kind', '=', 'case').orderBy('due_at').orderBy('id').execute();
  const counts = { done: 0, unreachable: 0, pending: 0 };
  const past = pending.filter((f) => Number(f.due_at) <= now - 3 * DAY);
  counts.pending = pending.length - past.length;
  // the older ones written in bulk (a load of the demo stays quick): done by their assignee a day
  // after the resolution, with a first attempt each; the latest through the service, as staff would
  const older = past.slice(0, Math.max(0, past.length - RECORDED));
  counts.done += await bulkDone(ctx, r, older);
  for (const f of past.slice(older.length)) {
    const by = (f.assignee_id && byId.get(f.assignee_id)) || fallback;
    const at = Math.min(Number(f.scheduled_at) + r.int(2, 48) * HOUR, now - DAY);
    const when = (t: number): Ctx => ({ ...ctx, clock: new ManualClock(t) });
    try {
      if (f.customer_id && !(await consentDecision(ctx.db, f.customer_id, 'service_contact')).allowed)
        await grantConsent(when(at - 60_000), f.customer_id, { purpose: 'service_contact', scope: null, channel: 'phone', evidenceRef: null }, by);
      if (r.chance(0.08)) {
        for (let i = 0; i < 3; i++) await recordOutcome(when(at + i * 2 * HOUR), f.id, { method: i === 2 ? 'sms' : 'phone', reached: false, ...(i === 0 ? { notes: '无人接听' } : {}) }, by);
        counts.unreachable++;
        continue;
      }
      if (r.chance(0.15)) await recordOutcome(when(at - HOUR), f.id, { method: 'phone', reached: false, notes: '客户正在开会，约定稍后回电' }, by);
      const u = r.next();
      const result = u < 0.72 ? 'satisfied' : u < 0.93 ? 'neutral' : 'dissatisfied';
      const input: RecordOutcomeInput = { method: r.chance(0.85) ? 'phone' : 'visit', reached: true, result, notes: r.pick(NOTES[result]!) };
      if (result === 'dissatisfied') input.action = 'escalate';
      await recordOutcome(when(at), f.id, input, by);
      counts.done++;
    } catch (err) {
      // a case or customer the demo history changed meanwhile (restricted, erased...): left as it is
      if (!(err instanceof DomainError)) throw err;
    }
  }
  await sweepOverdueFollowups({ ...ctx, clock: new ManualClock(now) });
  const customer = await ctx.db.selectFrom('customers').select('id').where('company', 'is not', null).where('erased_at', 'is', null).orderBy('id').executeTakeFirst();
  let plans = 0;
  if (customer) {
    const deliveredOn = DateTime.fromMillis(now - 240 * DAY, { zone: ctx.config.timeZone }).toISODate()!;
    await createPlan({ ...ctx, clock: new ManualClock(now) }, { customerId: customer.id, title: '智能门禁系统（二期）交付项目', deliveredOn }, staff[0] ?? fallback);
    plans++;
  }
  return `${counts.done} done, ${counts.unreachable} unreachable, ${counts.pending} pending, ${plans} plan`;
}

/** Older follow-ups written as done in bulk (a load of the demo stays quick): a first attempt each, a day after the resolution. */
async function bulkDone(ctx: Ctx, r: Rng, rows: FollowupsTable[]): Promise<number> {
  // (no dissatisfied ones here: those need their escalation, which the ones recorded through the service have)
  const byResult = new Map<string, FollowupsTable[]>();
  for (const f of rows) {
    const result = r.chance(0.78) ? 'satisfied' : 'neutral';
    byResult.set(result, [...(byResult.get(result) ?? []), f]);
  }
  let n = 0;
  for (const [res, fs] of byResult) {
    for (let i = 0; i < fs.length; i += 200) {
      const chunk = fs.slice(i, i + 200);
      await ctx.db.transaction().execute(async (trx) => {
        for (const f of chunk) {
          const at = Number(f.scheduled_at) + DAY;
          await trx
            .updateTable('followups')
            .set({ status: 'done', attempts: 1, last_attempt_at: at, closed_at: at, closed_by: f.assignee_id, method: 'phone', result: res })
            .where('id', '=', f.id)
            .where('status', '=', 'pending')
            .execute();
        }
        const tried = chunk.filter((f) => f.assignee_id !== null);
        if (tried.length)
          await trx
            .insertInto('followup_attempts')
            .values(tried.map((f) => ({ id: newId(), followup_id: f.id, at: Number(f.scheduled_at) + DAY, by_user: f.assignee_id!, method: 'phone', reached: 1, result: res, notes: null })))
            .execute();
      });
      n += chunk.length;
    }
  }
  return n;
}
