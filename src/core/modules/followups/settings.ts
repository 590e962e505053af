import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { notFound } from '../../shared/errors.ts';
import { commitmentConfig } from '../commitments/index.ts';
import { readSetting, writeSetting } from '../settings/index.ts';

/**
 * The follow-up settings an admin changes (SPEC 4: "satisfaction follow-up after completion within
 * 2 working days"): the limit in working days on a business calendar of the commitments module,
 * and how many attempts without reaching the customer give a follow-up up as unreachable. One
 * setting (modules/settings, audited as settings.update); a change applies to follow-ups
 * scheduled from then on.
 */
export const DEFAULT_FOLLOWUP_WORKING_DAYS = 2;
export const DEFAULT_MAX_ATTEMPTS = 3;

const KEY = 'followup_settings';

export const followupSettingsSchema = z.strictObject({
  workingDays: z.number().int().min(1).max(30),
  calendarId: z.string().min(1).max(64),
  maxAttempts: z.number().int().min(1).max(20),
});
export type FollowupSettings = z.infer<typeof followupSettingsSchema>;
export const followupSettingsPatch = followupSettingsSchema.partial();
export type FollowupSettingsPatch = z.infer<typeof followupSettingsPatch>;

const DEFAULTS: FollowupSettings = { workingDays: DEFAULT_FOLLOWUP_WORKING_DAYS, calendarId: 'standard', maxAttempts: DEFAULT_MAX_ATTEMPTS };

/** Pass the transaction when inside one (SQLite). */
export const followupSettings = (ctx: Ctx, db: Kysely<Database> = ctx.db): Promise<FollowupSettings> => readSetting(ctx, KEY, followupSettingsSchema, DEFAULTS, db);

export async function updateFollowupSettings(ctx: Ctx, patch: FollowupSettingsPatch, actor: Actor): Promise<FollowupSettings> {
  if (patch.calendarId !== undefined && !(await commitmentConfig(ctx)).calendars.has(patch.calendarId)) throw notFound('calendar', patch.calendarId);
  await writeSetting(
    ctx,
    KEY,
    (current) => {
      const stored = followupSettingsSchema.safeParse(current);
      return { ...(stored.success ? stored.data : DEFAULTS), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    },
    actor,
  );
  return followupSettings(ctx);
}
