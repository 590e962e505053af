import { describe, expect, it } from 'vitest';
import { BusinessCalendar, STANDARD_CALENDAR } from '../commitments/index.ts';
import { checkProblemMove, closeOfBusiness, dateAfter, nextProblemStatuses, PROBLEM_STATUSES, readyForCheck, type ProblemFacts, type ProblemStatus } from './problem.ts';

const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const facts = (status: ProblemStatus, over: Partial<ProblemFacts> = {}): ProblemFacts => ({ status, hasRootCause: true, actions: [{ kind: 'corrective', status: 'done' }], ...over });

describe('problem record transitions (CAPA)', () => {
  it('allows exactly open -> analysing -> actions -> checking -> closed, back from checking to actions, and cancelling until closed', () => {
    const legal = Object.fromEntries(PROBLEM_STATUSES.map((s) => [s, nextProblemStatuses(s)]));
    expect(legal).toEqual({
      open: ['analysing', 'cancelled'],
      analysing: ['actions', 'cancelled'],
      actions: ['checking', 'cancelled'],
      checking: ['closed', 'actions', 'cancelled'],
      closed: [],
      cancelled: [],
    });
    for (const from of PROBLEM_STATUSES)
      for (const to of PROBLEM_STATUSES) {
        const r = checkProblemMove(facts(from), to, 'check');
        if (!legal[from]!.includes(to)) expect(r, `${from} -> ${to}`).toMatchObject({ ok: false, code: 'illegal_problem_transition' });
      }
    expect(checkProblemMove(facts('open'), 'actions')).toMatchObject({ ok: false, code: 'illegal_problem_transition' });
    expect(checkProblemMove(facts('closed'), 'cancelled')).toMatchObject({ ok: false, code: 'illegal_problem_transition' });
  });

  it('needs the root cause before actions, and a check recorded to leave checking (other than by cancelling)', () => {
    expect(checkProblemMove(facts('analysing', { hasRootCause: false }), 'actions')).toMatchObject({ ok: false, code: 'root_cause_required' });
    expect(checkProblemMove(facts('analysing'), 'actions')).toEqual({ ok: true });
    expect(checkProblemMove(facts('checking'), 'closed')).toMatchObject({ ok: false, code: 'check_required' });
    expect(checkProblemMove(facts('checking'), 'actions')).toMatchObject({ ok: false, code: 'check_required' });
    expect(checkProblemMove(facts('checking'), 'closed', 'check')).toEqual({ ok: true });
    expect(checkProblemMove(facts('checking'), 'cancelled')).toEqual({ ok: true });
  });

  it('goes to checking only with a corrective action and every action done or cancelled', () => {
    expect(readyForCheck(facts('actions'))).toBe(true);
    expect(readyForCheck(facts('analysing'))).toBe(false);
    expect(readyForCheck(facts('actions', { actions: [] }))).toBe(false);
    expect(checkProblemMove(facts('actions', { actions: [{ kind: 'preventive', status: 'done' }] }), 'checking')).toMatchObject({ ok: false, code: 'corrective_action_missing' });
    expect(checkProblemMove(facts('actions', { actions: [{ kind: 'corrective', status: 'cancelled' }, { kind: 'preventive', status: 'done' }] }), 'checking')).toMatchObject({ code: 'corrective_action_missing' });
    expect(checkProblemMove(facts('actions', { actions: [{ kind: 'corrective', status: 'done' }, { kind: 'preventive', status: 'open' }] }), 'checking')).toMatchObject({ code: 'actions_not_done' });
    expect(readyForCheck(facts('actions', { actions: [{ kind: 'corrective', status: 'done' }, { kind: 'preventive', status: 'cancelled' }] }))).toBe(true);
  });
});

describe('an action due on a date', () => {
  it('is due at the close of business of that day, or of the next working day (weekend, holiday; a make-up Saturday is a working day)', () => {
    const std = BusinessCalendar.fromSpec(STANDARD_CALENDAR);
    // Friday 2026-12-04: 18:00 that day
    expect(closeOfBusiness(std, '2026-12-04')).toBe(sh('2026-12-04T18:00:00'));
    // Saturday 2026-12-05: Monday 2026-12-07 18:00
    expect(closeOfBusiness(std, '2026-12-05')).toBe(sh('2026-12-07T18:00:00'));
    // National Day holiday 2026-10-01 (Thursday) .. 10-07; Saturday 10-10 is a make-up working day (调休)
    expect(closeOfBusiness(std, '2026-10-01')).toBe(sh('2026-10-08T18:00:00'));
    expect(closeOfBusiness(std, '2026-10-10')).toBe(sh('2026-10-10T18:00:00'));
  });

  it('counts the check date in calendar days in the centre zone', () => {
    // 2026-12-07 23:30 in Shanghai is still the 7th there (15:30 UTC)
    expect(dateAfter(sh('2026-12-07T23:30:00'), 30, 'Asia/Shanghai')).toBe('2027-01-06');
    expect(dateAfter(sh('2026-12-08T00:30:00'), 0, 'Asia/Shanghai')).toBe('2026-12-08');
  });
});
