import type { Ctx } from '../context.ts';
import type { Actor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import { createCampaign, recomputeProfiles, sendCampaign, type RecomputeReport } from '../modules/customers/index.ts';
import { grantConsent, hasConsent } from '../modules/privacy/index.ts';
import { Rng } from './prng.ts';

/**
 * Customer profiles (SPEC 9) of the demo: an annual value for each customer (long-tailed, so the
 * 80/20 rule has something to rank; the customers with more cases worth more), an account manager
 * each (the front-line agents in turn), the tier / stage / churn recompute, and one holiday greeting
 * sent to the key and VIP customers (those with an email given marketing consent by phone first).
 */
export async function loadDemoCustomerProfiles(ctx: Ctx, now: number, seed: number, managers: Actor[], lead: Actor): Promise<string> {
  const r = new Rng(`${seed}:customer-profiles`);
  const at = { ...ctx, clock: new ManualClock(now) };
  const rows = await ctx.db
    .selectFrom('customers')
    .leftJoin('cases', 'cases.customer_id', 'customers.id')
    .select((eb) => ['customers.id', eb.fn.count<number | string>('cases.id').as('n')])
    .where('customers.erased_at', 'is', null)
    .groupBy('customers.id')
    .orderBy('customers.id')
    .execute();
  const profiles = rows.map((c, i) => ({
    customer_id: c.id,
    // in yuan: a long tail (a few large accounts) times how much the customer deals with us
    annual_value: Math.round((2_000 + 8_000 * Number(c.n)) / Math.pow(r.real(0.02, 1), 0.9) / 100) * 100,
    previous_value: null,
    tier_pinned: 0,
    account_manager_id: managers[i % managers.length]!.id,
    stage: null,
    stage_reasons: '[]',
    risk_reasons: '[]',
    at_risk: 0,
    computed_at: null,
    updated_at: now,
  }));
  for (let i = 0; i < profiles.length; i += 200) await ctx.db.insertInto('customer_profiles').values(profiles.slice(i, i + 200)).execute();
  const report: RecomputeReport = await recomputeProfiles(at, lead);

  const keyCustomers = await ctx.db.selectFrom('customers').select(['id', 'email']).where('tier', 'in', ['vip', 'key']).where('email', 'is not', null).where('erased_at', 'is', null).orderBy('id').limit(12).execute();
  for (const c of keyCustomers)
    if (!(await hasConsent(ctx.db, c.id, 'marketing'))) await grantConsent(at, c.id, { purpose: 'marketing', scope: null, channel: 'phone', evidenceRef: null }, lead);
  const campaign = await createCampaign(at, lead, {
    kind: 'holiday',
    title: '元旦重点客户问候',
    subject: '新年问候 / Season\'s greetings',
    body: {
      zh: '{name}您好！\n感谢您一年来对我们的信任与支持。新年将至，客户服务中心全体同事祝您新年快乐、万事顺意！如有任何需要，欢迎随时联系您的客户经理。',
      en: 'Dear {name},\nThank you for your trust this year. All of us at the Customer Service Centre wish you a happy new year. Your account manager is always there if you need anything.',
    },
    audience: { tier: 'key' },
  });
  const sent = await sendCampaign(at, lead, campaign.id);
  return `${report.byTier.vip} VIP, ${report.byTier.key} key, ${report.atRisk} at risk; greeting mailed to ${sent.counts?.queued ?? 0}`;
}
