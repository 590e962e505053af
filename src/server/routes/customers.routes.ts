import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as cu from '../../core/modules/customers/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['customers'];

/**
 * Customer profiles (客户档案, SPEC 9) beside the customer records of admin.routes.ts: the profile,
 * value / pinned tier / account manager, hand-over, the tier-stage-risk recompute, the at-risk
 * list, the profile settings, and care campaigns (关怀活动).
 */
export function customerProfileRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/customers/profile-settings',
    { config: { permission: 'settings.read' }, schema: { tags, summary: 'The tier rule (vip share, key value share) and the lifecycle and churn thresholds' } },
    () => cu.profileSettings(ctx),
  );
  app.patch(
    '/api/v1/customers/profile-settings',
    { config: { permission: 'settings.write' }, schema: { tags, summary: 'Change the profile settings (applies from the next recompute)', body: cu.profileSettingsPatch } },
    (req) => cu.updateProfileSettings(ctx, req.body, actor(req)),
  );
  app.get(
    '/api/v1/customers/at-risk',
    { config: { permission: 'customer.risk.read' }, schema: { tags, summary: 'Customers flagged at risk of leaving by the last recompute (流失预警), vip first', querystring: cu.atRiskQuery } },
    (req) => cu.listAtRisk(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/customers/recompute',
    { config: { permission: 'customer.profile.write' }, schema: { tags, summary: 'Recompute every customer\'s tier (unless pinned), lifecycle stage and churn flags', body: z.strictObject({}).optional() } },
    (req) => cu.recomputeProfiles(ctx, actor(req)),
  );
  app.post(
    '/api/v1/customers/handover',
    { config: { permission: 'customer.profile.write' }, schema: { tags, summary: 'Hand every customer of one account manager over to another', body: cu.handoverBody } },
    (req) => cu.handOverCustomers(ctx, req.body.fromUserId, req.body.toUserId, actor(req)),
  );
  app.get(
    '/api/v1/customers/:id/profile',
    { config: { permission: 'customer.read' }, schema: { tags, summary: 'The customer profile: figures, contacts, cases, surveys, consents, products', params: cu.customerParams } },
    (req) => cu.getCustomerProfile(ctx, req.params.id, actor(req)),
  );
  app.patch(
    '/api/v1/customers/:id/profile',
    { config: { permission: 'customer.profile.write' }, schema: { tags, summary: 'Set the annual value, pin a tier (null unpins) or name the account manager', params: cu.customerParams, body: cu.profilePatch } },
    (req) => cu.updateCustomerProfile(ctx, req.params.id, req.body, actor(req)),
  );

  // ---- care campaigns (关怀活动) ---------------------------------------------------------------
  const ctags = ['campaigns'];
  app.get('/api/v1/campaigns', { config: { permission: 'campaign.read' }, schema: { tags: ctags, summary: 'Campaigns, newest first, with their recipient counts once sent' } }, () => cu.listCampaigns(ctx));
  app.post(
    '/api/v1/campaigns/preview',
    {
      config: { permission: 'campaign.read' },
      schema: { tags: ctags, summary: 'How many customers an audience reaches, and how many a send would mail or skip', body: z.strictObject({ kind: z.enum(cu.CAMPAIGN_KINDS), audience: cu.campaignAudienceSchema }) },
    },
    (req) => cu.previewAudience(ctx, req.body.kind, req.body.audience),
  );
  app.post(
    '/api/v1/campaigns',
    { config: { permission: 'campaign.write' }, schema: { tags: ctags, summary: 'Create a draft campaign', body: cu.campaignInputSchema } },
    async (req, reply) => reply.status(201).send(await cu.createCampaign(ctx, actor(req), req.body)),
  );
  app.get(
    '/api/v1/campaigns/:id',
    { config: { permission: 'campaign.read' }, schema: { tags: ctags, summary: 'A campaign with its recipients', params: cu.campaignParams } },
    (req) => cu.getCampaign(ctx, req.params.id),
  );
  app.post(
    '/api/v1/campaigns/:id/send',
    { config: { permission: 'campaign.write' }, schema: { tags: ctags, summary: 'Send the campaign, once (409 campaign_already_sent)', params: cu.campaignParams, body: z.strictObject({}).optional() } },
    (req) => cu.sendCampaign(ctx, actor(req), req.params.id),
  );
}
