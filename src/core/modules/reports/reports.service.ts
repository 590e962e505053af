import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { buildReport } from './build.ts';
import { lastCompletePeriod, periodOfKey, periodTitle, type ReportKind, type ReportPeriod } from './period.ts';
import { reportContentSchema, type GenerateReportBody, type ReportContent, type ReportListQuery, type ReportSummary, type ReportView } from './reports.schemas.ts';
import type { ServiceReportsTable } from './reports.table.ts';

type Db = Kysely<Database>;

const EXAMPLES: Record<ReportKind, string> = { daily: '2026-11-30', weekly: '2026-W48', monthly: '2026-11' };

/** The period asked for (its key), or the last complete one; a period still to come cannot be reported. */
export function periodToReport(ctx: Ctx, kind: ReportKind, key: string | undefined): ReportPeriod {
  const tz = ctx.config.timeZone;
  if (key === undefined) return lastCompletePeriod(kind, ctx.clock.now(), tz);
  const p = periodOfKey(kind, key, tz);
  if (!p) throw invalid('report_bad_period', `A ${kind} report's period is written like ${EXAMPLES[kind]}.`, { kind, period: key });
  if (p.from > ctx.clock.now()) throw invalid('report_period_in_future', `The period ${key} has not started yet.`, { period: key });
  return p;
}

/**
 * Stores a report's snapshot as the next version of its period, inside `trx`. The version is the
 * period's highest plus one; two generating at once collide on the unique (kind, period, version)
 * and the loser retries (generateReport).
 */
export async function storeReport(ctx: Ctx, trx: Db, content: ReportContent, by: Actor, source: 'manual' | 'digest', id = newId()): Promise<string> {
  const last = await trx
    .selectFrom('service_reports')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('kind', '=', content.kind)
    .where('period_key', '=', content.period.key)
    .executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  await trx
    .insertInto('service_reports')
    .values({
      id,
      kind: content.kind,
      period_key: content.period.key,
      period_from: content.period.from,
      period_to: content.period.to,
      version,
      content: JSON.stringify(content),
      source,
      // a person; the digest worker and the CLI are not users
      generated_by: by.kind === 'staff' ? by.id : null,
      generated_at: ctx.clock.now(),
    })
    .execute();
  await recordAudit(ctx, trx, {
    actor: by,
    action: 'report.generate',
    targetType: 'service_reports',
    targetId: id,
    after: { kind: content.kind, period: content.period.key, version },
  });
  return id;
}

/** Generates a report of a period from the figures as they are now: a new version; earlier ones stay as they were. */
export async function generateReport(ctx: Ctx, body: GenerateReportBody, actor: Actor): Promise<ReportView> {
  const period = periodToReport(ctx, body.kind, body.period);
  const content = await buildReport(ctx, period);
  for (let attempt = 0; ; attempt++) {
    try {
      const id = await ctx.db.transaction().execute((trx) => storeReport(ctx, trx, content, actor, 'manual'));
      return getReport(ctx, id);
    } catch (err) {
      // the same period's version taken by another request meanwhile
      if (attempt < 2 && (await ctx.db.selectFrom('service_reports').select('id').where('kind', '=', content.kind).where('period_key', '=', content.period.key).executeTakeFirst())) continue;
      throw err;
    }
  }
}

type Row = ServiceReportsTable & { user_name: string | null; latest: number | null };

const summaryOf = (r: Row, title: ReportSummary['title']): ReportSummary => ({
  id: r.id,
  kind: r.kind as ReportKind,
  periodKey: r.period_key,
  from: Number(r.period_from),
  to: Number(r.period_to),
  version: Number(r.version),
  title,
  source: r.source as ReportSummary['source'],
  generatedAt: Number(r.generated_at),
  generatedBy: r.generated_by ? { id: r.generated_by, name: r.user_name ?? r.generated_by } : null,
  superseded: r.latest !== null && Number(r.latest) > Number(r.version),
});

const rows = (db: Db) =>
  db
    .selectFrom('service_reports as r')
    .leftJoin('users as u', 'u.id', 'r.generated_by')
    .selectAll('r')
    .select((eb) => [
      'u.name as user_name',
      eb
        .selectFrom('service_reports as v')
        .select((e) => e.fn.max('v.version').as('m'))
        .whereRef('v.kind', '=', 'r.kind')
        .whereRef('v.period_key', '=', 'r.period_key')
        .as('latest'),
    ]);

const parse = (r: Row): ReportContent => reportContentSchema.parse(JSON.parse(r.content));

/** Reports generated, newest first (without their contents). */
export async function listReports(ctx: Ctx, q: ReportListQuery): Promise<ReportSummary[]> {
  let query = rows(ctx.db);
  if (q.kind) query = query.where('r.kind', '=', q.kind);
  const found = (await query.orderBy('r.generated_at', 'desc').orderBy('r.id', 'desc').limit(q.limit).execute()) as Row[];
  const tz = ctx.config.timeZone;
  return found.map((r) => summaryOf(r, periodTitle({ kind: r.kind as ReportKind, key: r.period_key, from: Number(r.period_from), to: Number(r.period_to) }, tz)));
}

/** One report with its snapshot, as it was generated. */
export async function getReport(ctx: Ctx, id: string): Promise<ReportView> {
  const r = (await rows(ctx.db).where('r.id', '=', id).executeTakeFirst()) as Row | undefined;
  if (!r) throw notFound('report', id);
  const content = parse(r);
  return { ...summaryOf(r, content.title), content };
}
