import { z } from 'zod';
import { surveyReportSchema } from './survey.schemas.ts';

/** The API contract of periodic satisfaction surveys (定期满意度调查, SPEC 6 "and periodically"). */
export const WAVE_SCHEDULES = ['once', 'monthly', 'quarterly'] as const;
export type WaveSchedule = (typeof WAVE_SCHEDULES)[number];
export const WAVE_STATUSES = ['scheduled', 'completed', 'cancelled'] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];
/** Why a customer of the audience was not sent a wave's survey. */
export const WAVE_NOT_SENT_REASONS = ['customer_erased', 'opted_out', 'quiet_period', 'no_email'] as const;
// (customers' tiers and lifecycle stages, as modules/customers names them; not imported: customers depends on this module through privacy)
const TIERS = ['vip', 'key', 'normal'] as const;
const STAGES = ['new', 'growing', 'mature', 'declining'] as const;

const id = z.string().min(1).max(64);
const epoch = z.coerce.number().int().min(0).max(8.64e15);

/**
 * Who a wave asks: every active customer (`all`), or those matching every filter given (tier,
 * lifecycle stage, a case received in the last N days), or an explicit list (narrowed by the
 * filters given with it). Erased and inactive customers never.
 */
export const waveAudienceSchema = z.strictObject({
  all: z.literal(true).optional(),
  tier: z.enum(TIERS).optional(),
  stage: z.enum(STAGES).optional(),
  caseWithinDays: z.number().int().min(1).max(3650).optional(),
  customerIds: z.array(id).min(1).max(10_000).optional(),
});
export type WaveAudience = z.infer<typeof waveAudienceSchema>;

export const waveInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** The CSAT scale (default: the resolution surveys' setting). */
  scale: z.union([z.literal(5), z.literal(10)]).optional(),
  /** How long a link lasts, in days (default: the resolution surveys' setting). */
  expiryDays: z.number().int().min(1).max(90).optional(),
  audience: waveAudienceSchema,
  schedule: z.enum(WAVE_SCHEDULES),
  /** The first run (epoch ms; default now). A recurring wave runs again 1 or 3 months later, same wall time in the centre's zone. */
  startAt: epoch.optional(),
  /** A customer sent any other survey (a resolution survey, another wave's) in the last quietDays days is skipped (0: nobody is). */
  quietDays: z.number().int().min(0).max(365).default(30),
});
export type WaveInput = z.infer<typeof waveInputSchema>;
/** The request body (quietDays may be left out). */
export type WaveBody = z.input<typeof waveInputSchema>;
export const waveParams = z.strictObject({ id });

export const waveView = z.object({
  id: z.string(),
  name: z.string(),
  scale: z.number().int(),
  expiryDays: z.number().int(),
  audience: waveAudienceSchema,
  schedule: z.enum(WAVE_SCHEDULES),
  quietDays: z.number().int(),
  status: z.enum(WAVE_STATUSES),
  firstRunAt: z.number(),
  nextRunAt: z.number().nullable(),
  lastRunAt: z.number().nullable(),
  runs: z.number().int(),
  createdBy: z.string(),
  createdAt: z.number(),
  /** Over all its runs: surveys sent, answered, answered / sent. */
  sent: z.number().int(),
  answered: z.number().int(),
  responseRate: z.number().nullable(),
});
export type WaveView = z.infer<typeof waveView>;

export const waveResultsSchema = z.object({
  wave: waveView,
  /** The figures of the resolution surveys' report over the wave's surveys (every run). */
  report: surveyReportSchema,
  /** Customers of the audience not sent the survey, by reason. */
  notSentBy: z.record(z.string(), z.number().int()),
  /** Each run: its slot, sent, answered. */
  runs: z.array(z.object({ runAt: z.number(), sent: z.number().int(), notSent: z.number().int(), answered: z.number().int() })),
});
export type WaveResults = z.infer<typeof waveResultsSchema>;

export const waveRunResult = z.object({ waveId: z.string(), runAt: z.number(), sent: z.number().int(), notSent: z.number().int() });
export type WaveRunResult = z.infer<typeof waveRunResult>;
