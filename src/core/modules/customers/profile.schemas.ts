import { z } from 'zod';
import { CUSTOMER_TIERS } from './customers.service.ts';

/** The API contract of customer profiles (客户档案, SPEC 9) and care campaigns (关怀活动). */
export const LIFECYCLE_STAGES = ['new', 'growing', 'mature', 'declining'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const RISK_REASONS = ['declining', 'low_survey', 'repeat_complaints', 'inactive_key'] as const;
export type RiskReason = (typeof RISK_REASONS)[number];
export const CAMPAIGN_KINDS = ['care', 'holiday', 'key_customer', 'notice'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
export const RECIPIENT_STATUSES = ['queued', 'skipped_no_consent', 'skipped_no_email'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

const id = z.string().min(1).max(64);
const pct = z.number().min(0).max(100);
const days = z.number().int().min(1).max(3650);

/**
 * The profile settings (an admin's, audited as settings.update). Tier rule, by annual value over
 * the active customers that are not erased, ranked highest first (ties by id):
 * - vip: the first ceil(vipPercent% of them) with a value above 0 (e.g. 5: the top 5% of customers);
 * - key: of the rest, each customer whose ranked predecessors together hold less than keyValuePercent%
 *   of the total value, i.e. the customers that together make up the top 80% of the value (the 80/20 rule);
 * - normal: everyone else, and every customer with value 0.
 * A pinned tier (set by hand) is never changed by the recompute; its value still counts in the total.
 */
export const profileSettingsSchema = z.strictObject({
  vipPercent: pct,
  keyValuePercent: pct,
  /** Lifecycle: a customer younger than this (since created or first case) is new. */
  newDays: days,
  /** Lifecycle: the length of each of the two periods compared (the last, and the one before). */
  periodDays: days,
  /** Lifecycle: value or activity up by at least this much: growing. */
  growthPercent: pct,
  /** Lifecycle: value or activity down by at least this much: declining. */
  declinePercent: pct,
  /** Churn: a dissatisfied survey answer within this many days. */
  lowSurveyDays: days,
  /** Churn: at least this many complaints (complaint or dissatisfaction cases) within periodDays. */
  repeatComplaints: z.number().int().min(2).max(100),
  /** Churn: a vip or key customer with no case for this many days. */
  inactiveDays: days,
});
export type ProfileSettings = z.infer<typeof profileSettingsSchema>;
export const profileSettingsPatch = profileSettingsSchema.partial().strict();

export const profilePatch = z.strictObject({
  /** Annual value in whole yuan. */
  annualValue: z.number().int().min(0).max(1e13).optional(),
  /** A tier set by hand and pinned; null unpins it (the next recompute sets it by value). */
  tierOverride: z.enum(CUSTOMER_TIERS).nullable().optional(),
  accountManagerId: id.nullable().optional(),
});
export type ProfilePatch = z.infer<typeof profilePatch>;

export const handoverBody = z.strictObject({ fromUserId: id, toUserId: id });

export const campaignAudienceSchema = z.strictObject({
  customerIds: z.array(id).min(1).max(10_000).optional(),
  tier: z.enum(CUSTOMER_TIERS).optional(),
  stage: z.enum(LIFECYCLE_STAGES).optional(),
  region: z.string().trim().min(1).max(100).optional(),
  atRisk: z.boolean().optional(),
});
export type CampaignAudience = z.infer<typeof campaignAudienceSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);
export const campaignInputSchema = z.strictObject({
  kind: z.enum(CAMPAIGN_KINDS),
  title: text(200),
  subject: text(200),
  /** The message; `{name}` becomes the customer's name. One text for both languages, or one for each. */
  body: z.union([text(10_000), z.strictObject({ zh: text(10_000), en: text(10_000) })]),
  audience: campaignAudienceSchema,
});
export type CampaignInput = z.infer<typeof campaignInputSchema>;

export const campaignParams = z.strictObject({ id });
export const customerParams = z.strictObject({ id });
export const atRiskQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });
