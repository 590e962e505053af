import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, DEFAULT_RETENTION_DAYS } from '../../context.ts';

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
