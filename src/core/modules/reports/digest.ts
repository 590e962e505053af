import type { Ctx } from '../../context.ts';
import { systemActor, type Actor } from '../../shared/actor.ts';
import { forbidden } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { overdueWorker, type OverdueWorker } from '../../shared/overdue-sweep.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueue } from '../notifications/index.ts';
import { publicBaseUrl } from '../surveys/index.ts';
import { can } from '../users/index.ts';
import { buildReport } from './build.ts';
import { figureLine } from './format.ts';
import { DIGEST_KINDS, lastCompletePeriod, type DigestKind } from './period.ts';
import type { DigestSubscription, ReportContent } from './reports.schemas.ts';
import { storeReport } from './reports.service.ts';

/** The figures a digest mail lists, in this order (the full report is a link away). */
export const DIGEST_FIGURES = [
  'received',
  'complaints',
  'backlog',
  'firstResponseMedian',
  'resolutionMedian',
  'resolutionRate',
  'firstContactResolution',
  'complaintsPer10k',
  'satisfiedShare',
  'actionsOverdue',
] as const;

const staffOnly = (actor: Actor) => {
  if (actor.kind !== 'staff') throw forbidden();
};

/** The digests the user receives. */
export async function digestSubscription(ctx: Ctx, actor: Actor): Promise<DigestSubscription> {
  staffOnly(actor);
  const rows = await ctx.db.selectFrom('report_subscriptions').select('kind').where('user_id', '=', actor.id).execute();
  const on = new Set(rows.map((r) => r.kind));
  return { daily: on.has('daily'), weekly: on.has('weekly') };
}

/** Subscribes the user to the digests set true and unsubscribes from those set false (their own setting). */
export async function updateDigestSubscription(ctx: Ctx, body: DigestSubscription, actor: Actor): Promise<DigestSubscription> {
  staffOnly(actor);
  const before = await digestSubscription(ctx, actor);
  await ctx.db.transaction().execute(async (trx) => {
    for (const kind of DIGEST_KINDS) {
      if (body[kind] === before[kind]) continue;
      if (body[kind]) await trx.insertInto('report_subscriptions').values({ user_id: actor.id, kind, created_at: ctx.clock.now() }).onConflict((oc) => oc.columns(['user_id', 'kind']).doNothing()).execute();
      else await trx.deleteFrom('report_subscriptions').where('user_id', '=', actor.id).where('kind', '=', kind).execute();
    }
    await recordAudit(ctx, trx, { actor, action: 'report.digest.subscription', targetType: 'users', targetId: actor.id, before, after: body });
  });
  return digestSubscription(ctx, actor);
}

/** The subscribers who may still read reports (active, with the permission): a lead who left or changed role gets nothing. */
async function recipients(ctx: Ctx, kind: DigestKind): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('report_subscriptions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.role'])
    .where('s.kind', '=', kind)
    .where('u.active', '=', 1)
    .orderBy('u.id')
    .execute();
  return rows.filter((r) => can(r.role, 'report.subscribe')).map((r) => r.id);
}

const linesOf = (c: ReportContent, lang: 'zh' | 'en'): string[] => {
  const all = c.sections.flatMap((s) => s.figures);
  return DIGEST_FIGURES.flatMap((k) => {
    const f = all.find((x) => x.key === k);
    return f ? [figureLine(f, lang)] : [];
  });
};

export interface DigestSent {
  kind: DigestKind;
  periodKey: string;
  reportId: string;
  recipients: number;
}

/**
 * Sends the digest of the last complete day and week, each once: the period's row in
 * report_digest_runs (its primary key) is the claim, inserted with ON CONFLICT DO NOTHING in the
 * transaction that stores the report and puts the mail in the outbox, so of any number of nodes
 * sweeping exactly one sends it (on PostgreSQL the others wait on the key, then find it taken). A
 * period nobody subscribed to is not claimed: whoever subscribes later that day still gets it.
 */
export async function sendDueDigests(ctx: Ctx): Promise<DigestSent[]> {
  const sent: DigestSent[] = [];
  for (const kind of DIGEST_KINDS) {
    const period = lastCompletePeriod(kind, ctx.clock.now(), ctx.config.timeZone);
    const done = await ctx.db.selectFrom('report_digest_runs').select('kind').where('kind', '=', kind).where('period_key', '=', period.key).executeTakeFirst();
    if (done) continue;
    const userIds = await recipients(ctx, kind);
    if (userIds.length === 0) continue;
    const content = await buildReport(ctx, period);
    const reportId = newId();
    const claimed = await ctx.db.transaction().execute(async (trx) => {
      const claim = await trx
        .insertInto('report_digest_runs')
        .values({ kind, period_key: period.key, report_id: reportId, recipients: userIds.length, node_id: ctx.config.nodeId, sent_at: ctx.clock.now() })
        .onConflict((oc) => oc.columns(['kind', 'period_key']).doNothing())
        .returning('kind')
        .executeTakeFirst();
      if (!claim) return false;
      await storeReport(ctx, trx, content, systemActor('report-digest'), 'digest', reportId);
      await enqueue(ctx, trx, {
        topic: 'notify',
        payload: {
          userIds,
          kind: 'service_digest',
          template: 'service_digest',
          vars: {
            kind,
            periodKey: period.key,
            reportId,
            reportTitleZh: content.title.zh,
            reportTitleEn: content.title.en,
            linesZh: linesOf(content, 'zh'),
            linesEn: linesOf(content, 'en'),
            link: `${publicBaseUrl()}/app/reports/${reportId}`,
          },
        },
      });
      return true;
    });
    if (claimed) sent.push({ kind, periodKey: period.key, reportId, recipients: userIds.length });
  }
  return sent;
}

export type DigestWorker = OverdueWorker;

/** The server's digest sender (main.ts): every `everyMs` (default ten minutes), on every app node; each period goes out once. */
export const createDigestWorker = (ctx: Ctx, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): DigestWorker =>
  overdueWorker('report-digests', async () => ({ marked: (await sendDueDigests(ctx)).length }), { everyMs: opts.everyMs ?? 600_000, onError: opts.onError });
