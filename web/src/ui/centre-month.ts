/**
 * Months in the service centre's zone (Asia/Shanghai, the server's ctx.config.timeZone): UTC+8 all
 * year (no daylight saving), so a fixed offset is exact. One place for the month arithmetic that
 * the follow-up report, the scorecards and the training sittings need.
 */
const CENTRE_OFFSET_MS = 8 * 3_600_000;

/** The month (YYYY-MM) holding `at` in the centre's zone. */
export const centreMonth = (at: number = Date.now()): string => new Date(at + CENTRE_OFFSET_MS).toISOString().slice(0, 7);

/** The first instant of a month (YYYY-MM) in the centre's zone, and that of the next: [from, to). */
export function centreMonthRange(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  // Date.UTC rolls month 12 over into January of the next year
  return [Date.UTC(y, m - 1, 1) - CENTRE_OFFSET_MS, Date.UTC(y, m, 1) - CENTRE_OFFSET_MS];
}
