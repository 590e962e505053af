import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { copyRows } from '../../db/fast-insert.ts';
import { systemActor } from '../../shared/actor.ts';
import { newId } from '../../shared/ids.ts';
import { repeat } from '../../shared/repeat.ts';
import { recordAudit } from '../audit/index.ts';
import { DIGEST_LIST_MAX, outboxRow, type OutboxMessage } from '../notifications/index.ts';
import type { CaseTargetsTable } from './commitments.table.ts';
import { commitmentConfig } from './config.service.ts';
import { LEVEL_ROLE, MAX_LEVEL, recipientsAt } from './escalation.ts';
import { toTimer } from './apply.ts';
import type { Policy } from './policy.ts';
import { chooseRemedy, proposedRemedy, REMEDY_TARGETS, remedyKey } from './remedy-rules.ts';
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
  const maxBatches = opts.maxBatches ?? 1000;
  const add = (r: SweepResult) => {
    for (const k of Object.keys(total) as Array<keyof SweepResult>) total[k] += r[k];
  };
  if (!ctx.ops.supportsForUpdate) {
    for (let i = 0; i < maxBatches; i++) {
      const r = await ctx.db.transaction().execute((trx) => sweepBatch(ctx, trx, batchSize));
      add(r);
      if (r.checked < batchSize) break;
      // better-sqlite3 is synchronous: without a turn of the event loop between batches, a
      // sweep of many due timers (a working day's first minute) would hold every request,
      // intake included, until its last batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return total;
  }
  // Two batches in flight: once a batch holds its timers the next one starts on another
  // connection, leaving that batch's cases aside, so PostgreSQL reads or writes one batch while
  // node builds the other (run one after another, each waited on the other).
  const started: Array<Promise<SweepResult>> = [];
  try {
    let previous: Promise<SweepResult> | null = null;
    let busy: string[] = [];
    for (let i = 0; i < maxBatches; i++) {
      let claimed!: (c: Claim) => void;
      const claim = new Promise<Claim>((resolve) => (claimed = resolve));
      const batch = ctx.db.transaction().execute((trx) => sweepBatch(ctx, trx, batchSize, busy, claimed));
      started.push(batch);
      const c = await Promise.race([claim, batch.then(() => null)]);
      if (previous) add(await previous);
      previous = batch;
      if (c === null || c.checked < batchSize) break;
      busy = c.caseIds;
    }
    if (previous) add(await previous);
  } catch (err) {
    await Promise.allSettled(started);
    throw err;
  }
  return total;
}

/** What a batch holds once it has locked its timers: its cases, and whether more may be due. */
interface Claim {
  caseIds: string[];
  checked: number;
}

const UPDATE_CHUNK = 2000; // rows per multi-row UPDATE on SQLite (3 parameters each)

type Written = 'case_events' | 'case_escalations' | 'outbox' | 'remedies';
/** The JSON text column of each table the sweep writes. */
const JSON_COLUMN = { case_events: 'data', case_escalations: 'notified', outbox: 'payload', remedies: 'proposal' } as const;
/** A row whose JSON column holds the value itself (copyRows stores its JSON text). */
type Row<T extends Written> = Omit<Database[T], (typeof JSON_COLUMN)[T]> & { [K in (typeof JSON_COLUMN)[T]]: unknown };

/** Many rows of one table: by COPY on PostgreSQL, multi-row INSERTs on SQLite. */
const insertMany = <T extends Written>(trx: Trx, table: T, rows: Array<Row<T>>): Promise<void> => copyRows(trx, table, rows, [JSON_COLUMN[table]]);

/**
 * A batch is read with a handful of queries and written with a handful more: escalation levels,
 * existing remedies and escalation recipients are looked up once per batch (and kept up to date
 * in memory as the batch escalates), and the rows it writes go in multi-row statements. What it
 * writes is what handling the targets one by one wrote (the same rows, ids generated in the same
 * order, the same clock readings; see escalation.ts for escalate()), except the staff
 * notifications: those of one template to the same people go out as one digest.
 */
async function sweepBatch(ctx: Ctx, trx: Trx, batchSize: number, busy: string[] = [], onClaimed?: (c: Claim) => void): Promise<SweepResult> {
  const now = ctx.clock.now();
  const res = empty();
  const dueNow = () => trx.selectFrom('case_targets').selectAll().where('next_check_at', 'is not', null).where('next_check_at', '<=', now);
  const caseRows = () =>
    trx
      .selectFrom('cases')
      .leftJoin('customers', 'customers.id', 'cases.customer_id')
      .select(['cases.id', 'cases.number', 'cases.subject', 'cases.type', 'cases.team_id', 'cases.owner_id', 'cases.assignee_id', 'cases.status', 'customers.tier']);
  let due: CaseTargetsTable[];
  let caseList: Awaited<ReturnType<ReturnType<typeof caseRows>['execute']>>;
  if (ctx.ops.supportsForUpdate) {
    // Lock in the order case changes do (the case row, then its timers), or a sweep holding timers
    // and a change holding the case would deadlock: find due cases, lock the free ones (reading
    // what the batch needs of them: a locked row cannot change), then their due timers. Cases
    // being changed right now are left for the next pass. The case row lock also keeps two
    // processes from escalating one case at once (each would hold different targets of it).
    // (busy: the cases of this process's batch in flight, whose due timers that batch handles)
    const candidates = await trx
      .selectFrom('case_targets')
      .select('case_id')
      .where('next_check_at', 'is not', null)
      .where('next_check_at', '<=', now)
      .$if(busy.length > 0, (q) => q.where(sql<boolean>`case_id <> all(${busy}::text[])`))
      .orderBy('next_check_at')
      .limit(batchSize)
      .execute();
    if (candidates.length === 0) return res;
    const ids = [...new Set(candidates.map((c) => c.case_id))].sort();
    caseList = await caseRows().where(inList(true, 'cases.id', ids)).orderBy('cases.id').forUpdate('cases').skipLocked().execute();
    const free = caseList.map((r) => r.id);
    due = free.length ? await dueNow().where(inList(true, 'case_id', free)).orderBy('next_check_at').forUpdate().skipLocked().execute() : [];
    // a full page of candidates means there may be more, unless every one was busy
    res.checked = due.length === 0 ? 0 : Math.max(due.length, candidates.length);
  } else {
    // SQLite: one writer, and this transaction is it
    due = await dueNow().orderBy('next_check_at').limit(batchSize).execute();
    res.checked = due.length;
    caseList = due.length ? await caseRows().where(inList(false, 'cases.id', [...new Set(due.map((t) => t.case_id))])).execute() : [];
  }
  if (due.length === 0) return res;

  const pg = ctx.ops.name === 'postgres';
  const cfg = await commitmentConfig(ctx, trx);
  const caseIds = [...new Set(due.map((t) => t.case_id))];
  onClaimed?.({ caseIds, checked: res.checked });
  const cases = new Map(caseList.map((c) => [c.id, c]));
  const policies = new Map<string, Policy>();
  for (const p of cfg.policies) if (!policies.has(p.id)) policies.set(p.id, p);
  const calendarOf = (id: string) => (cfg.calendars.get(id) ?? cfg.calendars.get('standard')!).cal;

  // Evaluate every timer first (pure), to know which cases may escalate or get a remedy.
  const evaluated = due.map((t) => {
    const policy = t.policy_id === null ? undefined : policies.get(t.policy_id);
    const fractions = policy?.warnFractions ?? [0.75, 0.9];
    const cal = calendarOf(t.calendar_id);
    const timer = toTimer(t);
    return { t, c: cases.get(t.case_id), policy, fractions, cal, timer, ev: evaluateTimer(timer, cal, fractions, now) };
  });
  const escalating = new Set<string>();
  const remedying = new Set<string>();
  for (const { t, c, policy, ev } of evaluated) {
    if (!c) continue;
    if (ev.breached || (policy?.escalateOnWarning && ev.warnings.length)) escalating.add(c.id);
    if (ev.breached && REMEDY_TARGETS.has(t.kind)) remedying.add(c.id);
  }
  // The current escalation level of each case (1 when it has none), kept up to date below.
  const levels = new Map<string, number>();
  if (escalating.size) {
    const rows = await trx
      .selectFrom('case_escalations')
      .select((eb) => ['case_id', eb.fn.max('level').as('level')])
      .where(inList(pg, 'case_id', [...escalating]))
      .groupBy('case_id')
      .execute();
    for (const r of rows) levels.set(r.case_id, Number(r.level ?? 1) || 1);
  }
  const levelOf = (caseId: string) => levels.get(caseId) ?? 1;
  const hasRemedy = new Set<string>(); // remedyKey(case, rule)
  if (remedying.size) {
    const rows = await trx.selectFrom('remedies').select(['case_id', 'rule_id']).distinct().where(inList(pg, 'case_id', [...remedying])).execute();
    for (const r of rows) hasRemedy.add(remedyKey(r.case_id, r.rule_id));
  }
  // recipientsAt() reads only teams and users: once per team and level in a batch.
  const recipients = new Map<string, string[]>();
  const recipientsOf = async (c: { team_id: string | null }, level: number): Promise<string[]> => {
    const key = `${c.team_id ?? ''}|${level}`;
    let ids = recipients.get(key);
    if (!ids) recipients.set(key, (ids = await recipientsAt(trx, c, level)));
    return ids;
  };

  const events: Array<Row<'case_events'>> = [];
  const outbox: Array<Row<'outbox'>> = [];
  const escalations: Array<Row<'case_escalations'>> = [];
  const remedies: Array<Row<'remedies'>> = [];
  const event = (caseId: string, type: string, data: Record<string, unknown>, at = now) =>
    events.push({ id: newId(), case_id: caseId, type, actor_id: null, actor_kind: 'system', visibility: 'internal', body: null, data, created_at: at });
  const enqueue = (m: OutboxMessage) => {
    const row: Row<'outbox'> = outboxRow(ctx.clock.now(), { ...m, payload: {} }); // the payload goes in as a value
    row.payload = m.payload;
    return outbox.push(row);
  };
  // Staff notifications by template and recipients, sent when the batch is done: one alone as it
  // is, several as one digest (a flood of breaches is a few mails per person, not hundreds). A
  // later notice about the same thing (`about`: the 90% warning of a target whose 75% one came in
  // the same pass) replaces the earlier one.
  const notices = new Map<string, { template: string; userIds: string[]; items: Map<string, { caseId: string; vars: Record<string, unknown> }> }>();
  const notify = (template: string, userIds: string[], caseId: string, about: string, vars: Record<string, unknown>) => {
    const key = `${template}|${[...userIds].sort().join(',')}`;
    let n = notices.get(key);
    if (!n) notices.set(key, (n = { template, userIds, items: new Map() }));
    n.items.delete(about); // re-inserted last: the list keeps the order of the latest notices
    n.items.set(about, { caseId, vars });
  };

  /**
   * escalate() of escalation.ts (keep the two in step), with the level and recipients from the
   * batch's lookups: raises the case to `level` unless it is already there, records it and notifies.
   */
  const escalate = async (
    c: { id: string; team_id: string | null; number: string; subject: string },
    level: number,
    reason: string,
    targetId: string | null,
    about: { target?: string; dueAt?: number } = {},
  ): Promise<boolean> => {
    const at = ctx.clock.now();
    const current = levelOf(c.id);
    if (level <= current) return false;
    const notified = await recipientsOf(c, level);
    escalations.push({ id: newId(), case_id: c.id, level, target_id: targetId, reason, notified, created_at: at });
    event(c.id, 'escalated', { from: current, level, role: LEVEL_ROLE[level], reason, targetId, notified }, at);
    if (notified.length) notify('escalation', notified, c.id, `${c.id}|${level}`, { number: c.number, subject: c.subject, level, role: LEVEL_ROLE[level], reason, ...about });
    levels.set(c.id, level);
    return true;
  };

  const breachedIds = new Map<number, string[]>(); // warned -> ids: one UPDATE per distinct value
  const moved: Array<[string, number, number | null]> = []; // [id, warned, next_check_at]
  for (const { t, c, policy, fractions, cal, timer, ev } of evaluated) {
    const handler = c?.assignee_id ?? c?.owner_id ?? null;
    // Nobody has the case yet: the warning goes to the lead of its team (or the supervisors).
    const warnTo = ev.warnings.length && c ? (handler ? [handler] : await recipientsOf(c, 2)) : [];
    for (const w of ev.warnings) {
      res.warnings++;
      event(t.case_id, 'sla_warning', { targetId: t.id, kind: t.kind, fraction: fractions[w], dueAt: t.due_at });
      if (warnTo.length && c) notify('sla_warning', warnTo, t.case_id, t.id, { number: c.number, subject: c.subject, target: t.kind, dueAt: t.due_at, level: fractions[w] });
    }
    if (ev.breached) {
      res.breaches++;
      const ids = breachedIds.get(ev.warned);
      if (ids) ids.push(t.id);
      else breachedIds.set(ev.warned, [t.id]);
      event(t.case_id, 'sla_breach', { targetId: t.id, kind: t.kind, dueAt: t.due_at });
      if (c) {
        const level = Math.min(MAX_LEVEL, levelOf(c.id) + 1);
        if (await escalate({ ...c, team_id: t.kind === 'handling' ? (t.team_id ?? c.team_id) : c.team_id }, level, `${t.kind}_breached`, t.id, { target: t.kind, dueAt: t.due_at })) res.escalations++;
        const rule = chooseRemedy(cfg.remedyRules, t.kind, c.type, c.tier ?? null);
        if (rule && REMEDY_TARGETS.has(t.kind)) {
          if (!hasRemedy.has(remedyKey(c.id, rule.id))) {
            const { row, eventData } = proposedRemedy(c.id, t.id, rule, now);
            remedies.push(row);
            hasRemedy.add(remedyKey(c.id, rule.id));
            event(c.id, 'remedy_proposed', eventData);
            res.remedies++;
          }
        }
      }
    } else {
      const warned = ev.warned;
      moved.push([t.id, warned, nextCheckAt({ ...timer, warned }, cal, fractions)]);
      if (policy?.escalateOnWarning && ev.warnings.length && c) {
        const level = Math.min(MAX_LEVEL, levelOf(c.id) + 1);
        if (await escalate(c, level, `${t.kind}_warning`, t.id, { target: t.kind, dueAt: t.due_at })) res.escalations++;
      }
    }
  }

  for (const { template, userIds, items: byAbout } of notices.values()) {
    const items = [...byAbout.values()];
    if (items.length === 1) {
      const { caseId, vars } = items[0]!;
      enqueue({ topic: 'notify', caseId, payload: { userIds, kind: template, template, caseId, vars } });
    } else {
      const listed = items.slice(0, DIGEST_LIST_MAX).map(({ caseId, vars }) => ({ caseId, ...vars }));
      enqueue({ topic: 'notify', payload: { userIds, kind: template, template, total: items.length, items: listed } });
    }
  }

  for (const [warned, ids] of breachedIds)
    await trx.updateTable('case_targets').set({ state: 'breached', breached_at: now, warned, next_check_at: null } satisfies Partial<CaseTargetsTable>).where(inList(pg, 'id', ids)).execute();
  for (let i = 0; i < moved.length; i += UPDATE_CHUNK) await moveTargets(pg, trx, moved.slice(i, i + UPDATE_CHUNK));
  await insertMany(trx, 'case_escalations', escalations);
  await insertMany(trx, 'remedies', remedies);
  await insertMany(trx, 'case_events', events);
  await insertMany(trx, 'outbox', outbox);
  if (res.warnings || res.breaches)
    await recordAudit(ctx, trx, { actor: systemActor('timer'), action: 'commitments.sweep', targetType: 'case_targets', after: { ...res, cases: caseIds.length, node: ctx.config.nodeId } });
  return res;
}

/** `column IN (ids)`: one array parameter on PostgreSQL (a long IN list costs more to plan than to run). */
const inList = (pg: boolean, column: string, ids: string[]) =>
  pg ? sql<boolean>`${sql.ref(column)} = any(${ids}::text[])` : sql<boolean>`${sql.ref(column)} in (${sql.join(ids)})`;

/** Sets warned and next_check_at of many targets, each its own values, in one statement. */
async function moveTargets(pg: boolean, trx: Trx, rows: Array<[string, number, number | null]>): Promise<void> {
  if (rows.length === 0) return;
  if (pg) {
    await trx.executeQuery(
      CompiledQuery.raw(
        'update "case_targets" as t set "warned" = v.warned, "next_check_at" = v.next_check_at from unnest($1::text[], $2::int[], $3::bigint[]) as v(id, warned, next_check_at) where t."id" = v.id',
        [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
      ),
    );
    return;
  }
  await trx.executeQuery(
    CompiledQuery.raw(
      `update "case_targets" set "warned" = v.column2, "next_check_at" = v.column3 from (values ${rows.map(() => '(?, ?, ?)').join(', ')}) as v where "case_targets"."id" = v.column1`,
      rows.flat(),
    ),
  );
}

export interface TimerWorker {
  runOnce(): Promise<SweepResult>;
  start(): void;
  stop(): Promise<void>;
}

export function createTimerWorker(ctx: Ctx, opts: { pollMs?: number; batchSize?: number; onError?: (err: unknown) => void } = {}): TimerWorker {
  const runOnce = () => sweepDueTimers(ctx, { batchSize: opts.batchSize ?? 500 });
  const loop = repeat(async () => void (await runOnce()), { everyMs: opts.pollMs ?? 1000, name: 'timer-sweep', ...(opts.onError ? { onError: opts.onError } : {}) });
  return { runOnce, start: () => loop.start(), stop: () => loop.stop() };
}
