import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, DEFAULT_RETENTION_DAYS } from '../../context.ts';
import { msUntilRetentionHour } from './retention.ts';

// SL_RETENTION_DAYS (SPEC 10 retention limit): whole days; unset, empty or 0 give the default (3 years).
describe('the retention setting', () => {
  const saved = process.env.SL_RETENTION_DAYS;
  afterEach(() => {
    if (saved === undefined) delete process.env.SL_RETENTION_DAYS;
    else process.env.SL_RETENTION_DAYS = saved;
  });
  const days = (v: string | undefined) => {
    if (v === undefined) delete process.env.SL_RETENTION_DAYS;
    else process.env.SL_RETENTION_DAYS = v;
    return defaultConfig.retentionDays;
  };

  it('defaults to 1,095 days when unset, empty or 0, and takes a whole number of days', () => {
    expect(DEFAULT_RETENTION_DAYS).toBe(1095);
    expect([days(undefined), days(''), days('0'), days('30'), days('3650')]).toEqual([1095, 1095, 1095, 30, 3650]);
  });

  it('refuses anything else, naming the variable', () => {
    for (const v of ['-1', '1.5', 'three years', '30d']) expect(() => days(v), v).toThrow(/SL_RETENTION_DAYS must be a whole number of days/);
  });
});

describe('when the server runs the retention job', () => {
  const HOUR = 3_600_000;
  it('waits for the next 03:00 in the centre\'s time zone, never runs in the minute after a start', () => {
    // 20:00 in Shanghai: 03:00 is 7 hours away
    expect(msUntilRetentionHour(Date.parse('2026-12-07T12:00:00Z'), 'Asia/Shanghai')).toBe(7 * HOUR);
    // 02:59 there: one minute
    expect(msUntilRetentionHour(Date.parse('2026-12-07T18:59:00Z'), 'Asia/Shanghai')).toBe(60_000);
    // 03:00 exactly: the next night's
    expect(msUntilRetentionHour(Date.parse('2026-12-07T19:00:00Z'), 'Asia/Shanghai')).toBe(24 * HOUR);
    // another zone: 03:00 in London is 03:00Z in winter
    expect(msUntilRetentionHour(Date.parse('2026-12-07T12:00:00Z'), 'Europe/London')).toBe(15 * HOUR);
  });
});
