import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

type Scores = Array<{ criterionId: string; points: number; comment: string | null }>;
const redactScores = (json: string | null, redacted: string): string | null =>
  json === null ? null : JSON.stringify((JSON.parse(json) as Scores).map((s) => ({ ...s, comment: s.comment === null ? null : redacted })));

/**
 * An erasure (privacy module) of the customer of these cases: the free texts of their inspections
 * and appeals (comments, reasons, decisions) may quote the person and are replaced; points,
 * scores and results stay for the report. In the erasure's transaction.
 */
export async function redactQualityTexts(trx: Kysely<Database>, caseIds: readonly string[], redacted: string): Promise<void> {
  if (!caseIds.length) return;
  const inspections = await trx.selectFrom('quality_inspections').select(['id', 'scores', 'comment']).where('case_id', 'in', caseIds).execute();
  for (const i of inspections) {
    await trx.updateTable('quality_inspections').set({ scores: redactScores(i.scores, redacted), comment: i.comment === null ? null : redacted }).where('id', '=', i.id).execute();
    const p = await trx.selectFrom('quality_appeals').select(['id', 'decision_note', 'adjusted_scores']).where('inspection_id', '=', i.id).executeTakeFirst();
    if (p)
      await trx
        .updateTable('quality_appeals')
        .set({ reason: redacted, decision_note: p.decision_note === null ? null : redacted, adjusted_scores: redactScores(p.adjusted_scores, redacted) })
        .where('id', '=', p.id)
        .execute();
  }
}
