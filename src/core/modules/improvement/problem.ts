import { DateTime } from 'luxon';
import type { BusinessCalendar } from '../commitments/index.ts';

/**
 * Problem records (问题单, SPEC 8: root-cause analysis and corrective/preventive actions, CAPA):
 * the pure rules. A problem is analysed (root cause), acted on (corrective and preventive
 * actions), then checked some time after the actions were done: "worked" closes it, "did not
 * work" sends it back to actions.
 */
export const PROBLEM_STATUSES = ['open', 'analysing', 'actions', 'checking', 'closed', 'cancelled'] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];
/** Not closed nor cancelled: cases may still be linked, actions added. */
export const ACTIVE_PROBLEM_STATUSES: ProblemStatus[] = ['open', 'analysing', 'actions', 'checking'];

/** The cause categories (人员, 流程, 系统, 产品, 政策). */
export const ROOT_CAUSE_CATEGORIES = ['people', 'process', 'system', 'product', 'policy'] as const;
export type RootCauseCategory = (typeof ROOT_CAUSE_CATEGORIES)[number];

export const ACTION_KINDS = ['corrective', 'preventive'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_STATUSES = ['open', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const CHECK_RESULTS = ['worked', 'not_worked'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

/** Days from the last action done to the effectiveness check, unless the problem says otherwise. */
export const DEFAULT_CHECK_DAYS = 30;

const TRANSITIONS: Record<ProblemStatus, ProblemStatus[]> = {
  open: ['analysing', 'cancelled'],
  analysing: ['actions', 'cancelled'],
  actions: ['checking', 'cancelled'],
  // worked: closed; did not work: back to actions
  checking: ['closed', 'actions', 'cancelled'],
  closed: [],
  cancelled: [],
};

export const canMoveProblem = (from: ProblemStatus, to: ProblemStatus): boolean => TRANSITIONS[from].includes(to);
export const nextProblemStatuses = (from: ProblemStatus): ProblemStatus[] => TRANSITIONS[from];

/** What a move depends on besides the two statuses. */
export interface ProblemFacts {
  status: ProblemStatus;
  hasRootCause: boolean;
  actions: Array<{ kind: ActionKind; status: ActionStatus }>;
}

export type MoveCheck = { ok: true } | { ok: false; code: string; message: string };

/**
 * Whether the problem may move to `to`: the transition is legal, and
 * - to actions (from analysing): the root cause (category and analysis) is recorded;
 * - to checking: at least one corrective action, every action done or cancelled, one done at least;
 * - to closed or back to actions from checking: only by recording the check (checkProblem).
 */
export function checkProblemMove(p: ProblemFacts, to: ProblemStatus, via: 'manual' | 'check' = 'manual'): MoveCheck {
  if (!canMoveProblem(p.status, to))
    return { ok: false, code: 'illegal_problem_transition', message: `A problem record cannot go from ${p.status} to ${to}.` };
  if (p.status === 'checking' && to !== 'cancelled' && via !== 'check')
    return { ok: false, code: 'check_required', message: 'Record the effectiveness check (worked or did not work): it closes the problem or sends it back to actions.' };
  if (to === 'actions' && p.status === 'analysing' && !p.hasRootCause)
    return { ok: false, code: 'root_cause_required', message: 'Record the root cause (its category and the analysis) before planning the actions.' };
  if (to === 'checking') {
    const live = p.actions.filter((a) => a.status !== 'cancelled');
    if (!live.some((a) => a.kind === 'corrective'))
      return { ok: false, code: 'corrective_action_missing', message: 'A problem needs at least one corrective action before its effectiveness is checked.' };
    if (live.some((a) => a.status === 'open'))
      return { ok: false, code: 'actions_not_done', message: 'Every action must be done (or cancelled) before the effectiveness check.' };
  }
  return { ok: true };
}

/** Whether finishing this action makes the problem ready for its check: in actions, and the move to checking allowed. */
export const readyForCheck = (p: ProblemFacts): boolean => p.status === 'actions' && checkProblemMove(p, 'checking').ok;

/**
 * The instant an action due on a date is due: the close of business of that day on the calendar,
 * or of the next working day when the date is a holiday or weekend (Civil Code art. 203: a
 * period's last day that is a holiday moves to the day after it ends). The same as "within 1
 * working day" counted from the day before.
 */
export function closeOfBusiness(cal: BusinessCalendar, date: string): number {
  const dayBefore = DateTime.fromISO(date, { zone: cal.spec.timeZone }).minus({ days: 1 }).set({ hour: 12 });
  return cal.addWorkingDays(dayBefore.toMillis(), 1);
}

/** The local date `days` calendar days after an instant, in the zone. */
export function dateAfter(ms: number, days: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).plus({ days }).toISODate()!;
}
