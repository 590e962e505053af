import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { readSetting, writeSetting } from '../settings/index.ts';
import { surveySettingsSchema, type SurveySettings } from './survey.schemas.ts';

const KEY = 'survey_settings';
export const DEFAULT_SURVEY_SETTINGS: SurveySettings = { scale: 5, expiryDays: 14 };

/** The CSAT scale new surveys use and how long their links last (an admin's setting, audited as settings.update). */
export const surveySettings = (ctx: Ctx, db: Kysely<Database> = ctx.db): Promise<SurveySettings> =>
  readSetting(ctx, KEY, surveySettingsSchema, DEFAULT_SURVEY_SETTINGS, db);

/** A change applies to surveys issued from then on: each keeps the scale and expiry it was sent with. */
export const updateSurveySettings = (ctx: Ctx, patch: Partial<SurveySettings>, actor: Actor): Promise<SurveySettings> =>
  writeSetting(
    ctx,
    KEY,
    (current) => {
      const stored = surveySettingsSchema.safeParse(current);
      return { ...(stored.success ? stored.data : DEFAULT_SURVEY_SETTINGS), ...patch };
    },
    actor,
  );

/**
 * Where the customer's link points: SL_PUBLIC_URL (the address customers reach this server at),
 * else this host on PORT. Read when a survey is issued.
 */
export const publicBaseUrl = (): string => (process.env.SL_PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
