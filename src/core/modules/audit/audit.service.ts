import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { newId, sha256 } from '../../shared/ids.ts';
import { insertRowsAnyCount } from '../../db/fast-insert.ts';
import { bufferOf, FLUSH_ORDER, type PendingWrite } from '../../db/commit-buffer.ts';
import { maskFields, seesPersonalData } from '../../shared/masking.ts';
import { noteAccess, watchesAction } from './access-alerts.ts';

export interface AuditEntry {
  actor: Actor;
  action: string;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

interface HashedFields {
  id: string;
  at: number;
  actor_id: string | null;
  actor_kind: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: string | null;
  after: string | null;
  ip: string | null;
  prev_hash: string;
}

const hashOf = (r: HashedFields): string =>
  sha256(
    JSON.stringify([r.prev_hash, r.id, r.at, r.actor_id, r.actor_kind, r.action, r.target_type, r.target_id, r.before, r.after, r.ip]),
  );

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** Links entries to the chain's current head and writes them, in order (the caller holds the chain lock). */
async function chainAndInsert(ctx: Ctx, trx: Kysely<Database>, entries: Omit<HashedFields, 'prev_hash'>[]): Promise<void> {
  if (entries.length === 0) return;
  let prev = (await ctx.ops.auditChainHead(trx)) ?? GENESIS_HASH;
  const rows = entries.map((e) => {
    const r: HashedFields = { ...e, prev_hash: prev };
    prev = hashOf(r);
    return { ...r, hash: prev };
  });
  for (let i = 0; i < rows.length; i += 1000) await insertRowsAnyCount(trx, 'audit_log', rows.slice(i, i + 1000));
}

/** Audit entries of a buffered transaction, chained and written once just before its commit. */
class PendingAudit implements PendingWrite {
  constructor(
    private readonly ctx: Ctx,
    readonly entries: Omit<HashedFields, 'prev_hash'>[] = [],
  ) {}
  flush(trx: Kysely<Database>): Promise<void> {
    return chainAndInsert(this.ctx, trx, this.entries);
  }
}

/**
 * Appends to the tamper-evident audit log inside the caller's transaction: each row carries the
 * hash of the one before, so an edited or deleted row breaks the chain. In a buffered
 * transaction the entry is chained at commit; otherwise now, so call it last in the transaction:
 * on PostgreSQL it holds the chain lock until commit.
 */
export async function recordAudit(ctx: Ctx, trx: Kysely<Database>, e: AuditEntry): Promise<void> {
  const entry = {
    id: newId(),
    at: ctx.clock.now(),
    actor_id: e.actor.id,
    actor_kind: e.actor.kind,
    action: e.action,
    target_type: e.targetType ?? null,
    target_id: e.targetId ?? null,
    before: json(e.before),
    after: json(e.after),
    ip: e.actor.ip,
  };
  const buffer = bufferOf(trx);
  if (buffer) buffer.work('audit', FLUSH_ORDER.audit, () => new PendingAudit(ctx)).entries.push(entry);
  else {
    await chainAndInsert(ctx, trx, [entry]);
    // unusual access (SPEC 10): reads are audited here, never in the intake's buffered transactions
    if (watchesAction(e.action)) await noteAccess(ctx, trx, e);
  }
}

/** Audit in a transaction of its own (reads of personal data, logins). */
export const recordAuditNow = (ctx: Ctx, e: AuditEntry): Promise<void> =>
  ctx.db.transaction().execute((trx) => recordAudit(ctx, trx, e));

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /**
   * The last entry: a deleted tail leaves a shorter chain that still verifies, so record this
   * outside the database and pass it back as `expect` later (ADR 0002).
   */
  head: { seq: number; hash: string } | null;
  /** First row that does not fit the chain: edited, or the row before it was deleted; or the expected entry is gone or differs. */
  brokenAt?: { seq: number; id: string | null; reason: 'hash_mismatch' | 'chain_broken' | 'expected_entry_missing' | 'expected_entry_differs' };
}

/**
 * Walks the whole chain in order, in pages, recomputing every hash. With `expect` (a head recorded
 * earlier), that entry must still be in the chain with that hash: the chain was not cut before
 * it, nor rewritten up to it.
 */
export async function verifyAuditChain(ctx: Pick<Ctx, 'db'>, opts: { expect?: { seq: number; hash: string } } = {}): Promise<AuditVerification> {
  let prev = GENESIS_HASH;
  let afterSeq = 0;
  let checked = 0;
  let head: AuditVerification['head'] = null;
  const want = opts.expect;
  let seen = false;
  for (;;) {
    const rows = await ctx.db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(5000).execute();
    if (rows.length === 0) {
      if (want && !seen) return { ok: false, checked, head, brokenAt: { seq: want.seq, id: null, reason: 'expected_entry_missing' } };
      return { ok: true, checked, head };
    }
    for (const r of rows) {
      if (r.prev_hash !== prev) return { ok: false, checked, head, brokenAt: { seq: r.seq, id: r.id, reason: 'chain_broken' } };
      if (hashOf(r) !== r.hash) return { ok: false, checked, head, brokenAt: { seq: r.seq, id: r.id, reason: 'hash_mismatch' } };
      if (want && !seen && r.seq >= want.seq) {
        if (r.seq > want.seq) return { ok: false, checked, head, brokenAt: { seq: want.seq, id: null, reason: 'expected_entry_missing' } };
        if (r.hash !== want.hash) return { ok: false, checked, head, brokenAt: { seq: r.seq, id: r.id, reason: 'expected_entry_differs' } };
        seen = true;
      }
      prev = r.hash;
      afterSeq = r.seq;
      head = { seq: r.seq, hash: r.hash };
      checked++;
    }
  }
}

export interface AuditQuery {
  targetType?: string;
  targetId?: string;
  actorId?: string;
  beforeSeq?: number;
  limit: number;
}

/** A page of the log, newest first; reading it is recorded too (its entries hold personal data: SPEC 10). */
export async function listAudit(ctx: Ctx, q: AuditQuery, actor: Actor) {
  let qb = ctx.db.selectFrom('audit_log').selectAll();
  if (q.targetType) qb = qb.where('target_type', '=', q.targetType);
  if (q.targetId) qb = qb.where('target_id', '=', q.targetId);
  if (q.actorId) qb = qb.where('actor_id', '=', q.actorId);
  if (q.beforeSeq) qb = qb.where('seq', '<', q.beforeSeq);
  const rows = await qb.orderBy('seq', 'desc').limit(q.limit).execute();
  const filters = { targetType: q.targetType ?? null, targetId: q.targetId ?? null, actorId: q.actorId ?? null, beforeSeq: q.beforeSeq ?? null };
  await recordAuditNow(ctx, { actor, action: 'audit.list', targetType: 'audit', after: { count: rows.length, ...filters } });
  // stored in clear (the hash chain covers it); masked here for a reader without personal.read
  const clear = seesPersonalData(actor);
  const shown = (v: string | null): unknown => (v === null ? null : clear ? JSON.parse(v) : maskFields(JSON.parse(v)));
  return rows.map((r) => ({
    seq: r.seq,
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    actorKind: r.actor_kind,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: shown(r.before),
    after: shown(r.after),
    ip: r.ip,
    hash: r.hash,
  }));
}
