// Mainland China's statutory public holidays (全国年节及纪念日放假办法, as amended in 2024, in force
// from 2025): New Year's Day 1 day, the Spring Festival 4 (lunar New Year's Eve and the first three
// days of the first lunar month), Qingming 1, Labour Day 2 (1-2 May), the Dragon Boat Festival 1,
// the Mid-Autumn Festival 1, National Day 3 (1-3 October).
//
// The State Council publishes each year's arrangement (the days bridged and the make-up working
// days, 调休) late in the year before; `chinese-days` carries it through CHINA_SCHEDULE_LAST_YEAR.
// For the years after, the calendar keeps at least the statutory days themselves. The lunar and
// solar-term dates below were computed with chinese-days' lunar functions in Asia/Shanghai
// (getSolarDateFromLunar, getSolarTermDate) and checked against published almanacs; they are
// data, not computed at run time, because those functions depend on the process's time zone.
import chinaDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

/** The last year whose official arrangement (holidays and make-up working days) is known. */
export const CHINA_SCHEDULE_LAST_YEAR = Math.max(...Object.keys(chinaDays.holidays).map((d) => Number(d.slice(0, 4))));

const lunarAndSolarTerm: Record<number, { eve: string; springFestival: [string, string, string]; qingming: string; dragonBoat: string; midAutumn: string }> = {
  2027: { eve: '02-05', springFestival: ['02-06', '02-07', '02-08'], qingming: '04-05', dragonBoat: '06-09', midAutumn: '09-15' },
  2028: { eve: '01-25', springFestival: ['01-26', '01-27', '01-28'], qingming: '04-04', dragonBoat: '05-28', midAutumn: '10-03' },
  2029: { eve: '02-12', springFestival: ['02-13', '02-14', '02-15'], qingming: '04-04', dragonBoat: '06-16', midAutumn: '09-22' },
  2030: { eve: '02-02', springFestival: ['02-03', '02-04', '02-05'], qingming: '04-05', dragonBoat: '06-05', midAutumn: '09-12' },
  2031: { eve: '01-22', springFestival: ['01-23', '01-24', '01-25'], qingming: '04-05', dragonBoat: '06-24', midAutumn: '10-01' },
  2032: { eve: '02-10', springFestival: ['02-11', '02-12', '02-13'], qingming: '04-04', dragonBoat: '06-12', midAutumn: '09-19' },
  2033: { eve: '01-30', springFestival: ['01-31', '02-01', '02-02'], qingming: '04-04', dragonBoat: '06-01', midAutumn: '09-08' },
  2034: { eve: '02-18', springFestival: ['02-19', '02-20', '02-21'], qingming: '04-05', dragonBoat: '06-20', midAutumn: '09-27' },
  2035: { eve: '02-07', springFestival: ['02-08', '02-09', '02-10'], qingming: '04-05', dragonBoat: '06-10', midAutumn: '09-16' },
};

/** The statutory holidays of the years after CHINA_SCHEDULE_LAST_YEAR that this table covers. */
export function statutoryHolidaysAfterSchedule(): string[] {
  const out = new Set<string>();
  for (const [y, d] of Object.entries(lunarAndSolarTerm)) {
    if (Number(y) <= CHINA_SCHEDULE_LAST_YEAR) continue;
    for (const md of ['01-01', d.eve, ...d.springFestival, d.qingming, '05-01', '05-02', d.dragonBoat, d.midAutumn, '10-01', '10-02', '10-03']) out.add(`${y}-${md}`);
  }
  return [...out].sort();
}

/**
 * What an operator should be told at start, when a calendar follows China's holidays and a year
 * without its official arrangement is this year or next (from October, when the State Council
 * usually publishes it), unless the calendar already lists own holidays or workdays in that year.
 */
export function chinaScheduleNotice(calendars: ReadonlyArray<{ id: string; useChinaHolidays?: boolean; holidays?: string[]; workdays?: string[] }>, now: Date): string | null {
  const year = now.getUTCFullYear() + (now.getUTCMonth() >= 9 ? 1 : 0);
  const missing = year > CHINA_SCHEDULE_LAST_YEAR ? year : null;
  if (missing === null) return null;
  const lacking = calendars.filter((c) => c.useChinaHolidays && ![...(c.holidays ?? []), ...(c.workdays ?? [])].some((d) => d.startsWith(`${missing}-`)));
  if (lacking.length === 0) return null;
  return (
    `China's holiday arrangement for ${missing} (the days bridged and the make-up working days) is not in this version; ` +
    `calendar ${lacking.map((c) => `'${c.id}'`).join(', ')} counts only the statutory holidays that year. ` +
    `Once the State Council publishes it, add its days with PUT /api/v1/calendars/<id> ("holidays", "workdays").`
  );
}
