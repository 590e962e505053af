import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { CaseHook, CasesTable } from '../cases/index.ts';
import { calendarOf } from '../commitments/index.ts';
import type { CaseBacklogMovesTable, CaseMetricsTable } from './analytics.table.ts';
import { advance, metricsRowFor, NO_PROGRESS, progressOf, rowOf, stepOf } from './metrics.ts';

type Trx = Kysely<Database>;

/** The indicators are defined on the standard business calendar (SPEC 8), whatever a case's own commitments use. */
export const ANALYTICS_CALENDAR_ID = 'standard';

const standardCalendar = (ctx: Ctx, trx: Trx) => calendarOf(ctx, ANALYTICS_CALENDAR_ID, trx);

/** Replaces the metrics row and the backlog moves of a case by those derived from its whole timeline. */
export async function rederiveCaseMetrics(ctx: Ctx, trx: Trx, c: CasesTable): Promise<CaseMetricsTable> {
  const cal = await standardCalendar(ctx, trx);
  const events = await trx
    .selectFrom('case_events')
    .select(['id', 'type', 'actor_kind', 'visibility', 'data', 'created_at'])
    .where('case_id', '=', c.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const { row, moves } = metricsRowFor(cal, c, events);
  await trx.deleteFrom('case_backlog_moves').where('case_id', '=', c.id).execute();
  await trx.deleteFrom('case_metrics').where('case_id', '=', c.id).execute();
  await trx.insertInto('case_metrics').values(row).execute();
  if (moves.length) await trx.insertInto('case_backlog_moves').values(moves).execute();
  return row;
}

async function insertMove(trx: Trx, caseId: string, at: number, delta: number): Promise<void> {
  const last = await trx.selectFrom('case_backlog_moves').select((eb) => eb.fn.max('seq').as('seq')).where('case_id', '=', caseId).executeTakeFirst();
  const seq = last?.seq === null || last?.seq === undefined ? 0 : Number(last.seq) + 1;
  const move: CaseBacklogMovesTable = { case_id: caseId, seq, at, delta };
  await trx.insertInto('case_backlog_moves').values(move).execute();
}

/**
 * Keeps case_metrics and case_backlog_moves in step with every case change, inside the case's
 * transaction (the case row is locked, so a case's metrics are written by one change at a time).
 * A case without a metrics row (it predates the analytics tables, or was written with the hook
 * off) gets one derived from its whole timeline on its next change.
 */
export const analyticsHook: CaseHook = {
  name: 'analytics',
  async onCreated(ctx, trx, c) {
    const cal = await standardCalendar(ctx, trx);
    await trx.insertInto('case_metrics').values(rowOf(cal, c, NO_PROGRESS)).execute();
  },
  async onChanged(ctx, trx, before, after, _change, info) {
    const prev = await trx.selectFrom('case_metrics').selectAll().where('case_id', '=', after.id).executeTakeFirst();
    if (!prev) {
      await rederiveCaseMetrics(ctx, trx, after);
      return;
    }
    const cal = await standardCalendar(ctx, trx);
    const now = ctx.clock.now();
    const { progress, delta } = advance(cal, progressOf(prev), stepOf(before, after, now, info.actor.kind, info.events));
    // received_at never changes (and on SQLite it leads the clustering key: setting it would move the row)
    const { case_id: _id, received_at: _received, ...row } = rowOf(cal, after, progress);
    await trx.updateTable('case_metrics').set(row).where('case_id', '=', after.id).execute();
    if (delta) await insertMove(trx, after.id, now, delta);
  },
};
