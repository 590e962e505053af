import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { FieldReport, ProductView, WorkOrderView } from './fieldservice.schemas.ts';
import { customerProducts } from './register.service.ts';
import { customerWorkOrders } from './workorders.service.ts';

/** Field service in a customer's data export (SPEC 10): their registered products and their work orders. */
export interface FieldServiceExport {
  products: ProductView[];
  workOrders: WorkOrderView[];
}

export async function fieldServiceForExport(ctx: Ctx, customerId: string): Promise<FieldServiceExport> {
  return { products: await customerProducts(ctx, customerId), workOrders: await customerWorkOrders(ctx.db, customerId) };
}

export interface FieldServiceErasure {
  /** Products, contracts and work orders of the customer whose identifying or free texts were replaced. */
  fieldService: number;
  /** Work orders still open, cancelled (reason `customer_erased`): nobody is sent, the engineer's window is freed. */
  workOrdersCancelled: number;
}

/** The reason an erasure gives the work orders it cancels. */
export const WORK_ORDER_ERASED_REASON = 'customer_erased';
const OPEN = ['new', 'remote_support', 'scheduled', 'en_route', 'on_site'];

/**
 * What an erasure (modules/privacy) does to field service, in its transaction: the serial of each
 * product and the number of each contract (they lead back to the buyer) become `erased:<id>`
 * (unique, as the register requires); on the work orders, the signer's name and confirmation, who
 * accepted the quote, the problem taken down, the remote-support notes, the reasons, the checklist notes and the field
 * report's texts are replaced by `redacted`; open ones are cancelled. Models, dates, types,
 * statuses, service kinds, quotes' amounts, parts and minutes on site stay for the indicators.
 */
export async function eraseFieldService(trx: Kysely<Database>, customerId: string, now: number, redacted: string): Promise<FieldServiceErasure> {
  let fieldService = 0;
  for (const p of await trx.selectFrom('customer_products').select('id').where('customer_id', '=', customerId).execute()) {
    await trx.updateTable('customer_products').set({ serial: `erased:${p.id}` }).where('id', '=', p.id).execute();
    fieldService++;
  }
  for (const c of await trx.selectFrom('service_contracts').select('id').where('customer_id', '=', customerId).execute()) {
    await trx.updateTable('service_contracts').set({ number: `erased:${c.id}` }).where('id', '=', c.id).execute();
    fieldService++;
  }
  const text = (v: string | null) => (v === null ? null : redacted);
  let workOrdersCancelled = 0;
  const orders = await trx.selectFrom('work_orders').selectAll().where('customer_id', '=', customerId).execute();
  for (const w of orders) {
    const report = w.report === null ? null : (JSON.parse(w.report) as FieldReport);
    const checklist = (JSON.parse(w.checklist) as Array<{ key: string; done: boolean; note: string | null }>).map((i) => ({ ...i, note: text(i.note) }));
    const cancel = OPEN.includes(w.status);
    if (cancel) workOrdersCancelled++;
    await trx
      .updateTable('work_orders')
      .set({
        signed_by_name: text(w.signed_by_name),
        signoff_confirmation: text(w.signoff_confirmation),
        quote_accepted_by: text(w.quote_accepted_by),
        remote_notes: text(w.remote_notes),
        override_reason: text(w.override_reason),
        problem: text(w.problem),
        cancel_reason: cancel ? WORK_ORDER_ERASED_REASON : text(w.cancel_reason),
        checklist: JSON.stringify(checklist),
        report: report === null ? null : JSON.stringify({ ...report, workDone: redacted, findings: report.findings ? redacted : report.findings }),
        ...(cancel ? { status: 'cancelled', updated_at: now } : {}),
      })
      .where('id', '=', w.id)
      .execute();
    fieldService++;
  }
  return { fieldService, workOrdersCancelled };
}
