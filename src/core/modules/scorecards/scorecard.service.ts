import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { forbidden, invalid, notFound } from '../../shared/errors.ts';
import { agentCaseIds, agentCountsBetween, analyticsSummary, type AgentCounts, type AgentFigure } from '../analytics/index.ts';
import { qualityReport } from '../quality/index.ts';
import { surveyReportsByAgent } from '../surveys/index.ts';
import { cardScope, seesCard } from './access.ts';
import { scorecardConfig } from './config.ts';
import { casesWeighted, csatPoints, firstResponsePoints, qaPoints, ranks, ratePoints, round2, weightedTotal } from './normalise.ts';
import { INDICATORS, type AgentCard, type Indicator, type PeriodQuery, type Rollup, type ScorecardReport } from './scorecard.schemas.ts';

/** The centre's zone, Asia/Shanghai: UTC+8 all year (no daylight saving). */
const ZONE_MS = 8 * 3_600_000;

/** [from, to) of a month in the centre's zone, of explicit instants, or of the current month. */
export function scorecardPeriod(now: number, q: PeriodQuery): { from: number; to: number } {
  if (q.from !== undefined || q.to !== undefined) {
    if (q.from === undefined || q.to === undefined || q.from >= q.to) throw invalid('scorecard_bad_period', 'Give a month, or both from and to with from before to.');
    return { from: q.from, to: q.to };
  }
  let y: number;
  let m: number;
  if (q.month) [y, m] = q.month.split('-').map(Number) as [number, number];
  else {
    const d = new Date(now + ZONE_MS);
    y = d.getUTCFullYear();
    m = d.getUTCMonth() + 1;
  }
  return { from: Date.UTC(y, m - 1, 1) - ZONE_MS, to: Date.UTC(y, m, 1) - ZONE_MS };
}

const NO_COUNTS: AgentCounts = { received: 0, resolved: 0, fcr: 0, closedCounted: 0, solved: 0 };
const NO_SURVEYS = { answered: 0, csatMean: null, byScale: [] } as const;
const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

/**
 * Agent scorecards of a period (SPEC 7) from SPEC 8's figures as the other reports compute them:
 * counts and first-response medians from the analytics read models (agent = the case's assignee),
 * CSAT from the survey report (agent at the resolution), QA from the quality report (final scores
 * after appeals). Cards for every active agent and any former agent with a figure (leads are not
 * ranked with the agents they lead), as the viewer may see them.
 */
export async function scorecards(ctx: Ctx, q: PeriodQuery, actor: Actor): Promise<ScorecardReport> {
  if (actor.kind !== 'staff') throw forbidden();
  const { from, to } = scorecardPeriod(ctx.clock.now(), q);
  const [config, scope, counts, summary, quality, surveys, users, teams] = await Promise.all([
    scorecardConfig(ctx),
    cardScope(ctx, actor),
    agentCountsBetween(ctx, from, to),
    analyticsSummary(ctx, { from, to, groupBy: 'agent' }),
    qualityReport(ctx, { from, to }),
    surveyReportsByAgent(ctx, { from, to }),
    ctx.db.selectFrom('users').select(['id', 'name', 'role', 'post', 'team_id', 'active']).where('role', 'not in', ['customer', 'integration']).execute(),
    ctx.db.selectFrom('teams').select(['id', 'name', 'parent_id', 'kind']).execute(),
  ]);
  const firstResponse = new Map((summary.breakdown?.rows ?? []).filter((r) => r.key !== null).map((r) => [r.key!, r.firstResponse]));
  const qa = new Map(quality.agents.map((a) => [a.agentId, a]));
  const teamOf = new Map(teams.map((t) => [t.id, t]));
  const departmentOf = (teamId: string | null) => {
    for (let t = teamId ? teamOf.get(teamId) : undefined, hops = 0; t && hops < 20; t = t.parent_id ? teamOf.get(t.parent_id) : undefined, hops++)
      if (t.kind === 'department') return t;
    return undefined;
  };
  const withFigures = new Set([...counts.keys(), ...firstResponse.keys(), ...qa.keys(), ...surveys.keys()]);
  const people = users
    // agents only: a supervisor or manager who took a few cases themselves is not ranked against
    // the agents they lead (5 cases at 100 points would top a table of 200-case agents)
    .filter((u) => u.role === 'agent' && (u.active === 1 || withFigures.has(u.id)))
    .filter((u) => seesCard(scope, { id: u.id, teamId: u.team_id }))
    .sort((a, b) => a.name.localeCompare(b.name));

  const cards: AgentCard[] = [];
  for (const u of people) {
    const c = counts.get(u.id) ?? NO_COUNTS;
    const survey = surveys.get(u.id) ?? NO_SURVEYS;
    const fr = firstResponse.get(u.id);
    const qaMean = qa.get(u.id)?.meanScore ?? null;
    const resolutionRate = ratio(c.solved, c.closedCounted);
    const fcr = ratio(c.fcr, c.resolved);
    const figures: Record<Indicator, { value: number | null; basis: number; points: number | null }> = {
      csat: { value: survey.csatMean, basis: survey.answered, points: csatPoints(survey.byScale) },
      resolutionRate: { value: resolutionRate, basis: c.closedCounted, points: ratePoints(resolutionRate) },
      fcr: { value: fcr, basis: c.resolved, points: ratePoints(fcr) },
      firstResponse: { value: fr?.medianMinutes ?? null, basis: fr?.cases ?? 0, points: firstResponsePoints(fr?.medianMinutes ?? null, config) },
      qa: { value: qaMean, basis: qa.get(u.id)?.inspections ?? 0, points: qaPoints(qaMean) },
    };
    const indicators = Object.fromEntries(
      INDICATORS.map((k) => [k, { ...figures[k], points: figures[k].points === null ? null : round2(figures[k].points!), weight: config.weights[k] }]),
    ) as AgentCard['indicators'];
    const team = u.team_id ? teamOf.get(u.team_id) : undefined;
    const dept = departmentOf(u.team_id);
    cards.push({
      agentId: u.id,
      agentName: u.name,
      role: u.role,
      post: u.post,
      teamId: u.team_id,
      teamName: team?.name ?? null,
      departmentId: dept?.id ?? null,
      departmentName: dept?.name ?? null,
      cases: c.received,
      counts: c,
      indicators,
      total: weightedTotal(INDICATORS.map((k) => ({ points: figures[k].points, weight: config.weights[k] }))),
      rank: null,
    });
  }
  const r = ranks(cards.map((c) => c.total));
  cards.forEach((c, i) => (c.rank = r[i]!));
  cards.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.agentName.localeCompare(b.agentName));

  const rollupBy = (key: (c: AgentCard) => string | null, name: (c: AgentCard) => string | null): Rollup[] => {
    const groups = new Map<string | null, AgentCard[]>();
    for (const c of cards) groups.set(key(c), [...(groups.get(key(c)) ?? []), c]);
    return [...groups]
      .map(([k, g]) => ({ key: k, name: name(g[0]!), agents: g.length, cases: g.reduce((s, c) => s + c.cases, 0), total: casesWeighted(g) }))
      .sort((a, b) => (b.total ?? -1) - (a.total ?? -1) || String(a.name).localeCompare(String(b.name)));
  };
  return {
    from,
    to,
    config,
    scope: scope.kind,
    agents: cards,
    byTeam: rollupBy((c) => c.teamId, (c) => c.teamName),
    byDepartment: rollupBy((c) => c.departmentId, (c) => c.departmentName),
    byPost: rollupBy((c) => c.post, (c) => c.post),
  };
}

/** The cases behind one of an agent's counts, for a viewer who may see the agent's card. */
export async function scorecardCases(ctx: Ctx, agentId: string, q: PeriodQuery & { figure: AgentFigure }, actor: Actor) {
  if (actor.kind !== 'staff') throw forbidden();
  const { from, to } = scorecardPeriod(ctx.clock.now(), q);
  const agent = await ctx.db.selectFrom('users').select(['id', 'team_id']).where('id', '=', agentId).executeTakeFirst();
  if (!agent) throw notFound('user', agentId);
  if (!seesCard(await cardScope(ctx, actor), { id: agent.id, teamId: agent.team_id })) throw forbidden("You may not see this agent's scorecard.");
  return { agentId, figure: q.figure, from, to, caseIds: await agentCaseIds(ctx, from, to, agentId, q.figure) };
}
