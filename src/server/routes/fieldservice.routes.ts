import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as fs from '../../core/modules/fieldservice/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['fieldservice'];
const params = fs.idParams;
const wo = { 200: fs.workOrderViewSchema };

/**
 * After-sales field service (售后服务, SPEC 9): the product register and contracts, work orders
 * (remote support first, fee quote, dispatch, the visit, parts, report, the customer's sign-off),
 * the engineers, and proactive notices. Which work order an actor may touch is checked in the
 * service (the case's visibility; on-site work: the booked engineer or a lead).
 */
export function fieldserviceRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/fieldservice/products',
    { config: { permission: 'fieldservice.read' }, schema: { tags, summary: 'The product register: by serial (prefix), model or customer', querystring: fs.productListQuery, response: { 200: z.array(fs.productViewSchema) } } },
    (req) => fs.listProducts(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/fieldservice/products',
    { config: { permission: 'fieldservice.register' }, schema: { tags, summary: "Register a customer's product (a serial is unique per model)", body: fs.createProductBody, response: { 201: fs.productViewSchema } } },
    async (req, reply) => reply.status(201).send(await fs.createProduct(ctx, req.body, actor(req))),
  );
  app.get(
    '/api/v1/fieldservice/products/:id',
    { config: { permission: 'fieldservice.read' }, schema: { tags, summary: 'One product with its contract and service kind today', params, response: { 200: fs.productViewSchema } } },
    (req) => fs.getProduct(ctx, req.params.id, actor(req)),
  );
  app.get(
    '/api/v1/fieldservice/contracts',
    { config: { permission: 'fieldservice.read' }, schema: { tags, summary: 'Service contracts, newest first', querystring: z.strictObject({ customerId: z.string().max(64).optional() }), response: { 200: z.array(fs.contractViewSchema) } } },
    (req) => fs.listContracts(ctx, req.query.customerId),
  );
  app.post(
    '/api/v1/fieldservice/contracts',
    { config: { permission: 'fieldservice.register' }, schema: { tags, summary: 'A service contract with its coverage window and level', body: fs.createContractBody, response: { 201: fs.contractViewSchema } } },
    async (req, reply) => reply.status(201).send(await fs.createContract(ctx, req.body, actor(req))),
  );
  app.get(
    '/api/v1/fieldservice/engineers',
    { config: { permission: 'fieldservice.read' }, schema: { tags, summary: 'Field engineers: areas, skills, daily cap', response: { 200: z.array(fs.engineerViewSchema) } } },
    () => fs.listEngineers(ctx),
  );
  app.put(
    '/api/v1/fieldservice/engineers/:id',
    { config: { permission: 'fieldservice.engineers.write' }, schema: { tags, summary: 'Make a member of staff a field engineer, or change their areas and daily cap', params, body: fs.putEngineerBody, response: { 200: fs.engineerViewSchema } } },
    (req) => fs.putEngineer(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/fieldservice/notices',
    { config: { permission: 'fieldservice.notice' }, schema: { tags, summary: 'Send a maintenance reminder, upgrade notice or recall (by model, serial range) as a campaign', body: fs.noticeBody, response: { 200: fs.noticeResultSchema } } },
    (req) => fs.sendNotice(ctx, req.body, actor(req)),
  );

  app.get(
    '/api/v1/work-orders',
    { config: { permission: 'fieldservice.read' }, schema: { tags, summary: 'Work orders (mine: the visits booked for me)', querystring: fs.workOrderListQuery, response: { 200: z.array(fs.workOrderViewSchema) } } },
    (req) => fs.listWorkOrders(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/work-orders',
    { config: { permission: 'fieldservice.write' }, schema: { tags, summary: "A work order on a case for the customer's product (its service kind follows from the product)", body: fs.createWorkOrderBody, response: { 201: fs.workOrderViewSchema } } },
    async (req, reply) => reply.status(201).send(await fs.createWorkOrder(ctx, req.body, actor(req))),
  );
  app.get('/api/v1/work-orders/:id', { config: { permission: 'fieldservice.read' }, schema: { tags, summary: 'One work order', params, response: wo } }, (req) => fs.getWorkOrder(ctx, req.params.id, actor(req)));
  app.post(
    '/api/v1/work-orders/:id/remote-support',
    { config: { permission: 'fieldservice.write' }, schema: { tags, summary: 'Record the remote-support attempt (resolved: completed without a visit)', params, body: fs.remoteSupportBody, response: wo } },
    (req) => fs.recordRemoteSupport(ctx, req.params.id, req.body, actor(req)),
  );
  app.put(
    '/api/v1/work-orders/:id/quote',
    { config: { permission: 'fieldservice.write' }, schema: { tags, summary: 'The fee quote of a paid service (labour, parts, call-out; fen, CNY)', params, body: fs.quoteBody, response: wo } },
    (req) => fs.setQuote(ctx, req.params.id, req.body.items, actor(req)),
  );
  app.post(
    '/api/v1/work-orders/:id/quote/accept',
    { config: { permission: 'fieldservice.write' }, schema: { tags, summary: 'The customer accepted the quote', params, body: fs.acceptQuoteBody, response: wo } },
    (req) => fs.acceptQuote(ctx, req.params.id, req.body.acceptedBy, actor(req)),
  );
  app.get(
    '/api/v1/work-orders/:id/suggestions',
    { config: { permission: 'fieldservice.dispatch' }, schema: { tags, summary: 'Engineers for the visit on a day, ranked by area, skill and load', params, querystring: fs.suggestQuery, response: { 200: z.array(fs.suggestionSchema) } } },
    (req) => fs.suggestEngineers(ctx, req.params.id, req.query.date, actor(req)),
  );
  app.post(
    '/api/v1/work-orders/:id/book',
    { config: { permission: 'fieldservice.dispatch' }, schema: { tags, summary: 'Book an engineer for an appointment window on a working day', params, body: fs.bookBody, response: wo } },
    (req) => fs.bookVisit(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/work-orders/:id/move',
    { config: { permission: 'fieldservice.visit' }, schema: { tags, summary: 'Set off (en_route), arrive (on_site: a field visit on the case) or cancel', params, body: fs.moveBody, response: wo } },
    (req) => fs.moveWorkOrder(ctx, req.params.id, req.body, actor(req)),
  );
  app.put(
    '/api/v1/work-orders/:id/checklist',
    { config: { permission: 'fieldservice.visit' }, schema: { tags, summary: 'Tick on-site checklist items with notes', params, body: fs.checklistBody, response: wo } },
    (req) => fs.tickChecklist(ctx, req.params.id, req.body.items, actor(req)),
  );
  app.post(
    '/api/v1/work-orders/:id/parts',
    { config: { permission: 'fieldservice.visit' }, schema: { tags, summary: 'A spare part used, with its own warranty from today', params, body: fs.addPartBody, response: wo } },
    (req) => fs.addPart(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/work-orders/:id/complete',
    { config: { permission: 'fieldservice.visit' }, schema: { tags, summary: 'Finish on site with the field report', params, body: fs.completeBody, response: wo } },
    (req) => fs.completeWorkOrder(ctx, req.params.id, req.body.report, actor(req)),
  );
  app.post(
    '/api/v1/work-orders/:id/signoff',
    { config: { permission: 'fieldservice.visit' }, schema: { tags, summary: "The customer's sign-off of the field report (then read-only)", params, body: fs.signoffBody, response: wo } },
    (req) => fs.signOff(ctx, req.params.id, req.body, actor(req)),
  );

  // the customer portal's 我的产品: their own products and service orders, read-only, in a customer's shape
  app.get(
    '/api/v1/portal/products',
    { config: { permission: 'portal.read' }, schema: { tags: ['portal'], summary: "The customer's own products with their warranty today and service orders (engineer's name only; the report once completed)", response: { 200: z.array(fs.portalProductSchema) } } },
    (req) => fs.listOwnProducts(ctx, actor(req)),
  );
  app.get(
    '/api/v1/portal/work-orders/:id',
    { config: { permission: 'portal.read' }, schema: { tags: ['portal'], summary: "One of the customer's own service orders (another's: 404)", params, response: { 200: fs.portalWorkOrderSchema } } },
    (req) => fs.getOwnWorkOrder(ctx, req.params.id, actor(req)),
  );
}
