import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, forbidden, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { authorityOf } from '../users/roles.ts';
import { readSetting, writeSetting } from '../settings/index.ts';
import { trainingSettingsSchema, type CertificateView, type TrainingSettings } from './training.schemas.ts';
import type { TrainingCertificatesTable } from './training.table.ts';

type Db = Kysely<Database>;
const KEY = 'training_settings';

export const DEFAULT_TRAINING_SETTINGS: TrainingSettings = { enforceCertification: false, categoryRequirements: {} };

export const trainingSettings = (ctx: Ctx, db: Db = ctx.db): Promise<TrainingSettings> => readSetting(ctx, KEY, trainingSettingsSchema, DEFAULT_TRAINING_SETTINGS, db);

/** An admin turns enforcement on or off and maps categories to the certificate they need (audited as settings.update). */
export async function updateTrainingSettings(ctx: Ctx, patch: Partial<TrainingSettings>, actor: Actor): Promise<TrainingSettings> {
  const ids = Object.keys(patch.categoryRequirements ?? {});
  if (ids.length) {
    const found = new Set((await ctx.db.selectFrom('categories').select('id').where('id', 'in', ids).execute()).map((c) => c.id));
    const missing = ids.find((i) => !found.has(i));
    if (missing) throw notFound('category', missing);
  }
  return writeSetting(
    ctx,
    KEY,
    (current) => {
      const stored = trainingSettingsSchema.safeParse(current);
      return { ...(stored.success ? stored.data : DEFAULT_TRAINING_SETTINGS), ...patch };
    },
    actor,
  );
}

/** The certificate a case of this category needs, when enforcement is on; null: none. */
export async function requiredCertificate(ctx: Ctx, db: Db, categoryId: string | null): Promise<string | null> {
  if (categoryId === null) return null;
  const s = await trainingSettings(ctx, db);
  return s.enforceCertification ? (s.categoryRequirements[categoryId] ?? null) : null;
}

/** Of `userIds`, those holding no valid certificate (issued, not expired, not revoked) for the skill at `now`. */
async function lacking(db: Db, skill: string, userIds: readonly string[], now: number): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('training_certificates')
    .select('user_id')
    .where('skill', '=', skill)
    .where('user_id', 'in', [...userIds])
    .where('expires_at', '>', now)
    .where('revoked_at', 'is', null)
    .execute();
  const held = new Set(rows.map((r) => r.user_id));
  return new Set(userIds.filter((u) => !held.has(u)));
}

/**
 * Enforcement for routing (SPEC 7, 经培训合格后上岗): the candidates who may not be given a case of
 * this category now (empty when enforcement is off or the category needs no certificate).
 */
export async function uncertifiedAmong(ctx: Ctx, db: Db, categoryId: string | null, userIds: readonly string[]): Promise<Set<string>> {
  const skill = await requiredCertificate(ctx, db, categoryId);
  return skill === null ? new Set() : lacking(db, skill, userIds, ctx.clock.now());
}

/** Enforcement for manual assignment, transfer and take: 409 agent_not_certified. */
export async function assertCertified(ctx: Ctx, db: Db, user: { id: string; name: string }, categoryId: string | null): Promise<void> {
  const skill = await requiredCertificate(ctx, db, categoryId);
  if (skill === null) return;
  if ((await lacking(db, skill, [user.id], ctx.clock.now())).size)
    throw conflict('agent_not_certified', `${user.name} holds no valid certificate for ${skill}: cases of this category go only to certified staff (经培训合格后上岗).`, { userId: user.id, skill, categoryId });
}

// ---- certificates -------------------------------------------------------------------------------

/**
 * `months` calendar months after `at`, counted on the wall clock of `timeZone` (the service
 * centre's, ctx.config.timeZone): a pass at 2026-01-31 07:30 in Shanghai is valid to 2026-02-28
 * 07:30 there (the 31st into a shorter month ends on its last day), not to the UTC date's month.
 */
export function addMonths(at: number, months: number, timeZone: string): number {
  return DateTime.fromMillis(at, { zone: timeZone }).plus({ months }).toMillis();
}

export const stateOf = (c: Pick<TrainingCertificatesTable, 'revoked_at' | 'expires_at'>, now: number): CertificateView['state'] =>
  c.revoked_at !== null ? 'revoked' : Number(c.expires_at) <= now ? 'expired' : 'valid';

/** Issues a certificate (in the caller's transaction), audited. */
export async function issueCertificate(
  ctx: Ctx,
  trx: Db,
  input: { userId: string; skill: string; examId: string | null; attemptId: string | null; validityMonths: number },
  actor: Actor,
): Promise<TrainingCertificatesTable> {
  const now = ctx.clock.now();
  const row: TrainingCertificatesTable = {
    id: newId(),
    user_id: input.userId,
    skill: input.skill,
    exam_id: input.examId,
    attempt_id: input.attemptId,
    issued_at: now,
    expires_at: addMonths(now, input.validityMonths, ctx.config.timeZone),
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
  };
  await trx.insertInto('training_certificates').values(row).execute();
  await recordAudit(ctx, trx, { actor, action: 'training.certificate.issue', targetType: 'training_certificate', targetId: row.id, after: { userId: row.user_id, skill: row.skill, expiresAt: row.expires_at } });
  return row;
}

/** Who sees whose certificates: everyone their own; leads, inspectors and admins everyone's. */
const seesAll = (actor: Actor) => authorityOf(actor.role) >= 2 || actor.role === 'admin' || actor.role === 'inspector';

export async function listCertificates(ctx: Ctx, q: { userId?: string | undefined; mine?: boolean | undefined; id?: string }, actor: Actor): Promise<CertificateView[]> {
  const userId = q.mine ? actor.id : q.userId;
  if (!seesAll(actor) && userId !== undefined && userId !== actor.id) throw forbidden('You may see only your own certificates.');
  let sel = ctx.db
    .selectFrom('training_certificates as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .selectAll('c')
    .select('u.name as user_name');
  const only = seesAll(actor) ? userId : actor.id;
  if (only) sel = sel.where('c.user_id', '=', only);
  if (q.id) sel = sel.where('c.id', '=', q.id);
  const rows = await sel.orderBy('c.issued_at', 'desc').orderBy('c.id').limit(1000).execute();
  const now = ctx.clock.now();
  return rows.map((c) => ({
    id: c.id,
    userId: c.user_id,
    userName: c.user_name,
    skill: c.skill,
    examId: c.exam_id,
    issuedAt: Number(c.issued_at),
    expiresAt: Number(c.expires_at),
    revokedAt: c.revoked_at === null ? null : Number(c.revoked_at),
    revokeReason: c.revoke_reason,
    state: stateOf(c, now),
  }));
}

/** An admin withdraws a certificate with a reason (audited); it stops counting at once. */
export async function revokeCertificate(ctx: Ctx, id: string, reason: string, actor: Actor): Promise<CertificateView> {
  await ctx.db.transaction().execute(async (trx) => {
    const c = await trx.selectFrom('training_certificates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!c) throw notFound('training_certificate', id);
    if (c.revoked_at !== null) throw conflict('certificate_revoked', 'The certificate is already revoked.');
    const now = ctx.clock.now();
    await trx.updateTable('training_certificates').set({ revoked_at: now, revoked_by: actor.id, revoke_reason: reason }).where('id', '=', id).execute();
    await recordAudit(ctx, trx, { actor, action: 'training.certificate.revoke', targetType: 'training_certificate', targetId: id, before: { state: stateOf(c, now) }, after: { userId: c.user_id, skill: c.skill, reason } });
  });
  return (await listCertificates(ctx, { id }, actor))[0]!;
}
