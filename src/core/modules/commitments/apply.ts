import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import type { Acknowledgement, CaseHook, CasesTable, ChangeInfo, IntakeFacts } from '../cases/index.ts';
import type { CaseTargetsTable } from './commitments.table.ts';
import { calendarOf, commitmentConfig } from './config.service.ts';
import { currentLevel, escalate, escalateUrgentComplaint, MAX_LEVEL } from './escalation.ts';
import { chooseRemedy, proposedRemedy, REMEDY_TARGETS } from './remedy-rules.ts';
import { chooseTargets, type CaseFacts, type ChosenTarget, type Duration, type Policy, type TargetKind } from './policy.ts';
import { nextCheckAt, pauseTimer, resumeTimer, startTimer, elapsedMinutes, type TimerState } from './timer.ts';
import { appendRow } from '../../db/commit-buffer.ts';
import { prepared } from '../../db/prepared.ts';

type Trx = Kysely<Database>;

export const toTimer = (r: CaseTargetsTable): TimerState => ({
  budgetMinutes: r.budget_minutes,
  consumedMinutes: r.consumed_minutes,
  runningSince: r.running_since,
  dueAt: r.due_at,
  state: r.state,
  warned: r.warned,
});

const tierOf = prepared((db, customerId: string) => db.selectFrom('customers').select('tier').where('id', '=', customerId));

async function factsOf(ctx: Ctx, trx: Trx, c: CasesTable, knownTier?: string | null): Promise<CaseFacts> {
  const cfg = await commitmentConfig(ctx, trx);
  const tier = knownTier !== undefined ? knownTier : c.customer_id ? ((await tierOf(trx, c.customer_id))[0]?.tier ?? null) : null;
  return {
    type: c.type,
    priority: c.priority,
    complaintGrade: c.complaint_grade,
    channel: c.channel,
    tier,
    categoryCode: c.category_id ? (cfg.categoryCodes.get(c.category_id) ?? null) : null,
    serviceKind: c.service_kind,
    isRepeat: c.is_repeat === 1,
  };
}

interface Plan {
  kind: TargetKind;
  duration: Duration;
  policy: Policy | null;
  calendarId: string;
  warnFractions: number[];
}

/** What the policies promise this case now (the handling limit of its team included). */
async function planFor(ctx: Ctx, trx: Trx, c: CasesTable, knownTier?: string | null): Promise<{ plans: Plan[]; repeatAlt: ChosenTarget | null }> {
  const cfg = await commitmentConfig(ctx, trx);
  const { chosen, alsoResolution } = chooseTargets(cfg.policies, await factsOf(ctx, trx, c, knownTier));
  const plans: Plan[] = chosen
    .filter((t) => t.kind !== 'next_response')
    .map((t) => ({ kind: t.kind, duration: t.duration, policy: t.policy, calendarId: t.policy.calendarId, warnFractions: t.policy.warnFractions }));
  return { plans, repeatAlt: alsoResolution };
}

export async function warnFractionsOf(ctx: Ctx, trx: Trx, policyId: string | null): Promise<number[]> {
  const cfg = await commitmentConfig(ctx, trx);
  return cfg.policies.find((p) => p.id === policyId)?.warnFractions ?? [0.75, 0.9];
}

async function insertTarget(
  ctx: Ctx,
  trx: Trx,
  c: CasesTable,
  p: { kind: TargetKind; duration: Duration; policyId: string | null; calendarId: string; warnFractions: number[]; teamId?: string | null },
  startAt: number,
  override?: { budgetMinutes: number; dueAt: number },
): Promise<CaseTargetsTable> {
  const cal = await calendarOf(ctx, p.calendarId, trx);
  const { budgetMinutes, dueAt } = override ?? startTimer(cal, startAt, p.duration);
  const now = ctx.clock.now();
  const running: TimerState = { budgetMinutes, consumedMinutes: 0, runningSince: startAt, dueAt, state: 'running', warned: 0 };
  const paused = c.status === 'pending_customer';
  const timer = paused ? { ...running, ...pauseTimer(running, cal, Math.max(now, startAt)) } : running;
  const row: CaseTargetsTable = {
    id: newId(),
    case_id: c.id,
    kind: p.kind,
    policy_id: p.policyId,
    calendar_id: p.calendarId,
    team_id: p.teamId ?? null,
    started_at: startAt,
    budget_minutes: budgetMinutes,
    consumed_minutes: timer.consumedMinutes,
    running_since: timer.runningSince,
    due_at: dueAt,
    state: timer.state,
    warned: 0,
    met_at: null,
    breached_at: null,
    elapsed_minutes: null,
    next_check_at: nextCheckAt(timer, cal, p.warnFractions),
    created_at: now,
  };
  await appendRow(trx, 'case_targets', row);
  return row;
}

async function startHandling(ctx: Ctx, trx: Trx, c: CasesTable, teamId: string, startAt: number): Promise<CaseTargetsTable | null> {
  const cfg = await commitmentConfig(ctx, trx);
  const limit = cfg.limits.get(teamId);
  if (!limit) return null;
  const duration: Duration = limit.workingDays ? { workingDays: limit.workingDays } : { minutes: limit.minutes ?? 0 };
  if ('minutes' in duration && duration.minutes <= 0) return null;
  return insertTarget(ctx, trx, c, { kind: 'handling', duration, policyId: null, calendarId: limit.calendarId, warnFractions: [0.75, 0.9], teamId }, startAt);
}

const event = (ctx: Ctx, caseId: string, type: string, data: Record<string, unknown>) => ({
  id: newId(),
  case_id: caseId,
  type,
  actor_id: null,
  actor_kind: 'system' as const,
  visibility: 'internal' as const,
  body: null,
  data: JSON.stringify(data),
  created_at: ctx.clock.now(),
});

const summary = (t: CaseTargetsTable) => ({ kind: t.kind, dueAt: t.due_at, calendarId: t.calendar_id, state: t.state });

/** At intake: apply every commitment from the receipt time and tell the acknowledgement what was promised. */
export async function applyOnCreate(ctx: Ctx, trx: Trx, c: CasesTable, ack: Acknowledgement, intake?: IntakeFacts): Promise<void> {
  const { plans, repeatAlt } = await planFor(ctx, trx, c, intake?.customerTier);
  const rows: CaseTargetsTable[] = [];
  for (const p of plans) {
    // a case routed to an agent at intake (modules/routing) has been taken already, as in recompute
    if (p.kind === 'reception' && c.owner_id) continue;
    let override: { budgetMinutes: number; dueAt: number } | undefined;
    if (p.kind === 'resolution' && repeatAlt) {
      // A repeat complaint keeps the earlier of the repeat deadline and its grade's deadline (SPEC 2).
      const [a, b] = await Promise.all([calendarOf(ctx, p.calendarId, trx), calendarOf(ctx, repeatAlt.policy.calendarId, trx)]);
      const mine = startTimer(a, c.received_at, p.duration);
      const alt = startTimer(b, c.received_at, repeatAlt.duration);
      if (alt.dueAt < mine.dueAt) override = { budgetMinutes: a.businessMinutesBetween(c.received_at, alt.dueAt), dueAt: alt.dueAt };
    }
    rows.push(await insertTarget(ctx, trx, c, { ...p, policyId: p.policy?.id ?? null }, c.received_at, override));
  }
  if (c.team_id) {
    const h = await startHandling(ctx, trx, c, c.team_id, c.received_at);
    if (h) rows.push(h);
  }
  const fr = rows.find((r) => r.kind === 'first_response');
  const res = rows.find((r) => r.kind === 'resolution');
  if (fr) ack.firstResponseDueAt = fr.due_at;
  if (res) ack.resolutionDueAt = res.due_at;
  if (rows.length) await appendRow(trx, 'case_events', event(ctx, c.id, 'sla_applied', { targets: rows.map(summary) }));
  // Urgent complaints reach the director and senior management at once (SPEC 2).
  if (c.type === 'complaint' && c.complaint_grade === 'urgent') await escalateUrgentComplaint(ctx, trx, c);
}

async function targetsOf(ctx: Ctx, trx: Trx, caseId: string): Promise<CaseTargetsTable[]> {
  let q = trx.selectFrom('case_targets').selectAll().where('case_id', '=', caseId);
  if (ctx.ops.supportsForUpdate) q = q.forUpdate();
  return q.execute();
}

/**
 * Completes a timer: met if before its deadline (a late completion keeps the breach and records
 * when; applyOnChange has breached any timer whose deadline passed unseen). A timer completed
 * while paused had no deadline running: its deadline becomes where it stood then (now plus the
 * business time left), so it counts as met ahead of it, as a running one would.
 */
async function complete(ctx: Ctx, trx: Trx, t: CaseTargetsTable, now: number, how: 'met' | 'cancelled'): Promise<void> {
  if (t.state === 'met' || t.state === 'cancelled' || t.met_at !== null) return;
  const cal = await calendarOf(ctx, t.calendar_id, trx);
  const elapsed = elapsedMinutes(toTimer(t), cal, now);
  const state = t.state === 'breached' ? 'breached' : how;
  const dueAt = t.state === 'paused' && how === 'met' ? cal.addBusinessMinutes(now, Math.max(0, t.budget_minutes - t.consumed_minutes)) : t.due_at;
  await trx
    .updateTable('case_targets')
    .set({ state, due_at: dueAt, met_at: how === 'met' ? now : null, elapsed_minutes: elapsed, consumed_minutes: elapsed, running_since: null, next_check_at: null })
    .where('id', '=', t.id)
    .execute();
}

const overdue = (t: CaseTargetsTable, now: number) => t.state === 'running' && t.met_at === null && now > t.due_at;

/**
 * Running timers whose deadline passed before the timer worker reached them are breached now, as
 * the sweep would have done it (breach event and remedy; escalation: see escalateStillOpen),
 * before the change completes, pauses or re-plans them: a target completed after its deadline is
 * breached (SPEC 8) whenever the worker last ran. Exactly once with the sweep: both hold the case
 * row first (PostgreSQL; SQLite has one writer), and only a timer still running is taken.
 * Returns the timers it breached.
 */
async function breachOverdue(ctx: Ctx, trx: Trx, c: CasesTable, targets: CaseTargetsTable[], now: number): Promise<CaseTargetsTable[]> {
  const cfg = await commitmentConfig(ctx, trx);
  const breached: CaseTargetsTable[] = [];
  for (const t of targets.filter((x) => overdue(x, now))) {
    const warned = (await warnFractionsOf(ctx, trx, t.policy_id)).length;
    const r = await trx
      .updateTable('case_targets')
      .set({ state: 'breached', breached_at: t.due_at, warned, next_check_at: null })
      .where('id', '=', t.id)
      .where('state', '=', 'running')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) continue;
    breached.push(t);
    await appendRow(trx, 'case_events', event(ctx, c.id, 'sla_breach', { targetId: t.id, kind: t.kind, dueAt: t.due_at }));
    if (!REMEDY_TARGETS.has(t.kind)) continue;
    const tier = c.customer_id ? ((await tierOf(trx, c.customer_id))[0]?.tier ?? null) : null;
    const rule = chooseRemedy(cfg.remedyRules, t.kind, c.type, tier);
    if (!rule) continue;
    const ruleId = rule.id ?? null;
    const had = await trx
      .selectFrom('remedies')
      .select('id')
      .where('case_id', '=', c.id)
      .where((eb) => (ruleId === null ? eb('rule_id', 'is', null) : eb('rule_id', '=', ruleId)))
      .executeTakeFirst();
    if (had) continue;
    const { row, eventData } = proposedRemedy(c.id, t.id, rule, now);
    await appendRow(trx, 'remedies', { ...row, proposal: JSON.stringify(row.proposal) });
    await appendRow(trx, 'case_events', event(ctx, c.id, 'remedy_proposed', eventData));
  }
  return breached;
}

/**
 * Escalates for the timers breachOverdue found late that the change left open (paused, re-planned,
 * or untouched) on a case still open, one level each as the sweep does. One the change completed
 * (a late first reply, a late resolution) does not escalate: escalation brings the next authority
 * in to act on a step that is slipping (SPEC 4), and that step is done; its breach and remedy are
 * recorded all the same.
 */
async function escalateStillOpen(ctx: Ctx, trx: Trx, c: CasesTable, breached: CaseTargetsTable[]): Promise<void> {
  const rows = await trx.selectFrom('case_targets').select(['id', 'met_at']).where('id', 'in', breached.map((t) => t.id)).execute();
  for (const t of breached) {
    if (rows.find((r) => r.id === t.id)?.met_at !== null) continue; // completed by this change
    const level = Math.min(MAX_LEVEL, (await currentLevel(trx, c.id)) + 1);
    await escalate(ctx, trx, { ...c, team_id: t.kind === 'handling' ? (t.team_id ?? c.team_id) : c.team_id }, level, `${t.kind}_breached`, t.id, { target: t.kind, dueAt: t.due_at });
  }
}

const open = (t: CaseTargetsTable) => t.met_at === null && t.state !== 'met' && t.state !== 'cancelled';

const CLASSIFYING: Array<keyof CasesTable> = ['type', 'priority', 'complaint_grade', 'category_id', 'service_kind', 'is_repeat', 'channel'];

export async function applyOnChange(ctx: Ctx, trx: Trx, before: CasesTable, after: CasesTable, info: ChangeInfo): Promise<void> {
  const now = ctx.clock.now();
  const targets = await targetsOf(ctx, trx, after.id);
  const late = targets.some((t) => overdue(t, now)) ? await breachOverdue(ctx, trx, before, targets, now) : [];
  await applyChange(ctx, trx, before, after, info, late.length ? await targetsOf(ctx, trx, after.id) : targets);
  if (late.length && after.status !== 'resolved' && after.status !== 'closed') await escalateStillOpen(ctx, trx, before, late);
}

async function applyChange(ctx: Ctx, trx: Trx, before: CasesTable, after: CasesTable, info: ChangeInfo, current: CaseTargetsTable[]): Promise<void> {
  const now = ctx.clock.now();
  let targets = current;
  const byKind = (k: TargetKind) => targets.filter((t) => t.kind === k && open(t));
  const staffSpoke = info.actor.kind === 'staff' && info.events.some((e) => e.visibility === 'public' && (e.type === 'reply' || e.type === 'resolved'));

  if (CLASSIFYING.some((k) => before[k] !== after[k])) {
    await recompute(ctx, trx, after, targets);
    targets = await targetsOf(ctx, trx, after.id);
  }
  if (after.owner_id && !before.owner_id) for (const t of byKind('reception')) await complete(ctx, trx, t, now, 'met');
  if (staffSpoke) {
    for (const k of ['first_response', 'initial_review', 'next_response'] as const) for (const t of byKind(k)) await complete(ctx, trx, t, now, 'met');
  }
  if (after.team_id !== before.team_id) {
    for (const t of byKind('handling')) await complete(ctx, trx, t, now, 'met');
    if (after.team_id && after.status !== 'resolved' && after.status !== 'closed') await startHandling(ctx, trx, after, after.team_id, now);
  }
  if (before.status !== after.status) {
    const live = (await targetsOf(ctx, trx, after.id)).filter(open);
    if (after.status === 'resolved') {
      for (const t of live) await complete(ctx, trx, t, now, t.kind === 'next_response' ? 'cancelled' : 'met');
      return;
    }
    if (after.status === 'closed') {
      for (const t of live) await complete(ctx, trx, t, now, 'cancelled');
      return;
    }
    if (after.status === 'pending_customer') {
      for (const t of live.filter((x) => x.state === 'running')) {
        const cal = await calendarOf(ctx, t.calendar_id, trx);
        const p = pauseTimer(toTimer(t), cal, now);
        await trx.updateTable('case_targets').set({ state: 'paused', consumed_minutes: p.consumedMinutes, running_since: null, next_check_at: null }).where('id', '=', t.id).execute();
      }
    } else if (before.status === 'pending_customer') {
      for (const t of live.filter((x) => x.state === 'paused')) {
        const cal = await calendarOf(ctx, t.calendar_id, trx);
        const r = resumeTimer(toTimer(t), cal, now);
        const next = nextCheckAt({ ...toTimer(t), ...r }, cal, await warnFractionsOf(ctx, trx, t.policy_id));
        await trx.updateTable('case_targets').set({ state: 'running', running_since: now, due_at: r.dueAt, next_check_at: next }).where('id', '=', t.id).execute();
      }
    }
  }
  // Progress to the customer while open: a new next-response timer after each staff reply or a reopen.
  const stillOpen = after.status !== 'resolved' && after.status !== 'closed';
  if (stillOpen && (staffSpoke || (after.status === 'reopened' && before.status !== 'reopened'))) {
    const cfg = await commitmentConfig(ctx, trx);
    const next = chooseTargets(cfg.policies, await factsOf(ctx, trx, after)).chosen.find((t) => t.kind === 'next_response');
    if (next && (staffSpoke || byKind('next_response').length === 0))
      await insertTarget(ctx, trx, after, { kind: 'next_response', duration: next.duration, policyId: next.policy.id, calendarId: next.policy.calendarId, warnFractions: next.policy.warnFractions }, now);
  }
}

/** A paused target has no deadline running (its stored due_at is the one before the pause): none is shown. */
const shownDueAt = (t: CaseTargetsTable): number | null => (t.state === 'paused' ? null : t.due_at);

/** Reclassification: targets still open are re-planned from their original start, and the change is on the timeline. */
async function recompute(ctx: Ctx, trx: Trx, c: CasesTable, targets: CaseTargetsTable[]): Promise<void> {
  const now = ctx.clock.now();
  const { plans, repeatAlt } = await planFor(ctx, trx, c);
  const changes: Array<Record<string, unknown>> = [];
  for (const p of plans) {
    const existing = targets.find((t) => t.kind === p.kind);
    if (!existing) {
      if (p.kind === 'reception' && c.owner_id) continue;
      const row = await insertTarget(ctx, trx, c, { ...p, policyId: p.policy?.id ?? null }, c.received_at);
      changes.push({ kind: p.kind, before: null, after: row.due_at });
      continue;
    }
    if (!open(existing) || existing.state === 'breached') continue;
    const cal = await calendarOf(ctx, p.calendarId, trx);
    let { budgetMinutes, dueAt } = startTimer(cal, existing.started_at, p.duration);
    if (p.kind === 'resolution' && repeatAlt) {
      const alt = startTimer(await calendarOf(ctx, repeatAlt.policy.calendarId, trx), existing.started_at, repeatAlt.duration);
      if (alt.dueAt < dueAt) ({ budgetMinutes, dueAt } = { budgetMinutes: cal.businessMinutesBetween(existing.started_at, alt.dueAt), dueAt: alt.dueAt });
    }
    if (budgetMinutes === existing.budget_minutes && p.calendarId === existing.calendar_id && (p.policy?.id ?? null) === existing.policy_id) continue;
    // The business time already used carries over, pauses excluded, measured on the calendar it
    // ran on: on a new calendar, the time used until now on the old one is carried as that many
    // minutes and the timer runs on the new one from now (a case moved to 7x24 after two working
    // days has used 15 business hours, not the 48 hours since it began).
    const timer: TimerState = { ...toTimer(existing), budgetMinutes };
    if (timer.state === 'running' && p.calendarId !== existing.calendar_id) {
      timer.consumedMinutes = elapsedMinutes(toTimer(existing), await calendarOf(ctx, existing.calendar_id, trx), now);
      timer.runningSince = now;
    }
    if (timer.state === 'running') timer.dueAt = cal.addBusinessMinutes(timer.runningSince!, Math.max(0, budgetMinutes - timer.consumedMinutes));
    else timer.dueAt = dueAt;
    const warned = 0;
    await trx
      .updateTable('case_targets')
      .set({
        policy_id: p.policy?.id ?? null,
        calendar_id: p.calendarId,
        budget_minutes: budgetMinutes,
        consumed_minutes: timer.consumedMinutes,
        running_since: timer.runningSince,
        due_at: timer.dueAt,
        warned,
        next_check_at: nextCheckAt({ ...timer, warned }, cal, p.warnFractions),
      })
      .where('id', '=', existing.id)
      .execute();
    changes.push({ kind: p.kind, before: shownDueAt(existing), after: timer.state === 'running' ? timer.dueAt : null, ...(timer.state === 'paused' ? { remainingMinutes: Math.max(0, budgetMinutes - timer.consumedMinutes) } : {}) });
  }
  for (const t of targets.filter((x) => open(x) && x.kind !== 'handling' && x.kind !== 'next_response' && !plans.some((p) => p.kind === x.kind))) {
    await complete(ctx, trx, t, now, 'cancelled');
    changes.push({ kind: t.kind, before: shownDueAt(t), after: null });
  }
  if (changes.length) await trx.insertInto('case_events').values(event(ctx, c.id, 'sla_recomputed', { changes })).execute();
  if (c.type === 'complaint' && c.complaint_grade === 'urgent') await escalateUrgentComplaint(ctx, trx, c);
}

export const commitmentsHook: CaseHook = {
  name: 'commitments',
  onCreated: applyOnCreate,
  onChanged: (ctx, trx, before, after, _change, info) => applyOnChange(ctx, trx, before, after, info),
};
