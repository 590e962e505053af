import type { Kysely } from 'kysely';

/**
 * The problem a service order (服务单, SPEC 9) is made for, in the words of whoever takes it down
 * (问题描述: what the customer reports of the product, which may differ from the case's own
 * description when a case covers several products). Free text, null for orders made before it
 * (and optional on new ones); an erasure redacts it with the other free texts of the order.
 * And an index on the order's customer: the portal's 我的产品 reads a customer's orders on every
 * visit (as do the data export and the erasure), which otherwise scan every work order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('work_orders').addColumn('problem', 'text').execute();
  await db.schema.createIndex('work_orders_customer').on('work_orders').columns(['customer_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('work_orders_customer').execute();
  await db.schema.alterTable('work_orders').dropColumn('problem').execute();
}
