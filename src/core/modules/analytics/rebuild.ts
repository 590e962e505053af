import type { Ctx } from '../../context.ts';
import type { CaseEventsTable } from '../cases/index.ts';
import { calendarOf } from '../commitments/index.ts';
import { addDaily, ANALYTICS_CALENDAR_ID } from './analytics.hook.ts';
import type { CaseBacklogMovesTable, CaseMetricsTable } from './analytics.table.ts';
import { DailyRollup, dailyOf, dailyOfMove, metricsRowFor } from './metrics.ts';

/**
 * Recomputes case_metrics and case_backlog_moves of every case from the cases and their
 * timelines, in batches (one transaction each), and moves analytics_daily by the difference. For
 * a database that had cases before the analytics tables existed, or after the standard calendar
 * was edited (stored business minutes follow the calendar of the day they were computed). Safe
 * to run while the app runs: each batch rewrites its cases from their committed state (on
 * PostgreSQL it locks them).
 */
export async function rebuildCaseMetrics(ctx: Ctx, opts: { batchSize?: number; log?: (msg: string) => void } = {}): Promise<{ cases: number }> {
  const size = opts.batchSize ?? 2000;
  let after = '';
  let done = 0;
  for (;;) {
    const n = await ctx.db.transaction().execute(async (trx) => {
      const cal = await calendarOf(ctx, ANALYTICS_CALENDAR_ID, trx);
      let q = trx.selectFrom('cases').selectAll().where('id', '>', after).orderBy('id').limit(size);
      if (ctx.ops.supportsForUpdate) q = q.forUpdate();
      const cases = await q.execute();
      if (cases.length === 0) return 0;
      const ids = cases.map((c) => c.id);
      const events = await trx
        .selectFrom('case_events')
        .select(['case_id', 'id', 'type', 'actor_kind', 'visibility', 'data', 'created_at'])
        .where('case_id', 'in', ids)
        .orderBy('case_id')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      const byCase = new Map<string, Array<Pick<CaseEventsTable, 'id' | 'type' | 'actor_kind' | 'visibility' | 'data' | 'created_at'>>>();
      for (const e of events) {
        let l = byCase.get(e.case_id);
        if (!l) byCase.set(e.case_id, (l = []));
        l.push(e);
      }
      const escalated = new Set(
        (await trx.selectFrom('case_escalations').select('case_id').distinct().where('case_id', 'in', ids).execute()).map((e) => e.case_id),
      );
      const rows: CaseMetricsTable[] = [];
      const moves: CaseBacklogMovesTable[] = [];
      const rollup = new DailyRollup();
      for (const c of cases) {
        const r = metricsRowFor(cal, c, byCase.get(c.id) ?? [], { escalated: escalated.has(c.id) });
        rows.push(r.row);
        moves.push(...r.moves);
        rollup.add(dailyOf(r.row)).add(r.moves.map(dailyOfMove));
      }
      const [oldRows, oldMoves] = await Promise.all([
        trx.selectFrom('case_metrics').selectAll().where('case_id', 'in', ids).execute(),
        trx.selectFrom('case_backlog_moves').selectAll().where('case_id', 'in', ids).execute(),
      ]);
      for (const o of oldRows) rollup.add(dailyOf(o), -1);
      rollup.add(oldMoves.map(dailyOfMove), -1);
      await trx.deleteFrom('case_backlog_moves').where('case_id', 'in', ids).execute();
      await trx.deleteFrom('case_metrics').where('case_id', 'in', ids).execute();
      for (let i = 0; i < rows.length; i += 500) await trx.insertInto('case_metrics').values(rows.slice(i, i + 500)).execute();
      for (let i = 0; i < moves.length; i += 1000) await trx.insertInto('case_backlog_moves').values(moves.slice(i, i + 1000)).execute();
      await addDaily(trx, rollup.rows());
      after = ids[ids.length - 1]!;
      return cases.length;
    });
    if (n === 0) break;
    done += n;
    opts.log?.(`analytics: ${done} cases rebuilt`);
  }
  return { cases: done };
}
