/**
 * Business-calendar arithmetic (SPEC section 4). Pure: instants are epoch milliseconds (UTC),
 * local dates are 'YYYY-MM-DD' in the calendar's time zone.
 *
 * fromSpec precomputes every business span of the year range once, as sorted UTC [start, end)
 * intervals with a prefix sum of business milliseconds; queries are binary searches.
 */
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
// Mainland China holidays and make-up working days (调休), 2004..2026, as published by the
// State Council (e.g. 2026: https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm).
// Source: npm package `chinese-days`, file dist/chinese-days.json ({ holidays, workdays }).
import chinaDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { invalid } from '../../../shared/errors.ts';

export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7; // ISO: 1 = Monday

export interface CalendarSpec {
  id: string;
  name: string;
  timeZone: string;
  alwaysOpen?: boolean;
  weekly: Partial<Record<Weekday, Array<[string, string]>>>;
  useChinaHolidays?: boolean;
  holidays?: string[];
  workdays?: string[];
  makeupHoursFrom?: Weekday;
}

export const STANDARD_CALENDAR: CalendarSpec = {
  id: 'standard',
  name: 'Standard (Mon-Fri 09:00-12:00, 13:30-18:00, China holidays)',
  timeZone: 'Asia/Shanghai',
  weekly: {
    1: [['09:00', '12:00'], ['13:30', '18:00']],
    2: [['09:00', '12:00'], ['13:30', '18:00']],
    3: [['09:00', '12:00'], ['13:30', '18:00']],
    4: [['09:00', '12:00'], ['13:30', '18:00']],
    5: [['09:00', '12:00'], ['13:30', '18:00']],
  },
  useChinaHolidays: true,
  makeupHoursFrom: 1,
};

export const ALWAYS_OPEN_CALENDAR: CalendarSpec = {
  id: '7x24',
  name: '7x24',
  timeZone: 'Asia/Shanghai',
  alwaysOpen: true,
  weekly: {},
};

// ---- validation ---------------------------------------------------------------------------

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const hhmm = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:mm (00:00..24:00)');
const span = z
  .tuple([hhmm, hhmm])
  .refine(([a, b]) => toMinutes(a) < toMinutes(b), 'span start must be before its end');
const daySpans = z.array(span).refine(
  (spans) => spans.every((s, i) => i === 0 || toMinutes(spans[i - 1]![1]) <= toMinutes(s[0])),
  'spans must be sorted and must not overlap',
);
const isoDate = z.iso.date(); // YYYY-MM-DD, a real date

export const calendarSpecSchema = z
  .strictObject({
    id: z.string().min(1),
    name: z.string().min(1),
    timeZone: z.string().refine((tz) => IANAZone.isValidZone(tz), 'not a valid IANA time zone'),
    alwaysOpen: z.boolean().optional(),
    weekly: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), daySpans),
    useChinaHolidays: z.boolean().optional(),
    holidays: z.array(isoDate).optional(),
    workdays: z.array(isoDate).optional(),
    makeupHoursFrom: z.int().min(1).max(7).optional(),
  })
  .superRefine((s, ctx) => {
    const hasSpans = (d: number): boolean => (s.weekly[String(d) as '1']?.length ?? 0) > 0;
    if (s.alwaysOpen) {
      if (s.useChinaHolidays || s.holidays?.length || s.workdays?.length) {
        ctx.addIssue({ code: 'custom', message: 'an alwaysOpen calendar has no holidays or make-up days' });
      }
      return;
    }
    if (![1, 2, 3, 4, 5, 6, 7].some(hasSpans)) {
      ctx.addIssue({ code: 'custom', path: ['weekly'], message: 'no working hours on any weekday' });
    }
    const both = (s.holidays ?? []).filter((d) => s.workdays?.includes(d));
    if (both.length) {
      ctx.addIssue({ code: 'custom', message: `dates both holiday and workday: ${both.join(', ')}` });
    }
    const from = s.makeupHoursFrom ?? 1;
    if ((s.useChinaHolidays || s.workdays?.length) && !hasSpans(from)) {
      ctx.addIssue({ code: 'custom', path: ['makeupHoursFrom'], message: `weekday ${from} has no hours for make-up days` });
    }
  });

// ---- helpers ------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

const epochDay = (date: string): number => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY_MS;
const isoOfEpochDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const isoWeekday = (day: number): Weekday => ((((day + 3) % 7) + 7) % 7 + 1) as Weekday; // 1970-01-01 was a Thursday

/** First index i in the sorted array with a[i] > x (a.length if none). */
function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with a[i] >= x. */
function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The working spans (minutes of the local day) of each date. Precedence: the spec's own
 * holidays and workdays, then China's official holidays and make-up days, then the weekly hours.
 */
function daySpanRule(spec: CalendarSpec): (date: string, weekday: Weekday) => Array<[number, number]> {
  const hoursOf = (d: Weekday): Array<[number, number]> =>
    (spec.weekly[d] ?? []).map(([a, b]) => [toMinutes(a), toMinutes(b)]);
  const makeupHours = hoursOf(spec.makeupHoursFrom ?? 1);
  const ownHolidays = new Set(spec.holidays);
  const ownWorkdays = new Set(spec.workdays);
  const holidays = new Set(ownHolidays);
  const workdays = new Set(ownWorkdays);
  if (spec.useChinaHolidays) {
    for (const d of Object.keys(chinaDays.holidays)) if (!ownWorkdays.has(d)) holidays.add(d);
    for (const d of Object.keys(chinaDays.workdays)) if (!ownHolidays.has(d)) workdays.add(d);
  }
  return (date, weekday) => (holidays.has(date) ? [] : workdays.has(date) ? makeupHours : hoursOf(weekday));
}

// ---- the calendar -------------------------------------------------------------------------

export class BusinessCalendar {
  private constructor(
    readonly spec: CalendarSpec,
    readonly fromYear: number,
    readonly toYear: number,
    private readonly rangeStart: number, // local 00:00 on fromYear-01-01
    private readonly rangeEnd: number, // local 00:00 on (toYear+1)-01-01
    private readonly starts: Float64Array, // business spans [starts[i], ends[i]), sorted
    private readonly ends: Float64Array,
    private readonly before: Float64Array, // before[i] = business ms in spans 0..i-1 (length n+1)
    private readonly workDays: Int32Array, // epoch-day numbers of working days, sorted
    private readonly workDayClose: Float64Array, // end of the last span of each working day
  ) {}

  // Building a calendar costs ~0.2 s for 16 years (luxon time-zone conversions); calendars are
  // immutable, so identical specs share one.
  private static readonly built = new Map<string, BusinessCalendar>();

  static fromSpec(spec: CalendarSpec, opts: { fromYear?: number; toYear?: number } = {}): BusinessCalendar {
    const key = JSON.stringify([spec, opts.fromYear, opts.toYear]);
    let cal = BusinessCalendar.built.get(key);
    if (!cal) {
      cal = BusinessCalendar.build(structuredClone(spec), opts);
      BusinessCalendar.built.set(key, cal);
    }
    return cal;
  }

  private static build(spec: CalendarSpec, opts: { fromYear?: number; toYear?: number }): BusinessCalendar {
    const parsed = calendarSpecSchema.safeParse(spec);
    if (!parsed.success) {
      throw invalid('calendar_spec_invalid', `Invalid calendar spec '${spec?.id}': ${z.prettifyError(parsed.error)}`, parsed.error.issues);
    }
    const { fromYear = 2020, toYear = 2035 } = opts;
    if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear > toYear) {
      throw new RangeError(`Invalid calendar year range ${fromYear}..${toYear}`);
    }
    const zone = IANAZone.create(spec.timeZone);
    const firstDay = Date.UTC(fromYear, 0, 1) / DAY_MS;
    const lastDay = Date.UTC(toYear + 1, 0, 1) / DAY_MS - 1;
    // Local wall time -> UTC instant. luxon moves a wall time skipped by DST forward and takes
    // the later offset for one that occurs twice.
    const local = (day: number, minute: number): number => {
      const d = new Date((day + Math.floor(minute / 1440)) * DAY_MS);
      const m = minute % 1440;
      return DateTime.fromObject(
        { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: Math.floor(m / 60), minute: m % 60 },
        { zone },
      ).toMillis();
    };

    const starts: number[] = [];
    const ends: number[] = [];
    const workDays: number[] = [];
    const workDayClose: number[] = [];
    if (!spec.alwaysOpen) {
      const spansOf = daySpanRule(spec);
      for (let day = firstDay; day <= lastDay; day++) {
        let close = NaN;
        for (const [a, b] of spansOf(isoOfEpochDay(day), isoWeekday(day))) {
          const s = local(day, a);
          const e = local(day, b);
          if (e <= s) continue; // swallowed by a DST gap
          starts.push(s);
          ends.push(e);
          close = e;
        }
        if (!Number.isNaN(close)) {
          workDays.push(day);
          workDayClose.push(close);
        }
      }
    }
    const before = new Float64Array(starts.length + 1);
    for (let i = 0; i < starts.length; i++) before[i + 1] = before[i]! + ends[i]! - starts[i]!;
    return new BusinessCalendar(
      spec,
      fromYear,
      toYear,
      local(firstDay, 0),
      local(lastDay + 1, 0),
      Float64Array.from(starts),
      Float64Array.from(ends),
      before,
      Int32Array.from(workDays),
      Float64Array.from(workDayClose),
    );
  }

  isWorkingDay(date: string): boolean {
    if (!isoDate.safeParse(date).success) throw new TypeError(`Not a YYYY-MM-DD date: ${date}`);
    if (this.spec.alwaysOpen) return true;
    const day = epochDay(date);
    const first = Date.UTC(this.fromYear, 0, 1) / DAY_MS;
    const last = Date.UTC(this.toYear + 1, 0, 1) / DAY_MS - 1;
    if (day < first || day > last) throw this.outOfRange(date);
    const i = lowerBound(this.workDays, day);
    return this.workDays[i] === day;
  }

  addBusinessMinutes(startMs: number, minutes: number): number {
    if (!(minutes >= 0) || !Number.isFinite(minutes)) throw new RangeError(`Business minutes must be a finite number >= 0, got ${minutes}`);
    const ms = Math.round(minutes * MIN_MS);
    if (ms === 0) return startMs;
    if (this.spec.alwaysOpen) return startMs + ms;
    const target = this.businessMsBefore(startMs) + ms;
    const n = this.starts.length;
    if (target > this.before[n]!) throw this.outOfRange(startMs);
    // The span in which the target-th business ms ends: before[j] < target <= before[j+1], so a
    // deadline that runs out at the end of a span is that span's end (e.g. 12:00).
    const j = lowerBound(this.before, target) - 1;
    return this.starts[j]! + (target - this.before[j]!);
  }

  businessMinutesBetween(fromMs: number, toMs: number): number {
    if (toMs <= fromMs) return 0;
    if (this.spec.alwaysOpen) return (toMs - fromMs) / MIN_MS;
    return (this.businessMsBefore(toMs) - this.businessMsBefore(fromMs)) / MIN_MS;
  }

  /**
   * "Within N working days" (Civil Code arts. 201, 203): the local day of receipt is never
   * counted; the deadline is the close of business of the Nth working day after it.
   */
  addWorkingDays(receivedMs: number, days: number): number {
    if (!Number.isInteger(days) || days < 1) throw new RangeError(`Working days must be an integer >= 1, got ${days}`);
    const received = DateTime.fromMillis(receivedMs, { zone: this.spec.timeZone });
    if (this.spec.alwaysOpen) {
      // every day is a working day that closes at 24:00
      return received.startOf('day').plus({ days: days + 1 }).toMillis();
    }
    this.checkRange(receivedMs);
    const receivedDay = Date.UTC(received.year, received.month - 1, received.day) / DAY_MS;
    const j = upperBound(this.workDays, receivedDay) + days - 1;
    if (j >= this.workDays.length) throw this.outOfRange(receivedMs);
    return this.workDayClose[j]!;
  }

  /** ms itself when it is business time, else the next opening. */
  nextBusinessInstant(ms: number): number {
    if (this.spec.alwaysOpen) return ms;
    this.checkRange(ms);
    const k = upperBound(this.ends, ms);
    if (k === this.starts.length) throw this.outOfRange(ms);
    return Math.max(ms, this.starts[k]!);
  }

  isBusinessTime(ms: number): boolean {
    if (this.spec.alwaysOpen) return true;
    this.checkRange(ms);
    const k = upperBound(this.ends, ms);
    return k < this.starts.length && this.starts[k]! <= ms;
  }

  /** Business milliseconds in the precomputed spans before the instant t. */
  private businessMsBefore(t: number): number {
    this.checkRange(t);
    const k = upperBound(this.ends, t); // first span ending after t
    if (k === this.starts.length) return this.before[k]!;
    return this.before[k]! + Math.max(0, t - this.starts[k]!);
  }

  private checkRange(ms: number): void {
    if (!(ms >= this.rangeStart && ms <= this.rangeEnd)) throw this.outOfRange(ms);
  }

  private outOfRange(what: number | string): RangeError {
    const shown = typeof what === 'number' ? (Number.isFinite(what) ? new Date(what).toISOString() : String(what)) : what;
    return new RangeError(
      `Calendar '${this.spec.id}' is precomputed for ${this.fromYear}..${this.toYear} only; ${shown} (or its deadline) is outside that range`,
    );
  }
}
