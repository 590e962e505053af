/**
 * Slow, obviously-correct reference for calendar.ts, used only by tests. It walks UTC minute by
 * minute and asks of each minute "is its local wall time inside a working span of its local
 * date?". It shares no code with calendar.ts: local time comes from Intl (not luxon) and the
 * China schedule from the chinese-days functions (not its JSON file).
 */
import { getDayDetail } from 'chinese-days';
import { statutoryHolidaysAfterSchedule } from './china-statutory.ts';
import type { CalendarSpec, Weekday } from './calendar.ts';

const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export interface ReferenceCalendar {
  isBusinessMinute(minuteStartMs: number): boolean;
  addBusinessMinutes(startMs: number, minutes: number): number;
  businessMinutesBetween(fromMs: number, toMs: number): number;
  addWorkingDays(receivedMs: number, days: number): number;
}

export function referenceCalendar(spec: CalendarSpec): ReferenceCalendar {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: spec.timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  /** The local wall clock of an instant, expressed as if it were UTC. */
  const wallOf = (ms: number): number => {
    const p = Object.fromEntries(fmt.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) + (ms % MIN_MS);
  };
  // Memo of the UTC offset per UTC hour. The zones tested here only change offset on whole UTC
  // hours; anything else fails loudly instead of giving a wrong answer.
  const offsets = new Map<number, number>();
  const offsetAt = (ms: number): number => {
    const hour = Math.floor(ms / HOUR_MS);
    let off = offsets.get(hour);
    if (off === undefined) {
      off = wallOf(hour * HOUR_MS) - hour * HOUR_MS;
      const late = (hour + 1) * HOUR_MS - MIN_MS;
      if (wallOf(late) - late !== off) throw new Error(`reference: offset changes inside UTC hour ${hour}`);
      offsets.set(hour, off);
    }
    return off;
  };
  const localDayOf = (ms: number): number => Math.floor((ms + offsetAt(ms)) / DAY_MS);

  const statutory = new Set(statutoryHolidaysAfterSchedule());
  const daySpans = new Map<number, Array<[number, number]>>();
  /** Working spans (minutes of the day) of a local date given as days since 1970-01-01. */
  const spansOf = (day: number): Array<[number, number]> => {
    let spans = daySpans.get(day);
    if (spans === undefined) {
      const d = new Date(day * DAY_MS);
      const iso = d.toISOString().slice(0, 10);
      const jsDay = d.getUTCDay();
      const isoWeekday = (jsDay === 0 ? 7 : jsDay) as Weekday;
      const hours = (w: Weekday): Array<[number, number]> =>
        (spec.weekly[w] ?? []).map(([a, b]) => [minutesOf(a), minutesOf(b)]);
      const makeup = spec.makeupHoursFrom ?? 1;
      spans = hours(isoWeekday);
      if (spec.useChinaHolidays) {
        // local noon, so chinese-days' own local-time handling sees the right date in any TZ
        const detail = getDayDetail(new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12));
        const ordinary = detail.name === WEEKDAY_NAMES[jsDay];
        if (!ordinary) spans = detail.work ? hours(makeup) : [];
        if (statutory.has(iso)) spans = [];
      }
      if (spec.workdays?.includes(iso)) spans = hours(makeup);
      if (spec.holidays?.includes(iso)) spans = [];
      daySpans.set(day, spans);
    }
    return spans;
  };

  const isBusinessMinute = (minuteStartMs: number): boolean => {
    if (spec.alwaysOpen) return true;
    const wall = minuteStartMs + offsetAt(minuteStartMs);
    const day = Math.floor(wall / DAY_MS);
    const minuteOfDay = (wall - day * DAY_MS) / MIN_MS;
    return spansOf(day).some(([a, b]) => a <= minuteOfDay && minuteOfDay < b);
  };

  const addBusinessMinutes = (startMs: number, minutes: number): number => {
    let remaining = Math.round(minutes * MIN_MS);
    let t = startMs;
    while (remaining > 0) {
      const minuteStart = Math.floor(t / MIN_MS) * MIN_MS;
      const minuteEnd = minuteStart + MIN_MS;
      if (isBusinessMinute(minuteStart)) {
        if (remaining <= minuteEnd - t) return t + remaining;
        remaining -= minuteEnd - t;
      }
      t = minuteEnd;
    }
    return t;
  };

  const businessMinutesBetween = (fromMs: number, toMs: number): number => {
    let ms = 0;
    for (let t = fromMs; t < toMs; ) {
      const minuteEnd = Math.floor(t / MIN_MS) * MIN_MS + MIN_MS;
      const end = Math.min(minuteEnd, toMs);
      if (isBusinessMinute(minuteEnd - MIN_MS)) ms += end - t;
      t = end;
    }
    return ms / MIN_MS;
  };

  const addWorkingDays = (receivedMs: number, days: number): number => {
    // Find the Nth working local date after the date of receipt, day by day ...
    let day = localDayOf(receivedMs);
    for (let counted = 0; counted < days; ) {
      day++;
      if (spec.alwaysOpen || spansOf(day).length > 0) counted++;
    }
    // ... then the end of its last business minute, minute by minute over a window that surely
    // holds the whole local date (offsets are within +-14 h).
    let close = NaN;
    for (let t = day * DAY_MS - 15 * HOUR_MS; t < (day + 1) * DAY_MS + 15 * HOUR_MS; t += MIN_MS) {
      if (localDayOf(t) === day && isBusinessMinute(t)) close = t + MIN_MS;
    }
    return close;
  };

  return { isBusinessMinute, addBusinessMinutes, businessMinutesBetween, addWorkingDays };
}
