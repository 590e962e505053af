import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as privacy from '../../core/modules/privacy/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['consents'];
const customerParams = z.strictObject({ id: z.string().min(1).max(64) });

/**
 * The consent register (SPEC 10): staff read a customer's register and record what the customer
 * granted or withdrew; a portal customer manages their own under /api/v1/me/consents.
 */
export function consentRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/customers/:id/consents',
    { config: { permission: 'consent.read' }, schema: { tags, summary: "The customer's consents, in force and withdrawn", params: customerParams } },
    (req) => privacy.listConsents(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/customers/:id/consents',
    {
      config: { permission: 'consent.write' },
      schema: { tags, summary: 'Record a consent the customer gave (how: channel and evidence)', params: customerParams, body: privacy.grantConsentBody },
    },
    async (req, reply) => reply.status(201).send(await privacy.grantConsent(ctx, req.params.id, req.body, actor(req))),
  );
  app.post(
    '/api/v1/customers/:id/consents/:consentId/withdraw',
    {
      config: { permission: 'consent.write' },
      schema: { tags, summary: 'Record that the customer withdrew a consent (kept in the history)', params: privacy.consentParams, body: privacy.withdrawConsentBody },
    },
    (req) => privacy.withdrawConsent(ctx, req.params.id, req.params.consentId, req.body.reason, actor(req)),
  );

  app.get('/api/v1/me/consents', { config: { permission: 'consent.own' }, schema: { tags, summary: 'My consents, in force and withdrawn' } }, (req) =>
    privacy.listOwnConsents(ctx, actor(req)),
  );
  app.post(
    '/api/v1/me/consents',
    { config: { permission: 'consent.own' }, schema: { tags, summary: 'Give a consent', body: privacy.ownConsentBody } },
    async (req, reply) => reply.status(201).send(await privacy.grantOwnConsent(ctx, req.body, actor(req))),
  );
  app.post(
    '/api/v1/me/consents/:consentId/withdraw',
    { config: { permission: 'consent.own' }, schema: { tags, summary: 'Withdraw a consent', params: privacy.ownConsentParams, body: privacy.withdrawConsentBody } },
    (req) => privacy.withdrawOwnConsent(ctx, req.params.consentId, req.body.reason, actor(req)),
  );
}
