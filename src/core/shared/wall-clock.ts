/**
 * The wall clock of an instant in a time zone: date, time of day and UTC offset, from one cached
 * Intl formatter per zone (luxon costs ~10x more a call on the intake and mail paths). Each
 * zone's answers are remembered by the minute: no field is finer, zones change their offset on
 * a minute, and a flood's intakes and acknowledgements fall in a few minutes.
 */
/** Shared between the callers of a minute: read only. */
export interface WallClock {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** the UTC offset: '+8', '-3:30', '+0' */
  readonly offset: string;
}

const REMEMBERED = 1024;
const zones = new Map<string, { f: Intl.DateTimeFormat; byMinute: Map<number, WallClock> }>();

export function wallClock(ms: number, timeZone: string): WallClock {
  let z = zones.get(timeZone);
  if (!z) {
    z = {
      f: new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', timeZoneName: 'shortOffset' }),
      byMinute: new Map(),
    };
    zones.set(timeZone, z);
  }
  const minute = Math.floor(ms / 60_000);
  const known = z.byMinute.get(minute);
  if (known) return known;
  const p: Record<string, string> = {};
  for (const x of z.f.formatToParts(ms)) p[x.type] = x.value;
  const w: WallClock = { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), offset: (p.timeZoneName ?? '').replace(/^GMT/, '') || '+0' };
  if (z.byMinute.size >= REMEMBERED) z.byMinute.clear();
  z.byMinute.set(minute, w);
  return w;
}

export const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
