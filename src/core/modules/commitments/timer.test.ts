import { describe, expect, it } from 'vitest';
import { BusinessCalendar, STANDARD_CALENDAR } from './calendar/index.ts';
import { evaluateTimer, nextCheckAt, pauseTimer, resumeTimer, startTimer, type TimerState } from './timer.ts';

const cal = BusinessCalendar.fromSpec(STANDARD_CALENDAR);
// Shanghai local time -> epoch ms
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

describe('commitment timer', () => {
  it('runs 1 business hour from Monday 11:30 to 13:30+30 = 14:00, warning at 75% (13:45) and 90% (13:54)', () => {
    const start = sh('2026-11-23T11:30:00');
    const { budgetMinutes, dueAt } = startTimer(cal, start, { minutes: 60 });
    expect(budgetMinutes).toBe(60);
    expect(dueAt).toBe(sh('2026-11-23T14:00:00'));
    const t: TimerState = { budgetMinutes, consumedMinutes: 0, runningSince: start, dueAt, state: 'running', warned: 0 };
    // 30 minutes before lunch + 15 after = 45 = 75%
    expect(nextCheckAt(t, cal, [0.75, 0.9])).toBe(sh('2026-11-23T13:45:00'));
    expect(evaluateTimer(t, cal, [0.75, 0.9], sh('2026-11-23T13:44:59'))).toEqual({ warnings: [], breached: false, warned: 0 });
    expect(evaluateTimer(t, cal, [0.75, 0.9], sh('2026-11-23T13:45:00'))).toEqual({ warnings: [0], breached: false, warned: 1 });
    expect(nextCheckAt({ ...t, warned: 1 }, cal, [0.75, 0.9])).toBe(sh('2026-11-23T13:54:00'));
    expect(evaluateTimer(t, cal, [0.75, 0.9], sh('2026-11-23T13:59:00'))).toEqual({ warnings: [0, 1], breached: false, warned: 2 });
    expect(nextCheckAt({ ...t, warned: 2 }, cal, [0.75, 0.9])).toBe(dueAt);
    expect(evaluateTimer(t, cal, [0.75, 0.9], dueAt)).toEqual({ warnings: [], breached: true, warned: 2 });
  });

  it('pauses while waiting on the customer and resumes with the remaining budget', () => {
    const start = sh('2026-11-23T09:00:00');
    const { budgetMinutes, dueAt } = startTimer(cal, start, { minutes: 24 * 60 });
    // 24 business hours = 3.2 days of 7.5 h: Mon 7.5, Tue 7.5, Wed 7.5, Thu 1.5 -> Thu 10:30
    expect(dueAt).toBe(sh('2026-11-26T10:30:00'));
    let t: TimerState = { budgetMinutes, consumedMinutes: 0, runningSince: start, dueAt, state: 'running', warned: 0 };
    // pause Mon 17:00 after 09:00-12:00 + 13:30-17:00 = 390 business minutes
    t = { ...t, ...pauseTimer(t, cal, sh('2026-11-23T17:00:00')) };
    expect(t.consumedMinutes).toBe(390);
    expect(nextCheckAt(t, cal, [0.75])).toBeNull();
    expect(evaluateTimer(t, cal, [0.75], sh('2026-12-30T10:00:00')).breached).toBe(false);
    // the customer answers Wed 10:00: remaining 1050 min = Wed 120 + 270, Thu 450, Fri 180 + 30 -> Fri 14:00
    t = { ...t, ...resumeTimer(t, cal, sh('2026-11-25T10:00:00')) };
    expect(t.dueAt).toBe(sh('2026-11-27T14:00:00'));
  });

  it('counts 7 working days from the day after receipt to the close of business (Civil Code)', () => {
    // received Wed 2026-11-25 16:00; day 1 = Thu 26 ... day 7 = Fri Dec 4, closes 18:00
    const { dueAt, budgetMinutes } = startTimer(cal, sh('2026-11-25T16:00:00'), { workingDays: 7 });
    expect(dueAt).toBe(sh('2026-12-04T18:00:00'));
    expect(budgetMinutes).toBe(120 + 7 * 450);
  });

  it('breaches at once, without stale warnings, when first seen after the deadline', () => {
    const start = sh('2026-11-23T09:00:00');
    const { budgetMinutes, dueAt } = startTimer(cal, start, { minutes: 60 });
    const t: TimerState = { budgetMinutes, consumedMinutes: 0, runningSince: start, dueAt, state: 'running', warned: 0 };
    expect(evaluateTimer(t, cal, [0.75, 0.9], sh('2026-11-24T09:00:00'))).toEqual({ warnings: [], breached: true, warned: 2 });
  });
});
