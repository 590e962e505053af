import { describe, expect, it } from 'vitest';
import { normalisePhone, phoneKey } from './phone.ts';

describe('phone numbers', () => {
  it('write one number one way', () => {
    for (const p of ['13711112222', '137 1111 2222', '+86 13711112222', ' 137-1111-2222', '137.1111.2222', '(137) 1111 2222', '0086 137 1111 2222', '+86-137-1111-2222', '137\u30001111\uff0d2222'])
      expect({ p, key: phoneKey(p) }).toEqual({ p, key: '13711112222' });
  });

  it('keep a mainland landline dialled at home and other countries international', () => {
    expect(phoneKey('+86 10 8888 6666')).toBe('01088886666');
    expect(phoneKey('+86 (0)10 8888 6666')).toBe('01088886666');
    expect(phoneKey('010-8888-6666')).toBe('01088886666');
    expect(phoneKey('+86 400 123 4567')).toBe('4001234567');
    expect(phoneKey('+44 20 7946 0958')).toBe('+442079460958');
    expect(phoneKey('0044 20 7946 0958')).toBe('+442079460958');
    expect(phoneKey('+852 2345 6789')).toBe('+85223456789');
    expect(phoneKey('+886 2 2345 6789')).toBe('+886223456789');
  });

  it('refuse what is not a number', () => {
    for (const p of ['abc', '---', '+', '+86', '1+2', '137 1111 2222 ext 5', '#123']) expect({ p, key: phoneKey(p) }).toEqual({ p, key: null });
    expect(() => normalisePhone('abc')).toThrow(expect.objectContaining({ code: 'phone_invalid', status: 422 }));
    expect(normalisePhone('  ')).toBeNull();
    expect(normalisePhone(undefined)).toBeNull();
  });

  it('is idempotent', () => {
    for (const p of ['13711112222', '01088886666', '4001234567', '+442079460958']) expect(phoneKey(phoneKey(p))).toBe(p);
  });
});
