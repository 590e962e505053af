import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { TARGET_KINDS, TARGET_LABELS, type TargetKind } from '../commitments/index.ts';

export interface TargetCompliance {
  kind: TargetKind;
  label: { zh: string; en: string };
  met: number;
  breached: number;
  /** met / (met + breached); null when nothing was due or completed */
  metShare: number | null;
}

/**
 * SLA compliance of each target kind over [from, to] (SPEC 8): met / (met + breached), over the
 * targets completed or due in the period; a target not completed by its deadline is breached.
 * The rules of the commitments module's `complianceOver(ctx, days)` with its "now" replaced by the
 * period's end (or now, if that is still to come), so complianceBetween(now - days, now) equals
 * complianceOver(days) (a test checks it). Deadlines still to come are not judged yet; a target
 * met before its deadline counts when it was met in the period.
 */
export async function complianceBetween(ctx: Ctx, from: number, to: number): Promise<TargetCompliance[]> {
  const end = Math.min(to, ctx.clock.now());
  const [dueRows, earlyRows] = await Promise.all([
    ctx.db
      .selectFrom('case_targets')
      .select([
        'kind',
        sql<number>`sum(case when met_at is not null and met_at <= due_at then 1 else 0 end)`.as('met'),
        sql<number>`sum(case when met_at is null or met_at > due_at then 1 else 0 end)`.as('breached'),
      ])
      .where('due_at', '>=', from)
      .where('due_at', '<=', end)
      .where((eb) => eb.or([eb('state', '!=', 'cancelled'), eb('met_at', 'is not', null)]))
      .groupBy('kind')
      .execute(),
    ctx.db
      .selectFrom('case_targets')
      .select(['kind', sql<number>`count(*)`.as('met')])
      .where('due_at', '>', end)
      .where('met_at', '>=', from)
      .where('met_at', '<=', end)
      .groupBy('kind')
      .execute(),
  ]);
  const out: TargetCompliance[] = [];
  for (const kind of TARGET_KINDS) {
    const d = dueRows.find((r) => r.kind === kind);
    const e = earlyRows.find((r) => r.kind === kind);
    const met = Number(d?.met ?? 0) + Number(e?.met ?? 0);
    const breached = Number(d?.breached ?? 0);
    if (met + breached === 0) continue;
    out.push({ kind, label: TARGET_LABELS[kind], met, breached, metShare: met / (met + breached) });
  }
  return out;
}
