import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { hashString, Rng } from '../../seed/prng.ts';
import { lowScoreCaseIds } from '../surveys/index.ts';

/**
 * Sampling (SPEC 7): per agent per period, a count or a percentage of the agent's resolved or
 * closed cases, stratified by case type, always including the agent's complaints and any case a
 * "must include" provider names. Pure, and deterministic for a plan's seed, period and agent.
 */

export interface Period {
  key: string;
  from: number;
  to: number;
}

/** The week (ISO, Monday first) or month holding `date` (YYYY-MM-DD) in the centre's zone: [from, to). */
export function periodOf(kind: 'week' | 'month', date: string, zone: string): Period {
  const d = DateTime.fromISO(date, { zone });
  if (!d.isValid) throw new RangeError(`not a date: ${date}`);
  const start = d.startOf(kind === 'week' ? 'week' : 'month');
  const end = start.plus(kind === 'week' ? { weeks: 1 } : { months: 1 });
  const key = kind === 'week' ? `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}` : start.toFormat('yyyy-MM');
  return { key, from: start.toMillis(), to: end.toMillis() };
}

/** The period before the one holding `now`: the one a draw looks at by default (its cases are done). */
export function previousPeriod(kind: 'week' | 'month', now: number, zone: string): Period {
  const d = DateTime.fromMillis(now, { zone }).minus(kind === 'week' ? { weeks: 1 } : { months: 1 });
  return periodOf(kind, d.toISODate()!, zone);
}

/**
 * "Must include" providers: other modules name cases a plan always samples for an agent and a
 * period (the surveys module: its low-CSAT cases, wired here). Each returns case ids; the plan
 * keeps those of the agent's population. `db` is the draw's transaction: read through it (on
 * SQLite the transaction holds the only connection).
 */
export interface MustIncludeProvider {
  /** Recorded as the task's sample reason. */
  name: string;
  caseIds(ctx: Ctx, q: { db: Kysely<Database>; agentId: string; from: number; to: number }): Promise<string[]>;
}
/**
 * Cases with a dissatisfied survey answer (SPEC 7: low-CSAT cases are always inspected). A case of
 * the period is surveyed on resolution, so its answer may come after the period ends: any answer
 * from the period's start on counts.
 */
const lowCsatProvider: MustIncludeProvider = { name: 'low_csat', caseIds: (ctx, q) => lowScoreCaseIds(q.db, q.from, ctx.clock.now() + 1) };
const providers: MustIncludeProvider[] = [lowCsatProvider];
export function registerMustIncludeProvider(p: MustIncludeProvider): void {
  if (!providers.some((x) => x.name === p.name)) providers.push(p);
}
export const mustIncludeProviders = (): readonly MustIncludeProvider[] => providers;

export interface PopulationCase {
  id: string;
  type: string;
}
export interface Drawn {
  caseId: string;
  /** complaint, a provider's name, or random */
  reason: string;
}

/** How many cases a plan asks of a population: a count (at most the population), or a percentage rounded up. */
export const targetSize = (mode: 'count' | 'percent', amount: number, population: number): number =>
  mode === 'count' ? Math.min(amount, population) : Math.ceil((population * amount) / 100);

/**
 * The sample of one agent's population: every complaint and every provider's case first, then
 * random cases up to the target, spread over the case types in proportion to their share of the
 * rest (largest remainder; ties to the type that sorts first), each type's pick a seeded shuffle
 * of its cases in id order. `random: false` leaves the random part out (a second draw of the
 * period only adds must-include cases that appeared since).
 */
export function drawSample(population: readonly PopulationCase[], must: ReadonlyMap<string, string>, target: number, seed: string, random = true): Drawn[] {
  const byId = new Set(population.map((c) => c.id));
  const out: Drawn[] = [];
  for (const c of [...population].sort((a, b) => (a.id < b.id ? -1 : 1))) if (c.type === 'complaint') out.push({ caseId: c.id, reason: 'complaint' });
  for (const [caseId, reason] of [...must].sort(([a], [b]) => (a < b ? -1 : 1)))
    if (byId.has(caseId) && !out.some((d) => d.caseId === caseId)) out.push({ caseId, reason });
  if (!random) return out;
  const taken = new Set(out.map((d) => d.caseId));
  const rest = population.filter((c) => !taken.has(c.id));
  const quota = Math.min(Math.max(0, target - out.length), rest.length);
  if (quota === 0) return out;
  const strata = new Map<string, string[]>();
  for (const c of rest) (strata.get(c.type) ?? strata.set(c.type, []).get(c.type)!).push(c.id);
  const types = [...strata.keys()].sort();
  const exact = types.map((t) => (strata.get(t)!.length * quota) / rest.length);
  const alloc = exact.map(Math.floor);
  let left = quota - alloc.reduce((s, n) => s + n, 0);
  const order = types.map((_, i) => i).sort((a, b) => exact[b]! - alloc[b]! - (exact[a]! - alloc[a]!) || a - b);
  for (const i of order) {
    if (left === 0) break;
    alloc[i]!++;
    left--;
  }
  const rng = new Rng(hashString(seed));
  types.forEach((t, i) => {
    const ids = rng.fork(t).shuffle([...strata.get(t)!].sort());
    for (const caseId of ids.slice(0, alloc[i]!)) out.push({ caseId, reason: 'random' });
  });
  return out;
}
