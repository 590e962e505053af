import { DateTime } from 'luxon';
import type { BusinessCalendar } from '../commitments/index.ts';

/**
 * A plan's steps (SPEC 5): monthly in the first year after delivery, quarterly after. Step n is
 * n months after delivery up to 12, then 12 + 3(n - 12) months; counted each time from the
 * delivery date (31 Jan + 1 month is 28/29 Feb, and + 2 months is 31 Mar again).
 */
export const monthsOfStep = (step: number): number => (step <= 12 ? step : 12 + (step - 12) * 3);

export const planStepDate = (deliveredOn: string, step: number): string =>
  DateTime.fromISO(deliveredOn, { zone: 'UTC' }).plus({ months: monthsOfStep(step) }).toISODate()!;

/** The first step after `afterStep` whose date is `today` or later (a plan started late, or a follow-up done late, skips the dates already past). */
export function nextPlanStep(deliveredOn: string, afterStep: number, today: string): { step: number; date: string } {
  for (let step = afterStep + 1; ; step++) {
    const date = planStepDate(deliveredOn, step);
    if (date >= today) return { step, date };
  }
}

/** The local date (YYYY-MM-DD) of an instant in the zone. */
export const localDate = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toISODate()!;

/**
 * A plan follow-up is due at the close of business of its date, or of the next working day when
 * the date is none (a weekend, a holiday): "within 1 working day" counted from the day before.
 */
export function dueOnDate(cal: BusinessCalendar, date: string): number {
  const dayBefore = DateTime.fromISO(date, { zone: cal.spec.timeZone }).minus({ days: 1 }).set({ hour: 12 });
  return cal.addWorkingDays(dayBefore.toMillis(), 1);
}
