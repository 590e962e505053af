import type { Ctx } from '../../core/context.ts';
import * as routing from '../../core/modules/routing/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['routing'];

/**
 * Routing rules (SPEC 3, 分派): leads read them and try a would-be case against them (simulate);
 * the admin creates, changes (enable/disable, reorder by position) and deletes them.
 */
export function routingRoutes(app: ZApp, ctx: Ctx): void {
  app.get('/api/v1/routing/rules', { config: { permission: 'routing.read' }, schema: { tags, summary: 'The routing rules, in the order they are tried' } }, () =>
    routing.listRoutingRules(ctx),
  );
  app.get(
    '/api/v1/routing/rules/:id',
    { config: { permission: 'routing.read' }, schema: { tags, summary: 'A routing rule', params: routing.routingRuleParams } },
    (req) => routing.getRoutingRule(ctx, req.params.id),
  );
  app.post(
    '/api/v1/routing/rules',
    { config: { permission: 'routing.write' }, schema: { tags, summary: 'Add a routing rule (last, unless a position is given)', body: routing.newRoutingRuleBody } },
    async (req, reply) => reply.status(201).send(await routing.createRoutingRule(ctx, req.body, actor(req))),
  );
  app.patch(
    '/api/v1/routing/rules/:id',
    {
      config: { permission: 'routing.write' },
      schema: { tags, summary: 'Change a routing rule: enable or disable it, move it (position), its conditions or action', params: routing.routingRuleParams, body: routing.routingRulePatchBody },
    },
    (req) => routing.updateRoutingRule(ctx, req.params.id, req.body, actor(req)),
  );
  app.delete(
    '/api/v1/routing/rules/:id',
    { config: { permission: 'routing.write' }, schema: { tags, summary: 'Delete a routing rule', params: routing.routingRuleParams } },
    async (req, reply) => {
      await routing.deleteRoutingRule(ctx, req.params.id, actor(req));
      return reply.status(204).send();
    },
  );
  app.post(
    '/api/v1/routing/simulate',
    {
      config: { permission: 'routing.read' },
      schema: { tags, summary: 'Dry run: which rule a would-be case matches and which agent it would be given now (nothing is changed)', body: routing.simulateRoutingBody },
    },
    (req) => routing.simulateRouting(ctx, req.body),
  );
}
