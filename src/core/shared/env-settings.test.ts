import { afterEach, describe, expect, it } from 'vitest';
import { countFromEnv, msFromEnv, switchFromEnv } from './env-settings.ts';

describe('settings from the environment', () => {
  afterEach(() => {
    delete process.env.SL_TEST_KNOB;
  });

  it('gives the fallback when unset or empty, the number when it is one', () => {
    expect(msFromEnv('SL_TEST_KNOB', 1000)).toBe(1000);
    process.env.SL_TEST_KNOB = '';
    expect(msFromEnv('SL_TEST_KNOB', null)).toBeNull();
    process.env.SL_TEST_KNOB = '250.5';
    expect(msFromEnv('SL_TEST_KNOB', 1000)).toBe(250.5);
    process.env.SL_TEST_KNOB = '64';
    expect(countFromEnv('SL_TEST_KNOB', 500)).toBe(64);
  });

  it('refuses what is not such a number, naming the variable', () => {
    process.env.SL_TEST_KNOB = 'fast';
    expect(() => msFromEnv('SL_TEST_KNOB', 1000)).toThrow('SL_TEST_KNOB must be a number of milliseconds, 0 or more (got "fast")');
    process.env.SL_TEST_KNOB = '0';
    expect(msFromEnv('SL_TEST_KNOB', 1000)).toBe(0);
    expect(() => msFromEnv('SL_TEST_KNOB', 1000, 1)).toThrow('SL_TEST_KNOB must be a number of milliseconds, 1 or more (got "0")');
    for (const bad of ['0', '-3', '2.5', 'many']) {
      process.env.SL_TEST_KNOB = bad;
      expect(() => countFromEnv('SL_TEST_KNOB', 500), bad).toThrow(`SL_TEST_KNOB must be a whole number, 1 or more (got "${bad}")`);
    }
  });

  it('reads a switch as 1 / true or 0 / false, and refuses anything else', () => {
    expect(switchFromEnv('SL_TEST_KNOB', true)).toBe(true);
    for (const [raw, on] of [['1', true], ['true', true], ['TRUE', true], ['0', false], ['False', false]] as const) {
      process.env.SL_TEST_KNOB = raw;
      expect(switchFromEnv('SL_TEST_KNOB', !on), raw).toBe(on);
    }
    for (const bad of ['yes', 'on', '2']) {
      process.env.SL_TEST_KNOB = bad;
      expect(() => switchFromEnv('SL_TEST_KNOB', false), bad).toThrow(`SL_TEST_KNOB must be 1 or 0 (true or false) (got "${bad}")`);
    }
  });
});
