import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import type { CasesTable } from '../cases/index.ts';
import { enqueue } from '../notifications/index.ts';
import { appendRow, pendingRows } from '../../db/commit-buffer.ts';

type Trx = Kysely<Database>;

export const LEVEL_ROLE: Record<number, string> = { 1: 'agent', 2: 'supervisor', 3: 'manager', 4: 'director' };
export const MAX_LEVEL = 4;

/**
 * Who stands at an escalation level for a case, walking the team hierarchy upwards:
 * level 2 the lead of the case's team (its supervisor), level 3 the first manager found as lead
 * of a unit above it, level 4 the directors. Falls back to every active user of that role.
 */
export async function recipientsAt(trx: Trx, c: Pick<CasesTable, 'team_id'>, level: number): Promise<string[]> {
  const role = LEVEL_ROLE[level];
  if (!role || level < 2) return [];
  if (level < 4 && c.team_id) {
    let teamId: string | null = c.team_id;
    for (let hops = 0; teamId && hops < 10; hops++) {
      const t: { parent_id: string | null; lead_user_id: string | null } | undefined = await trx
        .selectFrom('teams')
        .select(['parent_id', 'lead_user_id'])
        .where('id', '=', teamId)
        .executeTakeFirst();
      if (!t) break;
      if (t.lead_user_id) {
        const lead = await trx.selectFrom('users').select(['id', 'role', 'active']).where('id', '=', t.lead_user_id).executeTakeFirst();
        if (lead && lead.active === 1 && lead.role === role) return [lead.id];
      }
      teamId = t.parent_id;
    }
  }
  const users = await trx.selectFrom('users').select('id').where('role', '=', role).where('active', '=', 1).orderBy('id').limit(10).execute();
  return users.map((u) => u.id);
}

export async function currentLevel(trx: Trx, caseId: string): Promise<number> {
  const r = await trx.selectFrom('case_escalations').select((eb) => eb.fn.max('level').as('level')).where('case_id', '=', caseId).executeTakeFirst();
  const pending = (pendingRows(trx, 'case_escalations') ?? []).filter((e) => e.case_id === caseId).map((e) => e.level);
  return Math.max(Number(r?.level ?? 1) || 1, ...pending);
}

export interface EscalationResult {
  level: number;
  notified: string[];
}

/**
 * Raises a case to `level` (never lowers it), records who was notified on the timeline and in
 * case_escalations, and sends the notification through the outbox. Returns null if the case is
 * already at or above that level.
 */
export async function escalate(
  ctx: Ctx,
  trx: Trx,
  c: Pick<CasesTable, 'id' | 'team_id' | 'number' | 'subject'>,
  level: number,
  reason: string,
  targetId: string | null,
  /** what the notification should say: the target kind and its deadline */
  about: { target?: string; dueAt?: number } = {},
  /** higher levels told as well, the case staying at `level` */
  alsoLevels: number[] = [],
): Promise<EscalationResult | null> {
  const now = ctx.clock.now();
  const current = await currentLevel(trx, c.id);
  if (level <= current) return null;
  const notified = await recipientsAt(trx, c, level);
  for (const l of alsoLevels) for (const id of await recipientsAt(trx, c, l)) if (!notified.includes(id)) notified.push(id);
  await appendRow(trx, 'case_escalations', { id: newId(), case_id: c.id, level, target_id: targetId, reason, notified: JSON.stringify(notified), created_at: now });
  await appendRow(trx, 'case_events', {
    id: newId(),
    case_id: c.id,
    type: 'escalated',
    actor_id: null,
    actor_kind: 'system',
    visibility: 'internal',
    body: null,
    data: JSON.stringify({ from: current, level, role: LEVEL_ROLE[level], reason, targetId, notified }),
    created_at: now,
  });
  if (notified.length)
    await enqueue(ctx, trx, {
      topic: 'notify',
      caseId: c.id,
      payload: { userIds: notified, kind: 'escalation', template: 'escalation', caseId: c.id, vars: { number: c.number, subject: c.subject, level, role: LEVEL_ROLE[level], reason, ...about } },
    });
  return { level, notified };
}

/**
 * An urgent complaint is handled at manager level or above, and notifies the service director(s)
 * and senior management at once (SPEC 2): escalated to level 3 with the directors told as well.
 */
export const escalateUrgentComplaint = (ctx: Ctx, trx: Trx, c: Pick<CasesTable, 'id' | 'team_id' | 'number' | 'subject'>): Promise<EscalationResult | null> =>
  escalate(ctx, trx, c, 3, 'urgent_complaint', null, {}, [MAX_LEVEL]);
