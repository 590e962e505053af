import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, invalid, notFound } from '../../shared/errors.ts';
import { maskEmail, maskNullable, maskPhone, seesPersonalData } from '../../shared/masking.ts';
import { recordAudit, recordAuditNow } from '../audit/index.ts';
import { visibleCases } from '../cases/index.ts';
import { customerProducts, type ProductView } from '../fieldservice/index.ts';
import { listConsents, type ConsentRegister } from '../privacy/index.ts';
import { activeStaff, can } from '../users/index.ts';
import { toCustomerView, type CustomerTier, type CustomerView } from './customers.service.ts';
import { moveManagedCustomers } from './handover.ts';
import type { LifecycleStage, ProfilePatch, RiskReason } from './profile.schemas.ts';
import { emptyProfile } from './profile-row.ts';
import type { CustomerProfilesTable } from './profile.table.ts';

type Db = Kysely<Database>;

export interface ProfileFigures {
  annualValue: number;
  previousValue: number | null;
  tierPinned: boolean;
  accountManager: { id: string; name: string; active: boolean } | null;
  stage: LifecycleStage | null;
  stageReasons: string[];
  atRisk: boolean;
  riskReasons: RiskReason[];
  computedAt: number | null;
}

export interface CustomerProfile {
  customer: CustomerView;
  profile: ProfileFigures;
  /** The contacts the customer's cases came from (name, email, phone), masked as the customer's own. */
  contacts: Array<{ name: string | null; email: string | null; phone: string | null; lastAt: number }>;
  cases: Array<{ id: string; number: string; subject: string; type: string; status: string; receivedAt: number }>;
  caseCounts: { total: number; open: number };
  surveys: Array<{ caseId: string; caseNumber: string; csat: number; scale: number; band: string; answeredAt: number }>;
  consents: ConsentRegister;
  /** The customer's products, warranties and contracts (modules/fieldservice); null for a viewer without fieldservice.read. */
  products: ProductView[] | null;
}

async function profileRow(db: Db, customerId: string): Promise<CustomerProfilesTable | undefined> {
  return db.selectFrom('customer_profiles').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
}

async function figures(db: Db, p: CustomerProfilesTable): Promise<ProfileFigures> {
  const manager = p.account_manager_id ? await db.selectFrom('users').select(['id', 'name', 'active']).where('id', '=', p.account_manager_id).executeTakeFirst() : undefined;
  return {
    annualValue: Number(p.annual_value),
    previousValue: p.previous_value === null ? null : Number(p.previous_value),
    tierPinned: p.tier_pinned === 1,
    accountManager: manager ? { id: manager.id, name: manager.name, active: manager.active === 1 } : null,
    stage: p.stage as LifecycleStage | null,
    stageReasons: JSON.parse(p.stage_reasons) as string[],
    atRisk: p.at_risk === 1,
    riskReasons: JSON.parse(p.risk_reasons) as RiskReason[],
    computedAt: p.computed_at === null ? null : Number(p.computed_at),
  };
}

const RECENT_CASES = 20;

/** The profile page (客户档案): the customer, their figures, contacts, cases they may see, survey scores, consents, products. Audited (customer.read). */
export async function getCustomerProfile(ctx: Ctx, customerId: string, actor: Actor): Promise<CustomerProfile> {
  const c = await ctx.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
  if (!c) throw notFound('customer', customerId);
  const p = (await profileRow(ctx.db, customerId)) ?? emptyProfile(customerId, c.created_at);
  const visible = visibleCases(actor);
  let cq = ctx.db.selectFrom('cases').where('cases.customer_id', '=', customerId);
  if (visible) cq = cq.where(visible);
  const cases = await cq.select(['id', 'number', 'subject', 'type', 'status', 'received_at']).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(RECENT_CASES).execute();
  const counts = await cq
    .select((eb) => [eb.fn.countAll<number | string>().as('total'), eb.fn.sum<number | string | null>(eb.case().when('status', '!=', 'closed').then(1).else(0).end()).as('open')])
    .executeTakeFirstOrThrow();
  const contacts = await cq
    .select((eb) => ['contact_name', 'contact_email', 'contact_phone', eb.fn.max('received_at').as('last_at')])
    .groupBy(['contact_name', 'contact_email', 'contact_phone'])
    .orderBy('last_at', 'desc')
    .limit(10)
    .execute();
  let sq = ctx.db
    .selectFrom('surveys')
    .innerJoin('cases', 'cases.id', 'surveys.case_id')
    .select(['surveys.case_id', 'cases.number', 'surveys.csat', 'surveys.scale', 'surveys.band', 'surveys.answered_at'])
    .where('surveys.customer_id', '=', customerId)
    .where('surveys.status', '=', 'answered');
  if (visible) sq = sq.where(visible);
  const surveys = await sq.orderBy('surveys.answered_at', 'desc').limit(20).execute();
  const consents = await listConsents(ctx, customerId, actor);
  // Field service (modules/fieldservice): the customer's registered products with their warranty and contract.
  const products = actor.kind === 'staff' && can(actor.role, 'fieldservice.read') ? await customerProducts(ctx, customerId) : null;
  const clear = seesPersonalData(actor, customerId);
  await recordAuditNow(ctx, { actor, action: 'customer.read', targetType: 'customer', targetId: customerId, after: { view: 'profile' } });
  return {
    customer: toCustomerView(c, actor),
    profile: await figures(ctx.db, p),
    contacts: contacts.map((k) => ({
      name: k.contact_name,
      email: clear ? k.contact_email : maskNullable(k.contact_email, maskEmail),
      phone: clear ? k.contact_phone : maskNullable(k.contact_phone, maskPhone),
      lastAt: Number(k.last_at),
    })),
    cases: cases.map((k) => ({ id: k.id, number: k.number, subject: k.subject, type: k.type, status: k.status, receivedAt: Number(k.received_at) })),
    caseCounts: { total: Number(counts.total), open: Number(counts.open ?? 0) },
    surveys: surveys.map((s) => ({ caseId: s.case_id, caseNumber: s.number, csat: Number(s.csat), scale: s.scale, band: s.band ?? '', answeredAt: Number(s.answered_at) })),
    consents,
    products,
  };
}

/**
 * A lead's or an admin's change to the profile: the annual value (the one before is kept for the
 * value trend), a tier set by hand (pinned: the recompute leaves it; null unpins), the account
 * manager (an active member of staff). Audited (customer.profile, customer.tier).
 */
export async function updateCustomerProfile(ctx: Ctx, customerId: string, patch: ProfilePatch, actor: Actor): Promise<ProfileFigures> {
  return ctx.db.transaction().execute(async (trx) => {
    const c = await trx.selectFrom('customers').select(['id', 'tier', 'erased_at', 'created_at']).where('id', '=', customerId).executeTakeFirst();
    if (!c) throw notFound('customer', customerId);
    if (c.erased_at !== null) throw conflict('customer_erased', `The personal data of customer ${customerId} was erased; its profile is not kept up any more.`);
    if (patch.annualValue === undefined && patch.tierOverride === undefined && patch.accountManagerId === undefined) throw invalid('profile_patch_empty', 'Give annualValue, tierOverride or accountManagerId.');
    const now = ctx.clock.now();
    const before = (await profileRow(trx, customerId)) ?? emptyProfile(customerId, now);
    const changes: Partial<CustomerProfilesTable> = { updated_at: now };
    if (patch.annualValue !== undefined && patch.annualValue !== Number(before.annual_value)) {
      changes.annual_value = patch.annualValue;
      // a first figure (from none) is no trend: the lifecycle compares only two real figures
      changes.previous_value = Number(before.annual_value) > 0 ? Number(before.annual_value) : null;
    }
    if (patch.accountManagerId !== undefined) {
      if (patch.accountManagerId !== null) await activeStaff(trx, patch.accountManagerId);
      changes.account_manager_id = patch.accountManagerId;
    }
    if (patch.tierOverride !== undefined) {
      changes.tier_pinned = patch.tierOverride === null ? 0 : 1;
      const tier: CustomerTier | null = patch.tierOverride;
      if (tier !== null && tier !== c.tier) {
        await trx.updateTable('customers').set({ tier, updated_at: now }).where('id', '=', customerId).execute();
        await recordAudit(ctx, trx, { actor, action: 'customer.tier', targetType: 'customer', targetId: customerId, before: { tier: c.tier }, after: { tier, by: 'hand', pinned: true } });
      }
    }
    const after = { ...before, ...changes };
    await trx.insertInto('customer_profiles').values(after).onConflict((oc) => oc.column('customer_id').doUpdateSet(changes)).execute();
    await recordAudit(ctx, trx, {
      actor,
      action: 'customer.profile',
      targetType: 'customer',
      targetId: customerId,
      before: { annualValue: Number(before.annual_value), tierPinned: before.tier_pinned === 1, accountManagerId: before.account_manager_id },
      after: { annualValue: Number(after.annual_value), tierPinned: after.tier_pinned === 1, accountManagerId: after.account_manager_id },
    });
    return figures(trx, after);
  });
}

/** Hands every customer of one account manager to another (an active member of staff), e.g. before someone leaves. */
export async function handOverCustomers(ctx: Ctx, fromUserId: string, toUserId: string, actor: Actor): Promise<{ moved: string[] }> {
  if (fromUserId === toUserId) throw invalid('handover_same_user', 'Hand the customers over to someone else.', { field: 'toUserId' });
  return ctx.db.transaction().execute(async (trx) => {
    const from = await trx.selectFrom('users').select('id').where('id', '=', fromUserId).executeTakeFirst();
    if (!from) throw notFound('user', fromUserId);
    await activeStaff(trx, toUserId);
    return { moved: await moveManagedCustomers(ctx, trx, fromUserId, toUserId, 'handover', actor) };
  });
}

export interface AtRiskCustomer {
  customerId: string;
  name: string;
  tier: CustomerTier;
  region: string | null;
  stage: LifecycleStage | null;
  riskReasons: RiskReason[];
  annualValue: number;
  accountManager: { id: string; name: string } | null;
  computedAt: number | null;
}

/** The customers flagged at risk by the last recompute, vip first, then by value (流失预警名单). */
export async function listAtRisk(ctx: Ctx, f: { limit: number }, actor: Actor): Promise<AtRiskCustomer[]> {
  const rows = await ctx.db
    .selectFrom('customer_profiles as p')
    .innerJoin('customers as c', 'c.id', 'p.customer_id')
    .leftJoin('users as m', 'm.id', 'p.account_manager_id')
    .select(['c.id', 'c.name', 'c.tier', 'c.region', 'p.stage', 'p.risk_reasons', 'p.annual_value', 'p.computed_at', 'm.id as managerId', 'm.name as managerName'])
    .where('p.at_risk', '=', 1)
    .where('c.erased_at', 'is', null)
    .orderBy((eb) => eb.case().when('c.tier', '=', 'vip').then(0).when('c.tier', '=', 'key').then(1).else(2).end())
    .orderBy('p.annual_value', 'desc')
    .orderBy('c.id')
    .limit(f.limit)
    .execute();
  await recordAuditNow(ctx, { actor, action: 'customer.list', targetType: 'customer', after: { view: 'at_risk', count: rows.length, ids: rows.map((r) => r.id) } });
  return rows.map((r) => ({
    customerId: r.id,
    name: r.name,
    tier: r.tier,
    region: r.region,
    stage: r.stage as LifecycleStage | null,
    riskReasons: JSON.parse(r.risk_reasons) as RiskReason[],
    annualValue: Number(r.annual_value),
    accountManager: r.managerId ? { id: r.managerId, name: r.managerName ?? '' } : null,
    computedAt: r.computed_at === null ? null : Number(r.computed_at),
  }));
}
