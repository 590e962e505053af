import { DateTime } from 'luxon';
import { pad2, wallClock } from '../../shared/wall-clock.ts';
import type { ChecklistItem, QuoteItem, ServiceKind, WorkOrderStatus, WorkOrderType } from './fieldservice.schemas.ts';

/**
 * The pure rules of field service (售后服务, SPEC 9). Register dates are calendar days
 * (YYYY-MM-DD) in the service centre's zone, Asia/Shanghai (ctx.config.timeZone): "today" for a
 * warranty is the centre's date, so at 23:30 UTC on 31 May it is already 1 June in Shanghai.
 */

/** The centre's calendar day of an instant. */
export function dayIn(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${w.year}-${pad2(w.month)}-${pad2(w.day)}`;
}

export interface Coverage {
  warrantyEndsOn: string;
  contract: { startsOn: string; endsOn: string } | null;
}

/**
 * The service kind on a day: under warranty (its last day inclusive) -> free (保修); else within
 * the window of a service contract (both ends inclusive) -> contract (合同); else paid (付费), with a
 * fee quote the customer accepts before anyone is sent. ISO dates compare as strings.
 */
export function serviceKindOn(day: string, c: Coverage): ServiceKind {
  if (day <= c.warrantyEndsOn) return 'warranty';
  if (c.contract && c.contract.startsOn <= day && day <= c.contract.endsOn) return 'contract';
  return 'paid';
}

/** A spare part's own warranty: the install day plus its months (luxon clamps 31 Jan + 1 month to 28/29 Feb). */
export const partWarrantyEnd = (installedOn: string, months: number): string =>
  DateTime.fromISO(installedOn, { zone: 'UTC' }).plus({ months }).toISODate()!;

/** A quote's total in fen. */
export const quoteTotalFen = (items: readonly QuoteItem[]): number => items.reduce((s, i) => s + i.amountFen, 0);

/** The instant of a wall time (HH:MM) on a day in the zone. */
export const instantOf = (day: string, hhmm: string, timeZone: string): number => DateTime.fromISO(`${day}T${hhmm}`, { zone: timeZone }).toMillis();

/** Two windows [a0, a1) and [b0, b1) overlap when each starts before the other ends (back-to-back ones do not). */
export const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 < b1 && b0 < a1;

/** The legal moves of a work order by hand (remote support, booking and sign-off have their own use cases). */
const MOVES: Partial<Record<WorkOrderStatus, readonly WorkOrderStatus[]>> = {
  scheduled: ['en_route', 'cancelled'],
  en_route: ['on_site', 'cancelled'],
  new: ['cancelled'],
  remote_support: ['cancelled'],
};
export const mayMove = (from: WorkOrderStatus, to: WorkOrderStatus): boolean => (MOVES[from] ?? []).includes(to);

/** What is checked on site, per type of work order (the engineer ticks each with a note). */
export const CHECKLIST_TEMPLATES: Record<WorkOrderType, readonly string[]> = {
  installation: ['site_ready', 'unpacked_intact', 'installed_levelled', 'power_on_test', 'customer_shown_use'],
  delivery: ['goods_match_order', 'packaging_intact', 'placed_as_asked'],
  training: ['attendees_recorded', 'operation_demonstrated', 'questions_answered'],
  repair: ['fault_reproduced', 'cause_found', 'repaired', 'function_test', 'site_cleaned'],
  maintenance: ['inspected', 'cleaned', 'wear_parts_checked', 'function_test'],
};

export const checklistFor = (type: WorkOrderType): ChecklistItem[] => CHECKLIST_TEMPLATES[type].map((key) => ({ key, done: false, note: null }));

// ---- dispatch --------------------------------------------------------------------------------

export interface EngineerFacts {
  userId: string;
  name: string;
  areas: readonly string[];
  skills: readonly string[];
  maxDailyVisits: number;
  /** Visits already booked for them on the day. */
  booked: number;
}

export interface Suggestion {
  userId: string;
  name: string;
  score: number;
  areaMatch: boolean;
  skillMatch: boolean;
  booked: number;
  maxDailyVisits: number;
}

/**
 * Engineers for a visit, best first. The score is area 100 + skill 50 - 10 per visit already
 * booked that day: an engineer who covers the area beats one who does not whatever their load
 * (travel across the city costs more than a busy day), the right skill comes next, and among
 * equals the least loaded wins. Anyone whose day is full (booked >= max daily visits) is left out;
 * ties go by name, then id, so the order is stable.
 */
export function rankEngineers(engineers: readonly EngineerFacts[], need: { area: string; skill: string | null }): Suggestion[] {
  return engineers
    .filter((e) => e.booked < e.maxDailyVisits)
    .map((e) => {
      const areaMatch = e.areas.includes(need.area);
      const skillMatch = need.skill === null || e.skills.includes(need.skill);
      const score = (areaMatch ? 100 : 0) + (skillMatch ? 50 : 0) - 10 * e.booked;
      return { userId: e.userId, name: e.name, score, areaMatch, skillMatch, booked: e.booked, maxDailyVisits: e.maxDailyVisits };
    })
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || (a.userId < b.userId ? -1 : 1));
}
