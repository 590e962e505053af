/** One customer's profile figures (SPEC 9); a customer without a row has value 0, no manager, nothing computed yet. */
export interface CustomerProfilesTable {
  customer_id: string;
  /** Annual value (revenue) in whole yuan, entered by a lead or an admin: the basis of the tier. */
  annual_value: number;
  /** The value before its last change: the value trend of the lifecycle stage. */
  previous_value: number | null;
  /** 1: the tier was set by hand and the recompute leaves it alone. */
  tier_pinned: number;
  /** 客户经理: an active member of staff, or none. */
  account_manager_id: string | null;
  /** new | growing | mature | declining (lifecycle.ts); null until first computed. */
  stage: string | null;
  /** JSON string[]: the rules that gave the stage. */
  stage_reasons: string;
  /** JSON string[]: churn-risk reasons (churn.ts); at_risk = 1 when there is one. */
  risk_reasons: string;
  at_risk: number;
  computed_at: number | null;
  updated_at: number;
}

/** A care campaign (关怀活动) and, once sent, whom it reached (customer_campaign_recipients). */
export interface CustomerCampaignsTable {
  id: string;
  /** care | holiday | key_customer | notice */
  kind: string;
  title: string;
  subject: string;
  /** The message; {name} is replaced by the customer's name. */
  body_zh: string;
  body_en: string;
  /** JSON CampaignAudience. */
  audience: string;
  /** draft | sent */
  status: string;
  created_by: string;
  created_at: number;
  sent_by: string | null;
  sent_at: number | null;
}

export interface CustomerCampaignRecipientsTable {
  campaign_id: string;
  customer_id: string;
  /** queued | skipped_no_consent | skipped_no_email | skipped_erased */
  status: string;
  outbox_id: string | null;
  created_at: number;
}
