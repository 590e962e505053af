import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { calendarOf, chinaScheduleNotice } from '../../src/core/modules/commitments/index.ts';

const policy = (match: Record<string, unknown>) => ({
  code: 'vip-phone',
  name: 'VIP 电话',
  nameEn: 'VIP phone',
  position: 5,
  match,
  calendarId: 'standard',
  targets: { first_response: { minutes: 30 } },
  warnFractions: [0.75],
  escalateOnWarning: false,
  active: true,
  published: false,
});

describe.each(DIALECTS)('a commitment policy matches known values only, on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [] });
  });
  afterAll(async () => t?.close());

  it('refuses a type, priority, grade, channel, tier or service kind that does not exist, naming it', async () => {
    for (const [field, value] of [
      ['types', 'bogus'],
      ['priorities', 'P9'],
      ['complaintGrades', 'severe'],
      ['channels', 'fax'],
      ['tiers', 'gold'],
      ['serviceKinds', 'free'],
    ] as const) {
      const r = await t.as('admin', 'POST', '/api/v1/commitments/policies', policy({ [field]: [value] }));
      expect(r.statusCode, `${field}: ${r.body}`).toBe(400);
      const e = (r.json() as { error: { code: string; message: string } }).error;
      expect(e.code).toBe('validation_failed');
      expect(e.message).toContain(`body.match.${field}.0`);
    }
    expect((await t.ctx.db.selectFrom('commitment_policies').select('id').where('code', '=', 'vip-phone').execute()).length).toBe(0);
  });

  it('takes known ones', async () => {
    const r = await t.as('admin', 'POST', '/api/v1/commitments/policies', policy({ types: ['complaint'], priorities: ['P1'], channels: ['phone'], tiers: ['vip'], serviceKinds: ['warranty'], categories: ['repair'] }));
    expect(r.statusCode, r.body).toBe(201);
  });
});

describe.each(DIALECTS)('a business calendar through the API on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [] });
  });
  afterAll(async () => t?.close());

  it('is taken back as GET gives it, with a year\'s arrangement added, which then counts', async () => {
    const listed = (await t.as('admin', 'GET', '/api/v1/calendars')).json() as Array<Record<string, unknown> & { id: string }>;
    const { id, ...standard } = listed.find((c) => c.id === 'standard')!;
    expect(id).toBe('standard');
    expect(chinaScheduleNotice(listed, new Date('2026-12-07T00:00:00Z'))).toContain('2027');
    // an arrangement as the State Council might publish it: a bridged Friday and a make-up Sunday
    const put = await t.as('admin', 'PUT', '/api/v1/calendars/standard', { ...standard, holidays: ['2027-02-12'], workdays: ['2027-02-14'] });
    expect(put.statusCode, put.body).toBe(200);
    const cal = await calendarOf(t.ctx, 'standard');
    expect(cal.isWorkingDay('2027-02-12')).toBe(false);
    expect(cal.isWorkingDay('2027-02-14')).toBe(true);
    expect(cal.isWorkingDay('2027-01-01')).toBe(false); // the statutory day stays
    const again = (await t.as('admin', 'GET', '/api/v1/calendars')).json() as Array<{ id: string }>;
    expect(chinaScheduleNotice(again, new Date('2026-12-07T00:00:00Z'))).toBeNull();
  });
});
