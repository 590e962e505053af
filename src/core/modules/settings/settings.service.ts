import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { recordAudit } from '../audit/index.ts';

/**
 * Settings are read on hot paths (a case's intake reads its classification settings) and change
 * rarely, so each process keeps what it read for a short while and drops it on its own writes;
 * other processes (app nodes) see a change within the TTL, as with the commitments' configuration.
 */
const TTL_MS = 10_000;

interface Cached {
  at: number;
  values: Map<string, unknown>;
  /** What each key's value was checked into, so a hot path does not parse it again. */
  checked: Map<string, { schema: z.ZodType; value: unknown }>;
}
const caches = new WeakMap<object, Cached>();
/** Bumped by each write of this process: a load that began before it does not fill the cache with what it read. */
const generations = new WeakMap<object, number>();

async function loadAll(db: Kysely<Database>): Promise<Map<string, unknown>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
  return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
}

/**
 * The stored value of `key` checked by `schema` (a value stored by an older version that no longer
 * passes is ignored), else `fallback`. Pass the transaction when inside one: on SQLite its single
 * connection is held by it.
 */
export async function readSetting<T>(ctx: Ctx, key: string, schema: z.ZodType<T>, fallback: T, db: Kysely<Database> = ctx.db): Promise<T> {
  const now = Date.now(); // cache age is process time, not domain time
  let c = caches.get(ctx.db);
  if (!c || now - c.at >= TTL_MS) {
    const generation = generations.get(ctx.db) ?? 0;
    c = { at: now, values: await loadAll(db), checked: new Map() };
    if ((generations.get(ctx.db) ?? 0) === generation) caches.set(ctx.db, c);
  }
  const done = c.checked.get(key);
  if (done?.schema === schema) return done.value as T;
  const parsed = c.values.has(key) ? schema.safeParse(c.values.get(key)) : undefined;
  const value = parsed?.success ? parsed.data : fallback;
  c.checked.set(key, { schema, value });
  return value;
}

/**
 * Stores what `next` makes of the value stored now (`undefined`: none), audited with the value
 * before. The stored value is read in the write's transaction (locked on PostgreSQL), not from
 * the cache: two admins changing different parts on two nodes within the cache's life do not
 * undo each other. This process sees the new value at once.
 */
export async function writeSetting<T>(ctx: Ctx, key: string, next: (current: unknown) => T, actor: Actor): Promise<T> {
  const value = await ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('settings').select('value').where('key', '=', key);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const before = await q.executeTakeFirst();
    const current = before ? (JSON.parse(before.value) as unknown) : undefined;
    const value = next(current);
    const row = { key, value: JSON.stringify(value), updated_at: ctx.clock.now(), updated_by: actor.kind === 'system' ? null : actor.id };
    if (before) await trx.updateTable('settings').set(row).where('key', '=', key).execute();
    else await trx.insertInto('settings').values(row).onConflict((oc) => oc.column('key').doUpdateSet(row)).execute();
    await recordAudit(ctx, trx, { actor, action: 'settings.update', targetType: 'settings', targetId: key, before: current ?? null, after: value });
    return value;
  });
  generations.set(ctx.db, (generations.get(ctx.db) ?? 0) + 1);
  caches.delete(ctx.db);
  return value;
}
