import { describe, expect, it } from 'vitest';
import { centreMonth, centreMonthRange } from '../../web/src/ui/centre-month.ts';

// The web app's month arithmetic in the service centre's zone (UTC+8), shared by the follow-up
// report, the scorecards and the training sittings.
describe('centre months (Asia/Shanghai)', () => {
  it('names the month of an instant on the centre’s wall clock, not UTC’s', () => {
    expect(centreMonth(Date.parse('2026-11-30T16:30:00Z'))).toBe('2026-12'); // 00:30 on 1 December in Shanghai
    expect(centreMonth(Date.parse('2026-11-30T15:59:59Z'))).toBe('2026-11');
  });
  it('spans a month from its first local midnight to the next, December into January', () => {
    expect(centreMonthRange('2026-12')).toEqual([Date.parse('2026-12-01T00:00:00+08:00'), Date.parse('2027-01-01T00:00:00+08:00')]);
    expect(centreMonthRange('2026-02')).toEqual([Date.parse('2026-02-01T00:00:00+08:00'), Date.parse('2026-03-01T00:00:00+08:00')]);
  });
});
