import { sql, type Expression, type SqlBool } from 'kysely';
import type { Ctx } from '../../context.ts';
import { SURVEY_DIMENSIONS, type SurveyFilter, type SurveyReport } from './survey.schemas.ts';

/**
 * SPEC 8's satisfaction figures over the surveys ISSUED in [from, to) (one a resolution, so a
 * period's figures are about the cases resolved in it), optionally of a team, agent or channel (as
 * they were at the resolution):
 * - sent: issued minus those not sent (customer erased, no email); the response rate is
 *   answered / sent. A survey replaced by a later resolution's survey, or expired, stays counted as
 *   sent and unanswered: each invitation is one chance to answer.
 * - CSAT: the mean score (per scale: a mean over 1-5 and 1-10 answers together would mean
 *   nothing, so with both the top-level mean is null and byScale has each); satisfied / neutral /
 *   dissatisfied shares by each answer's scale band (1-5: 4-5, 3, 1-2; 1-10: 8-10, 5-7, 1-4) over
 *   all answers.
 * - NPS: % of 9-10 minus % of 0-6 over the answers that gave an NPS score.
 * - dimensions: the mean of each over the answers that scored it.
 */
export async function surveyReport(ctx: Ctx, f: SurveyFilter): Promise<SurveyReport> {
  let q = figuresQuery(ctx).groupBy('scale');
  if (f.from !== undefined) q = q.where('issued_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('issued_at', '<', f.to);
  if (f.teamId) q = q.where('team_id', '=', f.teamId);
  if (f.agentId) q = q.where('agent_id', '=', f.agentId);
  if (f.channel) q = q.where('channel', '=', f.channel);
  const report = toReport(f, (await q.orderBy('scale').execute()) as unknown as FigureRow[]);
  // the periodic surveys (no case, no team, agent or channel): their own line, never in the figures above
  if (f.teamId || f.agentId || f.channel) return { ...report, periodic: null };
  let p = figuresQuery(ctx, 'survey_wave_surveys').groupBy('scale');
  if (f.from !== undefined) p = p.where('issued_at', '>=', f.from);
  if (f.to !== undefined) p = p.where('issued_at', '<', f.to);
  return { ...report, periodic: toReport(f, (await p.orderBy('scale').execute()) as unknown as FigureRow[]) };
}

/** The figures of one wave's surveys (every run), as surveyReport computes them. */
export async function waveFigures(ctx: Ctx, waveId: string): Promise<SurveyReport> {
  const rows = await figuresQuery(ctx, 'survey_wave_surveys').where(sql.ref('wave_id'), '=', waveId).groupBy('scale').orderBy('scale').execute();
  return toReport({}, rows as unknown as FigureRow[]);
}

/**
 * The same report for every agent at once (one grouped query, not one per agent), by the agent at
 * the resolution, over the surveys issued in [from, to): each agent's equals surveyReport with its
 * agentId.
 */
export async function surveyReportsByAgent(ctx: Ctx, range: { from: number; to: number }): Promise<Map<string, SurveyReport>> {
  const rows = (await figuresQuery(ctx)
    .select('agent_id')
    .where('issued_at', '>=', range.from)
    .where('issued_at', '<', range.to)
    .where('agent_id', 'is not', null)
    .groupBy(['agent_id', 'scale'])
    .orderBy('scale')
    .execute()) as unknown as Array<FigureRow & { agent_id: string }>;
  const byAgent = new Map<string, FigureRow[]>();
  for (const r of rows) byAgent.set(r.agent_id, [...(byAgent.get(r.agent_id) ?? []), r]);
  return new Map([...byAgent].map(([agentId, rs]) => [agentId, toReport({ ...range, agentId }, rs)]));
}

type FigureRow = Record<string, number | string | null>;

/** The per-scale sums and counts every figure is computed from (grouped by the caller). */
function figuresQuery(ctx: Ctx, table: 'surveys' | 'survey_wave_surveys' = 'surveys') {
  // (the periodic surveys' table has the same answer columns; typed as the resolution surveys' for one query builder)
  return ctx.db.selectFrom(table as 'surveys').select((eb) => {
    const count = (cond: Array<Expression<SqlBool>>) => eb.fn.sum<number>(eb.case().when(eb.and(cond)).then(1).else(0).end());
    const sumOf = (col: 'csat' | 'attitude' | 'speed' | 'solution' | 'completeness') => eb.fn.sum<number>(eb.case().when('status', '=', 'answered').then(eb.ref(col)).else(null).end());
    return [
      'scale',
      eb.fn.countAll<number>().as('issued'),
      count([eb('status', '=', 'not_sent')]).as('not_sent'),
      count([eb('status', '=', 'answered')]).as('answered'),
      sumOf('csat').as('csat_sum'),
      count([eb('band', '=', 'satisfied')]).as('satisfied'),
      count([eb('band', '=', 'neutral')]).as('neutral'),
      count([eb('band', '=', 'dissatisfied')]).as('dissatisfied'),
      count([eb('status', '=', 'answered'), eb('nps', 'is not', null)]).as('nps_n'),
      count([eb('status', '=', 'answered'), eb('nps', '>=', 9)]).as('promoters'),
      count([eb('status', '=', 'answered'), eb('nps', '<=', 6)]).as('detractors'),
      ...SURVEY_DIMENSIONS.flatMap((d) => [sumOf(d).as(`${d}_sum`), count([eb('status', '=', 'answered'), eb(d, 'is not', null)]).as(`${d}_n`)]),
    ];
  });
}

function toReport(f: SurveyFilter, rows: FigureRow[]): SurveyReport {
  const n = (r: Record<string, unknown>, k: string) => Number(r[k] ?? 0);
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const total = (k: string) => rows.reduce((acc, r) => acc + n(r, k), 0);
  const byScale = rows
    .filter((r) => n(r, 'answered') > 0)
    .map((r) => ({
      scale: n(r, 'scale'),
      answered: n(r, 'answered'),
      csatMean: ratio(n(r, 'csat_sum'), n(r, 'answered')),
      dimensions: Object.fromEntries(SURVEY_DIMENSIONS.map((d) => [d, ratio(n(r, `${d}_sum`), n(r, `${d}_n`))])) as SurveyReport['dimensions'],
    }));
  const issued = total('issued');
  const notSent = total('not_sent');
  const answered = total('answered');
  const one = byScale.length === 1 ? byScale[0]! : null;
  const npsN = total('nps_n');
  const promoters = total('promoters');
  const detractors = total('detractors');
  const none = { attitude: null, speed: null, solution: null, completeness: null };
  return {
    from: f.from ?? null,
    to: f.to ?? null,
    issued,
    notSent,
    sent: issued - notSent,
    answered,
    responseRate: ratio(answered, issued - notSent),
    scale: one?.scale ?? null,
    csatMean: one?.csatMean ?? null,
    satisfied: total('satisfied'),
    neutral: total('neutral'),
    dissatisfied: total('dissatisfied'),
    satisfiedShare: ratio(total('satisfied'), answered),
    neutralShare: ratio(total('neutral'), answered),
    dissatisfiedShare: ratio(total('dissatisfied'), answered),
    npsAnswers: npsN,
    promoters,
    detractors,
    nps: npsN === 0 ? null : ((promoters - detractors) / npsN) * 100,
    dimensions: one?.dimensions ?? none,
    byScale,
  };
}
