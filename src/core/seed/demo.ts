import { sql } from 'kysely';
import type { Ctx } from '../context.ts';
import { systemActor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import { createRoutingRule } from '../modules/routing/index.ts';
import { createUser, updateUser } from '../modules/users/index.ts';
import { seedBase, type BaseSeed } from './base-seed.ts';
import type { CatCode } from './demo-content.ts';
import { loadDemoHistory, staffActor, type HistorySummary } from './demo-data.ts';
import { loadDemoFieldService } from './demo-fieldservice.ts';
import { loadDemoSurveys } from './demo-surveys.ts';
import { loadDemoImprovement } from './demo-improvement.ts';
import { loadDemoFollowups } from './demo-followups.ts';
import { loadDemoKnowledge } from './demo-knowledge.ts';
import { loadDemoQuality } from './demo-quality.ts';
import { loadDemoScorecards } from './demo-scorecards.ts';
import { loadDemoTraining } from './demo-training.ts';
import { loadDemoCustomerProfiles } from './demo-customers.ts';
import { DAY } from './demo-time.ts';
import { claimDemo, DEMO_HEARTBEAT_MS, demoHeartbeat, DemoInterrupted, finishDemo } from './demo-state.ts';

export const DEMO_PASSWORD = 'serviceloop-demo';

export interface DemoOptions {
  log?: ((s: string) => void) | undefined;
  /** Cases over the history (default 3,000). */
  cases?: number | undefined;
  /** Customers created up front (default 300; the intake adds a few new contacts). */
  customers?: number | undefined;
  /** Days of history ending now (default 90). */
  days?: number | undefined;
  /** PRNG seed (default fixed): the same seed and "now" give the same data. */
  seed?: number | undefined;
  /** Operations in flight at once on PostgreSQL (default 6; SQLite always runs one at a time). */
  concurrency?: number | undefined;
  /** Run the commitments timer sweep through the history (default true). */
  sweeps?: boolean | undefined;
  /** Stops the load between steps; loadDemo then throws DemoInterrupted and the next --demo start loads it again. */
  signal?: AbortSignal | undefined;
}

export const DEMO_DEFAULTS = { cases: 3000, customers: 300, days: 90, seed: 20261123 } as const;

/**
 * Base organisation plus demo history: a few more agents, ~300 customers (three with portal
 * accounts) and a few thousand cases over the last 90 days, each taken through its life by the
 * real services with the clock moved to the moment of every step. Its progress is recorded in
 * seed_state (see demo-state.ts), so a load cut short is found and redone by the next start.
 */
export async function loadDemo(ctx: Ctx, opts: DemoOptions = {}): Promise<BaseSeed & { history: HistorySummary }> {
  const now = ctx.clock.now();
  if (!(await claimDemo(ctx, now))) throw new Error('demo data: another process is loading it into this database');
  const beat = setInterval(() => void demoHeartbeat(ctx).catch(() => undefined), DEMO_HEARTBEAT_MS);
  beat.unref();
  try {
    const loaded = await loadDemoData(ctx, now, opts);
    await finishDemo(ctx, 'ready');
    return loaded;
  } catch (err) {
    await finishDemo(ctx, err instanceof DemoInterrupted ? 'interrupted' : 'failed').catch(() => undefined);
    throw err;
  } finally {
    clearInterval(beat);
  }
}

async function loadDemoData(ctx: Ctx, now: number, opts: DemoOptions): Promise<BaseSeed & { history: HistorySummary }> {
  const started = Date.now();
  const stopped = () => {
    if (opts.signal?.aborted) throw new DemoInterrupted();
  };
  const days = opts.days ?? DEMO_DEFAULTS.days;
  // The organisation existed a month before the history starts.
  const orgAt = now - (days + 30) * DAY;
  const at = (t: number): Ctx => ({ ...ctx, clock: new ManualClock(t) });

  const base = await seedBase(at(orgAt), DEMO_PASSWORD);
  stopped();
  const sys = systemActor('seed');
  const mk = (email: string, name: string, teamId: string, skills: string[] = []) =>
    createUser(at(orgAt + 3_600_000), { email, name, role: 'agent', password: DEMO_PASSWORD, teamId, languages: ['zh', 'en'], skills }, sys);
  // (Concurrently: the password hashing runs off the main thread.)
  [base.users.agent4, base.users.agent5, base.users.tech2] = await Promise.all([
    mk('agent4@serviceloop.local', '刘洋 Agent Liu', base.teams.frontline!),
    mk('agent5@serviceloop.local', '黄婷 Agent Huang', base.teams.frontline!),
    mk('tech2@serviceloop.local', '何工 Technician He', base.teams.aftersales!, [DEMO_REPAIR_SKILL]),
  ]);
  base.users.tech = await updateUser(at(orgAt + 3_600_000), base.users.tech!.id, { skills: [DEMO_REPAIR_SKILL] }, sys);
  await sampleRoutingRules(at(orgAt + 3_600_000), base.teams);
  opts.log?.('demo organisation created');
  stopped();

  const u = base.users;
  const staff = {
    frontline: [u.agent!, u.agent2!, u.agent4!, u.agent5!].map(staffActor),
    english: staffActor(u.agent3!),
    techs: [u.tech!, u.tech2!].map(staffActor),
    supervisor: staffActor(u.supervisor!),
    aftersalesSupervisor: staffActor(u.supervisor2!),
    manager: staffActor(u.manager!),
    teams: { centre: base.teams.centre!, frontline: base.teams.frontline!, aftersales: base.teams.aftersales! },
  };
  const cats = await ctx.db.selectFrom('categories').select(['id', 'code']).execute();
  const categories = Object.fromEntries(cats.map((c) => [c.code, c.id])) as Record<CatCode, string>;
  for (const code of ['product', 'delivery', 'billing', 'staff', 'process', 'repair', 'account', 'other'] as const)
    if (!categories[code]) throw new Error(`demo data: the base category ${code} is missing`);

  const history = await withFastCommits(ctx, () => loadDemoHistory(ctx, staff, categories, {
    cases: opts.cases ?? DEMO_DEFAULTS.cases,
    customers: opts.customers ?? DEMO_DEFAULTS.customers,
    seed: opts.seed ?? DEMO_DEFAULTS.seed,
    days,
    password: DEMO_PASSWORD,
    concurrency: ctx.ops.concurrentTransactions ? (opts.concurrency ?? 6) : 1,
    sweeps: opts.sweeps ?? true,
    log: opts.log,
    signal: opts.signal,
  }));
  // `opts.log?.(`${await load()}`)` would skip the load itself when no log is given (optional call: its arguments are not evaluated)
  const say = (line: string): void => opts.log?.(line);
  say(`demo surveys: ${await loadDemoSurveys(ctx, now, opts.seed ?? DEMO_DEFAULTS.seed, staff.manager)} answered`);
  say(`demo problem records: ${await loadDemoImprovement(ctx, now, staff.manager, staff.supervisor, staff.frontline[0]!)}`);
  say(`demo follow-ups: ${await loadDemoFollowups(ctx, now, opts.seed ?? DEMO_DEFAULTS.seed, [...staff.frontline, staff.english, ...staff.techs, staff.supervisor, staff.aftersalesSupervisor], staff.manager)}`);
  say(`demo knowledge base: ${await loadDemoKnowledge(ctx, now, days, categories, { writers: [...staff.frontline, ...staff.techs], english: staff.english, publisher: staff.supervisor })} articles`);
  say(`demo quality inspections: ${await loadDemoQuality(ctx, now, { manager: staff.manager, inspector: staffActor(u.inspector!), frontlineTeamId: staff.teams.frontline, appealAgentId: u.agent!.id })} scored`);
  say(`demo supervision assessment: ${await loadDemoScorecards(ctx, now, u, { admin: staffActor(u.admin!), director: staffActor(u.director!), centreId: staff.teams.centre, aftersalesId: staff.teams.aftersales })} points`);
  say(`demo customer profiles: ${await loadDemoCustomerProfiles(ctx, now, opts.seed ?? DEMO_DEFAULTS.seed, staff.frontline, staff.manager)}`);
  say(`demo field service: ${await loadDemoFieldService(ctx, now, { agent: staff.frontline[0]!, dispatcher: staff.aftersalesSupervisor, techs: staff.techs })}`);
  const handlers = Object.values(u).filter((x) => ['agent', 'supervisor', 'manager', 'director'].includes(x.role));
  say(`demo training: ${await loadDemoTraining(ctx, now, staffActor(u.admin!), handlers, categories)} certificates`);
  const statuses = Object.entries(history.byStatus)
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  opts.log?.(`demo history loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${history.customers} customers, ${history.cases} cases (${statuses})`);
  opts.log?.(`demo logins (password ${DEMO_PASSWORD}):`);
  const staffLogins = ['director', 'manager', 'supervisor', 'supervisor2', 'agent', 'agent2', 'agent3', 'agent4', 'agent5', 'tech', 'tech2', 'inspector', 'admin'];
  for (const k of staffLogins) {
    const v = u[k];
    if (v) opts.log?.(`  ${v.email.padEnd(32)} ${v.name} (${v.role})`);
  }
  for (const p of history.portal) opts.log?.(`  ${p.email.padEnd(32)} ${p.name} (customer portal)`);
  return { ...base, history };
}

/** The technicians' skill the sample on-site repair rule asks for. */
export const DEMO_REPAIR_SKILL = '上门维修';

/**
 * Two routing rules (SPEC 3) to show the feature, both disabled: the demo's cases are not routed
 * (the history is never routed anyway), and the README's walk-through (an agent takes the case
 * they just logged) is unchanged. An admin enables them under Settings / routing or with
 * PATCH /api/v1/routing/rules/:id {"enabled": true}.
 */
async function sampleRoutingRules(ctx: Ctx, teams: Record<string, string>): Promise<void> {
  const sys = systemActor('seed');
  await createRoutingRule(
    ctx,
    {
      name: '示例：英文咨询轮流分给一线服务组',
      enabled: false,
      conditions: { types: ['inquiry'], languages: ['en'] },
      teamId: teams.frontline!,
      strategy: 'round_robin',
      matchLanguage: true,
    },
    sys,
  );
  await createRoutingRule(
    ctx,
    {
      name: '示例：上门维修按最少在办分派',
      enabled: false,
      conditions: { types: ['service_request'] },
      teamId: teams.aftersales!,
      strategy: 'least_loaded',
      requiredSkills: [DEMO_REPAIR_SKILL],
    },
    sys,
  );
}

/**
 * SQLite: the history is thousands of small transactions, and with synchronous=FULL each commit
 * waits for the disk. While the demo loads (nothing to lose yet), commits use NORMAL - in WAL
 * mode still atomic and consistent, only the last commits could be lost to a power cut - and the
 * WAL is checkpointed every ~40 MB instead of every 4 MB. The connection's settings are restored
 * afterwards and the WAL folded into the database.
 */
async function withFastCommits<T>(ctx: Ctx, fn: () => Promise<T>): Promise<T> {
  if (ctx.ops.name !== 'sqlite') return fn();
  const int = (v: unknown, lo: number, hi: number, dflt: number) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= lo && n <= hi ? n : dflt;
  };
  const sync = int((await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(ctx.db)).rows[0]?.synchronous, 0, 3, 2);
  const ckpt = int((await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(ctx.db)).rows[0]?.wal_autocheckpoint, 0, 1e9, 1000);
  await sql`PRAGMA synchronous = NORMAL`.execute(ctx.db);
  await sql`PRAGMA wal_autocheckpoint = 10000`.execute(ctx.db);
  try {
    return await fn();
  } finally {
    await sql.raw(`PRAGMA synchronous = ${sync}`).execute(ctx.db);
    await sql.raw(`PRAGMA wal_autocheckpoint = ${ckpt}`).execute(ctx.db);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(ctx.db);
  }
}
