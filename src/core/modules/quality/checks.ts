import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { CaseEventsTable, CasesTable } from '../cases/index.ts';
import type { CaseTargetsTable } from '../commitments/commitments.table.ts';
import { outcomeOf } from '../commitments/outcome.ts';
import type { CheckResult, QualityCheck } from './quality.schemas.ts';

/**
 * The automatic checks of SPEC 7, run on every case on demand (no columns on cases): pure
 * functions of the case, its timeline and its commitment targets.
 *  - response_time: a response commitment (reception, first or next response) the commitments
 *    module recorded as breached, or still running past its deadline (outcome.ts: the same rule
 *    as the SLA compliance indicator).
 *  - handover_note: a hand-over whose note is missing or shorter than the 10 characters a transfer
 *    asks for (an assignment by a lead may carry none; a lead's take-over names itself and passes).
 *  - forbidden_phrase: a public reply by staff holding one of the configured phrases.
 *  - unanswered: the case is resolved or closed and its last public message is the customer's,
 *    with no public reply by staff after it. A customer's message is a reply of theirs, or the
 *    request itself when the customer wrote it (web, email, chat, social, API; not a call or a
 *    visit an agent logged, answered on the spot).
 */
export const RESPONSE_KINDS = ['reception', 'first_response', 'next_response'];
const MIN_HANDOVER_NOTE = 10;
const WRITTEN_CHANNELS = new Set(['web', 'email', 'chat', 'social', 'api']);

export interface CaseFacts {
  c: Pick<CasesTable, 'id' | 'status' | 'channel'>;
  events: ReadonlyArray<Pick<CaseEventsTable, 'id' | 'type' | 'visibility' | 'actor_kind' | 'body' | 'data' | 'created_at'>>;
  targets: ReadonlyArray<Pick<CaseTargetsTable, 'kind' | 'state' | 'due_at' | 'breached_at' | 'met_at'>>;
}

const plain = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ');

export function runChecks(f: CaseFacts, forbiddenPhrases: readonly string[], now: number): CheckResult[] {
  const out: CheckResult[] = [];

  const late = f.targets.filter((t) => RESPONSE_KINDS.includes(t.kind) && outcomeOf(t.state) === 'breached' && (t.state === 'breached' || Number(t.due_at) <= now));
  out.push({
    check: 'response_time',
    flagged: late.length > 0,
    findings: late.map((t) => ({ at: t.breached_at === null ? Number(t.due_at) : Number(t.breached_at), eventId: null, detail: `${t.kind}: ${t.state === 'running' ? 'overdue' : 'breached'}` })),
  });

  const bare = f.events.filter((e) => {
    if (e.type !== 'handed_over') return false;
    const via = e.data ? (JSON.parse(e.data) as { via?: string }).via : undefined;
    return via !== 'take_over' && (e.body ?? '').trim().length < MIN_HANDOVER_NOTE;
  });
  out.push({ check: 'handover_note', flagged: bare.length > 0, findings: bare.map((e) => ({ at: Number(e.created_at), eventId: e.id, detail: (e.body ?? '').trim() })) });

  const phrases = forbiddenPhrases.filter((p) => p.trim() !== '');
  const said: CheckResult['findings'] = [];
  for (const e of f.events) {
    if (e.type !== 'reply' || e.visibility !== 'public' || e.actor_kind !== 'staff' || !e.body) continue;
    const body = plain(e.body);
    for (const p of phrases) if (body.includes(p)) said.push({ at: Number(e.created_at), eventId: e.id, detail: p });
  }
  out.push({ check: 'forbidden_phrase', flagged: said.length > 0, findings: said });

  let last: (typeof f.events)[number] | null = null;
  let lastIsCustomer = false;
  for (const e of f.events) {
    if (e.visibility !== 'public') continue;
    const fromCustomer = e.type === 'customer_reply' || (e.type === 'created' && WRITTEN_CHANNELS.has(f.c.channel));
    const fromStaff = e.type === 'reply' && e.actor_kind === 'staff';
    if (fromCustomer || fromStaff) {
      last = e;
      lastIsCustomer = fromCustomer;
    }
  }
  const unanswered = (f.c.status === 'resolved' || f.c.status === 'closed') && last !== null && lastIsCustomer;
  out.push({ check: 'unanswered', flagged: unanswered, findings: unanswered && last ? [{ at: Number(last.created_at), eventId: last.id, detail: last.type }] : [] });
  return out;
}

export const flaggedChecks = (results: readonly CheckResult[]): QualityCheck[] => results.filter((r) => r.flagged).map((r) => r.check);

/** Timelines and targets of these cases, oldest event first. */
export async function loadFacts(db: Kysely<Database>, cases: ReadonlyArray<CaseFacts['c']>): Promise<CaseFacts[]> {
  if (cases.length === 0) return [];
  const ids = cases.map((c) => c.id);
  const events = new Map<string, CaseFacts['events'][number][]>();
  const targets = new Map<string, CaseFacts['targets'][number][]>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const ev = await db
      .selectFrom('case_events')
      .select(['id', 'case_id', 'type', 'visibility', 'actor_kind', 'body', 'data', 'created_at'])
      .where('case_id', 'in', chunk)
      .where('type', 'in', ['created', 'reply', 'customer_reply', 'handed_over'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const e of ev) (events.get(e.case_id) ?? events.set(e.case_id, []).get(e.case_id)!).push(e);
    const tg = await db.selectFrom('case_targets').select(['case_id', 'kind', 'state', 'due_at', 'breached_at', 'met_at']).where('case_id', 'in', chunk).execute();
    for (const t of tg) (targets.get(t.case_id) ?? targets.set(t.case_id, []).get(t.case_id)!).push(t);
  }
  return cases.map((c) => ({ c, events: events.get(c.id) ?? [], targets: targets.get(c.id) ?? [] }));
}
