import { DateTime } from 'luxon';
import type { Rng } from './prng.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Local time of the service centre for the demo's timeline: when customers write, when staff are
 * at work. Uses the zone's offset at load time (the shipped zone, Asia/Shanghai, has no DST).
 */
export class DemoTime {
  private readonly off: number;

  constructor(
    readonly zone: string,
    at: number,
  ) {
    this.off = DateTime.fromMillis(at, { zone }).offset * MIN;
  }

  dayIndex(t: number): number {
    return Math.floor((t + this.off) / DAY);
  }

  startOfDay(t: number): number {
    return this.dayIndex(t) * DAY - this.off;
  }

  /** 1 = Monday ... 7 = Sunday. */
  weekday(t: number): number {
    return ((this.dayIndex(t) + 3) % 7) + 1;
  }

  /** Minutes since local midnight. */
  minuteOfDay(t: number): number {
    return Math.floor((t - this.startOfDay(t)) / MIN);
  }

  /** Staff hours: weekdays 08:30-18:30, a weekend duty shift 09:00-17:30. */
  staffHours(t: number): [number, number] {
    return this.weekday(t) <= 5 ? [8 * 60 + 30, 18 * 60 + 30] : [9 * 60, 17 * 60 + 30];
  }

  /** The first moment at or after t when staff are at work (plus a little settling-in time). */
  nextStaff(t: number, rng: Rng): number {
    const [open, close] = this.staffHours(t);
    const m = this.minuteOfDay(t);
    if (m >= open && m < close) return t;
    let day = this.startOfDay(t);
    if (m >= close) day += DAY;
    const [o] = this.staffHours(day + HOUR * 12);
    return day + o * MIN + rng.int(0, 40) * MIN + rng.int(0, 59) * 1000;
  }

  /** Customers answer between 07:30 and 23:00. */
  nextCustomer(t: number, rng: Rng): number {
    const m = this.minuteOfDay(t);
    if (m >= 7 * 60 + 30 && m < 23 * 60) return t;
    let day = this.startOfDay(t);
    if (m >= 23 * 60) day += DAY;
    return day + (7 * 60 + 30) * MIN + rng.int(0, 150) * MIN + rng.int(0, 59) * 1000;
  }

  /** The local calendar date (fields of a Date shifted by the offset, read as UTC). */
  private local(t: number): Date {
    return new Date(t + this.off);
  }

  format(t: number, lang: 'zh' | 'en'): string {
    const d = this.local(t);
    return lang === 'zh' ? `${d.getUTCMonth() + 1}月${d.getUTCDate()}日` : `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  }

  compact(t: number): string {
    const d = this.local(t);
    return `${String(d.getUTCFullYear() % 100).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  }

  year(t: number): number {
    return this.local(t).getUTCFullYear();
  }
}
