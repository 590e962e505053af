import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as privacy from '../../core/modules/privacy/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['privacy'];

/** An export is a file to keep: JSON, downloaded as an attachment. */
const download = (reply: FastifyReply, e: privacy.CustomerExport) =>
  reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="${privacy.exportFileName(e.customer.id, e.exportedAt)}"`)
    .header('cache-control', 'no-store')
    .send(JSON.stringify(e, null, 2));

/** Privacy rights (SPEC 10): a customer's data export and its erasure by anonymisation. */
export function privacyRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/customers/:id/export',
    {
      config: { permission: 'privacy.export' },
      schema: { tags, summary: "A customer's data in clear, as a JSON file (right of access / portability)", params: privacy.customerIdParams },
    },
    async (req, reply) => download(reply, await privacy.exportCustomerData(ctx, req.params.id, actor(req))),
  );
  app.get(
    '/api/v1/me/export',
    {
      config: { permission: 'privacy.export_own' },
      // no parameters: there is no way to name another customer
      schema: { tags, summary: "A portal customer's own data, as the portal shows it, as a JSON file", querystring: z.strictObject({}) },
    },
    async (req, reply) => download(reply, await privacy.exportOwnData(ctx, actor(req))),
  );
  app.post(
    '/api/v1/customers/:id/erase',
    {
      config: { permission: 'privacy.erase' },
      schema: {
        tags,
        summary: "Erase a customer's personal data by anonymisation (right to erasure); refused while a case is not closed",
        params: privacy.customerIdParams,
        body: privacy.eraseBody,
      },
    },
    (req) => privacy.eraseCustomer(ctx, req.params.id, req.body, actor(req)),
  );
}
