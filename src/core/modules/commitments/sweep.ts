import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { systemActor } from '../../shared/actor.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueue } from '../notifications/index.ts';
import type { CaseTargetsTable } from './commitments.table.ts';
import { calendarOf, commitmentConfig } from './config.service.ts';
import { currentLevel, escalate, MAX_LEVEL, recipientsAt } from './escalation.ts';
import { toTimer } from './apply.ts';
import { TARGET_LABELS, type TargetKind } from './policy.ts';
import { chooseRemedy } from './remedy-rules.ts';
import { evaluateTimer, nextCheckAt } from './timer.ts';

type Trx = Kysely<Database>;

export interface SweepResult {
  checked: number;
  warnings: number;
  breaches: number;
  escalations: number;
  remedies: number;
}

const empty = (): SweepResult => ({ checked: 0, warnings: 0, breaches: 0, escalations: 0, remedies: 0 });

/**
 * One pass of the timer worker: takes the timers whose next check is due (an index range, so the
 * cost follows due timers, not open cases), in batches, each batch one transaction. On PostgreSQL
 * rows are claimed with FOR UPDATE SKIP LOCKED, so several app processes share the work and each
 * warning, breach and escalation happens exactly once: the row's state moves on in the same
 * transaction that writes the event.
 */
export async function sweepDueTimers(ctx: Ctx, opts: { batchSize?: number; maxBatches?: number } = {}): Promise<SweepResult> {
  const total = empty();
  const batchSize = opts.batchSize ?? 500;
  for (let i = 0; i < (opts.maxBatches ?? 1000); i++) {
    const r = await ctx.db.transaction().execute((trx) => sweepBatch(ctx, trx, batchSize));
    for (const k of Object.keys(total) as Array<keyof SweepResult>) total[k] += r[k];
    if (r.checked < batchSize) break;
  }
  return total;
}

async function sweepBatch(ctx: Ctx, trx: Trx, batchSize: number): Promise<SweepResult> {
  const now = ctx.clock.now();
  const res = empty();
  let q = trx.selectFrom('case_targets').selectAll().where('next_check_at', 'is not', null).where('next_check_at', '<=', now).orderBy('next_check_at').limit(batchSize);
  if (ctx.ops.supportsForUpdate) q = q.forUpdate().skipLocked();
  const due = await q.execute();
  res.checked = due.length;
  if (due.length === 0) return res;

  const cfg = await commitmentConfig(ctx, trx);
  const caseIds = [...new Set(due.map((t) => t.case_id))];
  // Two processes may hold different targets of one case: serialise per case so levels climb once each.
  await ctx.ops.lockKeys(trx, caseIds.map((id) => `case:${id}`));
  const cases = new Map(
    (
      await trx
        .selectFrom('cases')
        .leftJoin('customers', 'customers.id', 'cases.customer_id')
        .select(['cases.id', 'cases.number', 'cases.subject', 'cases.type', 'cases.team_id', 'cases.owner_id', 'cases.assignee_id', 'cases.status', 'customers.tier'])
        .where('cases.id', 'in', caseIds)
        .execute()
    ).map((c) => [c.id, c]),
  );
  const events: Array<Database['case_events']> = [];
  const event = (caseId: string, type: string, data: Record<string, unknown>) =>
    events.push({ id: newId(), case_id: caseId, type, actor_id: null, actor_kind: 'system', visibility: 'internal', body: null, data: JSON.stringify(data), created_at: now });

  for (const t of due) {
    const c = cases.get(t.case_id);
    const policy = cfg.policies.find((p) => p.id === t.policy_id);
    const fractions = policy?.warnFractions ?? [0.75, 0.9];
    const cal = await calendarOf(ctx, t.calendar_id, trx);
    const timer = toTimer(t);
    const ev = evaluateTimer(timer, cal, fractions, now);
    const label = TARGET_LABELS[t.kind as TargetKind]?.en ?? t.kind;
    const handler = c?.assignee_id ?? c?.owner_id ?? null;
    // Nobody has the case yet: the warning goes to the lead of its team (or the supervisors).
    const warnTo = ev.warnings.length && c ? (handler ? [handler] : await recipientsAt(trx, c, 2)) : [];
    for (const w of ev.warnings) {
      res.warnings++;
      event(t.case_id, 'sla_warning', { targetId: t.id, kind: t.kind, fraction: fractions[w], dueAt: t.due_at });
      if (warnTo.length && c)
        await enqueue(ctx, trx, {
          topic: 'notify',
          caseId: t.case_id,
          payload: { userIds: warnTo, kind: 'sla_warning', template: 'sla_warning', caseId: t.case_id, vars: { number: c.number, subject: c.subject, target: label, dueAt: t.due_at, fraction: fractions[w] } },
        });
    }
    let update: Partial<CaseTargetsTable>;
    if (ev.breached) {
      res.breaches++;
      update = { state: 'breached', breached_at: now, warned: ev.warned, next_check_at: null };
      event(t.case_id, 'sla_breach', { targetId: t.id, kind: t.kind, dueAt: t.due_at });
      if (c) {
        const level = Math.min(MAX_LEVEL, (await currentLevel(trx, c.id)) + 1);
        if (await escalate(ctx, trx, { ...c, team_id: t.kind === 'handling' ? (t.team_id ?? c.team_id) : c.team_id }, level, `${t.kind}_breached`, t.id)) res.escalations++;
        const rule = chooseRemedy(cfg.remedyRules, t.kind, c.type, c.tier ?? null);
        if (rule && (t.kind === 'resolution' || t.kind === 'first_response' || t.kind === 'handling')) {
          const already = await trx.selectFrom('remedies').select('id').where('case_id', '=', c.id).executeTakeFirst();
          if (!already) {
            const remedyId = newId();
            await trx
              .insertInto('remedies')
              .values({ id: remedyId, case_id: c.id, target_id: t.id, rule_id: rule.id ?? null, status: 'proposed', proposal: JSON.stringify(rule.proposal), final: null, decided_by: null, decided_at: null, note: null, created_at: now })
              .execute();
            event(c.id, 'remedy_proposed', { remedyId, targetId: t.id, ...rule.proposal });
            res.remedies++;
          }
        }
      }
    } else {
      const warned = ev.warned;
      update = { warned, next_check_at: nextCheckAt({ ...timer, warned }, cal, fractions) };
      if (policy?.escalateOnWarning && ev.warnings.length && c) {
        const level = Math.min(MAX_LEVEL, (await currentLevel(trx, c.id)) + 1);
        if (await escalate(ctx, trx, c, level, `${t.kind}_warning`, t.id)) res.escalations++;
      }
    }
    await trx.updateTable('case_targets').set(update).where('id', '=', t.id).execute();
  }
  for (let i = 0; i < events.length; i += 200) await trx.insertInto('case_events').values(events.slice(i, i + 200)).execute();
  if (res.warnings || res.breaches)
    await recordAudit(ctx, trx, { actor: systemActor('timer'), action: 'commitments.sweep', targetType: 'case_targets', after: { ...res, cases: caseIds.length, node: ctx.config.nodeId } });
  return res;
}

export interface TimerWorker {
  runOnce(): Promise<SweepResult>;
  start(): void;
  stop(): Promise<void>;
}

export function createTimerWorker(ctx: Ctx, opts: { pollMs?: number; batchSize?: number; onError?: (err: unknown) => void } = {}): TimerWorker {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const runOnce = () => sweepDueTimers(ctx, { batchSize: opts.batchSize ?? 500 });
  const tick = async () => {
    if (stopped) return;
    running = runOnce().catch((err: unknown) => opts.onError?.(err));
    await running;
    running = null;
    if (!stopped) timer = setTimeout(() => void tick(), opts.pollMs ?? 1000);
  };
  return {
    runOnce,
    start() {
      stopped = false;
      timer = setTimeout(() => void tick(), 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
