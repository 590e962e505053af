import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { notFound } from '../../shared/errors.ts';
import { commitmentConfig } from '../commitments/index.ts';
import { readSetting, writeSetting } from '../settings/index.ts';

/**
 * Each team's own time limit for answering a consultation (SPEC 3: "with each department's own
 * time limit"), in business minutes on a business calendar of the commitments module (SPEC 4:
 * working hours, holidays and the Chinese make-up working days). A team without its own limit has
 * the default: one working day of the standard calendar, 480 business minutes. Stored as one
 * setting (modules/settings: cached per process, audited as settings.update); a change applies to
 * consultations asked from then on.
 */
export const DEFAULT_CONSULTATION_MINUTES = 480;
/** At most 30 working days of 8 hours. */
export const MAX_CONSULTATION_MINUTES = 30 * 480;

const KEY = 'consultation_limits';
const minutes = z.number().int().min(1).max(MAX_CONSULTATION_MINUTES);
const calendarId = z.string().min(1).max(64);
const teamLimit = z.strictObject({ minutes, calendarId: calendarId.optional() });

export const consultationLimitsSchema = z.strictObject({
  defaultMinutes: minutes,
  calendarId,
  /** team id -> its own limit */
  teams: z.record(z.string().min(1).max(64), teamLimit),
});
export type ConsultationLimits = z.infer<typeof consultationLimitsSchema>;

/** PATCH body: the default, the default calendar, and teams' own limits (null: back to the default). */
export const consultationLimitsPatch = z.strictObject({
  defaultMinutes: minutes.optional(),
  calendarId: calendarId.optional(),
  teams: z.record(z.string().min(1).max(64), teamLimit.nullable()).optional(),
});
export type ConsultationLimitsPatch = z.infer<typeof consultationLimitsPatch>;

const DEFAULTS: ConsultationLimits = { defaultMinutes: DEFAULT_CONSULTATION_MINUTES, calendarId: 'standard', teams: {} };

/** Pass the transaction when inside one (SQLite). */
export const consultationLimits = (ctx: Ctx, db: Kysely<Database> = ctx.db): Promise<ConsultationLimits> =>
  readSetting(ctx, KEY, consultationLimitsSchema, DEFAULTS, db);

export interface TeamConsultationLimit {
  minutes: number;
  calendarId: string;
  /** false: the team has a limit of its own */
  isDefault: boolean;
}

export async function consultationLimitOf(ctx: Ctx, teamId: string, db: Kysely<Database> = ctx.db): Promise<TeamConsultationLimit> {
  const l = await consultationLimits(ctx, db);
  const own = l.teams[teamId];
  return own ? { minutes: own.minutes, calendarId: own.calendarId ?? l.calendarId, isDefault: false } : { minutes: l.defaultMinutes, calendarId: l.calendarId, isDefault: true };
}

export interface ConsultationLimitsView {
  defaultMinutes: number;
  calendarId: string;
  /** Every team with the limit it has now (its own or the default). */
  teams: Array<{ teamId: string; name: string; nameEn: string | null } & TeamConsultationLimit>;
}

export async function consultationLimitsView(ctx: Ctx): Promise<ConsultationLimitsView> {
  const [l, teams] = await Promise.all([consultationLimits(ctx), ctx.db.selectFrom('teams').select(['id', 'name', 'name_en']).orderBy('name').orderBy('id').execute()]);
  return {
    defaultMinutes: l.defaultMinutes,
    calendarId: l.calendarId,
    teams: teams.map((t) => {
      const own = l.teams[t.id];
      return {
        teamId: t.id,
        name: t.name,
        nameEn: t.name_en,
        ...(own ? { minutes: own.minutes, calendarId: own.calendarId ?? l.calendarId, isDefault: false } : { minutes: l.defaultMinutes, calendarId: l.calendarId, isDefault: true }),
      };
    }),
  };
}

/** An admin changes the limits: unknown teams and calendars are refused (404), the rest merged into what is stored. */
export async function updateConsultationLimits(ctx: Ctx, patch: ConsultationLimitsPatch, actor: Actor): Promise<ConsultationLimitsView> {
  const teamIds = Object.keys(patch.teams ?? {});
  if (teamIds.length) {
    const found = new Set((await ctx.db.selectFrom('teams').select('id').where('id', 'in', teamIds).execute()).map((t) => t.id));
    const missing = teamIds.find((id) => !found.has(id));
    if (missing) throw notFound('team', missing);
  }
  const calendars = (await commitmentConfig(ctx)).calendars;
  for (const id of [patch.calendarId, ...Object.values(patch.teams ?? {}).map((t) => t?.calendarId)])
    if (id !== undefined && !calendars.has(id)) throw notFound('calendar', id);
  await writeSetting(
    ctx,
    KEY,
    (current) => {
      const stored = consultationLimitsSchema.safeParse(current);
      const base = stored.success ? stored.data : DEFAULTS;
      const teams = { ...base.teams };
      for (const [id, v] of Object.entries(patch.teams ?? {})) {
        if (v === null) delete teams[id];
        else teams[id] = v.calendarId === undefined ? { minutes: v.minutes } : { minutes: v.minutes, calendarId: v.calendarId };
      }
      return { defaultMinutes: patch.defaultMinutes ?? base.defaultMinutes, calendarId: patch.calendarId ?? base.calendarId, teams };
    },
    actor,
  );
  return consultationLimitsView(ctx);
}
