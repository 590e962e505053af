import { sql, type Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { systemActor, type Actor } from '../../shared/actor.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { enqueue } from '../notifications/index.ts';
import type { SecurityAlertsTable } from './access-alerts.table.ts';
import { recordAudit } from './audit.service.ts';

/**
 * Unusual access (SPEC 10): an alert when one actor reads personal data in bulk, or exports data
 * or reads the audit log outside business hours.
 *
 * recordAudit calls noteAccess for the actions below, in the audited transaction, when that
 * transaction is not a buffered one: reads are audited in a transaction of their own
 * (recordAuditNow); the case intake's buffered transactions never come here, so intake does no
 * work for it. The counting is in memory, per process and per database: a small list of recent
 * reads per staff actor, pruned to the window. With several app nodes each node counts its own
 * requests, so an actor whose requests a load balancer spreads over k nodes is seen at about 1/k
 * of their rate (lower the thresholds accordingly); a restart forgets the counts.
 *
 * Rules, each at most once per actor and window:
 * - bulk_read: more than `bulkReads` single reads of personal data (customer.read, case.read,
 *   case.attachment_read, consent.read, and privacy.export: a data export counts as one read)
 *   within `windowMs`;
 * - bulk_list: lists and searches (customer.list, case.list) returning more than `bulkRows` rows
 *   in total within `windowMs`;
 * - off_hours_export: a data export (privacy.export) outside the working hours of the standard
 *   calendar (commitments module: weekly hours, China holidays and make-up working days);
 * - off_hours_audit: a read of the audit log (audit.list) outside them.
 * Settings: CoreConfig.accessAlerts, from SL_ALERT_BULK_READS (default 200), SL_ALERT_BULK_ROWS
 * (2000) and SL_ALERT_WINDOW_MS (600000, ten minutes). Only staff are counted: a portal customer
 * sees only their own data, and system jobs are not people reading.
 *
 * An alert is a security_alerts row, an audit entry (security.alert) and a staff notification
 * (outbox topic notify, template security_alert) to the active directors and admins, all in the
 * audited transaction.
 */

export const ALERT_RULES = ['bulk_read', 'bulk_list', 'off_hours_export', 'off_hours_audit'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export interface AccessAlertSettings {
  /** More single reads than this within the window raise bulk_read. */
  bulkReads: number;
  /** More rows listed than this within the window raise bulk_list. */
  bulkRows: number;
  windowMs: number;
}

/** Single reads; privacy.export is one too (and also watched for off_hours_export). */
const READS = new Set(['customer.read', 'case.read', 'case.attachment_read', 'consent.read', 'privacy.export']);
const LISTS = new Set(['customer.list', 'case.list']);
const OFF_HOURS = new Map<string, AlertRule>([
  ['privacy.export', 'off_hours_export'],
  ['audit.list', 'off_hours_audit'],
]);

/** Whether noteAccess looks at an audited action at all (one lookup; everything else costs nothing). */
export const watchesAction = (action: string): boolean => READS.has(action) || LISTS.has(action) || OFF_HOURS.has(action);

interface ActorState {
  /** Recent single reads: [at, action], oldest first (at most bulkReads + 1 kept). */
  reads: Array<[number, string]>;
  /** Recent lists: [at, rows], oldest first, and their sum. */
  lists: Array<[number, number]>;
  listRows: number;
  lastAlert: Partial<Record<AlertRule, number>>;
  lastSeen: number;
}

interface DbState {
  actors: Map<string, ActorState>;
  sweptAt: number;
}

/** Per database (tests open many; one process serves one). */
const states = new WeakMap<Kysely<Database>, DbState>();

function actorState(ctx: Ctx, actorId: string, now: number, windowMs: number): ActorState {
  let s = states.get(ctx.db);
  if (!s) states.set(ctx.db, (s = { actors: new Map(), sweptAt: now }));
  // forget actors idle for a whole window (their counts and alert marks no longer matter)
  if (s.actors.size > 1000 && now - s.sweptAt > windowMs) {
    for (const [id, a] of s.actors) if (now - a.lastSeen > windowMs) s.actors.delete(id);
    s.sweptAt = now;
  }
  let a = s.actors.get(actorId);
  if (!a) s.actors.set(actorId, (a = { reads: [], lists: [], listRows: 0, lastAlert: {}, lastSeen: now }));
  a.lastSeen = now;
  return a;
}

const settingsOf = (ctx: Ctx): AccessAlertSettings => ctx.config.accessAlerts;

let commitments: Promise<typeof import('../commitments/index.ts')> | undefined;

/**
 * Whether `at` is within the working hours of the standard calendar (as an admin configured it);
 * null when the calendar does not cover it. The commitments module is loaded when first needed:
 * it imports this module's index itself.
 */
async function withinWorkingHours(ctx: Ctx, trx: Kysely<Database>, at: number): Promise<boolean | null> {
  commitments ??= import('../commitments/index.ts');
  const { calendarOf } = await commitments;
  const cal = await calendarOf(ctx, 'standard', trx);
  try {
    return cal.isBusinessTime(at);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

interface AuditedAccess {
  actor: Actor;
  action: string;
  targetType?: string | undefined;
  targetId?: string | undefined;
  after?: unknown;
}

/** Counts an audited access and raises the alerts it calls for, in the audited transaction `trx`. */
export async function noteAccess(ctx: Ctx, trx: Kysely<Database>, e: AuditedAccess): Promise<void> {
  if (e.actor.kind !== 'staff' || !watchesAction(e.action)) return;
  const now = ctx.clock.now();
  const cfg = settingsOf(ctx);
  const since = now - cfg.windowMs;
  const a = actorState(ctx, e.actor.id, now, cfg.windowMs);
  const mayRaise = (rule: AlertRule) => {
    const last = a.lastAlert[rule];
    return last === undefined || now - last >= cfg.windowMs;
  };
  const alerts: Array<{ rule: AlertRule; details: Record<string, unknown> }> = [];

  if (READS.has(e.action)) {
    a.reads.push([now, e.action]);
    while (a.reads.length && a.reads[0]![0] <= since) a.reads.shift();
    if (a.reads.length > cfg.bulkReads + 1) a.reads.splice(0, a.reads.length - cfg.bulkReads - 1);
    if (a.reads.length > cfg.bulkReads && mayRaise('bulk_read')) {
      const byAction: Record<string, number> = {};
      for (const [, action] of a.reads) byAction[action] = (byAction[action] ?? 0) + 1;
      alerts.push({ rule: 'bulk_read', details: { count: a.reads.length, threshold: cfg.bulkReads, windowMs: cfg.windowMs, since: a.reads[0]![0], byAction } });
    }
  } else if (LISTS.has(e.action)) {
    const count = (e.after as { count?: unknown } | undefined)?.count;
    const rows = typeof count === 'number' && Number.isFinite(count) && count > 0 ? count : 0;
    a.lists.push([now, rows]);
    a.listRows += rows;
    while (a.lists.length && (a.lists[0]![0] <= since || a.lists.length > 10_000)) a.listRows -= a.lists.shift()![1];
    if (a.listRows > cfg.bulkRows && mayRaise('bulk_list'))
      alerts.push({ rule: 'bulk_list', details: { rows: a.listRows, lists: a.lists.length, threshold: cfg.bulkRows, windowMs: cfg.windowMs, since: a.lists[0]![0] } });
  }
  const rule = OFF_HOURS.get(e.action);
  if (rule && mayRaise(rule) && (await withinWorkingHours(ctx, trx, now)) === false)
    alerts.push({ rule, details: { action: e.action, targetType: e.targetType ?? null, targetId: e.targetId ?? null, calendar: 'standard' } });
  for (const alert of alerts) {
    a.lastAlert[alert.rule] = now;
    await raiseAlert(ctx, trx, alert.rule, e.actor, alert.details);
  }
}

/** Stores the alert, notifies the directors and admins (outbox notify) and audits it: in `trx`. */
async function raiseAlert(ctx: Ctx, trx: Kysely<Database>, rule: AlertRule, who: Actor, details: Record<string, unknown>): Promise<void> {
  const now = ctx.clock.now();
  const full = { ...details, actorName: who.name, actorRole: who.role, ip: who.ip };
  const row: SecurityAlertsTable = { id: newId(), at: now, rule, actor_id: who.id, details: JSON.stringify(full), acknowledged_at: null, acknowledged_by: null };
  await trx.insertInto('security_alerts').values(row).execute();
  const to = await trx.selectFrom('users').select('id').where('role', 'in', ['director', 'admin']).where('active', '=', 1).orderBy('id').execute();
  if (to.length)
    await enqueue(ctx, trx, {
      topic: 'notify',
      payload: {
        userIds: to.map((u) => u.id),
        kind: 'security_alert',
        vars: {
          alertId: row.id,
          rule,
          at: now,
          actorName: who.name,
          actorRole: who.role,
          count: details.count ?? details.rows ?? null,
          threshold: details.threshold ?? null,
          windowMinutes: typeof details.windowMs === 'number' ? Math.round(details.windowMs / 60_000) : null,
        },
      },
    });
  await recordAudit(ctx, trx, { actor: systemActor('access-alerts'), action: 'security.alert', targetType: 'security_alert', targetId: row.id, after: { rule, actorId: who.id, details: full } });
}

// ---- reading and acknowledging --------------------------------------------------------------

export interface SecurityAlertView {
  id: string;
  at: number;
  rule: AlertRule;
  actorId: string;
  details: Record<string, unknown>;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
}

const toView = (r: SecurityAlertsTable): SecurityAlertView => ({
  id: r.id,
  at: r.at,
  rule: r.rule as AlertRule,
  actorId: r.actor_id,
  details: JSON.parse(r.details) as Record<string, unknown>,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
});

export interface AlertQuery {
  /** true: only acknowledged; false: only open; absent: both, open first. */
  acknowledged?: boolean | undefined;
  rule?: AlertRule | undefined;
  actorId?: string | undefined;
  limit: number;
}

/** Alerts, open ones first, newest first within each. */
export async function listSecurityAlerts(ctx: Ctx, q: AlertQuery): Promise<SecurityAlertView[]> {
  let qb = ctx.db.selectFrom('security_alerts').selectAll();
  if (q.acknowledged !== undefined) qb = qb.where('acknowledged_at', q.acknowledged ? 'is not' : 'is', null);
  if (q.rule) qb = qb.where('rule', '=', q.rule);
  if (q.actorId) qb = qb.where('actor_id', '=', q.actorId);
  const rows = await qb
    .orderBy(sql`CASE WHEN acknowledged_at IS NULL THEN 0 ELSE 1 END`)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map(toView);
}

/** Marks an alert as seen (audited); acknowledging it twice is 409 alert_already_acknowledged. */
export async function acknowledgeSecurityAlert(ctx: Ctx, id: string, note: string | undefined, actor: Actor): Promise<SecurityAlertView> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('security_alerts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('security_alert', id);
    if (row.acknowledged_at !== null) throw conflict('alert_already_acknowledged', 'This alert was already acknowledged.', { acknowledgedAt: row.acknowledged_at, acknowledgedBy: row.acknowledged_by });
    const set = { acknowledged_at: ctx.clock.now(), acknowledged_by: actor.id };
    const r = await trx.updateTable('security_alerts').set(set).where('id', '=', id).where('acknowledged_at', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw conflict('alert_already_acknowledged', 'This alert was already acknowledged.');
    await recordAudit(ctx, trx, { actor, action: 'security.alert_acknowledge', targetType: 'security_alert', targetId: id, after: { rule: row.rule, actorId: row.actor_id, note: note?.trim() || null } });
    return toView({ ...row, ...set });
  });
}
