import type { Ctx } from '../../core/context.ts';
import { idParams } from '../../core/modules/cases/index.ts';
import * as portal from '../../core/modules/portal/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['portal'];

/**
 * The customer portal's reads (SPEC 11): a customer's own cases in a customer's shape. Writes go
 * through the cases API (create, reply, attach, confirm, reopen), which scopes them to the customer.
 */
export function portalRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/portal/cases',
    {
      config: { permission: 'portal.read' },
      schema: { tags, summary: "The customer's own cases, open ones first (no internal fields)", querystring: portal.portalListQuery, response: { 200: portal.portalListResponse } },
    },
    (req) => portal.listOwnCases(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/portal/cases/:id',
    {
      config: { permission: 'portal.read' },
      schema: {
        tags,
        summary: "One of the customer's own cases: its public timeline, files and the commitments promised with whether they were kept",
        params: idParams,
        response: { 200: portal.portalCaseDetail },
      },
    },
    (req) => portal.getOwnCase(ctx, req.params.id, actor(req)),
  );
}
