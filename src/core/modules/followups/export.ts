import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

/** A follow-up as a customer's data export carries it (SPEC 10); staff: with the notes and the attempts' log. */
export interface FollowupExport {
  id: string;
  kind: string;
  caseId: string | null;
  planId: string | null;
  status: string;
  scheduledAt: number;
  dueAt: number;
  closedAt: number | null;
  method: string | null;
  result: string | null;
  notes?: string | null;
  attempts?: Array<{ at: number; method: string; reached: boolean; result: string | null; notes: string | null }>;
}

export interface FollowupPlanExport {
  id: string;
  title: string;
  deliveredOn: string;
  endsOn: string | null;
  status: string;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** The customer's follow-ups (of their cases, and of their plans) and plans, oldest first (privacy's export). */
export async function followupsForExport(
  db: Kysely<Database>,
  customerId: string,
  caseIds: string[],
  scope: 'staff' | 'customer',
): Promise<{ followups: FollowupExport[]; followupPlans: FollowupPlanExport[] }> {
  const rows = await db
    .selectFrom('followups')
    .selectAll()
    .where((eb) => eb.or([eb('customer_id', '=', customerId), ...(caseIds.length ? [eb('case_id', 'in', caseIds)] : [])]))
    .orderBy('scheduled_at')
    .orderBy('id')
    .execute();
  const followups: FollowupExport[] = [];
  for (const f of rows) {
    const base: FollowupExport = {
      id: f.id,
      kind: f.kind,
      caseId: f.case_id,
      planId: f.plan_id,
      status: f.status,
      scheduledAt: Number(f.scheduled_at),
      dueAt: Number(f.due_at),
      closedAt: num(f.closed_at),
      method: f.method,
      result: f.result,
    };
    if (scope === 'staff') {
      const attempts = await db.selectFrom('followup_attempts').selectAll().where('followup_id', '=', f.id).orderBy('at').orderBy('id').execute();
      base.notes = f.notes;
      base.attempts = attempts.map((a) => ({ at: Number(a.at), method: a.method, reached: Number(a.reached) === 1, result: a.result, notes: a.notes }));
    }
    followups.push(base);
  }
  const plans = await db.selectFrom('followup_plans').selectAll().where('customer_id', '=', customerId).orderBy('created_at').orderBy('id').execute();
  return { followups, followupPlans: plans.map((p) => ({ id: p.id, title: p.title, deliveredOn: p.delivered_on, endsOn: p.ends_on, status: p.status })) };
}
