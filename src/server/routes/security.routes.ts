import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { acknowledgeSecurityAlert, ALERT_RULES, listSecurityAlerts } from '../../core/modules/audit/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['security'];

/** Unusual-access alerts (SPEC 10, core/modules/audit/access-alerts.ts). */
export function securityRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/security/alerts',
    {
      config: { permission: 'security.read' },
      schema: {
        tags,
        summary: 'Unusual-access alerts, open ones first',
        querystring: z.strictObject({
          acknowledged: z.enum(['true', 'false']).optional(),
          rule: z.enum(ALERT_RULES).optional(),
          actorId: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    (req) =>
      listSecurityAlerts(ctx, {
        acknowledged: req.query.acknowledged === undefined ? undefined : req.query.acknowledged === 'true',
        rule: req.query.rule,
        actorId: req.query.actorId,
        limit: req.query.limit,
      }),
  );
  app.post(
    '/api/v1/security/alerts/:id/acknowledge',
    {
      config: { permission: 'security.write' },
      schema: {
        tags,
        summary: 'Acknowledge an alert (checked; audited)',
        params: z.strictObject({ id: z.string().min(1).max(64) }),
        body: z.strictObject({ note: z.string().trim().max(500).optional() }),
      },
    },
    (req) => acknowledgeSecurityAlert(ctx, req.params.id, req.body.note, actor(req)),
  );
}
