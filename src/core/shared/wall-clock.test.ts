import { describe, expect, it } from 'vitest';
import { pad2, wallClock } from './wall-clock.ts';
import { localDay } from '../modules/cases/case-number.ts';

describe('wall clock of an instant in a zone', () => {
  const midnightShanghai = Date.UTC(2026, 11, 5, 16, 0, 0); // 2026-12-06 00:00 in Shanghai

  it('gives the date, time and offset, each zone its own in the same minute', () => {
    expect(wallClock(midnightShanghai - 1, 'Asia/Shanghai')).toEqual({ year: 2026, month: 12, day: 5, hour: 23, minute: 59, offset: '+8' });
    expect(wallClock(midnightShanghai, 'Asia/Shanghai')).toEqual({ year: 2026, month: 12, day: 6, hour: 0, minute: 0, offset: '+8' });
    expect(wallClock(midnightShanghai, 'Europe/London')).toEqual({ year: 2026, month: 12, day: 5, hour: 16, minute: 0, offset: '+0' });
    expect(wallClock(midnightShanghai, 'Asia/Kathmandu')).toMatchObject({ hour: 21, minute: 45, offset: '+5:45' });
  });

  it('dates case numbers by the centre day, on both sides of its midnight', () => {
    expect(localDay(midnightShanghai - 1, 'Asia/Shanghai')).toBe('20261205');
    expect(localDay(midnightShanghai, 'Asia/Shanghai')).toBe('20261206');
    expect(localDay(Date.UTC(2026, 0, 1, 4, 0), 'America/New_York')).toBe('20251231');
  });

  it('stays right across an offset change and past the minutes it remembers', () => {
    const change = Date.UTC(2026, 2, 29, 1, 0, 0); // London goes to UTC+1
    for (let round = 0; round < 2; round++) {
      expect(wallClock(change - 1, 'Europe/London')).toMatchObject({ hour: 0, minute: 59, offset: '+0' });
      expect(wallClock(change, 'Europe/London')).toMatchObject({ hour: 2, minute: 0, offset: '+1' });
    }
    for (let i = 0; i < 1500; i++) {
      const w = wallClock(midnightShanghai + i * 60_000, 'Asia/Shanghai');
      expect(w.hour * 60 + w.minute).toBe(i % 1440);
    }
    expect(wallClock(midnightShanghai - 60_000, 'Asia/Shanghai')).toMatchObject({ day: 5, hour: 23, minute: 59 });
  });

  it('pads to two digits', () => {
    expect([0, 9, 10, 59].map(pad2)).toEqual(['00', '09', '10', '59']);
  });
});
