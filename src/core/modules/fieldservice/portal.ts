import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { forbidden, notFound } from '../../shared/errors.ts';
import { SERVICE_KINDS, WORK_ORDER_STATUSES, WORK_ORDER_TYPES, type FieldReport, type QuoteItem, type ServiceKind, type WorkOrderStatus, type WorkOrderType } from './fieldservice.schemas.ts';
import type { WorkOrdersTable } from './fieldservice.table.ts';
import { customerProducts } from './register.service.ts';
import { dayIn, quoteTotalFen } from './rules.ts';

/**
 * 我的产品 (SPEC 9 after-sales, SPEC 10 "customers see only their own", SPEC 11 portal): a
 * customer's registered products with their warranty today, and the service orders on them in a
 * customer's shape. Of the engineer only the name; no area, skill, dispatch reasons, remote notes
 * or checklist notes (the centre's internals); the field report once the visit is completed.
 * Read-only: staff record the sign-off on site. Another customer's order: 404 work_order_not_found.
 */

/** The statuses after which the field report is there to read. */
const REPORTED: WorkOrderStatus[] = ['completed', 'signed_off'];

export const portalWorkOrderSchema = z.object({
  id: z.string(),
  productId: z.string(),
  caseId: z.string(),
  caseNumber: z.string().nullable(),
  type: z.enum(WORK_ORDER_TYPES),
  status: z.enum(WORK_ORDER_STATUSES),
  serviceKind: z.enum(SERVICE_KINDS),
  problem: z.string().nullable(),
  visitDate: z.string().nullable(),
  windowStart: z.string().nullable(),
  windowEnd: z.string().nullable(),
  engineerName: z.string().nullable(),
  /** Paid service: the fee quote (fen, CNY) and when it was accepted. */
  quote: z.object({ items: z.array(z.object({ kind: z.string(), description: z.string(), amountFen: z.number() })), totalFen: z.number(), acceptedAt: z.number().nullable() }).nullable(),
  /** Once completed (or signed off). */
  report: z.object({ workDone: z.string(), findings: z.string(), minutesOnSite: z.number() }).nullable(),
  /** Spare parts fitted, each with its own warranty. */
  parts: z.array(z.object({ name: z.string(), qty: z.number(), warrantyEndsOn: z.string() })),
  signoff: z.object({ signerName: z.string(), at: z.number() }).nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type PortalWorkOrder = z.infer<typeof portalWorkOrderSchema>;

export const portalProductSchema = z.object({
  id: z.string(),
  model: z.string(),
  serial: z.string(),
  purchasedOn: z.string(),
  warrantyEndsOn: z.string(),
  /** Under warranty today (the centre's date; its last day inclusive). */
  inWarranty: z.boolean(),
  /** The service kind today: warranty (free), contract, paid. */
  serviceKind: z.enum(SERVICE_KINDS),
  contract: z.object({ number: z.string(), level: z.string(), startsOn: z.string(), endsOn: z.string() }).nullable(),
  /** Its service orders, newest first. */
  workOrders: z.array(portalWorkOrderSchema),
});
export type PortalProduct = z.infer<typeof portalProductSchema>;

function customerOf(actor: Actor): string | null {
  if (actor.kind !== 'customer') throw forbidden('The portal is for customers; staff use the workspace.');
  return actor.customerId;
}

type Row = WorkOrdersTable & { case_number: string | null; engineer_name: string | null };

const ordersOf = (ctx: Ctx, customerId: string) =>
  ctx.db
    .selectFrom('work_orders as w')
    .leftJoin('cases as c', 'c.id', 'w.case_id')
    .leftJoin('users as u', 'u.id', 'w.engineer_id')
    .selectAll('w')
    .select(['c.number as case_number', 'u.name as engineer_name'])
    .where('w.customer_id', '=', customerId);

async function views(ctx: Ctx, rows: Row[]): Promise<PortalWorkOrder[]> {
  const ids = rows.map((r) => r.id);
  const parts = ids.length ? await ctx.db.selectFrom('work_order_parts').select(['work_order_id', 'name', 'qty', 'warranty_ends_on']).where('work_order_id', 'in', ids).orderBy('created_at').orderBy('id').execute() : [];
  return rows.map((r) => {
    const items = r.quote ? (JSON.parse(r.quote) as QuoteItem[]) : null;
    const report = r.report && REPORTED.includes(r.status as WorkOrderStatus) ? (JSON.parse(r.report) as FieldReport) : null;
    return {
      id: r.id,
      productId: r.product_id,
      caseId: r.case_id,
      caseNumber: r.case_number,
      type: r.type as WorkOrderType,
      status: r.status as WorkOrderStatus,
      serviceKind: r.service_kind as ServiceKind,
      problem: r.problem,
      visitDate: r.visit_date,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      engineerName: r.engineer_id ? r.engineer_name : null,
      quote: items ? { items: items.map((i) => ({ kind: i.kind, description: i.description, amountFen: i.amountFen })), totalFen: quoteTotalFen(items), acceptedAt: r.quote_accepted_at === null ? null : Number(r.quote_accepted_at) } : null,
      report: report ? { workDone: report.workDone, findings: report.findings, minutesOnSite: report.minutesOnSite } : null,
      parts: parts.filter((p) => p.work_order_id === r.id).map((p) => ({ name: p.name, qty: p.qty, warrantyEndsOn: p.warranty_ends_on })),
      signoff: r.signed_at !== null && r.signed_by_name ? { signerName: r.signed_by_name, at: Number(r.signed_at) } : null,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    };
  });
}

/** The customer's own products (oldest purchase first), each with its service orders (newest first). */
export async function listOwnProducts(ctx: Ctx, actor: Actor): Promise<PortalProduct[]> {
  const customerId = customerOf(actor);
  // an account linked to no customer has no products (and PostgreSQL refuses a NUL byte as a stand-in id)
  if (!customerId) return [];
  const [products, rows] = await Promise.all([customerProducts(ctx, customerId), ordersOf(ctx, customerId).orderBy('w.created_at', 'desc').orderBy('w.id').execute()]);
  const orders = await views(ctx, rows as Row[]);
  const today = dayIn(ctx.clock.now(), ctx.config.timeZone);
  return products.map((p) => ({
    id: p.id,
    model: p.model,
    serial: p.serial,
    purchasedOn: p.purchasedOn,
    warrantyEndsOn: p.warrantyEndsOn,
    inWarranty: today <= p.warrantyEndsOn,
    serviceKind: p.serviceKind,
    contract: p.contract ? { number: p.contract.number, level: p.contract.level, startsOn: p.contract.startsOn, endsOn: p.contract.endsOn } : null,
    workOrders: orders.filter((w) => w.productId === p.id),
  }));
}

/** One of the customer's own service orders; anyone else's (or none): 404 work_order_not_found. */
export async function getOwnWorkOrder(ctx: Ctx, id: string, actor: Actor): Promise<PortalWorkOrder> {
  const customerId = customerOf(actor);
  const row = customerId ? await ordersOf(ctx, customerId).where('w.id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw notFound('work_order', id);
  return (await views(ctx, [row as Row]))[0]!;
}
