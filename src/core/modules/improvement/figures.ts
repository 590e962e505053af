import type { Ctx } from '../../context.ts';

export interface OverdueAction {
  actionId: string;
  problemId: string;
  problemTitle: string;
  kind: string;
  description: string;
  ownerName: string;
  dueDate: string;
  dueAt: number;
}

export interface ProblemFigures {
  /** problem records created in [from, to) */
  opened: number;
  /** closed (the check found the actions worked) in [from, to) */
  closed: number;
  /** neither closed nor cancelled at `at` */
  active: number;
  /** actions due before `at` and not done by then (nor cancelled), most overdue first */
  overdueActions: OverdueAction[];
  at: number;
}

/**
 * Problem records and CAPA for a period (the reports' "problems and improvement"): opened and
 * closed in [from, to), and, at its end (or now, when that is still to come), the records still
 * active and the actions past their due date that were not done by then.
 */
export async function problemFigures(ctx: Ctx, from: number, to: number): Promise<ProblemFigures> {
  const at = Math.min(to, ctx.clock.now());
  const [problems, actions] = await Promise.all([
    ctx.db.selectFrom('problems').select(['status', 'created_at', 'closed_at']).where('created_at', '<', to).execute(),
    ctx.db
      .selectFrom('problem_actions as a')
      .innerJoin('problems as p', 'p.id', 'a.problem_id')
      .innerJoin('users as u', 'u.id', 'a.owner_id')
      .select(['a.id', 'a.problem_id', 'p.title', 'a.kind', 'a.description', 'u.name as owner_name', 'a.due_date', 'a.due_at', 'a.done_at'])
      .where('a.due_at', '<', at)
      .where('a.status', '!=', 'cancelled')
      .where((eb) => eb.or([eb('a.done_at', 'is', null), eb('a.done_at', '>', at)]))
      .orderBy('a.due_at')
      .orderBy('a.id')
      .execute(),
  ]);
  const inPeriod = (x: number | null) => x !== null && Number(x) >= from && Number(x) < to;
  return {
    opened: problems.filter((p) => inPeriod(p.created_at)).length,
    closed: problems.filter((p) => p.status === 'closed' && inPeriod(p.closed_at)).length,
    // closed_at is set when a record is closed or cancelled
    active: problems.filter((p) => Number(p.created_at) < at && (p.closed_at === null || Number(p.closed_at) > at)).length,
    overdueActions: actions.map((a) => ({
      actionId: a.id,
      problemId: a.problem_id,
      problemTitle: a.title,
      kind: a.kind,
      description: a.description,
      ownerName: a.owner_name,
      dueDate: a.due_date,
      dueAt: Number(a.due_at),
    })),
    at,
  };
}
