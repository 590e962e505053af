import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
// its own file, not the module's index: the read thread loads this one (reads/jobs.ts)
import { TARGET_KINDS, TARGET_LABELS, type TargetKind } from '../commitments/policy.ts';
import { BREACHED_SQL as BREACHED, MET_SQL as MET } from '../commitments/outcome.ts';
import { DAY_MS } from './metrics.ts';

export interface TargetCompliance {
  kind: TargetKind;
  label: { zh: string; en: string };
  met: number;
  breached: number;
  /** met / (met + breached); null when nothing was due or completed */
  metShare: number | null;
}

/**
 * [from, to) as the whole rollup days inside it (UTC days [days[0], days[1])) and the partial
 * edge ranges before and after them, which are read raw.
 */
export function splitDays(from: number, to: number): { days: [number, number] | null; edges: Array<[number, number]> } {
  const d1 = Math.ceil(from / DAY_MS);
  const d2 = Math.floor(to / DAY_MS);
  if (d2 <= d1) return { days: null, edges: from < to ? [[from, to]] : [] };
  const edges: Array<[number, number]> = [];
  if (from < d1 * DAY_MS) edges.push([from, d1 * DAY_MS]);
  if (d2 * DAY_MS < to) edges.push([d2 * DAY_MS, to]);
  return { days: [d1, d2], edges };
}

/**
 * SLA compliance of each target kind over [from, to] (SPEC 8): met / (met + breached), over the
 * targets completed or due in the period; a target not completed by its deadline is breached.
 * The rules of the commitments module's `complianceOver(ctx, days)` with its "now" replaced by the
 * period's end (or now, if that is still to come), so complianceBetween(now - days, now) equals
 * complianceOver(days) (a test checks it): targets due in the period are judged, met or breached
 * by their state (commitments/outcome.ts: paused and cancelled ones are neither), and a target met
 * ahead of a deadline after the period counts as met when it was met in the period. The due ones
 * come from sla_daily for whole days and raw for the edge days.
 */
export async function complianceBetween(ctx: Ctx, from: number, to: number): Promise<TargetCompliance[]> {
  const end = Math.min(to, ctx.clock.now());
  const kinds = [...TARGET_KINDS];
  const { days, edges } = splitDays(from, end + 1); // due_at in [from, end]
  const parts = await Promise.all([
    days
      ? ctx.db
          .selectFrom('sla_daily')
          .select(['kind', sql<number>`sum(met)`.as('met'), sql<number>`sum(breached)`.as('breached')])
          .where('kind', 'in', kinds)
          .where('day', '>=', days[0])
          .where('day', '<', days[1])
          .groupBy('kind')
          .execute()
      : [],
    ...edges.map(([a, b]) =>
      ctx.db
        .selectFrom('case_targets')
        .select(['kind', MET.as('met'), BREACHED.as('breached')])
        .where('kind', 'in', kinds)
        .where('due_at', '>=', a)
        .where('due_at', '<', b)
        .groupBy('kind')
        .execute(),
    ),
    // met ahead of a deadline that falls after the period
    ctx.db
      .selectFrom('case_targets')
      .select(['kind', sql<number>`count(*)`.as('met'), sql<number>`0`.as('breached')])
      .where('kind', 'in', kinds)
      .where('due_at', '>', end)
      .where('state', '=', 'met')
      .where('met_at', '>=', from)
      .where('met_at', '<=', end)
      .groupBy('kind')
      .execute(),
  ]);
  const met = new Map<string, number>();
  const breached = new Map<string, number>();
  for (const rows of parts)
    for (const r of rows) {
      met.set(r.kind, (met.get(r.kind) ?? 0) + Number(r.met ?? 0));
      breached.set(r.kind, (breached.get(r.kind) ?? 0) + Number(r.breached ?? 0));
    }
  const out: TargetCompliance[] = [];
  for (const kind of TARGET_KINDS) {
    const m = met.get(kind) ?? 0;
    const b = breached.get(kind) ?? 0;
    if (m + b === 0) continue;
    out.push({ kind, label: TARGET_LABELS[kind], met: m, breached: b, metShare: m / (m + b) });
  }
  return out;
}

/** Recomputes sla_daily from case_targets (after a bulk load, or to check it): one aggregate. */
export async function rebuildSlaDaily(ctx: Pick<Ctx, 'db'>): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sla_daily').execute();
    await sql`INSERT INTO sla_daily (kind, day, met, breached)
      SELECT kind, due_at / ${sql.lit(DAY_MS)}, ${MET}, ${BREACHED}
      FROM case_targets WHERE state IN ('met', 'breached', 'running')
      GROUP BY kind, due_at / ${sql.lit(DAY_MS)}`.execute(trx);
  });
}
