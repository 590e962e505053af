import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit, recordAuditNow } from '../audit/index.ts';
import type { CustomersTable } from './customers.table.ts';
import { insertRow } from '../../db/fast-insert.ts';
import { prepared } from '../../db/prepared.ts';

export const CUSTOMER_TIERS = ['vip', 'key', 'normal'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

export interface CustomerView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  tier: CustomerTier;
  region: string | null;
  branch: string | null;
  locale: string;
  status: 'active' | 'inactive';
  createdAt: number;
  updatedAt: number;
}

export const toCustomerView = (c: CustomersTable): CustomerView => ({
  id: c.id,
  name: c.name,
  email: c.email,
  phone: c.phone,
  company: c.company,
  tier: c.tier,
  region: c.region,
  branch: c.branch,
  locale: c.locale,
  status: c.status,
  createdAt: c.created_at,
  updatedAt: c.updated_at,
});

export interface NewCustomer {
  name: string;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  company?: string | null | undefined;
  tier?: CustomerTier | undefined;
  region?: string | null | undefined;
  branch?: string | null | undefined;
  locale?: string | undefined;
}

export async function insertCustomer(ctx: Ctx, trx: Kysely<Database>, input: NewCustomer): Promise<CustomersTable> {
  const now = ctx.clock.now();
  const row: CustomersTable = {
    id: newId(),
    name: input.name,
    email: input.email?.trim().toLowerCase() || null,
    phone: input.phone?.trim() || null,
    company: input.company ?? null,
    tier: input.tier ?? 'normal',
    region: input.region ?? null,
    branch: input.branch ?? null,
    locale: input.locale ?? 'zh-CN',
    status: 'active',
    created_at: now,
    updated_at: now,
  };
  await insertRow(trx, 'customers', row);
  return row;
}

export async function createCustomer(ctx: Ctx, input: NewCustomer, actor: Actor): Promise<CustomerView> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await insertCustomer(ctx, trx, input);
    await recordAudit(ctx, trx, { actor, action: 'customer.create', targetType: 'customer', targetId: row.id, after: row });
    return toCustomerView(row);
  });
}

/** Finds the customer a contact belongs to by email, then phone (the intake's "who is this"). */
const firstByEmail = prepared((db, email: string) =>
  db.selectFrom('customers').selectAll().where('email', '=', email).orderBy('created_at').orderBy('id').limit(1),
);
const firstByPhone = prepared((db, phone: string) =>
  db.selectFrom('customers').selectAll().where('phone', '=', phone).orderBy('created_at').orderBy('id').limit(1),
);

export async function findCustomerByContact(
  trx: Kysely<Database>,
  email: string | null | undefined,
  phone: string | null | undefined,
): Promise<CustomersTable | undefined> {
  if (email) {
    const [c] = await firstByEmail(trx, email.trim().toLowerCase());
    if (c) return c;
  }
  if (phone) return (await firstByPhone(trx, phone.trim()))[0];
  return undefined;
}

export async function getCustomer(ctx: Ctx, id: string, actor: Actor): Promise<CustomerView> {
  const c = await ctx.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw notFound('customer', id);
  await recordAuditNow(ctx, { actor, action: 'customer.read', targetType: 'customer', targetId: id });
  return toCustomerView(c);
}

export async function updateCustomer(ctx: Ctx, id: string, patch: Partial<NewCustomer>, actor: Actor): Promise<CustomerView> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound('customer', id);
    const changes: Partial<CustomersTable> = { updated_at: ctx.clock.now() };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.email !== undefined) changes.email = patch.email?.trim().toLowerCase() || null;
    if (patch.phone !== undefined) changes.phone = patch.phone?.trim() || null;
    if (patch.company !== undefined) changes.company = patch.company;
    if (patch.tier !== undefined) changes.tier = patch.tier;
    if (patch.region !== undefined) changes.region = patch.region;
    if (patch.branch !== undefined) changes.branch = patch.branch;
    if (patch.locale !== undefined) changes.locale = patch.locale;
    await trx.updateTable('customers').set(changes).where('id', '=', id).execute();
    const after = { ...before, ...changes };
    await recordAudit(ctx, trx, { actor, action: 'customer.update', targetType: 'customer', targetId: id, before, after });
    return toCustomerView(after);
  });
}

export async function listCustomers(
  ctx: Ctx,
  f: { q?: string | undefined; tier?: CustomerTier | undefined; limit: number; after?: string | undefined },
  actor: Actor,
): Promise<CustomerView[]> {
  let q = ctx.db.selectFrom('customers').selectAll();
  if (f.tier) q = q.where('tier', '=', f.tier);
  if (f.q) {
    const s = f.q.trim().toLowerCase();
    q = q.where((eb) => eb.or([eb('email', '=', s), eb('phone', '=', f.q!.trim()), eb('name', '=', f.q!.trim())]));
  }
  if (f.after) q = q.where('id', '>', f.after);
  const rows = await q.orderBy('id').limit(f.limit).execute();
  await recordAuditNow(ctx, { actor, action: 'customer.list', targetType: 'customer', after: { count: rows.length, q: f.q ?? null } });
  return rows.map(toCustomerView);
}
