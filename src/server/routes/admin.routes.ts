import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { listAudit, verifyAuditChain } from '../../core/modules/audit/index.ts';
import * as customers from '../../core/modules/customers/index.ts';
import * as users from '../../core/modules/users/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const id = z.strictObject({ id: z.string().min(1).max(64) });
const customerBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).nullable().optional(),
  phone: z.string().trim().max(40).nullable().optional(),
  company: z.string().trim().max(200).nullable().optional(),
  tier: z.enum(customers.CUSTOMER_TIERS).optional(),
  region: z.string().trim().max(100).nullable().optional(),
  branch: z.string().trim().max(100).nullable().optional(),
  locale: z.string().max(10).optional(),
});
const password = users.userPassword;

export function adminRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/customers',
    {
      config: { permission: 'customer.read' },
      schema: {
        tags: ['customers'],
        querystring: z.strictObject({ q: z.string().max(200).optional(), tier: z.enum(customers.CUSTOMER_TIERS).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), after: z.string().max(64).optional() }),
      },
    },
    (req) => customers.listCustomers(ctx, req.query, actor(req)),
  );
  app.post('/api/v1/customers', { config: { permission: 'customer.write' }, schema: { tags: ['customers'], body: customerBody } }, async (req, reply) =>
    reply.status(201).send(await customers.createCustomer(ctx, req.body, actor(req))),
  );
  app.get('/api/v1/customers/:id', { config: { permission: 'customer.read' }, schema: { tags: ['customers'], params: id } }, (req) =>
    customers.getCustomer(ctx, req.params.id, actor(req)),
  );
  app.patch('/api/v1/customers/:id', { config: { permission: 'customer.write' }, schema: { tags: ['customers'], params: id, body: customerBody.partial() } }, (req) =>
    customers.updateCustomer(ctx, req.params.id, req.body, actor(req)),
  );

  app.get(
    '/api/v1/users',
    { config: { permission: 'user.read' }, schema: { tags: ['users'], querystring: z.strictObject({ role: z.enum(users.ROLES).optional(), teamId: z.string().max(64).optional() }) } },
    (req) => users.listUsers(ctx, req.query, actor(req)),
  );
  app.get('/api/v1/users/:id', { config: { permission: 'user.read' }, schema: { tags: ['users'], params: id } }, (req) => users.getUser(ctx, req.params.id, actor(req)));
  app.post(
    '/api/v1/users',
    {
      config: { permission: 'user.write' },
      schema: {
        tags: ['users'],
        body: users.newUserBody,
      },
    },
    async (req, reply) => reply.status(201).send(await users.createUser(ctx, req.body, actor(req))),
  );
  app.patch(
    '/api/v1/users/:id',
    {
      config: { permission: 'user.write' },
      schema: {
        tags: ['users'],
        params: id,
        body: z.strictObject({
          name: z.string().trim().min(1).max(100).optional(),
          role: z.enum(users.ROLES).optional(),
          teamId: z.string().max(64).nullable().optional(),
          active: z.boolean().optional(),
          password: password.optional(),
          skills: z.array(z.string().max(50)).max(50).optional(),
          languages: z.array(z.string().max(10)).max(20).optional(),
          locale: z.enum(['zh-CN', 'en']).optional(),
          /** 岗位 (e.g. 一线坐席, 二线专家, 班长, 质检员): scorecards break down by it */
          post: z.string().trim().min(1).max(40).nullable().optional(),
        }),
      },
    },
    (req) => users.updateUser(ctx, req.params.id, req.body, actor(req)),
  );

  app.get('/api/v1/teams', { config: { permission: 'team.read' }, schema: { tags: ['teams'] } }, () => users.listTeams(ctx));
  app.post(
    '/api/v1/teams',
    {
      config: { permission: 'team.write' },
      schema: {
        tags: ['teams'],
        body: z.strictObject({
          name: z.string().trim().min(1).max(100),
          nameEn: z.string().trim().max(100).optional(),
          parentId: z.string().max(64).nullable().optional(),
          kind: z.enum(['department', 'team']),
          leadUserId: z.string().max(64).nullable().optional(),
        }),
      },
    },
    async (req, reply) => reply.status(201).send(await users.createTeam(ctx, req.body, actor(req))),
  );
  app.patch(
    '/api/v1/teams/:id',
    { config: { permission: 'team.write' }, schema: { tags: ['teams'], params: id, body: z.strictObject({ leadUserId: z.string().max(64).nullable() }) } },
    (req) => users.setTeamLead(ctx, req.params.id, req.body.leadUserId, actor(req)),
  );

  app.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        querystring: z.strictObject({
          targetType: z.string().max(40).optional(),
          targetId: z.string().max(64).optional(),
          actorId: z.string().max(64).optional(),
          beforeSeq: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    (req) => listAudit(ctx, req.query, actor(req)),
  );
  app.get('/api/v1/audit/verify', { config: { permission: 'audit.read' }, schema: { tags: ['audit'], summary: 'Recompute the audit hash chain' } }, () => verifyAuditChain(ctx));
}
