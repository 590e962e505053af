import type { BusinessCalendar } from './calendar/index.ts';
import type { Duration } from './policy.ts';

/**
 * The pure arithmetic of one commitment timer. A timer has a budget of business minutes on its
 * calendar; pauses (waiting on the customer) split it into running stretches, so
 *   elapsed(now) = consumed + businessMinutesBetween(runningSince, now)
 * and any threshold instant is a calendar lookup from runningSince.
 */
export interface TimerState {
  budgetMinutes: number;
  consumedMinutes: number;
  runningSince: number | null;
  dueAt: number;
  state: 'running' | 'paused' | 'met' | 'breached' | 'cancelled';
  warned: number;
}

export function startTimer(cal: BusinessCalendar, startAt: number, d: Duration): { budgetMinutes: number; dueAt: number } {
  if ('workingDays' in d) {
    const dueAt = cal.addWorkingDays(startAt, d.workingDays);
    return { budgetMinutes: cal.businessMinutesBetween(startAt, dueAt), dueAt };
  }
  return { budgetMinutes: d.minutes, dueAt: cal.addBusinessMinutes(startAt, d.minutes) };
}

export const elapsedMinutes = (t: TimerState, cal: BusinessCalendar, now: number): number =>
  t.consumedMinutes + (t.runningSince !== null && now > t.runningSince ? cal.businessMinutesBetween(t.runningSince, now) : 0);

/** The instant the running timer reaches `minutes` of elapsed business time. */
const instantAt = (t: TimerState, cal: BusinessCalendar, minutes: number): number =>
  cal.addBusinessMinutes(t.runningSince!, Math.max(0, minutes - t.consumedMinutes));

/** When the worker must look next: the next warning not yet given, else the deadline; null if nothing is pending. */
export function nextCheckAt(t: TimerState, cal: BusinessCalendar, fractions: number[]): number | null {
  if (t.state !== 'running' || t.runningSince === null) return null;
  const f = fractions[t.warned];
  return f !== undefined ? Math.min(instantAt(t, cal, t.budgetMinutes * f), t.dueAt) : t.dueAt;
}

export interface Evaluation {
  /** indexes into fractions of warnings newly reached */
  warnings: number[];
  breached: boolean;
  warned: number;
}

/** What has happened to a running timer by `now`: warnings reached and whether the deadline passed. */
export function evaluateTimer(t: TimerState, cal: BusinessCalendar, fractions: number[], now: number): Evaluation {
  if (t.state !== 'running') return { warnings: [], breached: false, warned: t.warned };
  if (now >= t.dueAt) return { warnings: [], breached: true, warned: fractions.length };
  const elapsed = elapsedMinutes(t, cal, now);
  const warnings: number[] = [];
  let warned = t.warned;
  while (warned < fractions.length && elapsed >= t.budgetMinutes * fractions[warned]! - 1e-9) warnings.push(warned++);
  return { warnings, breached: false, warned };
}

export function pauseTimer(t: TimerState, cal: BusinessCalendar, now: number): Pick<TimerState, 'consumedMinutes' | 'runningSince' | 'state'> {
  return { consumedMinutes: elapsedMinutes(t, cal, now), runningSince: null, state: 'paused' };
}

export function resumeTimer(t: TimerState, cal: BusinessCalendar, now: number): Pick<TimerState, 'runningSince' | 'dueAt' | 'state'> {
  const remaining = Math.max(0, t.budgetMinutes - t.consumedMinutes);
  return { runningSince: now, dueAt: cal.addBusinessMinutes(now, remaining), state: 'running' };
}
