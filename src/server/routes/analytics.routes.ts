import type { Ctx } from '../../core/context.ts';
import { summaryQuery } from '../../core/modules/analytics/index.ts';
import { runRead } from '../../core/reads/index.ts';
import type { ZApp } from './zapp.ts';

const tags = ['analytics'];

export function analyticsRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/analytics/summary',
    {
      config: { permission: 'analytics.read' },
      schema: {
        tags,
        summary: 'Dashboard figures (SPEC 8) for the cases received in a period: volumes, response and resolution times, rates, backlog, SLA compliance',
        querystring: summaryQuery,
      },
    },
    (req) => runRead(ctx, 'analytics.summary', req.query),
  );
}
