import type { Kysely } from 'kysely';

/**
 * SPEC 9, after-sales field service (售后服务, modules/fieldservice): customers' products and
 * service contracts, field engineers, work orders with their visits, and the spare parts used.
 * Dates of the register (purchase, warranty end, contract window, visit day) are YYYY-MM-DD in the
 * centre's zone (Asia/Shanghai); instants are epoch ms.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_contracts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_contracts_customer').on('service_contracts').columns(['customer_id']).execute();

  await db.schema
    .createTable('customer_products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('serial', 'text', (c) => c.notNull())
    .addColumn('purchased_on', 'text', (c) => c.notNull())
    .addColumn('warranty_ends_on', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.references('service_contracts.id'))
    .addColumn('last_maintained_on', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // a serial is unique per model
  await db.schema.createIndex('customer_products_model_serial').on('customer_products').columns(['model', 'serial']).unique().execute();
  await db.schema.createIndex('customer_products_serial').on('customer_products').columns(['serial']).execute();
  await db.schema.createIndex('customer_products_customer').on('customer_products').columns(['customer_id']).execute();

  await db.schema
    .createTable('field_engineers')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('areas', 'text', (c) => c.notNull())
    .addColumn('max_daily_visits', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('work_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('customer_products.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('skill', 'text')
    .addColumn('service_kind', 'text', (c) => c.notNull())
    .addColumn('quote', 'text')
    .addColumn('quote_accepted_at', 'bigint')
    .addColumn('quote_accepted_by', 'text')
    .addColumn('remote_outcome', 'text')
    .addColumn('remote_notes', 'text')
    .addColumn('remote_at', 'bigint')
    .addColumn('override_reason', 'text')
    .addColumn('engineer_id', 'text', (c) => c.references('users.id'))
    .addColumn('visit_date', 'text')
    .addColumn('window_start', 'text')
    .addColumn('window_end', 'text')
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('visits', 'integer', (c) => c.notNull())
    .addColumn('checklist', 'text', (c) => c.notNull())
    .addColumn('report', 'text')
    .addColumn('arrived_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('signed_by_name', 'text')
    .addColumn('signed_at', 'bigint')
    .addColumn('signoff_confirmation', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('work_orders_case').on('work_orders').columns(['case_id']).execute();
  await db.schema.createIndex('work_orders_product').on('work_orders').columns(['product_id']).execute();
  await db.schema.createIndex('work_orders_status_created').on('work_orders').columns(['status', 'created_at', 'id']).execute();
  // an engineer's visits (my visits; double booking; the day's load)
  await db.schema.createIndex('work_orders_engineer_date').on('work_orders').columns(['engineer_id', 'visit_date']).execute();

  await db.schema
    .createTable('work_order_parts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('work_order_id', 'text', (c) => c.notNull().references('work_orders.id'))
    .addColumn('part_no', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('unit_price_fen', 'integer', (c) => c.notNull())
    .addColumn('part_serial', 'text')
    .addColumn('warranty_months', 'integer', (c) => c.notNull())
    .addColumn('installed_on', 'text', (c) => c.notNull())
    .addColumn('warranty_ends_on', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('work_order_parts_order').on('work_order_parts').columns(['work_order_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('work_order_parts').execute();
  await db.schema.dropTable('work_orders').execute();
  await db.schema.dropTable('field_engineers').execute();
  await db.schema.dropTable('customer_products').execute();
  await db.schema.dropTable('service_contracts').execute();
}
