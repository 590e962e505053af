import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import { readSetting, writeSetting } from '../settings/index.ts';
import { INDICATORS, scorecardConfigSchema, type ScorecardConfig } from './scorecard.schemas.ts';

const KEY = 'scorecard_config';

/** Results 65 (CSAT 25, resolution rate 20, FCR 20), process 35 (first response 15, QA 20); first response target 60 business minutes, 0 points at 4x. */
export const DEFAULT_SCORECARD_CONFIG: ScorecardConfig = {
  weights: { csat: 25, resolutionRate: 20, fcr: 20, firstResponse: 15, qa: 20 },
  firstResponseTargetMinutes: 60,
  firstResponseZeroAt: 4,
};

export const scorecardConfig = (ctx: Ctx): Promise<ScorecardConfig> => readSetting(ctx, KEY, scorecardConfigSchema, DEFAULT_SCORECARD_CONFIG);

/** An admin replaces it; every change is audited with the value before (settings.update), which is its history. */
export async function updateScorecardConfig(ctx: Ctx, next: ScorecardConfig, actor: Actor): Promise<ScorecardConfig> {
  const sum = INDICATORS.reduce((s, k) => s + (next.weights[k] ?? 0), 0);
  if (sum !== 100) throw new DomainError('scorecard_weights_sum', `The indicators' weights must sum to 100 (they sum to ${sum}).`, 400, { sum });
  const weights = Object.fromEntries(INDICATORS.map((k) => [k, next.weights[k] ?? 0])) as ScorecardConfig['weights'];
  return writeSetting(ctx, KEY, () => ({ ...next, weights }), actor);
}
