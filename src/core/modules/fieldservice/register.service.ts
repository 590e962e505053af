import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, forbidden, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { ContractView, CreateContractInput, CreateProductInput, EngineerView, ProductListQuery, ProductView, PutEngineerInput } from './fieldservice.schemas.ts';
import type { CustomerProductsTable, ServiceContractsTable } from './fieldservice.table.ts';
import { dayIn, serviceKindOn } from './rules.ts';

type Db = Kysely<Database>;

const contractView = (c: ServiceContractsTable): ContractView => ({
  id: c.id,
  customerId: c.customer_id,
  number: c.number,
  level: c.level as ContractView['level'],
  startsOn: c.starts_on,
  endsOn: c.ends_on,
  createdAt: Number(c.created_at),
});

async function customerExists(db: Db, customerId: string): Promise<void> {
  const c = await db.selectFrom('customers').select(['id', 'erased_at']).where('id', '=', customerId).executeTakeFirst();
  if (!c) throw notFound('customer', customerId);
  if (c.erased_at !== null) throw conflict('customer_erased', "The customer's personal data was erased: nothing new is registered for them.");
}

export async function createContract(ctx: Ctx, input: CreateContractInput, actor: Actor): Promise<ContractView> {
  if (input.endsOn < input.startsOn) throw invalid('contract_window_invalid', 'A contract ends on or after the day it starts.');
  return ctx.db.transaction().execute(async (trx) => {
    await customerExists(trx, input.customerId);
    if (await trx.selectFrom('service_contracts').select('id').where('number', '=', input.number).executeTakeFirst())
      throw conflict('contract_number_taken', `A contract numbered ${input.number} exists already.`);
    const row: ServiceContractsTable = {
      id: newId(),
      customer_id: input.customerId,
      number: input.number,
      level: input.level,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      created_by: actor.id,
      created_at: ctx.clock.now(),
    };
    await trx.insertInto('service_contracts').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.contract.create', targetType: 'service_contract', targetId: row.id, after: input });
    return contractView(row);
  });
}

export async function listContracts(ctx: Ctx, customerId: string | undefined): Promise<ContractView[]> {
  let q = ctx.db.selectFrom('service_contracts').selectAll();
  if (customerId) q = q.where('customer_id', '=', customerId);
  return (await q.orderBy('created_at', 'desc').orderBy('id').limit(500).execute()).map(contractView);
}

type ProductRow = CustomerProductsTable & { customer_name: string | null };

async function productViews(ctx: Ctx, db: Db, rows: ProductRow[]): Promise<ProductView[]> {
  const ids = [...new Set(rows.map((r) => r.contract_id).filter((x): x is string => x !== null))];
  const contracts = new Map(ids.length ? (await db.selectFrom('service_contracts').selectAll().where('id', 'in', ids).execute()).map((c) => [c.id, c]) : []);
  const today = dayIn(ctx.clock.now(), ctx.config.timeZone);
  return rows.map((r) => {
    const c = r.contract_id ? contracts.get(r.contract_id) : undefined;
    return {
      id: r.id,
      customerId: r.customer_id,
      customerName: r.customer_name,
      model: r.model,
      serial: r.serial,
      purchasedOn: r.purchased_on,
      warrantyEndsOn: r.warranty_ends_on,
      lastMaintainedOn: r.last_maintained_on,
      contract: c ? contractView(c) : null,
      serviceKind: serviceKindOn(today, { warrantyEndsOn: r.warranty_ends_on, contract: c ? { startsOn: c.starts_on, endsOn: c.ends_on } : null }),
    };
  });
}

const productsQuery = (db: Db) => db.selectFrom('customer_products as p').leftJoin('customers as cu', 'cu.id', 'p.customer_id').selectAll('p').select('cu.name as customer_name');

export async function createProduct(ctx: Ctx, input: CreateProductInput, actor: Actor): Promise<ProductView> {
  if (input.warrantyEndsOn < input.purchasedOn) throw invalid('warranty_before_purchase', 'The warranty ends on or after the purchase day.');
  return ctx.db.transaction().execute(async (trx) => {
    await customerExists(trx, input.customerId);
    if (input.contractId) {
      const c = await trx.selectFrom('service_contracts').select(['id', 'customer_id']).where('id', '=', input.contractId).executeTakeFirst();
      if (!c) throw notFound('service_contract', input.contractId);
      if (c.customer_id !== input.customerId) throw invalid('contract_of_other_customer', "The contract is another customer's.");
    }
    if (await trx.selectFrom('customer_products').select('id').where('model', '=', input.model).where('serial', '=', input.serial).executeTakeFirst())
      throw conflict('serial_taken', `Serial ${input.serial} of model ${input.model} is registered already.`);
    const row: CustomerProductsTable = {
      id: newId(),
      customer_id: input.customerId,
      model: input.model,
      serial: input.serial,
      purchased_on: input.purchasedOn,
      warranty_ends_on: input.warrantyEndsOn,
      contract_id: input.contractId ?? null,
      last_maintained_on: null,
      created_by: actor.id,
      created_at: ctx.clock.now(),
    };
    await trx.insertInto('customer_products').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.product.create', targetType: 'customer_product', targetId: row.id, after: input });
    return (await productViews(ctx, trx, [{ ...row, customer_name: null }]))[0]!;
  });
}

/** The register, searched by serial (prefix), model or customer; a customer sees only theirs. */
export async function listProducts(ctx: Ctx, f: ProductListQuery, actor: Actor): Promise<ProductView[]> {
  let q = productsQuery(ctx.db);
  if (actor.kind === 'customer') q = q.where('p.customer_id', '=', actor.customerId ?? '');
  if (f.serial) q = q.where('p.serial', 'like', `${f.serial.replace(/[%_\\]/g, '')}%`);
  if (f.model) q = q.where('p.model', '=', f.model);
  if (f.customerId) q = q.where('p.customer_id', '=', f.customerId);
  const rows = await q.orderBy('p.created_at', 'desc').orderBy('p.id').limit(f.limit).execute();
  return productViews(ctx, ctx.db, rows as ProductRow[]);
}

export async function getProduct(ctx: Ctx, id: string, actor: Actor): Promise<ProductView> {
  const r = await productsQuery(ctx.db).where('p.id', '=', id).executeTakeFirst();
  if (!r || (actor.kind === 'customer' && r.customer_id !== actor.customerId)) throw notFound('customer_product', id);
  return (await productViews(ctx, ctx.db, [r as ProductRow]))[0]!;
}

/** A customer's products (the customer profile shows them). */
export async function customerProducts(ctx: Ctx, customerId: string): Promise<ProductView[]> {
  const rows = await productsQuery(ctx.db).where('p.customer_id', '=', customerId).orderBy('p.purchased_on').orderBy('p.id').execute();
  return productViews(ctx, ctx.db, rows as ProductRow[]);
}

// ---- engineers -------------------------------------------------------------------------------

export async function listEngineers(ctx: Ctx): Promise<EngineerView[]> {
  const rows = await ctx.db
    .selectFrom('field_engineers as e')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.user_id', 'e.areas', 'e.max_daily_visits', 'e.active', 'u.name', 'u.skills'])
    .orderBy('u.name')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    skills: JSON.parse(r.skills) as string[],
    areas: JSON.parse(r.areas) as string[],
    maxDailyVisits: r.max_daily_visits,
    active: r.active === 1,
  }));
}

/** Makes a member of staff a field engineer (or changes their areas and daily cap). */
export async function putEngineer(ctx: Ctx, userId: string, input: PutEngineerInput, actor: Actor): Promise<EngineerView> {
  await ctx.db.transaction().execute(async (trx) => {
    const u = await trx.selectFrom('users').select(['id', 'role', 'active']).where('id', '=', userId).executeTakeFirst();
    if (!u) throw notFound('user', userId);
    if (u.role === 'customer' || u.role === 'integration') throw invalid('engineer_not_staff', 'Only a member of staff can be a field engineer.');
    const row = { user_id: userId, areas: JSON.stringify(input.areas), max_daily_visits: input.maxDailyVisits, active: input.active ? 1 : 0, updated_at: ctx.clock.now() };
    const exists = await trx.selectFrom('field_engineers').select('user_id').where('user_id', '=', userId).executeTakeFirst();
    if (exists) await trx.updateTable('field_engineers').set(row).where('user_id', '=', userId).execute();
    else await trx.insertInto('field_engineers').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'fieldservice.engineer.put', targetType: 'user', targetId: userId, after: input });
  });
  const e = (await listEngineers(ctx)).find((x) => x.userId === userId);
  if (!e) throw forbidden();
  return e;
}
