import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { forbidden, invalid, notFound } from '../../shared/errors.ts';
import { assertCanSee } from '../cases/index.ts';
import { authorityOf, can } from '../users/index.ts';
import { ledTeams, maySeeInspection } from './access.ts';
import { flaggedChecks, loadFacts, runChecks } from './checks.ts';
import type { CaseQuality, FlaggedQuery, QualityReport, ReportFigures } from './quality.schemas.ts';
import { qualitySettings } from './settings.ts';

/** A case's automatic checks, and the submitted inspections of it the viewer may see. */
export async function caseQuality(ctx: Ctx, caseId: string, actor: Actor): Promise<CaseQuality> {
  if (actor.kind !== 'staff') throw forbidden();
  const c = await ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!c) throw notFound('case', caseId);
  assertCanSee(actor, c);
  const [facts] = await loadFacts(ctx.db, [c]);
  const checks = runChecks(facts!, (await qualitySettings(ctx)).forbiddenPhrases, ctx.clock.now());
  const rows = await ctx.db
    .selectFrom('quality_inspections as i')
    .innerJoin('users as s', 's.id', 'i.inspector_id')
    .leftJoin('quality_appeals as p', 'p.inspection_id', 'i.id')
    .select(['i.id', 'i.agent_id', 'i.agent_team_id', 'i.status', 'i.score', 'i.result', 'i.submitted_at', 's.name as inspector_name', 'p.status as appeal_status', 'p.adjusted_score', 'p.adjusted_result'])
    .where('i.case_id', '=', caseId)
    .where('i.status', '=', 'submitted')
    .orderBy('i.submitted_at')
    .execute();
  const led = await ledTeams(ctx.db, actor);
  return {
    caseId,
    checks,
    flagged: flaggedChecks(checks),
    inspections: rows
      .filter((r) => maySeeInspection(actor, r, led))
      .map((r) => {
        const adjusted = r.appeal_status === 'adjusted';
        return {
          id: r.id,
          score: r.score === null ? null : Number(r.score),
          finalScore: adjusted ? Number(r.adjusted_score) : r.score === null ? null : Number(r.score),
          finalResult: (adjusted ? r.adjusted_result : r.result) as 'passed' | 'failed' | null,
          submittedAt: r.submitted_at === null ? null : Number(r.submitted_at),
          inspectorName: r.inspector_name,
          appealStatus: r.appeal_status,
        };
      }),
    mayInspect: actor.role === 'inspector' && c.erased_at === null,
  };
}

/**
 * Cases received in [from, to) that fail an automatic check (or the one asked), by the agent
 * handling them (owner, else assignee). Inspectors and the director look at every case they may
 * open; other leads at the cases of the teams they lead.
 */
export async function flaggedCases(ctx: Ctx, f: FlaggedQuery, actor: Actor) {
  if (actor.kind !== 'staff') throw forbidden();
  if (f.from >= f.to) throw invalid('quality_bad_period', 'The period must end after it starts.');
  let q = ctx.db
    .selectFrom('cases as c')
    .leftJoin('users as u', (j) => j.on((eb) => eb('u.id', '=', eb.fn.coalesce('c.owner_id', 'c.assignee_id'))))
    .select(['c.id', 'c.number', 'c.subject', 'c.status', 'c.channel', 'c.received_at', 'c.owner_id', 'c.assignee_id', 'u.name as agent_name'])
    .where('c.received_at', '>=', f.from)
    .where('c.received_at', '<', f.to);
  if (!can(actor.role, 'case.read_sensitive')) q = q.where('c.sensitive', '=', 0);
  if (actor.role !== 'inspector' && authorityOf(actor.role) < 4) {
    const led = await ledTeams(ctx.db, actor);
    if (!led.length) return { scanned: 0, items: [] };
    // the cases of their teams, and those handled by a member of one
    q = q.where((eb) => eb.or([eb('c.team_id', 'in', led), eb('u.team_id', 'in', led)]));
  }
  if (f.agentId) {
    const agentId = f.agentId;
    q = q.where((eb) => eb.or([eb('c.owner_id', '=', agentId), eb.and([eb('c.owner_id', 'is', null), eb('c.assignee_id', '=', agentId)])]));
  }
  const cases = await q.orderBy('c.received_at').orderBy('c.id').execute();
  const phrases = (await qualitySettings(ctx)).forbiddenPhrases;
  const now = ctx.clock.now();
  const items = [];
  for (const facts of await loadFacts(ctx.db, cases)) {
    const flagged = flaggedChecks(runChecks(facts, phrases, now)).filter((x) => !f.check || x === f.check);
    if (!flagged.length) continue;
    const c = cases.find((x) => x.id === facts.c.id)!;
    items.push({ caseId: c.id, number: c.number, subject: c.subject, status: c.status, agentId: c.owner_id ?? c.assignee_id, agentName: c.agent_name, receivedAt: Number(c.received_at), flagged });
    if (items.length >= f.limit) break;
  }
  return { scanned: cases.length, items };
}

const empty = (): ReportFigures => ({ inspections: 0, meanScore: null, failed: 0, appeals: 0, appealsOpen: 0, upheld: 0, adjusted: 0 });

/**
 * Per agent and per team (the agent's team when inspected): inspections submitted in [from, to),
 * the mean of their final scores (after arbitration), how many finally failed, and their appeals
 * by outcome so far.
 */
export async function qualityReport(ctx: Ctx, range: { from: number; to: number }): Promise<QualityReport> {
  if (range.from >= range.to) throw invalid('quality_bad_period', 'The period must end after it starts.');
  const rows = await ctx.db
    .selectFrom('quality_inspections as i')
    .innerJoin('users as a', 'a.id', 'i.agent_id')
    .leftJoin('teams as t', 't.id', 'i.agent_team_id')
    .leftJoin('quality_appeals as p', 'p.inspection_id', 'i.id')
    .select(['i.agent_id', 'a.name as agent_name', 'i.agent_team_id', 't.name as team_name', 'i.score', 'i.result', 'p.status as appeal_status', 'p.adjusted_score', 'p.adjusted_result'])
    .where('i.status', '=', 'submitted')
    .where('i.submitted_at', '>=', range.from)
    .where('i.submitted_at', '<', range.to)
    .execute();
  const agents = new Map<string, ReportFigures & { agentId: string; agentName: string; teamId: string | null; sum: number }>();
  const teams = new Map<string, ReportFigures & { teamId: string | null; teamName: string | null; sum: number }>();
  const total = { ...empty(), sum: 0 };
  for (const r of rows) {
    const adjusted = r.appeal_status === 'adjusted';
    const score = adjusted ? Number(r.adjusted_score) : Number(r.score);
    const failed = (adjusted ? r.adjusted_result : r.result) === 'failed';
    const a = agents.get(r.agent_id) ?? agents.set(r.agent_id, { ...empty(), agentId: r.agent_id, agentName: r.agent_name, teamId: r.agent_team_id, sum: 0 }).get(r.agent_id)!;
    const tk = r.agent_team_id ?? '';
    const t = teams.get(tk) ?? teams.set(tk, { ...empty(), teamId: r.agent_team_id, teamName: r.team_name, sum: 0 }).get(tk)!;
    for (const x of [a, t, total]) {
      x.inspections++;
      x.sum += score;
      if (failed) x.failed++;
      if (r.appeal_status) x.appeals++;
      if (r.appeal_status === 'open') x.appealsOpen++;
      if (r.appeal_status === 'upheld') x.upheld++;
      if (adjusted) x.adjusted++;
    }
  }
  const done = <T extends ReportFigures & { sum: number }>({ sum, ...x }: T) => ({ ...x, meanScore: x.inspections ? Math.round((sum / x.inspections) * 100) / 100 : null });
  return {
    from: range.from,
    to: range.to,
    agents: [...agents.values()].map(done).sort((x, y) => x.agentName.localeCompare(y.agentName)),
    teams: [...teams.values()].map(done).sort((x, y) => (x.teamName ?? '').localeCompare(y.teamName ?? '')),
    total: done(total),
  };
}
