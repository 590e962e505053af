import { DateTime } from 'luxon';

/** SPEC 8: daily and weekly digests, the monthly service supervision report. */
export const REPORT_KINDS = ['daily', 'weekly', 'monthly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const DIGEST_KINDS = ['daily', 'weekly'] as const satisfies readonly ReportKind[];
export type DigestKind = (typeof DIGEST_KINDS)[number];

/** A report's period, [from, to) in epoch ms, named by its key. */
export interface ReportPeriod {
  kind: ReportKind;
  /** 2026-11-30 (a calendar day), 2026-W48 (an ISO week, Monday to Sunday), 2026-11 (a calendar month) */
  key: string;
  from: number;
  to: number;
}

const KEY_PATTERNS: Record<ReportKind, RegExp> = {
  daily: /^(\d{4})-(\d{2})-(\d{2})$/,
  weekly: /^(\d{4})-W(\d{2})$/,
  monthly: /^(\d{4})-(\d{2})$/,
};

const startOf = (kind: ReportKind, t: DateTime): DateTime => t.startOf(kind === 'daily' ? 'day' : kind === 'weekly' ? 'week' : 'month');
const step = (kind: ReportKind) => (kind === 'daily' ? { days: 1 } : kind === 'weekly' ? { weeks: 1 } : { months: 1 });

const keyOf = (kind: ReportKind, start: DateTime): string =>
  kind === 'daily' ? start.toISODate()! : kind === 'weekly' ? `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}` : start.toFormat('yyyy-MM');

const periodFrom = (kind: ReportKind, start: DateTime): ReportPeriod => ({ kind, key: keyOf(kind, start), from: start.toMillis(), to: start.plus(step(kind)).toMillis() });

/** The period a key names, in the zone; null when the key is not one of the kind (or no such date). */
export function periodOfKey(kind: ReportKind, key: string, timeZone: string): ReportPeriod | null {
  const m = KEY_PATTERNS[kind].exec(key);
  if (!m) return null;
  const [y, a, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const start =
    kind === 'daily'
      ? DateTime.fromObject({ year: y, month: a, day: b }, { zone: timeZone })
      : kind === 'weekly'
        ? DateTime.fromObject({ weekYear: y, weekNumber: a, weekday: 1 }, { zone: timeZone })
        : DateTime.fromObject({ year: y, month: a, day: 1 }, { zone: timeZone });
  if (!start.isValid || keyOf(kind, start) !== key) return null;
  return periodFrom(kind, start);
}

/** The period of the kind that contains the instant. */
export const periodContaining = (kind: ReportKind, at: number, timeZone: string): ReportPeriod =>
  periodFrom(kind, startOf(kind, DateTime.fromMillis(at, { zone: timeZone })));

/** The period before this one (the comparison of a report). */
export const previousPeriod = (p: ReportPeriod, timeZone: string): ReportPeriod =>
  periodFrom(p.kind, DateTime.fromMillis(p.from, { zone: timeZone }).minus(step(p.kind)));

/** The last period of the kind that has ended at the instant (yesterday, last week, last month). */
export const lastCompletePeriod = (kind: ReportKind, at: number, timeZone: string): ReportPeriod => previousPeriod(periodContaining(kind, at, timeZone), timeZone);

/** "2026年11月服务监督报告" / "Service supervision report, November 2026" and the digests' titles. */
export function periodTitle(p: ReportPeriod, timeZone: string): { zh: string; en: string } {
  const s = DateTime.fromMillis(p.from, { zone: timeZone });
  const e = DateTime.fromMillis(p.to, { zone: timeZone }).minus({ days: 1 });
  if (p.kind === 'monthly') return { zh: `${s.year}年${s.month}月服务监督报告`, en: `Service supervision report, ${s.setLocale('en').toFormat('LLLL yyyy')}` };
  if (p.kind === 'weekly')
    return {
      zh: `服务周报（${s.weekYear}年第${s.weekNumber}周，${s.month}月${s.day}日至${e.month}月${e.day}日）`,
      en: `Weekly service digest (week ${s.weekNumber} of ${s.weekYear}, ${s.setLocale('en').toFormat('d LLL')} to ${e.setLocale('en').toFormat('d LLL yyyy')})`,
    };
  return { zh: `服务日报（${s.year}年${s.month}月${s.day}日）`, en: `Daily service digest (${s.setLocale('en').toFormat('d LLL yyyy')})` };
}
