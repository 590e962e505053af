import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { notFound } from '../../shared/errors.ts';
import { commitmentConfig } from '../commitments/index.ts';
import { readSetting, writeSetting } from '../settings/index.ts';
import { qualitySettingsSchema, type QualitySettings } from './quality.schemas.ts';

const KEY = 'quality_settings';

/** The appeal window (3 working days on the standard calendar) and the phrases a public reply must not hold. */
export const DEFAULT_QUALITY_SETTINGS: QualitySettings = {
  appealWorkingDays: 3,
  calendarId: 'standard',
  forbiddenPhrases: ['不知道', '不归我管', '你自己看', '没办法', '不清楚'],
};

export const qualitySettings = (ctx: Ctx, db: Kysely<Database> = ctx.db): Promise<QualitySettings> =>
  readSetting(ctx, KEY, qualitySettingsSchema, DEFAULT_QUALITY_SETTINGS, db);

/** An admin changes them (audited as settings.update); an appeal window already given is kept. */
export async function updateQualitySettings(ctx: Ctx, patch: Partial<QualitySettings>, actor: Actor): Promise<QualitySettings> {
  if (patch.calendarId !== undefined && !(await commitmentConfig(ctx)).calendars.has(patch.calendarId)) throw notFound('calendar', patch.calendarId);
  const phrases = patch.forbiddenPhrases && [...new Set(patch.forbiddenPhrases)];
  return writeSetting(
    ctx,
    KEY,
    (current) => {
      const stored = qualitySettingsSchema.safeParse(current);
      const base = stored.success ? stored.data : DEFAULT_QUALITY_SETTINGS;
      return { ...base, ...patch, ...(phrases ? { forbiddenPhrases: phrases } : {}) };
    },
    actor,
  );
}
