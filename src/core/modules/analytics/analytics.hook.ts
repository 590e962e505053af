import { CompiledQuery, type Kysely } from 'kysely';
import { rowsJson } from '../../db/fast-insert.ts';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { CaseHook, CasesTable } from '../cases/index.ts';
import { calendarOf } from '../commitments/index.ts';
import { appendRow, bufferOf, FLUSH_ORDER, pendingRows, type PendingWrite } from '../../db/commit-buffer.ts';
import type { AnalyticsDailyTable, CaseBacklogMovesTable, CaseMetricsTable, SlaDailyTable } from './analytics.table.ts';
import {
  advance,
  DailyRollup,
  dailyOf,
  dailyOfMove,
  metricsRowFor,
  NO_PROGRESS,
  progressOf,
  rowOf,
  SlaRollup,
  stepOf,
  type TargetOutcome,
} from './metrics.ts';

type Trx = Kysely<Database>;

/** The indicators are defined on the standard business calendar (SPEC 8), whatever a case's own commitments use. */
export const ANALYTICS_CALENDAR_ID = 'standard';

const standardCalendar = (ctx: Ctx, trx: Trx) => calendarOf(ctx, ANALYTICS_CALENDAR_ID, trx);

/** Rollup deltas of a buffered transaction, summed over its requests and written once before commit. */
class PendingDaily implements PendingWrite {
  readonly rollup = new DailyRollup();
  flush(trx: Trx): Promise<void> {
    return writeDaily(trx, this.rollup.rows());
  }
  statement(trx: Trx): CompiledQuery | null | undefined {
    const rows = this.rollup.rows();
    if (rows.length === 0) return null;
    return jsonUpsert('analytics_daily', ['day', 'dim', 'key'], ['n', 'repeats', 'resolved', 'fcr'], rows);
  }
}

class PendingSla implements PendingWrite {
  readonly rollup = new SlaRollup();
  flush(trx: Trx): Promise<void> {
    return writeSla(trx, this.rollup.rows());
  }
  statement(trx: Trx): CompiledQuery | null | undefined {
    const rows = this.rollup.rows();
    if (rows.length === 0) return null;
    return jsonUpsert('sla_daily', ['kind', 'day'], ['met', 'breached'], rows);
  }
}

/** Adds rollup rows (deltas) to analytics_daily: at commit in a buffered transaction, now otherwise. */
export async function addDaily(trx: Trx, rows: AnalyticsDailyTable[]): Promise<void> {
  const b = bufferOf(trx);
  if (b) b.work('analytics_daily', FLUSH_ORDER.rollup, () => new PendingDaily()).rollup.add(rows);
  else await writeDaily(trx, rows);
}

/** Adds SLA outcome deltas to sla_daily: at commit in a buffered transaction, now otherwise. */
export async function addSla(trx: Trx, rows: SlaDailyTable[]): Promise<void> {
  const b = bufferOf(trx);
  if (b) b.work('sla_daily', FLUSH_ORDER.rollup, () => new PendingSla()).rollup.addRows(rows);
  else await writeSla(trx, rows);
}

const CHUNK = 500;

/** Rows come sorted, the order every writer locks them in. */
async function writeDaily(trx: Trx, rows: AnalyticsDailyTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await upsertDaily(trx, rows.slice(i, i + CHUNK)).execute();
}

async function writeSla(trx: Trx, rows: SlaDailyTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await upsertSla(trx, rows.slice(i, i + CHUNK)).execute();
}

/**
 * PostgreSQL, for a batch's one write: the deltas as one JSON parameter, so that the text is the
 * same whatever the number of rows (the write is prepared once per connection). In the given
 * order, the order every writer locks the rows in.
 */
const jsonUpsert = <T extends 'analytics_daily' | 'sla_daily'>(
  table: T,
  keys: ReadonlyArray<keyof Database[T] & string>,
  counts: ReadonlyArray<keyof Database[T] & string>,
  rows: ReadonlyArray<Database[T]>,
): CompiledQuery => {
  const cols = [...keys, ...counts].map((c) => `"${c}"`).join(', ');
  const set = counts.map((c) => `"${c}" = "${table}"."${c}" + excluded."${c}"`).join(', ');
  return CompiledQuery.raw(
    `insert into "${table}" (${cols}) select ${cols} from json_populate_recordset(null::"${table}", $1::json) on conflict (${keys.map((k) => `"${k}"`).join(', ')}) do update set ${set}`,
    [rowsJson(rows)],
  );
};

const upsertDaily = (trx: Trx, rows: AnalyticsDailyTable[]) =>
  trx
    .insertInto('analytics_daily')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['day', 'dim', 'key']).doUpdateSet((eb) => ({
        n: eb('analytics_daily.n', '+', eb.ref('excluded.n')),
        repeats: eb('analytics_daily.repeats', '+', eb.ref('excluded.repeats')),
        resolved: eb('analytics_daily.resolved', '+', eb.ref('excluded.resolved')),
        fcr: eb('analytics_daily.fcr', '+', eb.ref('excluded.fcr')),
      })),
    );

const upsertSla = (trx: Trx, rows: SlaDailyTable[]) =>
  trx
    .insertInto('sla_daily')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['kind', 'day']).doUpdateSet((eb) => ({
        met: eb('sla_daily.met', '+', eb.ref('excluded.met')),
        breached: eb('sla_daily.breached', '+', eb.ref('excluded.breached')),
      })),
    );

/** Replaces the metrics row and the backlog moves of a case by those derived from its whole timeline (and corrects the rollup). */
export async function rederiveCaseMetrics(ctx: Ctx, trx: Trx, c: CasesTable): Promise<CaseMetricsTable> {
  const cal = await standardCalendar(ctx, trx);
  const [events, oldRow, oldMoves] = await Promise.all([
    trx.selectFrom('case_events').select(['id', 'type', 'actor_kind', 'visibility', 'data', 'created_at']).where('case_id', '=', c.id).orderBy('created_at').orderBy('id').execute(),
    trx.selectFrom('case_metrics').selectAll().where('case_id', '=', c.id).executeTakeFirst(),
    trx.selectFrom('case_backlog_moves').selectAll().where('case_id', '=', c.id).execute(),
  ]);
  const escalated = await trx.selectFrom('case_escalations').select('case_id').where('case_id', '=', c.id).limit(1).executeTakeFirst();
  const { row, moves } = metricsRowFor(cal, c, events, { escalated: Boolean(escalated) });
  const rollup = new DailyRollup().add(dailyOf(row)).add(moves.map(dailyOfMove));
  if (oldRow) rollup.add(dailyOf(oldRow), -1);
  rollup.add(oldMoves.map(dailyOfMove), -1);
  await trx.deleteFrom('case_backlog_moves').where('case_id', '=', c.id).execute();
  await trx.deleteFrom('case_metrics').where('case_id', '=', c.id).execute();
  await trx.insertInto('case_metrics').values(row).execute();
  if (moves.length) await trx.insertInto('case_backlog_moves').values(moves).execute();
  await addDaily(trx, rollup.rows());
  return row;
}

async function insertMove(trx: Trx, caseId: string, at: number, delta: number): Promise<CaseBacklogMovesTable> {
  const last = await trx.selectFrom('case_backlog_moves').select((eb) => eb.fn.max('seq').as('seq')).where('case_id', '=', caseId).executeTakeFirst();
  const seq = last?.seq === null || last?.seq === undefined ? 0 : Number(last.seq) + 1;
  const move: CaseBacklogMovesTable = { case_id: caseId, seq, at, delta };
  await trx.insertInto('case_backlog_moves').values(move).execute();
  return move;
}

// ---- SLA outcomes: the targets of a case before and after the commitments hook ------------

/** A case's targets; in a buffered (intake) transaction a new case's targets are all still pending. */
const targetsOf = async (trx: Trx, caseId: string, created = false): Promise<TargetOutcome[]> => {
  const pending = created ? pendingRows(trx, 'case_targets') : undefined;
  if (pending) return pending.filter((t) => t.case_id === caseId);
  return trx.selectFrom('case_targets').select(['kind', 'due_at', 'met_at', 'state']).where('case_id', '=', caseId).execute();
};

/** Targets of each case as they stood before the commitments hook ran, per transaction. */
const snapshots = new WeakMap<object, Map<string, TargetOutcome[]>>();

/**
 * Registered BEFORE the commitments hook: notes the case's targets as they stand, so that
 * analyticsHook (after it) can move their outcomes in sla_daily by the difference.
 */
export const analyticsSnapshotHook: CaseHook = {
  name: 'analytics-snapshot',
  async onCreated(_ctx, trx, c) {
    let m = snapshots.get(trx);
    if (!m) snapshots.set(trx, (m = new Map()));
    m.set(c.id, []);
  },
  async onChanged(_ctx, trx, _before, after) {
    let m = snapshots.get(trx);
    if (!m) snapshots.set(trx, (m = new Map()));
    m.set(after.id, await targetsOf(trx, after.id));
  },
};

async function syncSla(trx: Trx, caseId: string, created = false): Promise<void> {
  const before = snapshots.get(trx)?.get(caseId);
  if (!before) return; // no snapshot hook in this configuration: sla_daily is left to rebuildSlaDaily
  snapshots.get(trx)!.delete(caseId);
  const rows = new SlaRollup().add(before, -1).add(await targetsOf(trx, caseId, created)).rows();
  await addSla(trx, rows);
}

/** Never set by the hook: the key, the clustering column, and the flag the escalation trigger owns. */
const UNCHANGING: ReadonlyArray<keyof CaseMetricsTable> = ['case_id', 'received_at', 'escalated'];

/**
 * Keeps case_metrics, case_backlog_moves and the daily rollups in step with every case change,
 * inside the case's transaction (the case row is locked, so a case's metrics are written by one
 * change at a time; rollup rows are upserted in sorted order, so writers never deadlock). A case
 * without a metrics row (it predates the analytics tables, or was written with the hook off) gets
 * one derived from its whole timeline on its next change. Registered AFTER the commitments hook.
 */
export const analyticsHook: CaseHook = {
  name: 'analytics',
  async onCreated(ctx, trx, c) {
    const cal = await standardCalendar(ctx, trx);
    // An urgent complaint is escalated at intake, by the commitments hook, before this row exists.
    // In a buffered transaction every escalation of a new case is still pending.
    const pending = pendingRows(trx, 'case_escalations');
    const escalated = pending
      ? pending.some((e) => e.case_id === c.id)
      : Boolean(await trx.selectFrom('case_escalations').select('case_id').where('case_id', '=', c.id).limit(1).executeTakeFirst());
    const row = rowOf(cal, c, { ...NO_PROGRESS, escalated: escalated ? 1 : 0 });
    await appendRow(trx, 'case_metrics', row);
    await addDaily(trx, new DailyRollup().add(dailyOf(row)).rows());
    await syncSla(trx, c.id, true);
  },
  async onChanged(ctx, trx, before, after, _change, info) {
    const prev = await trx.selectFrom('case_metrics').selectAll().where('case_id', '=', after.id).executeTakeFirst();
    if (!prev) await rederiveCaseMetrics(ctx, trx, after);
    else {
      const cal = await standardCalendar(ctx, trx);
      const now = ctx.clock.now();
      const { progress, delta } = advance(cal, progressOf(prev), stepOf(before, after, now, info.actor.kind, info.events));
      const next = rowOf(cal, after, progress);
      // Only the columns that changed: an index is written only when one of its columns is set.
      const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => !UNCHANGING.includes(k as keyof CaseMetricsTable) && prev[k as keyof CaseMetricsTable] !== v));
      if (Object.keys(changed).length) await trx.updateTable('case_metrics').set(changed).where('case_id', '=', after.id).execute();
      const rollup = new DailyRollup().add(dailyOf(prev), -1).add(dailyOf(next));
      if (delta) rollup.add([dailyOfMove(await insertMove(trx, after.id, now, delta))]);
      await addDaily(trx, rollup.rows());
    }
    await syncSla(trx, after.id);
  },
};
