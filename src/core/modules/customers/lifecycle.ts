import type { CustomerTier } from './customers.service.ts';
import type { LifecycleStage, ProfileSettings, RiskReason } from './profile.schemas.ts';

export const DAY_MS = 86_400_000;

export interface LifecycleFacts {
  now: number;
  /** The customer's start: the earlier of their creation and their first case. */
  since: number;
  /** Cases received in the last period, (now − P, now], and in the one before, (now − 2P, now − P]. */
  recentCases: number;
  previousCases: number;
  value: number;
  /** The value before its last change (null: never changed). */
  previousValue: number | null;
}

const change = (now: number, before: number): number | null => (before > 0 ? ((now - before) / before) * 100 : now > 0 && before === 0 ? Infinity : null);

/**
 * The lifecycle stage (客户生命周期), from these rules, in this order:
 * 1. new: the customer started less than newDays ago (reason `young`);
 * 2. declining: the value fell by at least declinePercent since its previous figure (`value_down`),
 *    or the cases of the last period are at least declinePercent fewer than in the period before,
 *    which had some (`activity_down`);
 * 3. growing: the value rose by at least growthPercent (`value_up`), or the cases rose by at least
 *    growthPercent (from none: any) (`activity_up`);
 * 4. mature: none of these (`steady`).
 * Activity is the customer's cases (every contact with the service centre); value is the annual
 * value a lead enters. Periods are periodDays long. The activity trend needs both periods whole: a
 * customer who started after the previous period began (since > now − 2 periods) has none (their
 * short first stretch is not "fewer cases before").
 */
export function lifecycleStage(f: LifecycleFacts, s: Pick<ProfileSettings, 'newDays' | 'periodDays' | 'growthPercent' | 'declinePercent'>): { stage: LifecycleStage; reasons: string[] } {
  if (f.now - f.since < s.newDays * DAY_MS) return { stage: 'new', reasons: ['young'] };
  const value = f.previousValue === null ? null : change(f.value, f.previousValue);
  const activity = f.since <= f.now - 2 * s.periodDays * DAY_MS ? change(f.recentCases, f.previousCases) : null;
  const down: string[] = [];
  if (value !== null && value <= -s.declinePercent) down.push('value_down');
  if (activity !== null && activity <= -s.declinePercent) down.push('activity_down');
  if (down.length) return { stage: 'declining', reasons: down };
  const up: string[] = [];
  if (value !== null && value >= s.growthPercent) up.push('value_up');
  if (activity !== null && activity >= s.growthPercent) up.push('activity_up');
  if (up.length) return { stage: 'growing', reasons: up };
  return { stage: 'mature', reasons: ['steady'] };
}

export interface ChurnFacts {
  now: number;
  since: number;
  stage: LifecycleStage;
  tier: CustomerTier;
  /** The last case received (null: none). */
  lastCaseAt: number | null;
  /** The last dissatisfied survey answer (null: none). */
  lastDissatisfiedAt: number | null;
  /** Complaint and dissatisfaction cases in the last period. */
  recentComplaints: number;
}

/**
 * Why a customer may leave (流失预警); none: not at risk.
 * - declining: the lifecycle stage is declining;
 * - low_survey: a dissatisfied survey answer within lowSurveyDays;
 * - repeat_complaints: at least repeatComplaints complaint or dissatisfaction cases in the last period;
 * - inactive_key: a vip or key customer with no case for inactiveDays (counted from their start when they never had one).
 */
export function churnReasons(f: ChurnFacts, s: Pick<ProfileSettings, 'lowSurveyDays' | 'repeatComplaints' | 'inactiveDays'>): RiskReason[] {
  const reasons: RiskReason[] = [];
  if (f.stage === 'declining') reasons.push('declining');
  if (f.lastDissatisfiedAt !== null && f.now - f.lastDissatisfiedAt <= s.lowSurveyDays * DAY_MS) reasons.push('low_survey');
  if (f.recentComplaints >= s.repeatComplaints) reasons.push('repeat_complaints');
  if ((f.tier === 'vip' || f.tier === 'key') && f.now - (f.lastCaseAt ?? f.since) >= s.inactiveDays * DAY_MS) reasons.push('inactive_key');
  return reasons;
}
