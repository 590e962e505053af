import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { FollowupsTable } from './followup.table.ts';
import type { FollowupAction, FollowupKind, FollowupMethod, FollowupResult, FollowupStatus, FollowupView } from './followup.schemas.ts';

type Db = Kysely<Database>;

/** A follow-up with what its view shows of the case, the customer, the plan and the people. */
export const withNames = (db: Db) =>
  db
    .selectFrom('followups as f')
    .leftJoin('cases as c', 'c.id', 'f.case_id')
    .leftJoin('customers as cu', 'cu.id', 'f.customer_id')
    .leftJoin('followup_plans as p', 'p.id', 'f.plan_id')
    .leftJoin('users as a', 'a.id', 'f.assignee_id')
    .leftJoin('teams as t', 't.id', 'f.team_id')
    .leftJoin('users as x', 'x.id', 'f.closed_by')
    .selectAll('f')
    .select(['c.number as case_number', 'c.subject as case_subject', 'c.sensitive as case_sensitive', 'cu.name as customer_name', 'p.title as plan_title', 'a.name as assignee_name', 't.name as team_name', 'x.name as closer_name']);

export type Row = FollowupsTable & {
  case_number: string | null;
  case_subject: string | null;
  case_sensitive: number | null;
  customer_name: string | null;
  plan_title: string | null;
  assignee_name: string | null;
  team_name: string | null;
  closer_name: string | null;
};

const n = (v: number | null) => (v === null ? null : Number(v));

export const toView = (r: Row, now: number): FollowupView => {
  const due = Number(r.due_at);
  const closed = n(r.closed_at);
  return {
    id: r.id,
    kind: r.kind as FollowupKind,
    caseId: r.case_id,
    caseNumber: r.case_number,
    caseSubject: r.case_subject,
    customerId: r.customer_id,
    customerName: r.customer_name,
    planId: r.plan_id,
    planTitle: r.plan_title,
    planStep: r.plan_step,
    status: r.status as FollowupStatus,
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    teamId: r.team_id,
    teamName: r.team_name,
    scheduledAt: Number(r.scheduled_at),
    dueAt: due,
    calendarId: r.calendar_id,
    workingDays: r.working_days,
    overdue: r.overdue_at !== null || (r.status === 'pending' ? due <= now : r.status !== 'cancelled' && closed !== null && closed > due),
    overdueAt: n(r.overdue_at),
    attempts: r.attempts,
    lastAttemptAt: n(r.last_attempt_at),
    closedAt: closed,
    closedBy: r.closed_by,
    closedByName: r.closer_name,
    method: r.method as FollowupMethod | null,
    result: r.result as FollowupResult | null,
    action: r.action as FollowupAction | null,
    escalationLevel: r.escalation_level,
    notes: r.notes,
    cancelReason: r.cancel_reason,
    onTime: r.status === 'done' && closed !== null ? closed <= due : null,
  };
};
