import { isWorkday } from 'chinese-days';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/errors.ts';
import { ALWAYS_OPEN_CALENDAR, BusinessCalendar, STANDARD_CALENDAR, type CalendarSpec } from './index.ts';
import { referenceCalendar } from './reference.ts';
import { CHINA_SCHEDULE_LAST_YEAR, chinaScheduleNotice } from './china-statutory.ts';

/** 'YYYY-MM-DD HH:mm[:ss]' in China time (+08:00) -> epoch ms. */
const cn = (local: string): number => Date.parse(`${local.replace(' ', 'T')}+08:00`);
const MIN = 60_000;
const HOUR = 60 * MIN;

const std = BusinessCalendar.fromSpec(STANDARD_CALENDAR);
const always = BusinessCalendar.fromSpec(ALWAYS_OPEN_CALENDAR);

// A calendar in a DST zone: split weekdays, a Saturday shift, and a Sunday night shift that
// spans both DST switches (Europe/Berlin: 2025-03-30 02:00 -> 03:00, 2025-10-26 03:00 -> 02:00).
const BERLIN: CalendarSpec = {
  id: 'berlin',
  name: 'Berlin support',
  timeZone: 'Europe/Berlin',
  weekly: {
    1: [['08:00', '12:00'], ['13:00', '16:30']],
    2: [['08:00', '12:00'], ['13:00', '16:30']],
    3: [['08:00', '12:00'], ['13:00', '16:30']],
    4: [['08:00', '12:00'], ['13:00', '16:30']],
    5: [['08:00', '12:00'], ['13:00', '16:30']],
    6: [['10:00', '14:00']],
    7: [['01:00', '04:00']],
  },
  holidays: ['2024-12-25', '2024-12-26', '2025-12-25', '2025-12-26', '2026-01-01'],
  workdays: ['2025-12-28'],
  makeupHoursFrom: 5,
};
const berlin = BusinessCalendar.fromSpec(BERLIN);

describe('China 2025/2026 schedule on the standard calendar', () => {
  it('knows holidays and make-up working days', () => {
    expect(std.isWorkingDay('2026-09-20')).toBe(true); // Sunday, make-up day for National Day
    expect(std.isWorkingDay('2026-10-10')).toBe(true); // Saturday, make-up day
    expect(std.isWorkingDay('2026-09-25')).toBe(false); // Friday, Mid-autumn
    expect(std.isWorkingDay('2026-10-01')).toBe(false);
    expect(std.isWorkingDay('2026-10-08')).toBe(true);
    expect(std.isWorkingDay('2026-02-14')).toBe(true); // Saturday, make-up day for Spring Festival
    expect(std.isWorkingDay('2026-02-23')).toBe(false); // Monday, Spring Festival
    expect(std.isWorkingDay('2026-03-07')).toBe(false); // ordinary Saturday
  });

  it('agrees with chinese-days isWorkday on every day of 2020..2026', () => {
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2027, 0, 1); t += 24 * HOUR) {
      const date = new Date(t).toISOString().slice(0, 10);
      const d = new Date(t);
      expect(std.isWorkingDay(date), date).toBe(isWorkday(new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12)));
    }
  });
});

describe('addBusinessMinutes on the standard calendar (hand-worked)', () => {
  it.each([
    // Fri 2026-09-25 is Mid-autumn (holiday), 26/27 the holiday weekend: counting starts Mon 09:00.
    ['2026-09-25 17:30', 60, '2026-09-28 10:00'],
    // 30 min on Fri 09-18, Sat 09-19 closed, Sun 09-20 is a make-up day with Monday's hours.
    ['2026-09-18 17:30', 60, '2026-09-20 09:30'],
    // Runs out exactly at the end of the morning span: 12:00, not 13:30.
    ['2026-03-10 11:00', 60, '2026-03-10 12:00'],
    ['2026-03-10 17:00', 60, '2026-03-10 18:00'],
    // 30 s before noon, 90 s after 13:30.
    ['2026-03-10 11:59:30', 2, '2026-03-10 13:31:30'],
    // Started in the lunch break: counting starts at 13:30.
    ['2026-03-10 12:30', 30, '2026-03-10 14:00'],
    // 24 h over a weekend (a day is 3 h + 4.5 h = 7.5 h): Thu 4 h, Fri 7.5 h (11.5), Mon 7.5 h (19),
    // Tue 3 h morning (22) + 2 h from 13:30.
    ['2025-03-13 14:00', 24 * 60, '2025-03-18 15:30'],
    // Spring Festival 2026 (holiday 02-15..02-23, make-up Sat 02-14): Fri 2 h, Sat 02-14 7.5 h
    // (9.5), Tue 02-24 7.5 h (17), Wed 3 h (20) + 4 h from 13:30.
    ['2026-02-13 16:00', 24 * 60, '2026-02-25 17:30'],
    // Received on a Sunday: counting starts Monday 09:00.
    ['2025-03-16 10:00', 60, '2025-03-17 10:00'],
    // National Day 2025: Fri 1 h, Sat 09-27 closed, Sun 09-28 make-up day from 09:00.
    ['2025-09-26 17:00', 120, '2025-09-28 10:00'],
    // Zero minutes is the start itself, even outside business hours.
    ['2026-03-10 22:00', 0, '2026-03-10 22:00'],
  ] as const)('%s + %d business minutes -> %s', (start, minutes, deadline) => {
    expect(std.addBusinessMinutes(cn(start), minutes)).toBe(cn(deadline));
  });

  it('works in milliseconds for fractional minutes', () => {
    expect(std.addBusinessMinutes(cn('2026-03-10 11:59:50'), 0.5)).toBe(cn('2026-03-10 13:30:20'));
  });
});

describe('businessMinutesBetween on the standard calendar', () => {
  it('counts only business time in [from, to)', () => {
    // Only the make-up Saturday 2026-02-14 lies between: 7.5 h.
    expect(std.businessMinutesBetween(cn('2026-02-13 18:00'), cn('2026-02-24 09:00'))).toBe(450);
    expect(std.businessMinutesBetween(cn('2026-03-10 11:59:30'), cn('2026-03-10 13:31:30'))).toBe(2);
    expect(std.businessMinutesBetween(cn('2025-03-17 00:00'), cn('2025-03-24 00:00'))).toBe(5 * 450);
    expect(std.businessMinutesBetween(cn('2026-03-10 11:00:00'), cn('2026-03-10 11:00:30'))).toBe(0.5);
    expect(std.businessMinutesBetween(cn('2026-03-10 12:00'), cn('2026-03-10 11:00'))).toBe(0);
  });

  it('round-trips with addBusinessMinutes', () => {
    const start = cn('2026-09-18 17:30');
    for (const m of [1, 59.5, 60, 450, 24 * 60, 7 * 450]) {
      expect(std.businessMinutesBetween(start, std.addBusinessMinutes(start, m))).toBe(m);
    }
    const end = cn('2026-10-09 10:15'); // business time, so the deadline lands exactly on it
    expect(std.addBusinessMinutes(start, std.businessMinutesBetween(start, end))).toBe(end);
  });
});

describe('addWorkingDays on the standard calendar (Civil Code arts. 201, 203)', () => {
  it.each([
    // 10-01..10-07 holiday; Thu 10-08 = 1, Fri 10-09 = 2, Sat 10-10 (make-up) = 3, Sun closed,
    // Mon 10-12 = 4, 13 = 5, 14 = 6, Thu 10-15 = 7.
    ['2026-09-30 10:00', 7, '2026-10-15 18:00'],
    // Sat 09-19 closed, Sun 09-20 (make-up) = 1, Mon 09-21 = 2.
    ['2026-09-18 15:00', 2, '2026-09-21 18:00'],
    // Received on Saturday 09-19: the make-up Sunday is day 1.
    ['2026-09-19 11:00', 1, '2026-09-20 18:00'],
    // Received on a Sunday: Mon = 1, Tue = 2.
    ['2025-03-16 10:00', 2, '2025-03-18 18:00'],
    // Received on an ordinary Saturday: the following Monday is day 1.
    ['2025-03-15 10:00', 1, '2025-03-17 18:00'],
    // Received 08:00 on a working day: that day still does not count.
    ['2025-03-18 08:00', 1, '2025-03-19 18:00'],
    // Spring Festival 2026: Sat 02-14 (make-up) = 1, Tue 02-24 = 2 .. Fri 02-27 = 5,
    // Sat 02-28 (make-up) = 6, Mon 03-02 = 7.
    ['2026-02-13 16:00', 7, '2026-03-02 18:00'],
    // Received late on a holiday.
    ['2026-10-01 23:59', 2, '2026-10-09 18:00'],
    // 00:30 in Shanghai is still the previous day in UTC; the local date (09-30) is what counts.
    ['2026-09-30 00:30', 1, '2026-10-08 18:00'],
  ] as const)('received %s, %d working days -> %s', (received, days, deadline) => {
    expect(std.addWorkingDays(cn(received), days)).toBe(cn(deadline));
  });
});

describe('spans and instants', () => {
  it('treats spans as [start, end)', () => {
    expect(std.isBusinessTime(cn('2026-03-10 09:00'))).toBe(true);
    expect(std.isBusinessTime(cn('2026-03-10 12:00'))).toBe(false);
    expect(std.isBusinessTime(cn('2026-03-10 08:59:59'))).toBe(false);
    expect(std.nextBusinessInstant(cn('2026-03-10 12:00'))).toBe(cn('2026-03-10 13:30'));
    expect(std.nextBusinessInstant(cn('2026-03-10 10:17'))).toBe(cn('2026-03-10 10:17'));
    expect(std.nextBusinessInstant(cn('2026-09-18 18:00'))).toBe(cn('2026-09-20 09:00'));
  });
});

describe('range and input checks', () => {
  it('throws RangeError outside the precomputed years', () => {
    expect(() => std.addBusinessMinutes(cn('2019-12-31 10:00'), 10)).toThrow(RangeError);
    expect(() => std.addBusinessMinutes(cn('2035-12-31 17:00'), 120)).toThrow(/2020\.\.2035/);
    expect(() => std.isWorkingDay('2036-01-02')).toThrow(RangeError);
    const y2025 = BusinessCalendar.fromSpec(STANDARD_CALENDAR, { fromYear: 2025, toYear: 2025 });
    expect(() => y2025.addWorkingDays(cn('2025-12-30 10:00'), 3)).toThrow(RangeError);
    expect(y2025.addWorkingDays(cn('2025-12-29 10:00'), 2)).toBe(cn('2025-12-31 18:00'));
  });

  it('shares one precomputed calendar per identical spec', () => {
    expect(BusinessCalendar.fromSpec({ ...STANDARD_CALENDAR })).toBe(std);
  });

  it('lets a spec override the China schedule', () => {
    // works on Labour Day 2026-05-01, takes the make-up Saturday 2026-05-09 off
    const cal = BusinessCalendar.fromSpec({ ...STANDARD_CALENDAR, id: 'x', workdays: ['2026-05-01'], holidays: ['2026-05-09'] });
    expect(cal.isWorkingDay('2026-05-01')).toBe(true);
    expect(cal.isWorkingDay('2026-05-09')).toBe(false);
    expect(cal.addBusinessMinutes(cn('2026-04-30 17:30'), 60)).toBe(cn('2026-05-01 09:30'));
  });

  it('rejects negative minutes and non-positive working days', () => {
    expect(() => std.addBusinessMinutes(cn('2025-03-18 10:00'), -1)).toThrow(RangeError);
    expect(() => std.addWorkingDays(cn('2025-03-18 10:00'), 0)).toThrow(RangeError);
    expect(() => std.addWorkingDays(cn('2025-03-18 10:00'), 1.5)).toThrow(RangeError);
  });

  it.each([
    ['bad zone', { timeZone: 'Asia/Beijing' }],
    ['bad time', { weekly: { 1: [['9:00', '12:00']] } }],
    ['empty span', { weekly: { 1: [['12:00', '12:00']] } }],
    ['overlap', { weekly: { 1: [['09:00', '12:00'], ['11:00', '13:00']] } }],
    ['unsorted', { weekly: { 1: [['13:00', '14:00'], ['09:00', '12:00']] } }],
    ['weekday 8', { weekly: { 1: [['09:00', '12:00']], 8: [['09:00', '12:00']] } }],
    ['no hours', { weekly: {} }],
    ['bad date', { holidays: ['2025-02-30'] }],
    ['holiday and workday', { holidays: ['2025-05-01'], workdays: ['2025-05-01'] }],
    ['make-up weekday without hours', { makeupHoursFrom: 6 }],
    ['unknown key', { timezone: 'UTC' }],
  ])('rejects an invalid spec: %s', (_, patch) => {
    const spec = { ...STANDARD_CALENDAR, ...patch } as CalendarSpec;
    expect(() => BusinessCalendar.fromSpec(spec)).toThrow(DomainError);
  });
});

describe('Europe/Berlin calendar across DST', () => {
  const de = (iso: string): number => Date.parse(iso);
  it('counts real elapsed business time on the switch days', () => {
    // Sunday shift 01:00-04:00 wall clock; 02:00-03:00 does not exist on 2025-03-30.
    expect(berlin.businessMinutesBetween(de('2025-03-30T00:00+01:00'), de('2025-03-31T00:00+02:00'))).toBe(120);
    // ... and 02:00-03:00 happens twice on 2025-10-26.
    expect(berlin.businessMinutesBetween(de('2025-10-26T00:00+02:00'), de('2025-10-27T00:00+01:00'))).toBe(240);
    // 01:30 CET + 30 min reaches 03:00 CEST; 30 more -> 03:30 CEST.
    expect(berlin.addBusinessMinutes(de('2025-03-30T01:30+01:00'), 60)).toBe(de('2025-03-30T03:30+02:00'));
  });

  it('applies its own holidays and make-up days', () => {
    expect(berlin.isWorkingDay('2025-12-25')).toBe(false);
    // Sunday 2025-12-28 is a make-up day with Friday's hours instead of the night shift.
    expect(berlin.isWorkingDay('2025-12-28')).toBe(true);
    expect(berlin.isBusinessTime(de('2025-12-28T02:00+01:00'))).toBe(false);
    expect(berlin.isBusinessTime(de('2025-12-28T08:00+01:00'))).toBe(true);
    // Received Wed 12-24: Thu/Fri holidays, Sat 12-27 = 1, Sun 12-28 = 2 (closes 16:30).
    expect(berlin.addWorkingDays(de('2025-12-24T15:00+01:00'), 2)).toBe(de('2025-12-28T16:30+01:00'));
  });
});

describe('7x24 calendar', () => {
  it('is plain arithmetic, holidays included', () => {
    expect(always.addBusinessMinutes(cn('2026-10-01 23:30'), 60)).toBe(cn('2026-10-02 00:30'));
    expect(always.businessMinutesBetween(cn('2026-10-01 23:30'), cn('2026-10-02 00:30:30'))).toBe(60.5);
    expect(always.isWorkingDay('2026-10-01')).toBe(true);
    expect(always.isBusinessTime(cn('2026-10-01 03:00'))).toBe(true);
    // Day of receipt (10-01) not counted; 10-02 = 1, 10-03 = 2, which closes at 24:00.
    expect(always.addWorkingDays(cn('2026-10-01 10:00'), 2)).toBe(cn('2026-10-04 00:00'));
    expect(always.addBusinessMinutes(cn('2040-01-01 00:00'), 1)).toBe(cn('2040-01-01 00:01'));
  });
});

// ---- against the slow reference -----------------------------------------------------------

const T0 = Date.UTC(2024, 0, 1);
const T1 = Date.UTC(2027, 0, 1);
// Half-hour instants and durations make deadlines land exactly on span edges often.
const instant = fc.oneof(
  fc.integer({ min: T0, max: T1 }), // any millisecond
  fc.integer({ min: T0 / MIN, max: T1 / MIN }).map((m) => m * MIN),
  { weight: 2, arbitrary: fc.integer({ min: T0 / (HOUR / 2), max: T1 / (HOUR / 2) }).map((h) => (h * HOUR) / 2) },
);
const minutes = fc.oneof(
  fc.integer({ min: 0, max: 3000 }),
  fc.integer({ min: 0, max: 3000 * MIN }).map((ms) => ms / MIN), // fractional, whole ms
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 100 }).map((k) => k * 30) },
);
const runs = { numRuns: 200 };

describe.each([
  ['standard', STANDARD_CALENDAR],
  ['Europe/Berlin', BERLIN],
  ['7x24', ALWAYS_OPEN_CALENDAR],
] as const)('%s calendar matches the reference', (_, spec) => {
  const cal = BusinessCalendar.fromSpec(spec);
  const ref = referenceCalendar(spec);

  it('addBusinessMinutes', () => {
    fc.assert(
      fc.property(instant, minutes, (start, m) => {
        expect(cal.addBusinessMinutes(start, m)).toBe(ref.addBusinessMinutes(start, m));
      }),
      runs,
    );
  });

  it('businessMinutesBetween', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -HOUR, max: 20 * 24 * HOUR }), (from, length) => {
        expect(cal.businessMinutesBetween(from, from + length)).toBe(ref.businessMinutesBetween(from, from + length));
      }),
      runs,
    );
  });

  it('addWorkingDays', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 15 }), (received, days) => {
        expect(cal.addWorkingDays(received, days)).toBe(ref.addWorkingDays(received, days));
      }),
      runs,
    );
  });

  it('isBusinessTime and nextBusinessInstant', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const business = ref.isBusinessMinute(Math.floor(t / MIN) * MIN);
        expect(cal.isBusinessTime(t)).toBe(business);
        expect(cal.nextBusinessInstant(t) === t).toBe(business);
      }),
      runs,
    );
  });

  it('round trip: businessMinutesBetween(s, addBusinessMinutes(s, m)) = m', () => {
    fc.assert(
      fc.property(instant, minutes, (start, m) => {
        expect(cal.businessMinutesBetween(start, cal.addBusinessMinutes(start, m))).toBe(m);
      }),
      runs,
    );
  });
});

// ---- the lookup tables' edges -------------------------------------------------------------
// The local date of an instant comes from a table of the zone's UTC offsets (not from luxon), and
// spans are found from buckets of UTC and business time: test the instants where those change.

describe('edges of local days and of the precomputed range', () => {
  it.each([
    // Exactly local midnight belongs to the new day; 1 ms before belongs to the old one.
    ['2026-09-30 00:00', 1, '2026-10-08 18:00'],
    ['2026-09-29 23:59:59.999', 1, '2026-09-30 18:00'],
    ['2026-10-01 00:00', 1, '2026-10-08 18:00'],
    ['2026-09-30 23:59:59.999', 1, '2026-10-08 18:00'],
    // The first instant of the range, and the last working day of the range.
    ['2020-01-01 00:00', 1, '2020-01-02 18:00'],
    ['2035-12-28 10:00', 1, '2035-12-31 18:00'],
  ] as const)('received %s, %d working day -> %s', (received, days, deadline) => {
    expect(std.addWorkingDays(cn(received), days)).toBe(cn(deadline));
  });

  it('counts business time up to both ends of the range', () => {
    // 2020-01-01 is a holiday, Thu 01-02 a working day.
    expect(std.businessMinutesBetween(cn('2020-01-01 00:00'), cn('2020-01-03 00:00'))).toBe(450);
    // The very last business millisecond of the range is reachable; one more is not.
    expect(std.addBusinessMinutes(cn('2035-12-31 17:00'), 60)).toBe(cn('2035-12-31 18:00'));
    expect(() => std.addBusinessMinutes(cn('2035-12-31 17:00'), 60.001)).toThrow(RangeError);
    expect(std.businessMinutesBetween(cn('2035-12-31 17:00'), cn('2036-01-01 00:00'))).toBe(60);
    expect(() => std.addWorkingDays(cn('2036-01-01 00:00'), 1)).toThrow(RangeError);
    expect(() => std.addWorkingDays(cn('2036-01-01 00:00') + 1, 1)).toThrow(RangeError);
    expect(() => std.businessMinutesBetween(cn('2019-12-31 23:59:59.999'), cn('2020-01-02 10:00'))).toThrow(RangeError);
  });

  // Instants at and next to local midnights (both candidate offsets in Berlin) and every 15 min
  // (and 1 ms before) over two days either side of each Berlin DST switch of 2024..2026.
  const DAY = 24 * HOUR;
  const day = fc.integer({ min: T0 / DAY + 1, max: T1 / DAY - 20 });
  const nudge = fc.constantFrom(0, -1, 1, -MIN, MIN, -HOUR, HOUR);
  const nearMidnight = (offsetsH: number[]) =>
    fc.tuple(day, fc.constantFrom(...offsetsH), nudge).map(([d, o, e]) => d * DAY - o * HOUR + e);
  const DST_SWITCHES = ['2024-03-31', '2024-10-27', '2025-03-30', '2025-10-26', '2026-03-29', '2026-10-25'].map((d) => Date.parse(`${d}T01:00Z`));
  const nearSwitch = fc
    .tuple(fc.constantFrom(...DST_SWITCHES), fc.integer({ min: -4 * 48, max: 4 * 48 }), fc.constantFrom(0, -1))
    .map(([t, q, e]) => t + q * 15 * MIN + e);
  const BERLIN_7X24: CalendarSpec = { ...ALWAYS_OPEN_CALENDAR, id: 'berlin-7x24', timeZone: 'Europe/Berlin' };

  describe.each([
    ['standard', STANDARD_CALENDAR, nearMidnight([8])],
    ['Europe/Berlin', BERLIN, fc.oneof(nearMidnight([1, 2]), nearSwitch)],
    ['Europe/Berlin 7x24', BERLIN_7X24, fc.oneof(nearMidnight([1, 2]), nearSwitch)],
  ] as const)('%s calendar matches the reference there', (_, spec, at) => {
    const cal = BusinessCalendar.fromSpec(spec);
    const ref = referenceCalendar(spec);

    it('addWorkingDays', () => {
      fc.assert(
        fc.property(at, fc.integer({ min: 1, max: 15 }), (received, days) => {
          expect(cal.addWorkingDays(received, days)).toBe(ref.addWorkingDays(received, days));
        }),
        { numRuns: 300 },
      );
    });

    it('addBusinessMinutes and businessMinutesBetween', () => {
      fc.assert(
        fc.property(at, minutes, (start, m) => {
          expect(cal.addBusinessMinutes(start, m)).toBe(ref.addBusinessMinutes(start, m));
          expect(cal.businessMinutesBetween(start, start + m * MIN)).toBe(ref.businessMinutesBetween(start, start + m * MIN));
        }),
        { numRuns: 100 },
      );
    });
  });
});

// ---- after the last published arrangement ---------------------------------------------------

describe('the years after the published holiday arrangement', () => {
  it('keeps the statutory holidays (2027, whose arrangement chinese-days does not carry)', () => {
    expect(CHINA_SCHEDULE_LAST_YEAR).toBe(2026);
    // New Year's Day, a Friday
    expect(std.isWorkingDay('2027-01-01')).toBe(false);
    expect(std.isWorkingDay('2027-01-04')).toBe(true);
    // the Spring Festival: New Year's Eve Fri 02-05 and the first three days (Sat 06 to Mon 08)
    for (const d of ['2027-02-05', '2027-02-08']) expect(std.isWorkingDay(d), d).toBe(false);
    expect(std.isWorkingDay('2027-02-04')).toBe(true);
    expect(std.isWorkingDay('2027-02-09')).toBe(true);
    // Qingming Mon 04-05, Labour Day Sat 05-01 and Sun 05-02, Dragon Boat Wed 06-09,
    // Mid-Autumn Wed 09-15, National Day Fri 10-01 to Sun 10-03
    for (const d of ['2027-04-05', '2027-06-09', '2027-09-15', '2027-10-01']) expect(std.isWorkingDay(d), d).toBe(false);
    // 2028's Mid-Autumn Festival falls on 10-03, inside National Day; 2033's leap month leaves it on 09-08
    expect(std.isWorkingDay('2028-10-03')).toBe(false);
    expect(std.isWorkingDay('2028-10-04')).toBe(true);
    expect(std.isWorkingDay('2033-09-08')).toBe(false);
  });

  it('counts a deadline across them', () => {
    // 5 working days from Mon 2026-12-28: Tue 29, Wed 30, Thu 31, (Fri 01-01 holiday), Mon 04, Tue 05
    expect(std.addWorkingDays(cn('2026-12-28 10:00'), 5)).toBe(cn('2027-01-05 18:00'));
    // 4 business hours from Thu 2026-12-31 17:50: 10 min that day, then Mon 2027-01-04 from 09:00
    expect(std.addBusinessMinutes(cn('2026-12-31 17:50'), 240)).toBe(cn('2027-01-04 14:20'));
  });

  it('lets an own workday override a statutory day, as it does a published one', () => {
    const cal = BusinessCalendar.fromSpec({ ...STANDARD_CALENDAR, id: 'x', workdays: ['2027-01-01'] });
    expect(cal.isWorkingDay('2027-01-01')).toBe(true);
  });
});

describe('the notice at start about a missing arrangement', () => {
  const std2 = { id: 'standard', useChinaHolidays: true };
  it('names the year and the calendars that lack it, from October of the year before', () => {
    expect(chinaScheduleNotice([std2], new Date('2026-09-30T12:00:00Z'))).toBeNull();
    const n = chinaScheduleNotice([std2, { id: '7x24' }], new Date('2026-12-07T00:00:00Z'));
    expect(n).toContain('for 2027');
    expect(n).toContain("'standard'");
    expect(n).not.toContain('7x24');
    expect(chinaScheduleNotice([std2], new Date('2027-03-01T00:00:00Z'))).toContain('for 2027');
  });
  it('is quiet once a calendar lists own days in that year', () => {
    expect(chinaScheduleNotice([{ ...std2, workdays: ['2027-02-07'] }], new Date('2026-12-07T00:00:00Z'))).toBeNull();
  });
});
