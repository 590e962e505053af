import { api, post, withQuery } from '../../api.ts';
import type { AtRiskCustomer, CustomerProfile, ProfileFigures } from '../../../../src/core/modules/customers/profile.ts';
import type { CampaignView, RecipientView } from '../../../../src/core/modules/customers/campaigns.ts';
import type { CampaignAudience, CampaignKind, ProfilePatch, RecipientStatus } from '../../../../src/core/modules/customers/profile.schemas.ts';
import type { RecomputeReport } from '../../../../src/core/modules/customers/recompute.ts';
import type { CustomerView } from '../../../../src/core/modules/customers/customers.service.ts';

export type { AtRiskCustomer, CampaignAudience, CampaignKind, CampaignView, CustomerProfile, CustomerView, ProfileFigures, RecipientStatus, RecipientView };

/** Customer profiles and care campaigns (SPEC 9): customers.routes.ts, the customer list of admin.routes.ts. */
export const TIERS = ['vip', 'key', 'normal'] as const;
export const STAGES = ['new', 'growing', 'mature', 'declining'] as const;
export const CAMPAIGN_KINDS = ['care', 'holiday', 'key_customer', 'notice'] as const;

export const listCustomers = (f: { q?: string; tier?: string }) => api<CustomerView[]>(withQuery('/api/v1/customers', { ...f, limit: 100 }));
export const getProfile = (id: string) => api<CustomerProfile>(`/api/v1/customers/${encodeURIComponent(id)}/profile`);
export const updateProfile = (id: string, body: ProfilePatch) => api<ProfileFigures>(`/api/v1/customers/${encodeURIComponent(id)}/profile`, { method: 'PATCH', body });
export const listAtRisk = () => api<AtRiskCustomer[]>('/api/v1/customers/at-risk');
export const recompute = () => post<RecomputeReport>('/api/v1/customers/recompute', {});

export interface CampaignInput {
  kind: CampaignKind;
  title: string;
  subject: string;
  body: { zh: string; en: string };
  audience: CampaignAudience;
}
export const listCampaigns = () => api<CampaignView[]>('/api/v1/campaigns');
export const getCampaign = (id: string) => api<CampaignView & { recipients: RecipientView[] }>(`/api/v1/campaigns/${encodeURIComponent(id)}`);
export const previewCampaign = (kind: CampaignKind, audience: CampaignAudience) => post<{ total: number; counts: Record<RecipientStatus, number> }>('/api/v1/campaigns/preview', { kind, audience });
export const createCampaign = (body: CampaignInput) => post<CampaignView>('/api/v1/campaigns', body);
export const sendCampaign = (id: string) => post<CampaignView>(`/api/v1/campaigns/${encodeURIComponent(id)}/send`, {});
