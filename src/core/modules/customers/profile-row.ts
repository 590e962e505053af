import type { CustomerProfilesTable } from './profile.table.ts';

/** The profile of a customer nobody has filled in yet: value 0, no manager, nothing computed. */
export const emptyProfile = (customerId: string, now: number): CustomerProfilesTable => ({
  customer_id: customerId,
  annual_value: 0,
  previous_value: null,
  tier_pinned: 0,
  account_manager_id: null,
  stage: null,
  stage_reasons: '[]',
  risk_reasons: '[]',
  at_risk: 0,
  computed_at: null,
  updated_at: now,
});
