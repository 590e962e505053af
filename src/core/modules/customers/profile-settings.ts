import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { readSetting, writeSetting } from '../settings/index.ts';
import { profileSettingsSchema, type ProfileSettings } from './profile.schemas.ts';

const KEY = 'customer_profile_settings';

/** The tier rule and the lifecycle and churn thresholds (profile.schemas.ts states each rule). */
export const DEFAULT_PROFILE_SETTINGS: ProfileSettings = {
  vipPercent: 5,
  keyValuePercent: 80,
  newDays: 90,
  periodDays: 90,
  growthPercent: 20,
  declinePercent: 30,
  lowSurveyDays: 90,
  repeatComplaints: 3,
  inactiveDays: 180,
};

export const profileSettings = (ctx: Ctx, db: Kysely<Database> = ctx.db): Promise<ProfileSettings> =>
  readSetting(ctx, KEY, profileSettingsSchema, DEFAULT_PROFILE_SETTINGS, db);

/** Applies from the next recompute on (audited as settings.update). */
export const updateProfileSettings = (ctx: Ctx, patch: Partial<ProfileSettings>, actor: Actor): Promise<ProfileSettings> =>
  writeSetting(
    ctx,
    KEY,
    (current) => {
      const stored = profileSettingsSchema.safeParse(current);
      return { ...(stored.success ? stored.data : DEFAULT_PROFILE_SETTINGS), ...patch };
    },
    actor,
  );
