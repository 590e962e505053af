import { expressionBuilder, sql, type Expression, type JoinBuilder, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { CasesTable } from './case.table.ts';
import type { Ctx } from '../../context.ts';
import type { WalkKey } from '../../db/dialect/dialect.ts';
import type { Actor } from '../../shared/actor.ts';
import { decodeCursor, encodeCursor, type Page } from '../../shared/pagination.ts';
import { recordAuditNow } from '../audit/index.ts';
import { can } from '../users/index.ts';
import { OPEN_STATUSES, STATUSES } from './case.ts';
import { toCaseView, type CaseListItem, type NextDeadline } from './case.views.ts';

export const CASE_SORTS = ['-receivedAt', 'receivedAt', '-updatedAt'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export interface CaseFilter {
  status?: string[] | undefined;
  type?: string[] | undefined;
  priority?: string[] | undefined;
  channel?: string[] | undefined;
  teamId?: string | undefined;
  /** a user id, 'me' or 'none' */
  assigneeId?: string | undefined;
  customerId?: string | undefined;
  complaintGrade?: string | undefined;
  isRepeat?: boolean | undefined;
  q?: string | undefined;
  receivedFrom?: number | undefined;
  receivedTo?: number | undefined;
  sort?: CaseSort | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * The cases an actor may see, as a condition on `cases` (undefined: every case), for lists and
 * for anything listed by its case: assertCanSee's rule. Customers see their own cases; a
 * restricted (sensitive) case only its handlers and leads.
 */
export function visibleCases(actor: Actor): Expression<SqlBool> | undefined {
  const eb = expressionBuilder<Database, 'cases'>();
  if (actor.kind === 'customer') return eb('cases.customer_id', '=', actor.customerId ?? '\u0000');
  if (actor.kind === 'system' || can(actor.role, 'case.read_sensitive')) return undefined;
  return eb.or([eb('cases.sensitive', '=', 0), eb('cases.owner_id', '=', actor.id), eb('cases.assignee_id', '=', actor.id), eb('cases.received_by', '=', actor.id)]);
}

const SORT_COLUMN = { '-receivedAt': 'received_at', receivedAt: 'received_at', '-updatedAt': 'updated_at' } as const;

/**
 * The queue and case lists. Every filter combination the UI offers is served by an index that
 * ends in (sort column, id), and pages are keyset (no OFFSET), so a deep page costs what page 1 does.
 */
export async function listCases(ctx: Ctx, f: CaseFilter, actor: Actor): Promise<Page<CaseListItem>> {
  const sort = f.sort ?? '-receivedAt';
  const col = SORT_COLUMN[sort];
  const desc = sort.startsWith('-');
  let q = ctx.db.selectFrom('cases').selectAll('cases');
  const visible = visibleCases(actor);
  if (visible) q = q.where(visible);
  if (f.status?.length) q = q.where('cases.status', 'in', f.status);
  if (f.type?.length) q = q.where('cases.type', 'in', f.type);
  if (f.priority?.length) q = q.where('cases.priority', 'in', f.priority);
  if (f.channel?.length) q = q.where('cases.channel', 'in', f.channel);
  if (f.teamId) q = q.where('cases.team_id', '=', f.teamId);
  if (f.assigneeId === 'none') q = q.where('cases.assignee_id', 'is', null);
  else if (f.assigneeId) q = q.where('cases.assignee_id', '=', f.assigneeId === 'me' ? actor.id : f.assigneeId);
  if (f.customerId) q = q.where('cases.customer_id', '=', f.customerId);
  if (f.complaintGrade) q = q.where('cases.complaint_grade', '=', f.complaintGrade);
  if (f.isRepeat !== undefined) q = q.where('cases.is_repeat', '=', f.isRepeat ? 1 : 0);
  if (f.receivedFrom !== undefined) q = q.where('cases.received_at', '>=', f.receivedFrom);
  if (f.receivedTo !== undefined) q = q.where('cases.received_at', '<', f.receivedTo);
  if (f.q?.trim()) {
    const term = f.q.trim();
    if (/^SL-\d{8}-\d{4,}$/i.test(term)) q = q.where('cases.number', '=', term.toUpperCase());
    else {
      const match = sort === '-receivedAt' ? ctx.ops.ftsMatch?.(term) : undefined;
      if (match) return searchNewestFirst(ctx, q, match, f, actor);
      const cond = ctx.ops.searchCondition(term);
      if (cond === null || match === null) return { items: [], nextCursor: null };
      return finishPage(ctx, f, actor, col, await searchByWalking(ctx, q, cond, term, f, col, desc));
    }
  }
  if (f.cursor) q = after(q, col, desc, decodeCursor(f.cursor));
  return finishPage(ctx, f, actor, col, await ordered(q, col, desc).limit(f.limit + 1).execute());
}

type CaseQuery = SelectQueryBuilder<Database, 'cases', CasesTable>;
type SortColumn = (typeof SORT_COLUMN)[CaseSort];
type AnyCaseQuery<O = any> = SelectQueryBuilder<Database, 'cases', O>;

// a row-value comparison is one index range on both databases (an OR of two is not)
function after<Q extends AnyCaseQuery>(q: Q, col: SortColumn, desc: boolean, c: { v: unknown; id: string }): Q {
  const key = sql`(${sql.ref(`cases.${col}`)}, cases.id)`;
  return q.where(desc ? sql<boolean>`${key} < (${Number(c.v)}, ${c.id})` : sql<boolean>`${key} > (${Number(c.v)}, ${c.id})`) as Q;
}

const ordered = <Q extends AnyCaseQuery>(q: Q, col: SortColumn, desc: boolean): Q => {
  const dir = desc ? 'desc' : 'asc';
  return q.orderBy(`cases.${col}`, dir).orderBy('cases.id', dir) as Q;
};

/**
 * How far a search walks the list in order before it asks the text index for every match instead:
 * at most `chunks` chunks of at most `chunk` keys; after the first, a chunk is sized to what the
 * page still needs at the rate of matches so far (half as many again, at least `minChunk`).
 * SQLite's walk (searchNewestFirst) reads a page and `lateSlack` matches more at first, then
 * steps of up to `chunk`. The budget (`chunk` × `chunks`) and `maxMatches` together decide which
 * words fall to the slow path (every match, then sorted): those the budget finds fewer than a page
 * of, yet more than `maxMatches` in all; with 6,000 and 20,000, none below ~2.3M cases. Chunks of
 * 1,000 rather than 2,000 halved a common word's search on PostgreSQL at 1M cases (in process,
 * 17-20 against 7-9 ms).
 */
export const SEARCH_WALK = { chunk: 1000, chunks: 6, minChunk: 200, maxMatches: 20_000, lateSlack: 8 };

/**
 * A text search in list order (on PostgreSQL every order; on SQLite those but newest received
 * first, which searchNewestFirst walks from the text index itself). Fetching every match and
 * sorting them costs what the matches number (a common word: 20,000 of 1,000,000 cases, ~300 ms),
 * and the planner cannot tell a common phrase from a rare one (its words are correlated). So: walk
 * the list's keys in order a chunk at a time (an index-only range) and test each chunk against the
 * text index (PostgreSQL by primary key, SQLite by rowid ranges: matchingCases); common terms
 * fill a page within a chunk or two, and only the page's rows are
 * read. If they have not within SEARCH_WALK's keys, the rest of the page comes from the text
 * index (the matches are then few, and fetching and sorting them is cheap). Same order, same keyset.
 */
async function searchByWalking(ctx: Ctx, q: CaseQuery, cond: RawBuilder<boolean>, term: string, f: CaseFilter, col: SortColumn, desc: boolean): Promise<CasesTable[]> {
  const want = f.limit + 1;
  const idKeys = q.clearSelect().select(['cases.id', `cases.${col}`]);
  const keys = ctx.ops.walkByRowid ? idKeys.select(sql<number>`cases.rowid`.as('rk')) : idKeys;
  const hits: string[] = [];
  const budget = SEARCH_WALK.chunk * SEARCH_WALK.chunks;
  let cursor: { v: unknown; id: string } | null = f.cursor ? decodeCursor(f.cursor) : null;
  let walked = false;
  let seen = 0;
  let size = SEARCH_WALK.chunk;
  for (let i = 0; i < SEARCH_WALK.chunks && hits.length < want; i++) {
    const chunk = (await ordered(cursor ? after(keys, col, desc, cursor) : keys, col, desc).limit(size).execute()) as Array<WalkKey & Record<SortColumn, number>>;
    const matching = await ctx.ops.matchingCases(ctx.db, term, chunk);
    for (const c of chunk) if (matching.has(c.id) && hits.push(c.id) >= want) break;
    seen += chunk.length;
    if (chunk.length < size) walked = true; // the whole list was walked
    if (walked || hits.length >= want) break;
    const last = chunk[chunk.length - 1]!;
    cursor = { v: last[col], id: last.id };
    // Too rare to fill the page within the budget at this rate: the text index is the quicker way to the rest.
    const rate = hits.length / seen;
    if (rate * (budget - seen) < want - hits.length) break;
    size = Math.min(SEARCH_WALK.chunk, Math.max(SEARCH_WALK.minChunk, Math.ceil(((want - hits.length) / rate) * 1.5)));
  }
  const found = hits.length ? await ordered(q.where('cases.id', 'in', hits), col, desc).execute() : [];
  if (walked || found.length >= want) return found;
  // The matches are few: take them all from the text index and read those cases by key. (Left to
  // itself, PostgreSQL guesses ~5,000 matches for any word it has no statistics on and walks the
  // whole list testing each case: 2.5 s for a word nobody wrote.) A word too common for that
  // is dense enough for the planner's walk.
  const all = await ctx.ops.allMatchingCases(ctx.db, term, SEARCH_WALK.maxMatches);
  const rest = after(q, col, desc, cursor!).where(all ? ctx.ops.caseIdIn(all) : cond);
  return [...found, ...(all?.length === 0 ? [] : await ordered(rest, col, desc).limit(want - found.length).execute())];
}

async function finishPage(ctx: Ctx, f: CaseFilter, actor: Actor, col: SortColumn, rows: CasesTable[]): Promise<Page<CaseListItem>> {
  const more = rows.length > f.limit;
  const items = rows.slice(0, f.limit);
  const last = items[items.length - 1];
  if (actor.kind === 'staff' && items.length > 0)
    await recordAuditNow(ctx, { actor, action: 'case.list', targetType: 'case', after: { count: items.length, q: f.q ?? null } });
  const deadlines = actor.kind === 'staff' ? await nextDeadlines(ctx, items) : new Map<string, NextDeadline>();
  return {
    items: items.map((c) => ({ ...toCaseView(c, actor), nextDeadline: deadlines.get(c.id) ?? null })),
    nextCursor: more && last ? encodeCursor({ v: last[col], id: last.id }) : null,
  };
}

/**
 * Each listed open case's next deadline (the queue's "time left"), in one query for the page: its
 * timers still open (not met; elapsed_minutes is set when one completes, breached or not), by
 * the index on case_targets (case_id, kind). Resolved and closed cases are not asked about. The
 * timer due first, unless all are paused: then the one with the least business time left.
 */
async function nextDeadlines(ctx: Ctx, cases: CasesTable[]): Promise<Map<string, NextDeadline>> {
  const out = new Map<string, NextDeadline>();
  const ids = cases.filter((c) => (OPEN_STATUSES as readonly string[]).includes(c.status)).map((c) => c.id);
  if (ids.length === 0) return out;
  const rows = await ctx.db
    .selectFrom('case_targets')
    .select(['id', 'case_id', 'kind', 'state', 'warned', 'due_at', 'budget_minutes', 'consumed_minutes'])
    .where('case_id', 'in', ids)
    .where('state', 'in', ['running', 'paused', 'breached'])
    .where('met_at', 'is', null)
    .where('elapsed_minutes', 'is', null)
    .execute();
  const now = ctx.clock.now();
  const rank = (d: NextDeadline) => (d.dueAt === null ? [1, d.pausedMinutesLeft ?? 0] : [0, d.dueAt]);
  const sooner = (a: NextDeadline, b: NextDeadline) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0]! < rb[0]! || (ra[0] === rb[0] && (ra[1]! < rb[1]! || (ra[1] === rb[1] && a.targetId < b.targetId)));
  };
  for (const t of rows) {
    const paused = t.state === 'paused';
    const d: NextDeadline = {
      targetId: t.id,
      kind: t.kind,
      state: paused ? 'paused' : t.state === 'breached' || now > t.due_at ? 'breached' : t.warned > 0 ? 'warned' : 'running',
      dueAt: paused ? null : t.due_at,
      pausedMinutesLeft: paused ? Math.round(Math.max(0, t.budget_minutes - t.consumed_minutes) * 100) / 100 : null,
    };
    const had = out.get(t.case_id);
    if (!had || sooner(d, had)) out.set(t.case_id, d);
  }
  return out;
}

export interface QueueCounts {
  byStatus: Record<string, number>;
  mine: number;
  unassigned: number;
}

/** Counts of the open work only: served by the status indexes, never by a scan of closed history. */
export async function queueCounts(ctx: Ctx, actor: Actor, teamId?: string): Promise<QueueCounts> {
  let q = ctx.db.selectFrom('cases').select(['status', sql<number>`count(*)`.as('n')]).where('status', 'in', OPEN_STATUSES);
  if (teamId) q = q.where('team_id', '=', teamId);
  const rows = await q.groupBy('status').execute();
  const byStatus = Object.fromEntries(STATUSES.filter((s) => OPEN_STATUSES.includes(s)).map((s) => [s, 0])) as Record<string, number>;
  for (const r of rows) byStatus[r.status] = Number(r.n);
  const mine = await ctx.db
    .selectFrom('cases')
    .select(sql<number>`count(*)`.as('n'))
    .where('assignee_id', '=', actor.id)
    .where('status', 'in', OPEN_STATUSES)
    .executeTakeFirstOrThrow();
  let un = ctx.db.selectFrom('cases').select(sql<number>`count(*)`.as('n')).where('status', 'in', ['new', 'reopened']).where('assignee_id', 'is', null);
  if (teamId) un = un.where('team_id', '=', teamId);
  const unassigned = await un.executeTakeFirstOrThrow();
  return { byStatus, mine: Number(mine.n), unassigned: Number(unassigned.n) };
}

/**
 * SQLite search in list order (received time, then id, newest first). Walks the full-text matches
 * from the most recently recorded case backwards (FTS5's rowid order) and stops as soon as no
 * older-recorded match can still make the page: every case recorded at or before a row was
 * received at or before that row's `received_max` (migration 2026_12_06_0900). Cases are mostly
 * recorded as they are received, so a word found in a tenth of a million cases costs what a rare
 * one does; a case entered late for an earlier call (a backdated receivedAt) still lands where
 * the list puts it.
 */
async function searchNewestFirst(ctx: Ctx, base: SelectQueryBuilder<Database, 'cases', CasesTable>, match: string, f: CaseFilter, actor: Actor): Promise<Page<CaseListItem>> {
  // case_fts is an FTS5 virtual table outside the typed schema: this one query is built untyped.
  const untyped = base as unknown as SelectQueryBuilder<any, any, any>;
  let q = untyped
    .innerJoin(sql`case_fts`.as('case_fts'), (j: JoinBuilder<any, any>) => j.on(sql<boolean>`case_fts.rowid = cases.rowid`))
    .select([sql<number>`case_fts.rowid`.as('search_rowid'), sql<number | null>`cases.received_max`.as('search_bound')])
    .where(sql<boolean>`case_fts MATCH ${match}`);
  if (f.cursor) q = after(q, 'received_at', true, decodeCursor(f.cursor));
  type Walked = CasesTable & { search_rowid: number; search_bound: number | null };
  const want = f.limit + 1;
  const page: Walked[] = []; // the best `want` so far, in list order
  const before = (a: Walked, b: Walked) => a.received_at > b.received_at || (a.received_at === b.received_at && a.id > b.id);
  let below: number | null = null;
  let chunk = want + SEARCH_WALK.lateSlack;
  walk: for (;;) {
    const step = below === null ? q : q.where(sql<boolean>`case_fts.rowid < ${below}`);
    const rows = (await step.orderBy(sql`case_fts.rowid`, 'desc').limit(chunk).execute()) as Walked[];
    for (const r of rows) {
      // r and every match recorded before it were received at or before r's bound
      if (page.length === want && (r.search_bound ?? Infinity) < page[want - 1]!.received_at) break walk;
      let i = page.length;
      while (i > 0 && before(r, page[i - 1]!)) i--;
      if (i < want) {
        page.splice(i, 0, r);
        if (page.length > want) page.pop();
      }
    }
    if (rows.length < chunk) break;
    below = rows[rows.length - 1]!.search_rowid;
    chunk = Math.min(chunk * 4, SEARCH_WALK.chunk);
  }
  return finishPage(ctx, f, actor, 'received_at', page.map(({ search_rowid: _r, search_bound: _b, ...c }) => c as CasesTable));
}
