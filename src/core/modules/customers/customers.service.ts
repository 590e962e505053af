import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { DialectOps } from '../../db/dialect/dialect.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit, recordAuditNow } from '../audit/index.ts';
import type { CustomersTable } from './customers.table.ts';
import { prepared } from '../../db/prepared.ts';
import { appendRow, bufferOf, pendingRows } from '../../db/commit-buffer.ts';
import { normalisePhone, phoneKey } from './phone.ts';
import { maskEmail, maskNullable, maskPhone, seesPersonalData } from '../../shared/masking.ts';

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
  /** Set once its personal data was erased (modules/privacy): name a placeholder, no contact. */
  erasedAt: number | null;
}

/** The customer as `viewer` may see them: email and phone masked unless they see personal data. */
export const toCustomerView = (c: CustomersTable, viewer: Actor): CustomerView => {
  const clear = seesPersonalData(viewer, c.id);
  return {
    id: c.id,
    name: c.name,
    email: clear ? c.email : maskNullable(c.email, maskEmail),
    phone: clear ? c.phone : maskNullable(c.phone, maskPhone),
    company: c.company,
    tier: c.tier,
    region: c.region,
    branch: c.branch,
    locale: c.locale,
    status: c.status,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    erasedAt: c.erased_at,
  };
};

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
    phone: normalisePhone(input.phone),
    company: input.company ?? null,
    tier: input.tier ?? 'normal',
    region: input.region ?? null,
    branch: input.branch ?? null,
    locale: input.locale ?? 'zh-CN',
    status: 'active',
    created_at: now,
    updated_at: now,
    erased_at: null,
  };
  // In an intake batch the row is written with the batch's other rows, before its cases.
  await appendRow(trx, 'customers', row);
  // Later requests of the same intake batch now find this customer by its contact.
  const memo = contactMemo(trx);
  if (memo) {
    if (row.email && !memo.byEmail.get(row.email)) memo.byEmail.set(row.email, row);
    if (row.phone && !memo.byPhone.get(row.phone)) memo.byPhone.set(row.phone, row);
  }
  return row;
}

export async function createCustomer(ctx: Ctx, input: NewCustomer, actor: Actor): Promise<CustomerView> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await insertCustomer(ctx, trx, input);
    await recordAudit(ctx, trx, { actor, action: 'customer.create', targetType: 'customer', targetId: row.id, after: row });
    return toCustomerView(row, actor);
  });
}

/** Finds the customer a contact belongs to by email, then phone (the intake's "who is this"). */
const firstByEmail = prepared((db, email: string) =>
  db.selectFrom('customers').selectAll().where('email', '=', email).orderBy('created_at').orderBy('id').limit(1),
);
const firstByPhone = prepared((db, phone: string) =>
  db.selectFrom('customers').selectAll().where('phone', '=', phone).orderBy('created_at').orderBy('id').limit(1),
);

/** The earliest customer of each contact of an intake batch (null: none), read in one query. */
interface ContactMemo {
  byEmail: Map<string, CustomersTable | null>;
  byPhone: Map<string, CustomersTable | null>;
}

const contactMemo = (trx: Kysely<Database>) => bufferOf(trx)?.memo<ContactMemo>('contacts');

export interface ContactHint {
  email?: string | null | undefined;
  phone?: string | null | undefined;
}

const contactKeys = (emails: string[], phones: string[]) => [...emails.map((e) => `contact:e:${e}`), ...phones.map((p) => `contact:p:${p}`)];

/**
 * The contacts of a batch of intakes, normalised as the customers store them; `keys` are their
 * lock keys.
 */
function batchContacts(hints: ContactHint[]): { keys: string[]; emails: string[]; phones: string[] } {
  const emails = new Set<string>();
  const phones = new Set<string>();
  for (const h of hints) {
    if (!h) continue; // other writes ride in the batches too, without a contact
    const email = h.email?.trim().toLowerCase();
    const phone = phoneKey(h.phone); // a number that is not one locks nothing; its intake is refused
    if (email) emails.add(email);
    if (phone) phones.add(phone);
  }
  return { keys: contactKeys([...emails], [...phones]), emails: [...emails], phones: [...phones] };
}

const earlier = (a: CustomersTable, b: CustomersTable) => a.created_at < b.created_at || (a.created_at === b.created_at && a.id < b.id);

/**
 * Locks the contacts of a batch of intakes (PostgreSQL, advisory locks until commit, sorted), then
 * looks up their customers for the whole batch at once (one query instead of one or two per
 * intake; findCustomerByContact then answers from it). The lock comes first: the day's counter
 * row serialises intakes only from their first case number on, after that lookup, so two nodes'
 * batches could both find no customer for one new contact and both create one
 * (test/api/intake-two-nodes.test.ts). On PostgreSQL both are one round trip.
 */
export async function lockAndPrefetchContacts(ops: DialectOps, trx: Kysely<Database>, hints: ContactHint[]): Promise<void> {
  const all = batchContacts(hints);
  if (all.keys.length === 0) return;
  const buffer = bufferOf(trx);
  if (!buffer) return ops.lockKeys(trx, all.keys);
  const memo = buffer.memo<ContactMemo>('contacts', () => ({ byEmail: new Map(), byPhone: new Map() }))!;
  // A contact whose customer an intake batch still in flight before this one (opened ahead,
  // PostgreSQL) found or created was settled by that batch, which holds its lock until it
  // commits: the customer is taken from it instead of waiting for that commit. The others (and
  // a contact that batch found no customer for, which this batch may create) are locked here.
  const handed = buffer.memosBefore<ContactMemo>('contacts');
  const take = (field: 'byEmail' | 'byPhone', key: string): boolean => {
    const c = handed.find((h) => h[field].get(key))?.[field].get(key);
    if (c) memo[field].set(key, c);
    return c !== undefined && c !== null;
  };
  const emails = all.emails.filter((e) => !take('byEmail', e));
  const phones = all.phones.filter((p) => !take('byPhone', p));
  const keys = contactKeys(emails, phones);
  if (keys.length === 0) return;
  for (const e of emails) memo.byEmail.set(e, null);
  for (const p of phones) memo.byPhone.set(p, null);
  let rows: CustomersTable[];
  if (ops.lockKeysFindCustomers) rows = await ops.lockKeysFindCustomers(trx, keys, emails, phones);
  else {
    await ops.lockKeys(trx, keys);
    rows = await trx
      .selectFrom('customers')
      .selectAll()
      .where((eb) => eb.or([...(emails.length ? [eb('email', 'in', emails)] : []), ...(phones.length ? [eb('phone', 'in', phones)] : [])]))
      .execute();
  }
  for (const r of rows) {
    if (r.email && memo.byEmail.has(r.email)) {
      const cur = memo.byEmail.get(r.email);
      if (!cur || earlier(r, cur)) memo.byEmail.set(r.email, r);
    }
    if (r.phone && memo.byPhone.has(r.phone)) {
      const cur = memo.byPhone.get(r.phone);
      if (!cur || earlier(r, cur)) memo.byPhone.set(r.phone, r);
    }
  }
}

export async function findCustomerByContact(
  trx: Kysely<Database>,
  email: string | null | undefined,
  phone: string | null | undefined,
): Promise<CustomersTable | undefined> {
  const memo = contactMemo(trx);
  // a contact the batch did not look up: the database, then customers pending in this transaction
  const pending = (field: 'email' | 'phone', key: string) => pendingRows(trx, 'customers')?.find((r) => r[field] === key);
  if (email) {
    const key = email.trim().toLowerCase();
    const known = memo?.byEmail.get(key);
    const c = known !== undefined ? known : ((await firstByEmail(trx, key))[0] ?? pending('email', key));
    if (c) return c;
  }
  const p = phoneKey(phone);
  if (p) {
    const known = memo?.byPhone.get(p);
    return known !== undefined ? (known ?? undefined) : ((await firstByPhone(trx, p))[0] ?? pending('phone', p));
  }
  return undefined;
}

export async function getCustomer(ctx: Ctx, id: string, actor: Actor): Promise<CustomerView> {
  const c = await ctx.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) throw notFound('customer', id);
  await recordAuditNow(ctx, { actor, action: 'customer.read', targetType: 'customer', targetId: id });
  return toCustomerView(c, actor);
}

export async function updateCustomer(ctx: Ctx, id: string, patch: Partial<NewCustomer>, actor: Actor): Promise<CustomerView> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound('customer', id);
    if (before.erased_at !== null) throw conflict('customer_erased', `The personal data of customer ${id} was erased; it is not filled in again (create a new customer).`);
    const changes: Partial<CustomersTable> = { updated_at: ctx.clock.now() };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.email !== undefined) changes.email = patch.email?.trim().toLowerCase() || null;
    if (patch.phone !== undefined) changes.phone = normalisePhone(patch.phone);
    if (patch.company !== undefined) changes.company = patch.company;
    if (patch.tier !== undefined) changes.tier = patch.tier;
    if (patch.region !== undefined) changes.region = patch.region;
    if (patch.branch !== undefined) changes.branch = patch.branch;
    if (patch.locale !== undefined) changes.locale = patch.locale;
    await trx.updateTable('customers').set(changes).where('id', '=', id).execute();
    const after = { ...before, ...changes };
    await recordAudit(ctx, trx, { actor, action: 'customer.update', targetType: 'customer', targetId: id, before, after });
    return toCustomerView(after, actor);
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
    q = q.where((eb) => eb.or([eb('email', '=', s), eb('phone', '=', phoneKey(f.q) ?? f.q!.trim()), eb('name', '=', f.q!.trim())]));
  }
  if (f.after) q = q.where('id', '>', f.after);
  const rows = await q.orderBy('id').limit(f.limit).execute();
  await recordAuditNow(ctx, { actor, action: 'customer.list', targetType: 'customer', after: { count: rows.length, q: f.q ?? null, ids: rows.map((c) => c.id) } });
  return rows.map((c) => toCustomerView(c, actor));
}
