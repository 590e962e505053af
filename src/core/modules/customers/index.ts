export * from './customers.service.ts';
export * from './phone.ts';
// Customer profiles (客户档案, SPEC 9): value and tier, lifecycle stage, churn risk, account managers, care campaigns.
export * from './profile.schemas.ts';
export type { CustomerCampaignRecipientsTable, CustomerCampaignsTable, CustomerProfilesTable } from './profile.table.ts';
export { audienceOf, CAMPAIGN_TEMPLATE, campaignMessagesOf, campaignPurpose, campaignsForExport, type CampaignReceipt, createCampaign, getCampaign, listCampaigns, personalise, previewAudience, sendCampaign, type CampaignView, type RecipientView } from './campaigns.ts';
export { getCustomerProfile, handOverCustomers, listAtRisk, updateCustomerProfile, type AtRiskCustomer, type CustomerProfile, type ProfileFigures } from './profile.ts';
export { handOverOnDeactivation, moveManagedCustomers, successorOf } from './handover.ts';
export { recomputeProfiles, type RecomputeReport } from './recompute.ts';
export { churnReasons, lifecycleStage, type ChurnFacts, type LifecycleFacts } from './lifecycle.ts';
export { tiersByValue } from './tiering.ts';
export { DEFAULT_PROFILE_SETTINGS, profileSettings, updateProfileSettings } from './profile-settings.ts';
