import type { Ctx } from '../context.ts';
import { createDb } from '../db/create-db.ts';
import { migrateDownAll, migrateToLatest } from '../db/migrate.ts';
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

/**
 * The demo loads in thousands of transactions, so a load that was stopped (or killed) leaves part
 * of it. Before a --demo start opens the database: if the demo's own record says its load never
 * finished (stopped, or silent for a minute), every table is dropped and created again, so the
 * load starts over on an empty database. Nothing else is ever dropped: a database without that
 * record (data of its own, or a demo loaded before the record existed) is left as it is.
 * Returns what was found, for the log.
 */
export async function resetUnfinishedDemo(url: string, now = Date.now()): Promise<'interrupted' | 'killed' | null> {
  const dbh = createDb({ url });
  try {
    await migrateToLatest(dbh);
    const row = await demoRow(dbh);
    const found = row?.state === 'interrupted' ? 'interrupted' : row?.state === 'loading' && now - row.heartbeat_at > DEMO_STALE_MS ? 'killed' : null;
    if (found) {
      await migrateDownAll(dbh);
      await migrateToLatest(dbh);
    }
    return found;
  } finally {
    await dbh.close();
  }
}

/** Marks the demo as loading by this process; false if another one got there first. */
export async function claimDemo(ctx: Ctx, now = Date.now()): Promise<boolean> {
  const r = await ctx.db
    .insertInto('seed_state')
    .values({ name: 'demo', state: 'loading', started_at: now, heartbeat_at: now, finished_at: null })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function markDemo(ctx: Ctx, state: 'loading' | 'ready' | 'interrupted', now = Date.now()): Promise<void> {
  await ctx.db
    .updateTable('seed_state')
    .set(state === 'loading' ? { heartbeat_at: now } : { state, heartbeat_at: now, finished_at: now })
    .where('name', '=', 'demo')
    .execute();
}
