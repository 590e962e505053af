import { describe, expect, it } from 'vitest';
import { maskEmail, maskFields, maskPhone, seesPersonalData } from './masking.ts';
import { systemActor, type Actor } from './actor.ts';

const staff = (role: Actor['role']): Actor => ({ id: `u-${role}`, kind: 'staff', role, name: role, teamId: null, customerId: null, ip: null });

describe('masking', () => {
  it('keeps the first 3 and last 4 of a phone, the last 2 of a short one', () => {
    expect(maskPhone('13711112222')).toBe('137****2222');
    expect(maskPhone('01062345678')).toBe('010****5678');
    expect(maskPhone('+442079460958')).toBe('+44******0958');
    expect(maskPhone('62345678')).toBe('******78');
    expect(maskPhone('12')).toBe('12');
    expect(maskPhone('7')).toBe('7');
  });

  it('keeps the first character of an email and its domain', () => {
    expect(maskEmail('li.lei@example.com')).toBe('l***@example.com');
    expect(maskEmail('a@b.cn')).toBe('a***@b.cn');
    expect(maskEmail('@example.com')).toBe('***@example.com');
    expect(maskEmail('not-an-email')).toBe('***');
  });

  it('masks email and phone fields by key at any depth, and `to` only when it is an address', () => {
    const before = { email: 'li@example.com', phone: '13711112222', name: '李', nested: [{ contact_email: 'x@y.cn', contact_phone: '13800001111' }], to: 'w@example.com', n: null };
    expect(maskFields(before)).toEqual({ email: 'l***@example.com', phone: '137****2222', name: '李', nested: [{ contact_email: 'x***@y.cn', contact_phone: '138****1111' }], to: 'w***@example.com', n: null });
    expect(maskFields({ from: 'new', to: 'open' })).toEqual({ from: 'new', to: 'open' });
    expect(maskFields({ count: 1, q: '+86 137-1111-2222' })).toEqual({ count: 1, q: '+86**********2222' });
    expect(maskFields({ q: 'li@example.com' })).toEqual({ q: 'l***@example.com' });
    expect(maskFields({ q: '洗衣机 漏水' })).toEqual({ q: '洗衣机 漏水' });
    expect(maskFields({ to: ['a@b.cn', '13711112222'] })).toEqual({ to: ['a***@b.cn', '137****2222'] });
    expect(maskFields(null)).toBe(null);
    expect(before.email).toBe('li@example.com'); // a copy: the stored value is untouched
  });

  it('shows personal data to case handlers, the system and its owner only', () => {
    for (const r of ['agent', 'supervisor', 'manager', 'director'] as const) expect(seesPersonalData(staff(r))).toBe(true);
    for (const r of ['inspector', 'admin'] as const) expect(seesPersonalData(staff(r))).toBe(false);
    expect(seesPersonalData(systemActor())).toBe(true);
    expect(seesPersonalData(null)).toBe(true);
    const customer: Actor = { ...staff('customer'), kind: 'customer', customerId: 'c1' };
    expect(seesPersonalData(customer, 'c1')).toBe(true);
    expect(seesPersonalData(customer, 'c2')).toBe(false);
    expect(seesPersonalData(customer, null)).toBe(false);
  });
});
