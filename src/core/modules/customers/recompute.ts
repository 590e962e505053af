import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { CustomerTier } from './customers.service.ts';
import { churnReasons, DAY_MS, lifecycleStage } from './lifecycle.ts';
import type { LifecycleStage } from './profile.schemas.ts';
import { profileSettings } from './profile-settings.ts';
import { emptyProfile } from './profile-row.ts';
import { tiersByValue } from './tiering.ts';

export interface RecomputeReport {
  customers: number;
  tierChanges: Array<{ customerId: string; from: CustomerTier; to: CustomerTier }>;
  byTier: Record<CustomerTier, number>;
  byStage: Record<LifecycleStage, number>;
  atRisk: number;
}

/**
 * Recomputes every active, not erased customer's tier (unless pinned), lifecycle stage and churn
 * reasons from their value, cases and surveys (tiering.ts, lifecycle.ts), in one transaction.
 * Each tier change is audited (customer.tier), and the run (customer.profiles.recompute).
 * Run by an admin or lead (POST /api/v1/customers/recompute) or the CLI (`customers recompute`).
 */
export async function recomputeProfiles(ctx: Ctx, actor: Actor): Promise<RecomputeReport> {
  const s = await profileSettings(ctx);
  const now = ctx.clock.now();
  const period = s.periodDays * DAY_MS;
  return ctx.db.transaction().execute(async (trx) => {
    const customers = await trx
      .selectFrom('customers')
      .leftJoin('customer_profiles as p', 'p.customer_id', 'customers.id')
      .select(['customers.id', 'customers.tier', 'customers.created_at', 'p.annual_value', 'p.previous_value', 'p.tier_pinned'])
      .where('customers.erased_at', 'is', null)
      .where('customers.status', '=', 'active')
      .execute();
    const cases = await trx
      .selectFrom('cases')
      .select((eb) => [
        'customer_id',
        eb.fn.min('received_at').as('first_at'),
        eb.fn.max('received_at').as('last_at'),
        sql<number | string>`sum(case when received_at > ${now - period} and received_at <= ${now} then 1 else 0 end)`.as('recent'),
        sql<number | string>`sum(case when received_at > ${now - 2 * period} and received_at <= ${now - period} then 1 else 0 end)`.as('previous'),
        sql<number | string>`sum(case when received_at > ${now - period} and received_at <= ${now} and type in ('complaint', 'dissatisfaction') then 1 else 0 end)`.as('complaints'),
      ])
      .where('customer_id', 'is not', null)
      .groupBy('customer_id')
      .execute();
    const caseFacts = new Map(cases.map((c) => [c.customer_id!, c]));
    const surveys = await trx
      .selectFrom('surveys')
      .select((eb) => ['customer_id', eb.fn.max('answered_at').as('at')])
      .where('band', '=', 'dissatisfied')
      .where('customer_id', 'is not', null)
      .groupBy('customer_id')
      .execute();
    const dissatisfied = new Map(surveys.map((r) => [r.customer_id!, r.at === null ? null : Number(r.at)]));

    const tiers = tiersByValue(customers.map((c) => ({ id: c.id, value: Number(c.annual_value ?? 0) })), s);
    const report: RecomputeReport = {
      customers: customers.length,
      tierChanges: [],
      byTier: { vip: 0, key: 0, normal: 0 },
      byStage: { new: 0, growing: 0, mature: 0, declining: 0 },
      atRisk: 0,
    };
    for (const c of customers) {
      const pinned = c.tier_pinned === 1;
      const tier = pinned ? c.tier : tiers.get(c.id)!;
      if (tier !== c.tier) {
        await trx.updateTable('customers').set({ tier, updated_at: now }).where('id', '=', c.id).execute();
        await recordAudit(ctx, trx, { actor, action: 'customer.tier', targetType: 'customer', targetId: c.id, before: { tier: c.tier }, after: { tier, by: 'recompute' } });
        report.tierChanges.push({ customerId: c.id, from: c.tier, to: tier });
      }
      const k = caseFacts.get(c.id);
      const firstAt = k?.first_at == null ? null : Number(k.first_at);
      const since = firstAt === null ? Number(c.created_at) : Math.min(Number(c.created_at), firstAt);
      const value = Number(c.annual_value ?? 0);
      const { stage, reasons } = lifecycleStage(
        { now, since, recentCases: Number(k?.recent ?? 0), previousCases: Number(k?.previous ?? 0), value, previousValue: c.previous_value == null ? null : Number(c.previous_value) },
        s,
      );
      const risk = churnReasons(
        { now, since, stage, tier, lastCaseAt: k?.last_at == null ? null : Number(k.last_at), lastDissatisfiedAt: dissatisfied.get(c.id) ?? null, recentComplaints: Number(k?.complaints ?? 0) },
        s,
      );
      const computed = { stage, stage_reasons: JSON.stringify(reasons), risk_reasons: JSON.stringify(risk), at_risk: risk.length ? 1 : 0, computed_at: now };
      await trx
        .insertInto('customer_profiles')
        .values({ ...emptyProfile(c.id, now), ...computed })
        .onConflict((oc) => oc.column('customer_id').doUpdateSet(computed))
        .execute();
      report.byTier[tier]++;
      report.byStage[stage]++;
      if (risk.length) report.atRisk++;
    }
    await recordAudit(ctx, trx, { actor, action: 'customer.profiles.recompute', targetType: 'customer', after: { ...report, tierChanges: report.tierChanges.length } });
    return report;
  });
}
