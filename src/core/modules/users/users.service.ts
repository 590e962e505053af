import type { Ctx } from '../../context.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit, recordAuditNow } from '../audit/index.ts';
import type { TeamsTable, UsersTable } from './users.table.ts';
import { hashPassword } from './password.ts';
import { forgetCredentials } from './auth.service.ts';
import { isTokenOnly, type Role } from './roles.ts';
import { maskEmail, seesPersonalData } from '../../shared/masking.ts';
import { handOverOnDeactivation } from '../customers/handover.ts';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  customerId: string | null;
  locale: string;
  skills: string[];
  languages: string[];
  active: boolean;
  /** 岗位 (scorecards' breakdown) */
  post: string | null;
  createdAt: number;
}

/**
 * The account as `viewer` may see it: a portal account's email is a customer's personal data,
 * masked unless the viewer sees those (or it is their own). null: for the audit log, not a response.
 */
export const toUserView = (u: UsersTable, viewer: Actor | null): UserView => ({
  id: u.id,
  email: u.role !== 'customer' || viewer?.id === u.id || seesPersonalData(viewer, u.customer_id) ? u.email : maskEmail(u.email),
  name: u.name,
  role: u.role as Role,
  teamId: u.team_id,
  customerId: u.customer_id,
  locale: u.locale,
  skills: JSON.parse(u.skills) as string[],
  languages: JSON.parse(u.languages) as string[],
  active: u.active === 1,
  post: u.post ?? null,
  createdAt: u.created_at,
});

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password?: string | undefined;
  teamId?: string | null | undefined;
  customerId?: string | null | undefined;
  locale?: string | undefined;
  skills?: string[] | undefined;
  languages?: string[] | undefined;
  post?: string | null | undefined;
}

const passwordNotAllowed = (role: string) =>
  invalid('password_not_allowed', `An account of role ${role} acts by API token only and cannot have a password: leave the password out and give it a token.`);

export async function createUser(ctx: Ctx, input: NewUser, actor: Actor): Promise<UserView> {
  if (input.role === 'customer' && !input.customerId)
    throw invalid('customer_required', 'A portal account (role customer) must belong to a customer.');
  if (isTokenOnly(input.role) && input.password) throw passwordNotAllowed(input.role);
  const email = input.email.trim().toLowerCase();
  const passwordHash = input.password ? await hashPassword(input.password, ctx.config.scryptCost) : null;
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (exists) throw conflict('email_taken', `A user with email ${email} already exists.`);
    if (input.teamId) {
      const team = await trx.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst();
      if (!team) throw notFound('team', input.teamId);
    }
    if (input.customerId) {
      const c = await trx.selectFrom('customers').select('id').where('id', '=', input.customerId).executeTakeFirst();
      if (!c) throw notFound('customer', input.customerId);
    }
    const row: UsersTable = {
      id: newId(),
      email,
      name: input.name,
      role: input.role,
      team_id: input.teamId ?? null,
      customer_id: input.customerId ?? null,
      password_hash: passwordHash,
      locale: input.locale ?? 'zh-CN',
      skills: JSON.stringify(input.skills ?? []),
      languages: JSON.stringify(input.languages ?? []),
      active: 1,
      created_at: now,
      updated_at: now,
      post: input.post ?? null,
    };
    await trx.insertInto('users').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'user.create', targetType: 'user', targetId: row.id, after: toUserView(row, null) });
    return toUserView(row, actor);
  });
}

export interface UserPatch {
  name?: string | undefined;
  role?: Role | undefined;
  teamId?: string | null | undefined;
  active?: boolean | undefined;
  password?: string | undefined;
  skills?: string[] | undefined;
  languages?: string[] | undefined;
  locale?: string | undefined;
  post?: string | null | undefined;
}

export async function updateUser(ctx: Ctx, id: string, patch: UserPatch, actor: Actor): Promise<UserView> {
  const passwordHash = patch.password ? await hashPassword(patch.password, ctx.config.scryptCost) : undefined;
  const view = await ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound('user', id);
    if (patch.role === 'customer' && !before.customer_id)
      throw invalid('customer_required', 'A portal account (role customer) must belong to a customer.');
    const role = patch.role ?? before.role;
    if (isTokenOnly(role) && passwordHash) throw passwordNotAllowed(role);
    if (patch.teamId) {
      const team = await trx.selectFrom('teams').select('id').where('id', '=', patch.teamId).executeTakeFirst();
      if (!team) throw notFound('team', patch.teamId);
    }
    const changes: Partial<UsersTable> = { updated_at: ctx.clock.now() };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.role !== undefined) changes.role = patch.role;
    // a portal account made staff no longer speaks for its customer (a staff user with a customer_id would be scoped as one)
    if (patch.role !== undefined && patch.role !== 'customer') changes.customer_id = null;
    if (patch.teamId !== undefined) changes.team_id = patch.teamId;
    if (patch.active !== undefined) changes.active = patch.active ? 1 : 0;
    if (patch.skills !== undefined) changes.skills = JSON.stringify(patch.skills);
    if (patch.languages !== undefined) changes.languages = JSON.stringify(patch.languages);
    if (patch.locale !== undefined) changes.locale = patch.locale;
    if (patch.post !== undefined) changes.post = patch.post;
    if (passwordHash) changes.password_hash = passwordHash;
    // made token-only (integration): its password goes, and with it every session (its API tokens stay)
    const madeTokenOnly = isTokenOnly(role) && !isTokenOnly(before.role);
    if (madeTokenOnly) changes.password_hash = null;
    await trx.updateTable('users').set(changes).where('id', '=', id).execute();
    if (madeTokenOnly) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    // A new password or a deactivation ends every credential: sessions, and API tokens for good
    // (a token made by whoever knew the old password must not outlive it, nor come back when the
    // account is active again). A new password also lifts a lock from failed logins.
    let tokensRevoked = 0;
    if (patch.active === false || passwordHash) tokensRevoked = (await revokeCredentials(trx, id, ctx.clock.now())).tokensRevoked;
    // a leaving employee's customers go to their successor, never stay with an inactive manager (SPEC 9)
    if (patch.active === false) await handOverOnDeactivation(ctx, trx, id, actor);
    if (passwordHash) await trx.deleteFrom('login_attempts').where('email', '=', before.email).where('ok', '=', 0).execute();
    const after = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await recordAudit(ctx, trx, {
      actor,
      action: 'user.update',
      targetType: 'user',
      targetId: id,
      before: toUserView(before, null),
      after: { ...toUserView(after, null), passwordChanged: Boolean(passwordHash), ...(tokensRevoked ? { tokensRevoked } : {}) },
    });
    return toUserView(after, actor);
  });
  forgetCredentials(ctx);
  return view;
}

/**
 * Ends every credential of an account in the caller's transaction: its sessions, and its API
 * tokens for good. Call forgetCredentials(ctx) once the transaction has committed.
 */
export async function revokeCredentials(trx: Kysely<Database>, userId: string, now: number): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const s = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  const r = await trx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return { sessionsEnded: Number(s.numDeletedRows), tokensRevoked: Number(r.numUpdatedRows) };
}

/** The address an erased portal account gets: unique, and never delivered (.invalid, RFC 2606). */
export const erasedAccountEmail = (userId: string): string => `erased-${userId}@erased.invalid`;

/**
 * The portal accounts of a customer whose personal data is erased (modules/privacy), in the
 * caller's transaction: deactivated, name and email replaced (the email by a unique address that
 * is never delivered, so the address is free for a new account), no password, every credential
 * ended, and their login attempts put under the new address. Call forgetCredentials(ctx) after the commit.
 */
export async function anonymisePortalAccounts(
  ctx: Ctx,
  trx: Kysely<Database>,
  customerId: string,
  placeholderName: string,
): Promise<{ accounts: number; sessionsEnded: number; tokensRevoked: number }> {
  const now = ctx.clock.now();
  const accounts = await trx.selectFrom('users').select(['id', 'email']).where('customer_id', '=', customerId).where('role', '=', 'customer').execute();
  let sessionsEnded = 0;
  let tokensRevoked = 0;
  for (const u of accounts) {
    const email = erasedAccountEmail(u.id);
    await trx.updateTable('users').set({ email, name: placeholderName, password_hash: null, active: 0, updated_at: now }).where('id', '=', u.id).execute();
    await trx.updateTable('login_attempts').set({ email, ip: null }).where('email', '=', u.email).execute();
    const r = await revokeCredentials(trx, u.id, now);
    sessionsEnded += r.sessionsEnded;
    tokensRevoked += r.tokensRevoked;
  }
  return { accounts: accounts.length, sessionsEnded, tokensRevoked };
}

export async function getUser(ctx: Ctx, id: string, viewer: Actor): Promise<UserView> {
  const u = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!u) throw notFound('user', id);
  // one's own account (login, /me) is not a read of someone else's data
  if (viewer.id !== id) await recordAuditNow(ctx, { actor: viewer, action: 'user.read', targetType: 'user', targetId: id });
  return toUserView(u, viewer);
}

export async function listUsers(ctx: Ctx, f: { role?: Role | undefined; teamId?: string | undefined }, viewer: Actor): Promise<UserView[]> {
  let q = ctx.db.selectFrom('users').selectAll().orderBy('name');
  if (f.role) q = q.where('role', '=', f.role);
  if (f.teamId) q = q.where('team_id', '=', f.teamId);
  const rows = await q.limit(1000).execute();
  // who was seen, not only how many: a staff list holds names and emails (SPEC 10: reads of personal data audited)
  await recordAuditNow(ctx, { actor: viewer, action: 'user.list', targetType: 'user', after: { count: rows.length, role: f.role ?? null, teamId: f.teamId ?? null, ids: rows.map((u) => u.id) } });
  return rows.map((u) => toUserView(u, viewer));
}

export interface TeamView {
  id: string;
  name: string;
  nameEn: string | null;
  parentId: string | null;
  kind: 'department' | 'team';
  leadUserId: string | null;
}

const toTeamView = (t: TeamsTable): TeamView => ({
  id: t.id,
  name: t.name,
  nameEn: t.name_en,
  parentId: t.parent_id,
  kind: t.kind,
  leadUserId: t.lead_user_id,
});

/** An active member of staff (not a portal account, not a token-only service account), or 404: whom a case is assigned to, or a team led by. */
export async function activeStaff(trx: Kysely<Database>, userId: string) {
  const u = await trx.selectFrom('users').select(['id', 'role', 'team_id', 'active', 'name']).where('id', '=', userId).executeTakeFirst();
  if (!u || u.active !== 1 || u.role === 'customer' || isTokenOnly(u.role)) throw notFound('user', userId);
  return u;
}

export async function createTeam(
  ctx: Ctx,
  input: { name: string; nameEn?: string | undefined; parentId?: string | null | undefined; kind: 'department' | 'team'; leadUserId?: string | null | undefined },
  actor: Actor,
): Promise<TeamView> {
  return ctx.db.transaction().execute(async (trx) => {
    if (input.parentId) {
      const p = await trx.selectFrom('teams').select('id').where('id', '=', input.parentId).executeTakeFirst();
      if (!p) throw notFound('team', input.parentId);
    }
    if (input.leadUserId) await activeStaff(trx, input.leadUserId); // the escalation chain notifies a team's lead
    const row: TeamsTable = {
      id: newId(),
      name: input.name,
      name_en: input.nameEn ?? null,
      parent_id: input.parentId ?? null,
      kind: input.kind,
      lead_user_id: input.leadUserId ?? null,
      created_at: ctx.clock.now(),
    };
    await trx.insertInto('teams').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'team.create', targetType: 'team', targetId: row.id, after: row });
    return toTeamView(row);
  });
}

export async function setTeamLead(ctx: Ctx, teamId: string, leadUserId: string | null, actor: Actor): Promise<TeamView> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('teams').selectAll().where('id', '=', teamId).executeTakeFirst();
    if (!before) throw notFound('team', teamId);
    if (leadUserId) await activeStaff(trx, leadUserId);
    await trx.updateTable('teams').set({ lead_user_id: leadUserId }).where('id', '=', teamId).execute();
    await recordAudit(ctx, trx, { actor, action: 'team.update', targetType: 'team', targetId: teamId, before, after: { lead_user_id: leadUserId } });
    return toTeamView({ ...before, lead_user_id: leadUserId });
  });
}

export async function listTeams(ctx: Ctx): Promise<TeamView[]> {
  return (await ctx.db.selectFrom('teams').selectAll().orderBy('name').execute()).map(toTeamView);
}

/** The chain of units from a team up to the top (the team itself first). */
export async function teamAncestry(ctx: Ctx, teamId: string): Promise<TeamView[]> {
  const out: TeamView[] = [];
  let id: string | null = teamId;
  while (id && out.length < 20) {
    const t: TeamsTable | undefined = await ctx.db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
    if (!t) break;
    out.push(toTeamView(t));
    id = t.parent_id;
  }
  return out;
}
