import { describe, expect, it } from 'vitest';
import { REDACTED, redactData } from './erase.service.ts';

// What an erasure keeps of an event's data: ids, times, numbers and enumerations; no free text, no contact.
describe('redactData', () => {
  it('keeps ids, times, numbers and enumerations, and replaces free text, contacts and the person', () => {
    const data = {
      channel: 'phone',
      subject: '洗碗机漏电',
      request: null,
      receivedAt: 1_764_000_000_000,
      from: 'open',
      to: 'pending_customer',
      sender: { from: 'zhang@example.com', phone: '138 0000 1111' },
      attachmentId: '01a2508b-3ca3-7528-b31d-7916209d80c7',
      filename: '身份证.jpg',
      size: 1024,
      notified: ['u1', 'u2'],
      reason: '孙丽要求退款', // a kept key holding the person's name
      kind: 'voucher',
      amount: 50,
      text: '赠送50元代金券',
      nested: { bodyHtml: '<p>孙丽您好</p>', sensitive: true },
    };
    expect(redactData(data, ['孙丽'])).toEqual({
      channel: 'phone',
      subject: REDACTED,
      request: null,
      receivedAt: 1_764_000_000_000,
      from: 'open',
      to: 'pending_customer',
      sender: { from: REDACTED, phone: REDACTED },
      attachmentId: '01a2508b-3ca3-7528-b31d-7916209d80c7',
      filename: REDACTED,
      size: 1024,
      notified: ['u1', 'u2'],
      reason: REDACTED,
      kind: 'voucher',
      amount: 50,
      text: REDACTED,
      nested: { bodyHtml: REDACTED, sensitive: true },
    });
    expect(redactData('free text', [])).toBe(REDACTED);
  });
});
