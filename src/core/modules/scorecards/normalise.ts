import type { ScorecardConfig } from './scorecard.schemas.ts';

/**
 * Each indicator's figure turned into 0-100 points (SPEC 7), pure functions so the rules are
 * stated once and tested by hand.
 */
const clamp = (x: number) => Math.min(100, Math.max(0, x));
export const round2 = (x: number) => Math.round(x * 100) / 100;

/** CSAT: each scale's mean mapped from 1..scale onto 0..100, (mean - 1) / (scale - 1) x 100, averaged over the answers of every scale. */
export function csatPoints(byScale: ReadonlyArray<{ scale: number; answered: number; csatMean: number | null }>): number | null {
  let n = 0;
  let sum = 0;
  for (const s of byScale) {
    if (s.csatMean === null || s.answered === 0) continue;
    sum += ((s.csatMean - 1) / (s.scale - 1)) * 100 * s.answered;
    n += s.answered;
  }
  return n === 0 ? null : clamp(sum / n);
}

/** A rate (resolution rate, FCR): rate x 100. */
export const ratePoints = (rate: number | null): number | null => (rate === null ? null : clamp(rate * 100));

/**
 * First response median: 100 at or below the target, 0 at or beyond zeroAt x target, linear in
 * between: 100 x (zeroAt x target - median) / ((zeroAt - 1) x target).
 */
export function firstResponsePoints(median: number | null, c: Pick<ScorecardConfig, 'firstResponseTargetMinutes' | 'firstResponseZeroAt'>): number | null {
  if (median === null) return null;
  const t = c.firstResponseTargetMinutes;
  if (median <= t) return 100;
  return clamp((100 * (c.firstResponseZeroAt * t - median)) / ((c.firstResponseZeroAt - 1) * t));
}

/** QA: the mean inspection score is already 0-100. */
export const qaPoints = (mean: number | null): number | null => (mean === null ? null : clamp(mean));

/**
 * The weighted total: the indicators without a figure (no survey answered, no inspection) are
 * left out and the others' weights scaled up to 100, so a missing figure neither rewards nor
 * punishes. Null when no weighed indicator has a figure.
 */
export function weightedTotal(parts: ReadonlyArray<{ points: number | null; weight: number }>): number | null {
  let w = 0;
  let sum = 0;
  for (const p of parts) {
    if (p.points === null || p.weight === 0) continue;
    w += p.weight;
    sum += p.points * p.weight;
  }
  return w === 0 ? null : round2(sum / w);
}

/**
 * A group's score: the mean of its agents' totals weighted by the cases each received in the
 * period, so one who handled 3 cases does not count as much as one who handled 300. Agents without
 * a total or without cases do not count; null when none is left.
 */
export function casesWeighted(cards: ReadonlyArray<{ total: number | null; cases: number }>): number | null {
  let n = 0;
  let sum = 0;
  for (const c of cards) {
    if (c.total === null || c.cases === 0) continue;
    n += c.cases;
    sum += c.total * c.cases;
  }
  return n === 0 ? null : round2(sum / n);
}

/** Competition ranking (1, 1, 3) by total, highest first; no total, no rank. */
export function ranks(totals: ReadonlyArray<number | null>): Array<number | null> {
  return totals.map((t) => (t === null ? null : 1 + totals.filter((x) => x !== null && x > t).length));
}
