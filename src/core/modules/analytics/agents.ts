import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { EXCLUDED_CLOSE_REASONS } from './metrics.ts';

/**
 * SPEC 8's count figures per agent (the case's assignee, as the dashboard's agent breakdown),
 * over the same definitions as analyticsSummary:
 * - received, resolved and first-contact resolved among the cases received in [from, to)
 *   (FCR as isFirstContactResolution: resolved, never reopened, never transferred, <= 1 field visit);
 * - solved and counted among the cases closed in [from, to) (duplicate and spam left out).
 */
export interface AgentCounts {
  received: number;
  resolved: number;
  fcr: number;
  closedCounted: number;
  solved: number;
}

const FCR = sql<boolean>`resolved_at is not null and reopen_count = 0 and transfer_count = 0 and field_visits <= 1`;
const num = (x: unknown): number => Number(x ?? 0);

export async function agentCountsBetween(ctx: Ctx, from: number, to: number): Promise<Map<string, AgentCounts>> {
  const excluded = sql.join(EXCLUDED_CLOSE_REASONS.map((r) => sql.lit(r)));
  const [received, closed] = await Promise.all([
    ctx.db
      .selectFrom('case_metrics')
      .select([
        'assignee_id',
        sql<number>`count(*)`.as('n'),
        sql<number>`sum(case when resolved_at is not null then 1 else 0 end)`.as('resolved'),
        sql<number>`sum(case when ${FCR} then 1 else 0 end)`.as('fcr'),
      ])
      .where('received_at', '>=', from)
      .where('received_at', '<', to)
      .where('assignee_id', 'is not', null)
      .groupBy('assignee_id')
      .execute(),
    ctx.db
      .selectFrom('case_metrics')
      .select(['assignee_id', sql<number>`count(*)`.as('n'), sql<number>`sum(case when close_reason = 'solved' then 1 else 0 end)`.as('solved')])
      .where('closed_at', '>=', from)
      .where('closed_at', '<', to)
      .where('assignee_id', 'is not', null)
      .where(sql<boolean>`coalesce(close_reason, '') not in (${excluded})`)
      .groupBy('assignee_id')
      .execute(),
  ]);
  const out = new Map<string, AgentCounts>();
  const of = (id: string) => out.get(id) ?? out.set(id, { received: 0, resolved: 0, fcr: 0, closedCounted: 0, solved: 0 }).get(id)!;
  for (const r of received) Object.assign(of(r.assignee_id!), { received: num(r.n), resolved: num(r.resolved), fcr: num(r.fcr) });
  for (const r of closed) Object.assign(of(r.assignee_id!), { closedCounted: num(r.n), solved: num(r.solved) });
  return out;
}

export const AGENT_FIGURES = ['received', 'resolved', 'fcr', 'closed', 'solved'] as const;
export type AgentFigure = (typeof AGENT_FIGURES)[number];

/** The cases behind one of an agent's counts (agentCountsBetween), oldest first. */
export async function agentCaseIds(ctx: Ctx, from: number, to: number, agentId: string, figure: AgentFigure): Promise<string[]> {
  let q = ctx.db.selectFrom('case_metrics').select('case_id').where('assignee_id', '=', agentId);
  if (figure === 'closed' || figure === 'solved') {
    const excluded = sql.join(EXCLUDED_CLOSE_REASONS.map((r) => sql.lit(r)));
    q = q.where('closed_at', '>=', from).where('closed_at', '<', to).where(sql<boolean>`coalesce(close_reason, '') not in (${excluded})`);
    if (figure === 'solved') q = q.where('close_reason', '=', 'solved');
    return (await q.orderBy('closed_at').orderBy('case_id').execute()).map((r) => r.case_id);
  }
  q = q.where('received_at', '>=', from).where('received_at', '<', to);
  if (figure === 'resolved') q = q.where('resolved_at', 'is not', null);
  if (figure === 'fcr') q = q.where(FCR);
  return (await q.orderBy('received_at').orderBy('case_id').execute()).map((r) => r.case_id);
}
