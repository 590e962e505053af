import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { bufferOf, FLUSH_ORDER, HandoverNoLongerHolds, pendingRows, rowsBefore, type PendingWrite } from '../../db/commit-buffer.ts';
import type { Actor } from '../../shared/actor.ts';
import { DomainError, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { OPEN_STATUSES } from '../cases/case.ts';
import { uncertifiedAmong } from '../training/certification.ts';
import {
  exclusionOf,
  firstMatch,
  HANDLING_ROLES,
  leastLoaded,
  nextInTurn,
  type Candidate,
  type CaseFacts,
  type RoutingRule,
  type RoutingStrategy,
  type RuleConditions,
} from './routing.ts';
import type { NewRoutingRule, RoutingRulePatch, RoutingRuleView, RoutingSimulation, SimulateRoutingInput } from './routing.schemas.ts';
import type { RoutingRulesTable } from './routing.table.ts';

type Db = Kysely<Database>;

const toRule = (r: RoutingRulesTable): RoutingRule => ({
  id: r.id,
  name: r.name,
  position: r.position,
  enabled: r.enabled === 1,
  conditions: JSON.parse(r.conditions) as RuleConditions,
  teamId: r.team_id,
  strategy: r.strategy as RoutingStrategy,
  requiredSkills: JSON.parse(r.required_skills) as string[],
  matchLanguage: r.match_language === 1,
  maxOpenPerAgent: r.max_open_per_agent,
});

const toView = (r: RoutingRulesTable, lastAssigneeId: string | null): RoutingRuleView => ({
  ...toRule(r),
  lastAssigneeId,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

// ---- the rule set, cached per process -------------------------------------------------------

/**
 * Intake reads the rules on every case, and they change rarely: each process keeps the enabled
 * ones for 10 s and drops them on its own writes (as settings and the commitments' configuration
 * do); another app node sees a change within that time. With no enabled rule, intake makes no
 * query for routing while the cache holds.
 */
const TTL_MS = 10_000;
const caches = new WeakMap<object, { at: number; rules: RoutingRule[] }>();
/** Bumped by each write of this process: a load that began before it does not fill the cache with what it read. */
const generations = new WeakMap<object, number>();

/** The enabled rules in order. Pass the transaction when inside one (SQLite: its single connection is held by it). */
export async function enabledRules(ctx: Ctx, db: Db = ctx.db): Promise<RoutingRule[]> {
  const now = Date.now(); // cache age is process time, not domain time
  const c = caches.get(ctx.db);
  if (c && now - c.at < TTL_MS) return c.rules;
  const generation = generations.get(ctx.db) ?? 0;
  const rows = await db.selectFrom('routing_rules').selectAll().where('enabled', '=', 1).orderBy('position').orderBy('id').execute();
  const rules = rows.map(toRule);
  if ((generations.get(ctx.db) ?? 0) === generation) caches.set(ctx.db, { at: now, rules });
  return rules;
}

const invalidate = (ctx: Ctx): void => {
  generations.set(ctx.db, (generations.get(ctx.db) ?? 0) + 1);
  caches.delete(ctx.db);
};

// ---- the agents of a team and their loads -----------------------------------------------------

const parseList = (json: string): string[] => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

/** Active members of the team in a handling role, by id (a batch of intakes reads them once). */
async function teamHandlers(db: Db, teamId: string): Promise<Candidate[]> {
  const b = bufferOf(db);
  const key = `routing:handlers:${teamId}`;
  const memo = b?.memo<Candidate[]>(key);
  if (memo) return memo;
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'skills', 'languages'])
    .where('team_id', '=', teamId)
    .where('active', '=', 1)
    .where('role', 'in', [...HANDLING_ROLES])
    .orderBy('id')
    .execute();
  const out = rows.map((u) => ({ id: u.id, name: u.name, role: u.role, skills: parseList(u.skills), languages: parseList(u.languages) }));
  b?.memo(key, () => out);
  return out;
}

/**
 * Open cases of each agent: one query over the candidates (served by the index
 * cases_assignee_status_received), read once per batch of intakes; cases this batch has routed
 * (appended, not written yet) and those of the batches before it still writing (PostgreSQL, a
 * batch opened ahead) are added. One of those may have committed just before the query and be
 * counted twice: a load one case too high for a moment, never a case lost.
 */
async function openLoads(db: Db, ids: string[]): Promise<Map<string, number>> {
  const b = bufferOf(db);
  const key = `routing:loads:${ids.join(',')}`;
  let stored = b?.memo<Map<string, number>>(key);
  if (ids.length === 0) return new Map();
  if (!stored) {
    const rows = await db
      .selectFrom('cases')
      .select(['assignee_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('assignee_id', 'in', ids)
      .where('status', 'in', OPEN_STATUSES)
      .groupBy('assignee_id')
      .execute();
    const fromDb = new Map(rows.map((r) => [r.assignee_id!, Number(r.n)]));
    stored = fromDb;
    b?.memo(key, () => fromDb);
  }
  const loads = new Map(stored);
  const wanted = new Set(ids);
  const open = new Set<string>(OPEN_STATUSES);
  for (const c of [...(pendingRows(db, 'cases') ?? []), ...rowsBefore(db, 'cases')])
    if (c.assignee_id && wanted.has(c.assignee_id) && open.has(c.status)) loads.set(c.assignee_id, (loads.get(c.assignee_id) ?? 0) + 1);
  return loads;
}

// ---- round-robin's cursor -------------------------------------------------------------------

interface Cursor {
  /** what the database holds (or, assumed, will hold once the batch before has committed) */
  stored: string | null;
  last: string | null;
  assumed: boolean;
  at: number;
}

/** The round-robin cursor of a rule had moved from what a batch counted on from the batch before it (a second app node routed in between). */
export class RoutingCursorMoved extends HandoverNoLongerHolds {
  constructor(ruleId: string) {
    super(`the round-robin cursor of routing rule ${ruleId} no longer holds the agent the batch before gave its last case to`);
  }
}

const readCursor = async (db: Db, ruleId: string, forUpdate: boolean): Promise<string | null> => {
  let q = db.selectFrom('routing_cursors').select('last_user_id').where('rule_id', '=', ruleId);
  if (forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst())?.last_user_id ?? null;
};

const writeCursors = (db: Db, rows: Array<{ rule_id: string; last_user_id: string | null; updated_at: number }>) =>
  db
    .insertInto('routing_cursors')
    .values(rows)
    .onConflict((oc) =>
      oc.column('rule_id').doUpdateSet((eb) => ({ last_user_id: eb.ref('excluded.last_user_id'), updated_at: eb.ref('excluded.updated_at') })),
    );

/**
 * The cursors a batch of intakes moved, written once just before it commits.
 *
 * Concurrency (PostgreSQL, several app nodes): the cursor is read FOR UPDATE after the case number
 * was allocated (allocateCaseNumber), whose per-day counter row lock already serialises the
 * intakes of a day until commit; the cursor's own row lock covers intakes of other days
 * (backdated) too, so two transactions never give the same turn. A batch opened ahead (see
 * db/batcher.ts) runs before the batch before it has committed: it goes on from that batch's
 * cursor (worksBefore) without reading, and checks at flush, under the lock, that the database
 * holds exactly that; if not (another node routed in between) the batch runs again from the start.
 */
class PendingCursors implements PendingWrite {
  readonly rules = new Map<string, Cursor>();
  constructor(private readonly forUpdate: boolean) {}
  async confirm(trx: Db): Promise<void> {
    for (const [ruleId, c] of this.rules) {
      if (!c.assumed) continue;
      if ((await readCursor(trx, ruleId, this.forUpdate)) !== c.stored) throw new RoutingCursorMoved(ruleId);
      c.assumed = false;
    }
  }
  async flush(trx: Db): Promise<void> {
    const rows = this.changed();
    if (rows.length > 0) await writeCursors(trx, rows).execute();
  }
  statement(trx: Db): CompiledQuery | null {
    const rows = this.changed();
    return rows.length > 0 ? writeCursors(trx, rows).compile() : null;
  }
  private changed() {
    return [...this.rules].filter(([, c]) => c.last !== c.stored).map(([rule_id, c]) => ({ rule_id, last_user_id: c.last, updated_at: c.at }));
  }
}

/** The rule's cursor in this transaction; `advance` moves it (written before commit, or at once without a commit buffer). */
async function cursorOf(ctx: Ctx, trx: Db, ruleId: string): Promise<{ last: string | null; advance: (userId: string) => Promise<void> }> {
  const forUpdate = ctx.ops.supportsForUpdate;
  const b = bufferOf(trx);
  if (!b) {
    const last = await readCursor(trx, ruleId, forUpdate);
    return { last, advance: (userId) => writeCursors(trx, [{ rule_id: ruleId, last_user_id: userId, updated_at: ctx.clock.now() }]).execute().then(() => undefined) };
  }
  const work = b.work('routing_cursors', FLUSH_ORDER.rollup, () => new PendingCursors(forUpdate));
  let c = work.rules.get(ruleId);
  if (!c) {
    // the nearest uncommitted batch before this one that moved it (up to two may be in flight)
    const before = b.worksBefore<PendingCursors>('routing_cursors').map((w) => w.rules.get(ruleId)).find((x) => x !== undefined);
    if (before) c = { stored: before.last, last: before.last, assumed: true, at: ctx.clock.now() };
    else {
      const stored = await readCursor(trx, ruleId, forUpdate);
      c = { stored, last: stored, assumed: false, at: ctx.clock.now() };
    }
    work.rules.set(ruleId, c);
  }
  const cursor = c;
  return {
    last: cursor.last,
    advance: async (userId) => {
      cursor.last = userId;
      cursor.at = ctx.clock.now();
    },
  };
}

// ---- deciding -------------------------------------------------------------------------------

export interface RoutingDecision {
  ruleId: string;
  ruleName: string;
  teamId: string;
  strategy: RoutingStrategy;
  /** null: the team's queue (strategy none, or no eligible agent) */
  assigneeId: string | null;
}

interface Picked {
  assigneeId: string | null;
  candidates: RoutingSimulation['candidates'];
}

/** The agent the rule gives the case to now; `dry` (the simulation) moves no cursor. */
async function pickAgent(ctx: Ctx, db: Db, rule: RoutingRule, facts: CaseFacts, dry: boolean): Promise<Picked> {
  const team = await teamHandlers(db, rule.teamId);
  const needLoads = rule.strategy === 'least_loaded' || rule.maxOpenPerAgent !== null || dry;
  const loads = needLoads ? await openLoads(db, team.map((a) => a.id)) : new Map<string, number>();
  const load = (id: string) => loads.get(id) ?? 0;
  // SPEC 7: with enforcement on, an agent without the certificate the category needs is passed over
  const uncertified = await uncertifiedAmong(ctx, db, facts.categoryId, team.map((a) => a.id));
  const candidates = team.map((a) => ({ id: a.id, name: a.name, role: a.role, openCases: load(a.id), excluded: exclusionOf(rule, facts, a, load(a.id)) ?? (uncertified.has(a.id) ? ('certification' as const) : null) }));
  const eligible = candidates.filter((a) => a.excluded === null);
  let assigneeId: string | null = null;
  if (rule.strategy === 'least_loaded') assigneeId = leastLoaded(eligible, load) ?? null;
  else if (rule.strategy === 'round_robin' && eligible.length > 0) {
    if (dry) assigneeId = nextInTurn(eligible, await readCursor(db, rule.id, false)) ?? null;
    else {
      const cursor = await cursorOf(ctx, db, rule.id);
      assigneeId = nextInTurn(eligible, cursor.last) ?? null;
      if (assigneeId) await cursor.advance(assigneeId);
    }
  }
  return { assigneeId, candidates };
}

/**
 * Intake's routing of a new case (SPEC 3), in the case's transaction and before its row is
 * written: the first enabled rule that matches gives the team and, by its strategy, the agent
 * (undefined: no rule matches, the case is not routed). A case a member of staff filed for a
 * team of their choosing (`fixedTeamId`) keeps that team: it is routed to an agent only by a
 * rule for that same team, and otherwise not at all.
 */
export async function routeNewCase(ctx: Ctx, trx: Db, facts: CaseFacts, fixedTeamId: string | null): Promise<RoutingDecision | undefined> {
  const rules = await enabledRules(ctx, trx);
  if (rules.length === 0) return undefined;
  // (a chosen team: the first matching rule among that team's, not the first overall)
  const rule = firstMatch(fixedTeamId === null ? rules : rules.filter((r) => r.teamId === fixedTeamId), facts);
  if (!rule) return undefined;
  const decision = { ruleId: rule.id, ruleName: rule.name, teamId: rule.teamId, strategy: rule.strategy };
  if (rule.strategy === 'none') return { ...decision, assigneeId: null };
  const { assigneeId } = await pickAgent(ctx, trx, rule, facts, false);
  return { ...decision, assigneeId };
}

/** The dry run: which rule a would-be case matches and whom it would be given now; nothing is written. */
export async function simulateRouting(ctx: Ctx, input: SimulateRoutingInput): Promise<RoutingSimulation> {
  const facts: CaseFacts = {
    type: input.type ?? null,
    categoryId: input.categoryId ?? null,
    channel: input.channel ?? null,
    language: input.language ?? null,
    customerTier: input.customerTier ?? null,
    priority: input.priority ?? null,
    complaintGrade: input.type === 'complaint' || input.type === undefined ? (input.complaintGrade ?? null) : null,
  };
  // read as stored now, not as this process remembers
  const rows = await ctx.db.selectFrom('routing_rules').selectAll().where('enabled', '=', 1).execute();
  const rule = firstMatch(rows.map(toRule), facts);
  if (!rule) return { rule: null, teamId: null, assigneeId: null, candidates: [] };
  const picked = await pickAgent(ctx, ctx.db, rule, facts, true);
  return {
    rule: { id: rule.id, name: rule.name, position: rule.position, strategy: rule.strategy },
    teamId: rule.teamId,
    assigneeId: rule.strategy === 'none' ? null : picked.assigneeId,
    candidates: picked.candidates,
  };
}

// ---- the rules, for admins ------------------------------------------------------------------

export async function listRoutingRules(ctx: Ctx): Promise<RoutingRuleView[]> {
  const rows = await ctx.db
    .selectFrom('routing_rules')
    .leftJoin('routing_cursors', 'routing_cursors.rule_id', 'routing_rules.id')
    .selectAll('routing_rules')
    .select('routing_cursors.last_user_id')
    .orderBy('routing_rules.position')
    .orderBy('routing_rules.id')
    .execute();
  return rows.map(({ last_user_id, ...r }) => toView(r, last_user_id ?? null));
}

export async function getRoutingRule(ctx: Ctx, id: string): Promise<RoutingRuleView> {
  const r = await ctx.db.selectFrom('routing_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('routing_rule', id);
  return toView(r, await readCursor(ctx.db, id, false));
}

/**
 * A rule that cannot work as configured: agent options (skills, language, cap) on a rule that
 * picks no agent would silently do nothing.
 */
function assertWorkable(r: Pick<RoutingRulesTable, 'strategy' | 'required_skills' | 'match_language' | 'max_open_per_agent'>): void {
  if (r.strategy !== 'none') return;
  const options = [
    ...(JSON.parse(r.required_skills) as string[]).length > 0 ? ['requiredSkills'] : [],
    ...(r.match_language === 1 ? ['matchLanguage'] : []),
    ...(r.max_open_per_agent !== null ? ['maxOpenPerAgent'] : []),
  ];
  if (options.length > 0)
    throw new DomainError(
      'agent_options_without_strategy',
      `Strategy none sends cases to the team's queue and picks no agent, so ${options.join(', ')} would do nothing: choose round_robin or least_loaded, or leave ${options.length > 1 ? 'them' : 'it'} out.`,
      400,
      { fields: options },
    );
}

async function assertReferences(trx: Db, teamId: string, conditions: RuleConditions): Promise<void> {
  const team = await trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
  if (!team) throw notFound('team', teamId);
  const ids = [...new Set(conditions.categoryIds ?? [])];
  if (ids.length > 0) {
    const found = new Set((await trx.selectFrom('categories').select('id').where('id', 'in', ids).execute()).map((c) => c.id));
    const missing = ids.find((i) => !found.has(i));
    if (missing) throw notFound('category', missing);
  }
}

/** Only the conditions given, each without repeats: stored as the API shows them. */
const cleanConditions = (c: RuleConditions | undefined): RuleConditions =>
  Object.fromEntries(Object.entries(c ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [k, [...new Set(v as string[])]])) as RuleConditions;

export async function createRoutingRule(ctx: Ctx, input: NewRoutingRule, actor: Actor): Promise<RoutingRuleView> {
  const now = ctx.clock.now();
  const view = await ctx.db.transaction().execute(async (trx) => {
    const conditions = cleanConditions(input.conditions);
    await assertReferences(trx, input.teamId, conditions);
    let position = input.position;
    if (position === undefined) {
      const last = await trx.selectFrom('routing_rules').select(sql<number | null>`max(position)`.as('p')).executeTakeFirst();
      position = (last?.p === null || last?.p === undefined ? 0 : Number(last.p)) + 10;
    }
    const row: RoutingRulesTable = {
      id: newId(),
      name: input.name,
      position,
      enabled: input.enabled === false ? 0 : 1,
      conditions: JSON.stringify(conditions),
      team_id: input.teamId,
      strategy: input.strategy,
      required_skills: JSON.stringify([...new Set(input.requiredSkills ?? [])]),
      match_language: input.matchLanguage ? 1 : 0,
      max_open_per_agent: input.maxOpenPerAgent ?? null,
      created_at: now,
      updated_at: now,
    };
    assertWorkable(row);
    await trx.insertInto('routing_rules').values(row).execute();
    // the cursor row exists from the start, so intake always locks a row (see PendingCursors)
    await trx.insertInto('routing_cursors').values({ rule_id: row.id, last_user_id: null, updated_at: now }).execute();
    const v = toView(row, null);
    await recordAudit(ctx, trx, { actor, action: 'routing_rule.create', targetType: 'routing_rule', targetId: row.id, after: v });
    return v;
  });
  invalidate(ctx);
  return view;
}

export async function updateRoutingRule(ctx: Ctx, id: string, patch: RoutingRulePatch, actor: Actor): Promise<RoutingRuleView> {
  const view = await ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('routing_rules').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const before = await q.executeTakeFirst();
    if (!before) throw notFound('routing_rule', id);
    const conditions = patch.conditions !== undefined ? cleanConditions(patch.conditions) : (JSON.parse(before.conditions) as RuleConditions);
    const after: RoutingRulesTable = {
      ...before,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.position !== undefined ? { position: patch.position } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
      conditions: JSON.stringify(conditions),
      ...(patch.teamId !== undefined ? { team_id: patch.teamId } : {}),
      ...(patch.strategy !== undefined ? { strategy: patch.strategy } : {}),
      ...(patch.requiredSkills !== undefined ? { required_skills: JSON.stringify([...new Set(patch.requiredSkills)]) } : {}),
      ...(patch.matchLanguage !== undefined ? { match_language: patch.matchLanguage ? 1 : 0 } : {}),
      ...(patch.maxOpenPerAgent !== undefined ? { max_open_per_agent: patch.maxOpenPerAgent } : {}),
      updated_at: ctx.clock.now(),
    };
    assertWorkable(after);
    if (patch.teamId !== undefined || patch.conditions !== undefined) await assertReferences(trx, after.team_id, conditions);
    const { id: _id, created_at: _c, ...changes } = after;
    await trx.updateTable('routing_rules').set(changes).where('id', '=', id).execute();
    // another team's agents: the rotation starts afresh
    if (after.team_id !== before.team_id) await trx.updateTable('routing_cursors').set({ last_user_id: null, updated_at: after.updated_at }).where('rule_id', '=', id).execute();
    const last = await readCursor(trx, id, false);
    const v = toView(after, last);
    await recordAudit(ctx, trx, { actor, action: 'routing_rule.update', targetType: 'routing_rule', targetId: id, before: toView(before, last), after: v });
    return v;
  });
  invalidate(ctx);
  return view;
}

export async function deleteRoutingRule(ctx: Ctx, id: string, actor: Actor): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('routing_rules').selectAll().where('id', '=', id);
    if (ctx.ops.supportsForUpdate) q = q.forUpdate();
    const before = await q.executeTakeFirst();
    if (!before) throw notFound('routing_rule', id);
    await trx.deleteFrom('routing_cursors').where('rule_id', '=', id).execute();
    await trx.deleteFrom('routing_rules').where('id', '=', id).execute();
    await recordAudit(ctx, trx, { actor, action: 'routing_rule.delete', targetType: 'routing_rule', targetId: id, before: toView(before, null) });
  });
  invalidate(ctx);
}
