import type { Ctx } from '../context.ts';
import { rmSync } from 'node:fs';
import { isPostgresUrl, type Db } from '../db/create-db.ts';
import { migrateDownAll } from '../db/migrate.ts';
import { isSeeded } from './base-seed.ts';

/** How often a demo load in progress says it is alive, and when a silent one counts as killed. */
export const DEMO_HEARTBEAT_MS = 5_000;
export const DEMO_STALE_MS = 60_000;

/** What a start with --demo should do. */
export type DemoPlan =
  | 'load' // empty database
  | 'skip' // the demo is there, or the database holds other data
  | 'busy'; // another process is loading it right now

/** Thrown by loadDemo when its signal stops it; the database then holds part of the demo. */
export class DemoInterrupted extends Error {
  constructor() {
    super('demo data: loading stopped before it finished');
    this.name = 'DemoInterrupted';
  }
}

const demoRow = (ctx: Pick<Ctx, 'db'>) => ctx.db.selectFrom('seed_state').selectAll().where('name', '=', 'demo').executeTakeFirst();

export async function demoPlan(ctx: Ctx): Promise<DemoPlan> {
  const row = await demoRow(ctx);
  if (row?.state === 'loading') return 'busy';
  if (row) return 'skip';
  return (await isSeeded(ctx)) ? 'skip' : 'load';
}

/** Whether the loading demo's record is ready, still loading, or silent for longer than DEMO_STALE_MS. */
export async function demoProgress(ctx: Ctx, now = Date.now()): Promise<'ready' | 'loading' | 'stale' | 'other'> {
  const row = await demoRow(ctx);
  if (row?.state === 'ready') return 'ready';
  if (row?.state === 'loading') return now - row.heartbeat_at > DEMO_STALE_MS ? 'stale' : 'loading';
  return 'other';
}

/**
 * Something written since the demo's load began that the loader did not write: a login, a token,
 * or a record dated after the history's end (the demo dates everything it writes at or before
 * started_at, the end of its history).
 */
async function usedSince(dbh: Db, startedAt: number): Promise<string | null> {
  const db = dbh.db;
  const any = async (q: { executeTakeFirst(): Promise<unknown> }) => (await q.executeTakeFirst()) !== undefined;
  if (await any(db.selectFrom('sessions').select('id').limit(1))) return 'someone has logged in';
  if (await any(db.selectFrom('api_tokens').select('id').limit(1))) return 'an API token was made';
  if (await any(db.selectFrom('login_attempts').select('id').limit(1))) return 'someone has tried to log in';
  if (await any(db.selectFrom('cases').select('id').where('created_at', '>', startedAt).limit(1))) return 'cases were created';
  if (await any(db.selectFrom('audit_log').select('seq').where('at', '>', startedAt).limit(1))) return 'the audit log has newer entries';
  return null;
}

export type ResetOutcome =
  | { reset: true; found: 'interrupted' | 'killed' }
  | { reset: false; found: 'interrupted' | 'killed' | 'failed'; why: string }
  | null;

/**
 * The demo loads in thousands of transactions, so a load that was stopped (or killed) leaves part
 * of it. On a --demo start, on the database just opened: if the demo's own record says its load
 * was stopped, or has been silent for a minute, and nothing but the loader has written since it
 * began, the database is emptied (and `dbh` closed: the caller opens it again), so the load
 * starts over. It is left as it is, with the reason (for the log), when the load failed (it
 * would fail again), when it was used meanwhile (a login, a case), and always when the record is
 * missing (data of its own, or a demo loaded before the record existed).
 */
export async function resetUnfinishedDemo(dbh: Db, now = Date.now()): Promise<ResetOutcome> {
  const row = await demoRow(dbh);
  if (!row) return null;
  if (row.state === 'failed') return { reset: false, found: 'failed', why: 'it failed with an error (see the log of that start)' };
  const found = row.state === 'interrupted' ? 'interrupted' : row.state === 'loading' && now - row.heartbeat_at > DEMO_STALE_MS ? 'killed' : null;
  if (!found) return null;
  const used = await usedSince(dbh, row.started_at);
  if (used) return { reset: false, found, why: `the database has been used since (${used})` };
  const file = sqliteFile(dbh.url);
  if (file) {
    // SQLite runs schema changes outside a transaction: a kill halfway through dropping the
    // tables would leave a part without its record. Removing the files is all or nothing
    // (the WAL first: a main file with the WAL of another would take its pages).
    await dbh.close();
    for (const f of [`${file}-wal`, `${file}-shm`, file]) rmSync(f, { force: true });
  } else {
    await migrateDownAll(dbh); // one transaction on PostgreSQL
    await dbh.close();
  }
  return { reset: true, found };
}

/** What a --demo start found, for its log. */
export function describeReset(r: NonNullable<ResetOutcome>): string {
  const what = r.found === 'killed' ? 'was cut short (its loader stopped answering)' : r.found === 'failed' ? 'did not load' : 'was cut short at the last stop';
  return r.reset
    ? `the demo data ${what}: the database was emptied to load it again`
    : `the demo data ${what}, and ${r.why}: the database is left as it is (to start over, empty it: npm run serviceloop -- migrate --down)`;
}

const sqliteFile = (url: string): string | null => {
  if (isPostgresUrl(url)) return null;
  const file = url.replace(/^sqlite:/, '');
  return file === ':memory:' ? null : file;
};

/** Marks the demo as loading by this process; false if another one got there first. */
export async function claimDemo(ctx: Ctx, startedAt: number): Promise<boolean> {
  const r = await ctx.db
    .insertInto('seed_state')
    .values({ name: 'demo', state: 'loading', started_at: startedAt, heartbeat_at: Date.now(), finished_at: null })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** The loader's sign of life, every DEMO_HEARTBEAT_MS. */
export async function demoHeartbeat(ctx: Ctx, now = Date.now()): Promise<void> {
  await ctx.db.updateTable('seed_state').set({ heartbeat_at: now }).where('name', '=', 'demo').where('state', '=', 'loading').execute();
}

export async function finishDemo(ctx: Ctx, state: 'ready' | 'interrupted' | 'failed', now = Date.now()): Promise<void> {
  await ctx.db.updateTable('seed_state').set({ state, heartbeat_at: now, finished_at: now }).where('name', '=', 'demo').execute();
}

/**
 * A load that was killed on a database used since cannot be redone (resetUnfinishedDemo leaves
 * it): its record is closed as interrupted, and the history's notifications marked sent as a
 * stopped load does, so that this start and the next run their workers instead of waiting on a
 * loader that is gone. False when the record is not a killed load.
 */
export async function closeKilledDemo(ctx: Pick<Ctx, 'db'>, now = Date.now()): Promise<boolean> {
  const row = await demoRow(ctx);
  if (row?.state !== 'loading' || now - row.heartbeat_at <= DEMO_STALE_MS) return false;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('outbox').set((eb) => ({ sent_at: eb.ref('created_at') })).where('sent_at', 'is', null).where('created_at', '<=', row.started_at).execute();
    await trx.updateTable('seed_state').set({ state: 'interrupted', finished_at: now }).where('name', '=', 'demo').where('state', '=', 'loading').execute();
  });
  return true;
}
