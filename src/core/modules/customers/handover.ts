import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { recordAudit } from '../audit/index.ts';

type Db = Kysely<Database>;

/**
 * Moves every customer managed by `fromUserId` to `toUserId` (null: to nobody), in the caller's
 * transaction; audited per customer (customer.manager) with why. Returns the customers moved.
 */
export async function moveManagedCustomers(ctx: Ctx, trx: Db, fromUserId: string, toUserId: string | null, reason: 'handover' | 'deactivated', actor: Actor): Promise<string[]> {
  const rows = await trx.selectFrom('customer_profiles').select('customer_id').where('account_manager_id', '=', fromUserId).orderBy('customer_id').execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.customer_id);
  await trx.updateTable('customer_profiles').set({ account_manager_id: toUserId, updated_at: ctx.clock.now() }).where('account_manager_id', '=', fromUserId).execute();
  for (const id of ids)
    await recordAudit(ctx, trx, { actor, action: 'customer.manager', targetType: 'customer', targetId: id, before: { accountManagerId: fromUserId }, after: { accountManagerId: toUserId, reason } });
  return ids;
}

/**
 * Who takes over a leaving user's customers: the lead of their team, else of the nearest team
 * above it with an active lead other than them; null when there is none (the customers are then
 * left without a manager, never with an inactive one, and the audit says so).
 */
export async function successorOf(trx: Db, userId: string): Promise<string | null> {
  const user = await trx.selectFrom('users').select('team_id').where('id', '=', userId).executeTakeFirst();
  let teamId = user?.team_id ?? null;
  for (let depth = 0; teamId && depth < 20; depth++) {
    const team = await trx
      .selectFrom('teams')
      .leftJoin('users as lead', 'lead.id', 'teams.lead_user_id')
      .select(['teams.parent_id', 'lead.id as leadId', 'lead.active as leadActive'])
      .where('teams.id', '=', teamId)
      .executeTakeFirst();
    if (!team) return null;
    if (team.leadId && team.leadId !== userId && team.leadActive === 1) return team.leadId;
    teamId = team.parent_id;
  }
  return null;
}

/**
 * Called by the users module when an account is deactivated, in its transaction: the leaving
 * user's customers go to successorOf (SPEC 9: a leaving employee's customers are never lost).
 * To choose someone else, hand them over first (POST /api/v1/customers/handover).
 */
export async function handOverOnDeactivation(ctx: Ctx, trx: Db, userId: string, actor: Actor): Promise<void> {
  const has = await trx.selectFrom('customer_profiles').select('customer_id').where('account_manager_id', '=', userId).limit(1).executeTakeFirst();
  if (!has) return;
  await moveManagedCustomers(ctx, trx, userId, await successorOf(trx, userId), 'deactivated', actor);
}
