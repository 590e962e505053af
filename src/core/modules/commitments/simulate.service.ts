import type { Ctx } from '../../context.ts';
import { invalid } from '../../shared/errors.ts';
import type { BusinessCalendar } from './calendar/index.ts';
import { calendarOf, commitmentConfig } from './config.service.ts';
import { matches, type Duration, type PolicyMatch, type PolicyTargets, type TargetKind } from './policy.ts';
import { startTimer } from './timer.ts';

export interface DraftPolicy {
  match: PolicyMatch;
  calendarId: string;
  targets: PolicyTargets;
  warnFractions: number[];
  escalateOnWarning: boolean;
}

export interface SimulationCounts {
  evaluated: number;
  met: number;
  warned: number;
  breached: number;
  escalated: number;
  metShare: number | null;
}

export interface Simulation {
  days: number;
  casesConsidered: number;
  casesMatched: number;
  truncated: boolean;
  byTarget: Partial<Record<TargetKind, SimulationCounts>>;
  notSimulated: TargetKind[];
}

const MAX_CASES = 50_000;
const SIMULATED: TargetKind[] = ['reception', 'first_response', 'initial_review', 'resolution'];

/**
 * What-if (实事求是): replays the last N days of real cases against a draft commitment, with the
 * times they really took (pauses while waiting on the customer excluded), and counts how many
 * would have met, warned, breached and escalated, before the promise is published.
 */
export async function simulatePolicy(ctx: Ctx, draft: DraftPolicy, days: number): Promise<Simulation> {
  const cfg = await commitmentConfig(ctx);
  if (!cfg.calendars.has(draft.calendarId)) throw invalid('calendar_unknown', `No calendar ${draft.calendarId}.`);
  const cal = await calendarOf(ctx, draft.calendarId);
  const now = ctx.clock.now();
  const from = now - days * 86_400_000;
  const rows = await ctx.db
    .selectFrom('cases')
    .leftJoin('customers', 'customers.id', 'cases.customer_id')
    .select([
      'cases.id',
      'cases.type',
      'cases.priority',
      'cases.complaint_grade',
      'cases.channel',
      'cases.category_id',
      'cases.service_kind',
      'cases.is_repeat',
      'cases.received_at',
      'cases.first_response_at',
      'cases.first_resolved_at',
      'customers.tier',
    ])
    .where('cases.received_at', '>=', from)
    .where('cases.received_at', '<=', now)
    .orderBy('cases.received_at', 'desc')
    .limit(MAX_CASES + 1)
    .execute();
  const truncated = rows.length > MAX_CASES;
  const considered = rows.slice(0, MAX_CASES);
  const matched = considered.filter((c) =>
    matches(draft.match, {
      type: c.type,
      priority: c.priority,
      complaintGrade: c.complaint_grade,
      channel: c.channel,
      tier: c.tier,
      categoryCode: c.category_id ? (cfg.categoryCodes.get(c.category_id) ?? null) : null,
      serviceKind: c.service_kind,
      isRepeat: c.is_repeat === 1,
    }),
  );
  const history = await timelineFacts(ctx, matched.map((c) => c.id));
  const byTarget: Simulation['byTarget'] = {};
  const kinds = (Object.keys(draft.targets) as TargetKind[]).filter((k) => SIMULATED.includes(k));
  for (const kind of kinds) {
    const d = draft.targets[kind as keyof PolicyTargets] as Duration;
    const counts: SimulationCounts = { evaluated: 0, met: 0, warned: 0, breached: 0, escalated: 0, metShare: null };
    for (const c of matched) {
      const h = history.get(c.id) ?? { takenAt: null, pauses: [] };
      const done = kind === 'reception' ? (h.takenAt ?? c.first_response_at) : kind === 'resolution' ? c.first_resolved_at : c.first_response_at;
      const { budgetMinutes } = startTimer(cal, c.received_at, d);
      const end = done ?? now;
      const used = businessMinutesExcluding(cal, c.received_at, end, h.pauses);
      if (done === null && used < budgetMinutes) continue; // still running and not yet late: not judged
      counts.evaluated++;
      const firstWarn = draft.warnFractions[0];
      if (used <= budgetMinutes) {
        counts.met++;
        if (firstWarn !== undefined && used >= budgetMinutes * firstWarn) {
          counts.warned++;
          if (draft.escalateOnWarning) counts.escalated++;
        }
      } else {
        counts.breached++;
        counts.escalated++;
      }
    }
    counts.metShare = counts.evaluated ? counts.met / counts.evaluated : null;
    byTarget[kind] = counts;
  }
  return {
    days,
    casesConsidered: considered.length,
    casesMatched: matched.length,
    truncated,
    byTarget,
    notSimulated: (Object.keys(draft.targets) as TargetKind[]).filter((k) => !SIMULATED.includes(k)),
  };
}

function businessMinutesExcluding(cal: BusinessCalendar, from: number, to: number, pauses: Array<[number, number]>): number {
  if (to <= from) return 0;
  let total = cal.businessMinutesBetween(from, to);
  for (const [a, b] of pauses) {
    const s = Math.max(a, from);
    const e = Math.min(b, to);
    if (e > s) total -= cal.businessMinutesBetween(s, e);
  }
  return Math.max(0, total);
}

/** From the timelines: when someone first took each case (or intake routed it to an agent), and its waits on the customer. */
async function timelineFacts(ctx: Ctx, ids: string[]): Promise<Map<string, { takenAt: number | null; pauses: Array<[number, number]> }>> {
  const out = new Map<string, { takenAt: number | null; pauses: Array<[number, number]> }>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const events = await ctx.db
      .selectFrom('case_events')
      .select(['case_id', 'type', 'data', 'created_at'])
      .where('case_id', 'in', chunk)
      .where('type', 'in', ['taken', 'assigned', 'handed_over', 'routed', 'status_changed', 'customer_reply', 'resolved', 'closed'])
      .orderBy('case_id')
      .orderBy('created_at')
      .execute();
    const open = new Map<string, number>();
    for (const e of events) {
      const f = out.get(e.case_id) ?? { takenAt: null, pauses: [] };
      out.set(e.case_id, f);
      const data = e.data ? (JSON.parse(e.data) as { to?: string; from?: string; assigneeId?: string | null }) : {};
      // routed at intake to an agent (modules/routing) is taken then, as commitments/apply.ts counts it; to a team's queue only, not
      const taken = e.type === 'taken' || e.type === 'assigned' || e.type === 'handed_over' || (e.type === 'routed' && typeof data.assigneeId === 'string');
      if (taken && f.takenAt === null) f.takenAt = e.created_at;
      if (e.type === 'status_changed' && data.to === 'pending_customer') open.set(e.case_id, e.created_at);
      else if (open.has(e.case_id) && (e.type === 'status_changed' || e.type === 'resolved' || e.type === 'closed')) {
        f.pauses.push([open.get(e.case_id)!, e.created_at]);
        open.delete(e.case_id);
      }
    }
    for (const [id, start] of open) out.get(id)?.pauses.push([start, Number.MAX_SAFE_INTEGER]);
  }
  return out;
}
