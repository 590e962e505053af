import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { ALWAYS_OPEN_CALENDAR, BusinessCalendar, calendarSpecSchema, STANDARD_CALENDAR, type CalendarSpec } from './calendar/index.ts';
import type { CommitmentPoliciesTable } from './commitments.table.ts';
import { DEFAULT_POLICIES, type Policy } from './policy.ts';
import { DEFAULT_REMEDY_RULES, type RemedyRule } from './remedy-rules.ts';

/**
 * Calendars, policies, handling limits and remedy rules change rarely and are read on every
 * intake and timer sweep, so each process caches them briefly and drops its cache on its own
 * writes; other processes see a change within the TTL.
 */
const TTL_MS = 10_000;

interface Cache {
  at: number;
  calendars: Map<string, { spec: CalendarSpec; cal: BusinessCalendar }>;
  policies: Policy[];
  limits: Map<string, { minutes: number | null; workingDays: number | null; calendarId: string }>;
  remedyRules: RemedyRule[];
  categoryCodes: Map<string, string>;
}

const caches = new WeakMap<object, Cache>();
const BUILT_IN: CalendarSpec[] = [STANDARD_CALENDAR, ALWAYS_OPEN_CALENDAR];

export const toPolicy = (r: CommitmentPoliciesTable): Policy => ({
  id: r.id,
  code: r.code,
  name: r.name,
  nameEn: r.name_en,
  position: r.position,
  match: JSON.parse(r.match) as Policy['match'],
  calendarId: r.calendar_id,
  targets: JSON.parse(r.targets) as Policy['targets'],
  warnFractions: JSON.parse(r.warn_fractions) as number[],
  escalateOnWarning: r.escalate_on_warning === 1,
  active: r.active === 1,
  published: r.published === 1,
});

async function load(db: Kysely<Database>): Promise<Omit<Cache, 'at'>> {
  const [calRows, polRows, limitRows, ruleRows, cats] = await Promise.all([
    db.selectFrom('calendars').selectAll().execute(),
    db.selectFrom('commitment_policies').selectAll().orderBy('position').execute(),
    db.selectFrom('team_handling_limits').selectAll().execute(),
    db.selectFrom('remedy_rules').selectAll().where('active', '=', 1).orderBy('position').execute(),
    db.selectFrom('categories').select(['id', 'code']).execute(),
  ]);
  const specs = new Map<string, CalendarSpec>(BUILT_IN.map((s) => [s.id, s]));
  for (const r of calRows) specs.set(r.id, JSON.parse(r.spec) as CalendarSpec);
  const calendars = new Map([...specs].map(([id, spec]) => [id, { spec, cal: BusinessCalendar.fromSpec(spec) }]));
  return {
    calendars,
    policies: polRows.map(toPolicy),
    limits: new Map(limitRows.map((l) => [l.team_id, { minutes: l.minutes, workingDays: l.working_days, calendarId: l.calendar_id }])),
    remedyRules: ruleRows.map((r) => ({ id: r.id, position: r.position, ...(JSON.parse(r.match) as object), ...(JSON.parse(r.proposal) as object) }) as RemedyRule),
    categoryCodes: new Map(cats.map((c) => [c.id, c.code])),
  };
}

/**
 * Pass the transaction when inside one: on SQLite the single connection is held by it, and a
 * query on ctx.db would wait for it forever.
 */
export async function commitmentConfig(ctx: Ctx, db: Kysely<Database> = ctx.db): Promise<Cache> {
  const now = Date.now(); // cache age is wall-clock process time, not domain time
  const c = caches.get(ctx.db);
  if (c && now - c.at < TTL_MS) return c;
  const fresh = { at: now, ...(await load(db)) };
  caches.set(ctx.db, fresh);
  return fresh;
}

export const invalidateCommitmentConfig = (ctx: Ctx): void => {
  caches.delete(ctx.db);
};

export async function calendarOf(ctx: Ctx, id: string, db: Kysely<Database> = ctx.db): Promise<BusinessCalendar> {
  const c = await commitmentConfig(ctx, db);
  const entry = c.calendars.get(id) ?? c.calendars.get('standard')!;
  return entry.cal;
}

/** Installs the default policies and remedy rules on a database that has none (first start). */
export async function ensureCommitmentDefaults(ctx: Ctx): Promise<void> {
  const any = await ctx.db.selectFrom('commitment_policies').select('id').limit(1).executeTakeFirst();
  if (any) return;
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const again = await trx.selectFrom('commitment_policies').select('id').limit(1).executeTakeFirst();
    if (again) return;
    for (const p of DEFAULT_POLICIES) await trx.insertInto('commitment_policies').values(policyRow(newId(), p, now)).execute();
    for (const r of DEFAULT_REMEDY_RULES) {
      const { position, proposal, ...match } = r;
      await trx.insertInto('remedy_rules').values({ id: newId(), position, match: JSON.stringify(match), proposal: JSON.stringify({ proposal }), active: 1, updated_at: now }).execute();
    }
  });
  invalidateCommitmentConfig(ctx);
}

const policyRow = (id: string, p: Omit<Policy, 'id'>, now: number): CommitmentPoliciesTable => ({
  id,
  code: p.code,
  name: p.name,
  name_en: p.nameEn,
  position: p.position,
  match: JSON.stringify(p.match),
  calendar_id: p.calendarId,
  targets: JSON.stringify(p.targets),
  warn_fractions: JSON.stringify(p.warnFractions),
  escalate_on_warning: p.escalateOnWarning ? 1 : 0,
  active: p.active ? 1 : 0,
  published: p.published ? 1 : 0,
  updated_at: now,
});

// ---- admin: calendars ---------------------------------------------------------------------

export async function listCalendars(ctx: Ctx): Promise<CalendarSpec[]> {
  const c = await commitmentConfig(ctx);
  return [...c.calendars.values()].map((x) => x.spec);
}

export async function putCalendar(ctx: Ctx, spec: CalendarSpec, actor: Actor): Promise<CalendarSpec> {
  const parsed = calendarSpecSchema.safeParse(spec);
  if (!parsed.success) throw invalid('calendar_spec_invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), parsed.error.issues);
  BusinessCalendar.fromSpec(spec); // throws on a calendar with no working time
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('calendars').selectAll().where('id', '=', spec.id).executeTakeFirst();
    if (before) await trx.updateTable('calendars').set({ name: spec.name, spec: JSON.stringify(spec), updated_at: now }).where('id', '=', spec.id).execute();
    else await trx.insertInto('calendars').values({ id: spec.id, name: spec.name, spec: JSON.stringify(spec), updated_at: now }).execute();
    await recordAudit(ctx, trx, { actor, action: 'calendar.put', targetType: 'calendar', targetId: spec.id, before: before ? JSON.parse(before.spec) : null, after: spec });
  });
  invalidateCommitmentConfig(ctx);
  return spec;
}

// ---- admin: policies ----------------------------------------------------------------------

export async function listPolicies(ctx: Ctx): Promise<Policy[]> {
  return (await ctx.db.selectFrom('commitment_policies').selectAll().orderBy('position').execute()).map(toPolicy);
}

async function assertCalendar(ctx: Ctx, id: string) {
  const c = await commitmentConfig(ctx);
  if (!c.calendars.has(id)) throw notFound('calendar', id);
}

export async function createPolicy(ctx: Ctx, p: Omit<Policy, 'id'>, actor: Actor): Promise<Policy> {
  await assertCalendar(ctx, p.calendarId);
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('commitment_policies').select('id').where('code', '=', p.code).executeTakeFirst();
    if (dup) throw conflict('policy_code_taken', `A policy with code ${p.code} exists.`);
    await trx.insertInto('commitment_policies').values(policyRow(id, p, ctx.clock.now())).execute();
    await recordAudit(ctx, trx, { actor, action: 'commitment.create', targetType: 'commitment_policy', targetId: id, after: p });
  });
  invalidateCommitmentConfig(ctx);
  return { id, ...p };
}

export async function updatePolicy(ctx: Ctx, id: string, p: Omit<Policy, 'id'>, actor: Actor): Promise<Policy> {
  await assertCalendar(ctx, p.calendarId);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('commitment_policies').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound('commitment_policy', id);
    const { id: _id, ...row } = policyRow(id, p, ctx.clock.now());
    await trx.updateTable('commitment_policies').set(row).where('id', '=', id).execute();
    await recordAudit(ctx, trx, { actor, action: 'commitment.update', targetType: 'commitment_policy', targetId: id, before: toPolicy(before), after: p });
  });
  invalidateCommitmentConfig(ctx);
  return { id, ...p };
}

export async function setHandlingLimit(
  ctx: Ctx,
  teamId: string,
  limit: { minutes?: number | null | undefined; workingDays?: number | null | undefined; calendarId: string } | null,
  actor: Actor,
): Promise<void> {
  if (limit) await assertCalendar(ctx, limit.calendarId);
  await ctx.db.transaction().execute(async (trx) => {
    const team = await trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
    if (!team) throw notFound('team', teamId);
    await trx.deleteFrom('team_handling_limits').where('team_id', '=', teamId).execute();
    if (limit) {
      if (!limit.minutes === !limit.workingDays) throw invalid('limit_unit', 'Give exactly one of minutes or workingDays.');
      await trx
        .insertInto('team_handling_limits')
        .values({ team_id: teamId, minutes: limit.minutes ?? null, working_days: limit.workingDays ?? null, calendar_id: limit.calendarId, updated_at: ctx.clock.now() })
        .execute();
    }
    await recordAudit(ctx, trx, { actor, action: 'commitment.handling_limit', targetType: 'team', targetId: teamId, after: limit });
  });
  invalidateCommitmentConfig(ctx);
}

export async function listHandlingLimits(ctx: Ctx) {
  const rows = await ctx.db.selectFrom('team_handling_limits').selectAll().execute();
  return rows.map((r) => ({ teamId: r.team_id, minutes: r.minutes, workingDays: r.working_days, calendarId: r.calendar_id }));
}
