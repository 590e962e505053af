import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

export interface SurveyErasure {
  /** Surveys of the cases whose comment was replaced or whose open link was expired, and recovery tasks whose note was replaced. */
  surveys: number;
}

/**
 * What an erasure (modules/privacy) does to the surveys of the customer's cases, in its
 * transaction: the customer's comment and the supervisor's recovery note are free text about the
 * person and are replaced by `redacted`; a link still open is expired, an open recovery task closed. Scores, bands, times stay
 * for the indicators.
 */
export async function eraseSurveys(trx: Kysely<Database>, caseIds: string[], now: number, redacted: string, customerId?: string): Promise<SurveyErasure> {
  let surveys = 0;
  if (customerId) {
    // the customer's periodic surveys (no case) and their recovery tasks, likewise
    const c = await trx.updateTable('survey_wave_surveys').set({ comment: redacted }).where('customer_id', '=', customerId).where('comment', 'is not', null).executeTakeFirst();
    const e = await trx.updateTable('survey_wave_surveys').set({ status: 'expired', expired_at: now }).where('customer_id', '=', customerId).where('status', '=', 'pending').executeTakeFirst();
    const r = await trx.updateTable('survey_recovery_tasks').set({ outcome: redacted }).where('customer_id', '=', customerId).where('outcome', 'is not', null).executeTakeFirst();
    const o = await trx.updateTable('survey_recovery_tasks').set({ status: 'closed', closed_at: now, outcome: redacted }).where('customer_id', '=', customerId).where('status', '=', 'open').executeTakeFirst();
    surveys += Number(c.numUpdatedRows) + Number(e.numUpdatedRows) + Number(r.numUpdatedRows) + Number(o.numUpdatedRows);
  }
  for (let i = 0; i < caseIds.length; i += 500) {
    const chunk = caseIds.slice(i, i + 500);
    const c = await trx.updateTable('surveys').set({ comment: redacted }).where('case_id', 'in', chunk).where('comment', 'is not', null).executeTakeFirst();
    const e = await trx.updateTable('surveys').set({ status: 'expired', expired_at: now }).where('case_id', 'in', chunk).where('status', '=', 'pending').executeTakeFirst();
    const r = await trx.updateTable('survey_recovery_tasks').set({ outcome: redacted }).where('case_id', 'in', chunk).where('outcome', 'is not', null).executeTakeFirst();
    // an open recovery task is over: nobody is called about an erased customer, and its close would write new text about them on the case
    const o = await trx.updateTable('survey_recovery_tasks').set({ status: 'closed', closed_at: now, outcome: redacted }).where('case_id', 'in', chunk).where('status', '=', 'open').executeTakeFirst();
    surveys += Number(c.numUpdatedRows) + Number(e.numUpdatedRows) + Number(r.numUpdatedRows) + Number(o.numUpdatedRows);
  }
  return { surveys };
}
