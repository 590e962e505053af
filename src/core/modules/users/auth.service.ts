import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { DomainError, notFound } from '../../shared/errors.ts';
import { newId, randomToken, sha256 } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { decoyHash, verifyPassword } from './password.ts';
import { isTokenOnly, type Role } from './roles.ts';
import type { UsersTable } from './users.table.ts';
import { prepared } from '../../db/prepared.ts';
import { noWait } from '../../db/fast-insert.ts';
import { transientDbFailure } from '../../db/transient-errors.ts';
import type { Compilable } from 'kysely';
import { CredentialCache } from './credential-cache.ts';

const FAILURE_WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 5;
// Refresh the sliding expiry at most this often, so reads do not write on every request.
const TOUCH_EVERY_MS = 5 * 60_000;
const TOKEN_PREFIX = 'slt_';

/**
 * A credential's last use, written on a read: not worth holding or failing the request when the
 * database is locked (a transaction another process left open), so it does not wait for the lock
 * on SQLite, and a lock or lost connection leaves it for the next use.
 */
async function bookkeeping(ctx: Ctx, write: Compilable): Promise<void> {
  await ctx.db.executeQuery(noWait(write)).catch((err: unknown) => {
    if (!transientDbFailure(err)) throw err;
  });
}

export const actorOf = (u: UsersTable, ip: string | null): Actor => ({
  id: u.id,
  kind: u.role === 'customer' ? 'customer' : 'staff',
  role: u.role as Role,
  name: u.name,
  teamId: u.team_id,
  customerId: u.customer_id,
  ip,
});

const invalidLogin = () => new DomainError('invalid_credentials', 'Email or password is wrong.', 401);

/** Checks the password, counts failures per account (5 in 15 minutes locks it for the window), opens a session. */
export async function login(ctx: Ctx, email: string, password: string, ip: string | null): Promise<{ token: string; actor: Actor; expiresAt: number }> {
  const now = ctx.clock.now();
  const addr = email.trim().toLowerCase();
  const failures = await ctx.db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email', '=', addr)
    .where('ok', '=', 0)
    .where('at', '>', now - FAILURE_WINDOW_MS)
    .executeTakeFirstOrThrow();
  const user = await ctx.db.selectFrom('users').selectAll().where('email', '=', addr).executeTakeFirst();
  // Whoever failed is unknown: the account is the target of the attempt, never its actor.
  const guest: Actor = { id: 'anonymous', kind: 'staff', role: 'system', name: addr, teamId: null, customerId: null, ip };
  if (Number(failures.n) >= MAX_FAILURES) {
    // recorded (SPEC 10: every login), not counted: the lock runs from the failures that set it
    await ctx.db.transaction().execute((trx) => recordAudit(ctx, trx, { actor: guest, action: 'auth.login_locked', targetType: 'user', targetId: user?.id ?? addr }));
    throw new DomainError('too_many_attempts', 'Too many failed logins for this account; try again in 15 minutes.', 429);
  }
  // a token-only account (role integration) never logs in with a password, even one left from an earlier role
  const hash = user && user.active === 1 && user.password_hash && !isTokenOnly(user.role) ? user.password_hash : null;
  const matches = await verifyPassword(password, hash ?? (await decoyHash(ctx.config.scryptCost))); // (see decoyHash)
  const ok = hash !== null && matches;
  if (!ok || !user) {
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('login_attempts').values({ email: addr, ip, at: now, ok: 0 }).execute();
      await recordAudit(ctx, trx, { actor: guest, action: 'auth.login_failed', targetType: 'user', targetId: user?.id ?? addr });
    });
    throw invalidLogin();
  }
  const token = randomToken();
  const expiresAt = now + ctx.config.sessionTtlMs;
  const actor = actorOf(user, ip);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('login_attempts').values({ email: addr, ip, at: now, ok: 1 }).execute();
    await trx.insertInto('sessions').values({ id: sha256(token), user_id: user.id, created_at: now, expires_at: expiresAt, last_seen_at: now, ip }).execute();
    await recordAudit(ctx, trx, { actor, action: 'auth.login', targetType: 'user', targetId: user.id });
  });
  return { token, actor, expiresAt };
}

export async function logout(ctx: Ctx, token: string, actor: Actor): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('id', '=', sha256(token)).execute();
    await recordAudit(ctx, trx, { actor, action: 'auth.logout', targetType: 'user', targetId: actor.id });
  });
}

export async function actorFromSession(ctx: Ctx, token: string, ip: string | null): Promise<Actor | null> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.id as session_id', 'sessions.expires_at', 'sessions.last_seen_at'])
    .where('sessions.id', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= now || row.active !== 1 || isTokenOnly(row.role)) return null;
  if (now - row.last_seen_at > TOUCH_EVERY_MS)
    await bookkeeping(
      ctx,
      ctx.db.updateTable('sessions').set({ last_seen_at: now, expires_at: now + ctx.config.sessionTtlMs }).where('id', '=', row.session_id),
    );
  return actorOf(row, ip);
}

const userOfToken = prepared((db, tokenHash: string) =>
  db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id', 'api_tokens.revoked_at', 'api_tokens.expires_at', 'api_tokens.last_used_at'])
    .where('api_tokens.token_hash', '=', tokenHash),
);

type TokenRow = Awaited<ReturnType<typeof userOfToken>>[number];
// One per database handle, so that every context over it (the server's, its workers') sees a clear.
const tokenCaches = new WeakMap<object, CredentialCache<TokenRow>>();
function tokenCache(ctx: Ctx): CredentialCache<TokenRow> {
  let c = tokenCaches.get(ctx.db);
  if (!c) tokenCaches.set(ctx.db, (c = new CredentialCache<TokenRow>(ctx.config.authCacheMs)));
  return c;
}

/** After a change to users or API tokens has committed: the next request reads them again. */
export const forgetCredentials = (ctx: Ctx): void => tokenCaches.get(ctx.db)?.clear();

export async function actorFromApiToken(ctx: Ctx, token: string, ip: string | null): Promise<Actor | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const now = ctx.clock.now();
  const hash = sha256(token);
  const cache = tokenCache(ctx);
  let row = cache.get(hash);
  if (!row) {
    const readAt = cache.generation;
    [row] = await userOfToken(ctx.db, hash);
    // Only a token that lets someone in is remembered: a refused one is read again next time.
    if (row && row.revoked_at === null && row.active === 1) cache.set(hash, row, readAt);
  }
  if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now) || row.active !== 1) return null;
  if (row.last_used_at === null || now - row.last_used_at > TOUCH_EVERY_MS) {
    row.last_used_at = now;
    await bookkeeping(ctx, ctx.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.token_id));
  }
  return actorOf(row, ip);
}

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

/** The secret is returned once; only its hash is stored. */
export async function createApiToken(
  ctx: Ctx,
  userId: string,
  name: string,
  expiresAt: number | null,
  actor: Actor,
): Promise<{ token: string; view: ApiTokenView }> {
  const token = TOKEN_PREFIX + randomToken();
  const now = ctx.clock.now();
  const row = {
    id: newId(),
    user_id: userId,
    name,
    token_hash: sha256(token),
    prefix: token.slice(0, 10),
    created_at: now,
    last_used_at: null,
    expires_at: expiresAt,
    revoked_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    const u = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!u) throw notFound('user', userId);
    await trx.insertInto('api_tokens').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'token.create', targetType: 'api_token', targetId: row.id, after: { name, userId, prefix: row.prefix } });
  });
  return { token, view: { id: row.id, name, prefix: row.prefix, createdAt: now, lastUsedAt: null, expiresAt, revokedAt: null } };
}

export async function listApiTokens(ctx: Ctx, userId: string): Promise<ApiTokenView[]> {
  const rows = await ctx.db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at, revokedAt: r.revoked_at }));
}

export async function revokeApiToken(ctx: Ctx, tokenId: string, actor: Actor): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const t = await trx.selectFrom('api_tokens').select(['id', 'user_id']).where('id', '=', tokenId).executeTakeFirst();
    // Admins (and the machine's operator, by the CLI) may revoke anyone's token; others only their
    // own (and cannot learn whether another exists).
    if (!t || (t.user_id !== actor.id && actor.role !== 'admin' && actor.kind !== 'system')) throw notFound('api_token', tokenId);
    // revoking twice keeps the first time
    await trx.updateTable('api_tokens').set({ revoked_at: ctx.clock.now() }).where('id', '=', tokenId).where('revoked_at', 'is', null).execute();
    await recordAudit(ctx, trx, { actor, action: 'token.revoke', targetType: 'api_token', targetId: tokenId });
  });
  forgetCredentials(ctx);
}

