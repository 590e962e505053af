import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { commitmentConfig } from './config.service.ts';
import { BREACHED_SQL, MET_SQL } from './outcome.ts';
import { describeDuration, TARGET_KINDS, TARGET_LABELS, type Duration, type TargetKind } from './policy.ts';

export interface KindCompliance {
  kind: TargetKind;
  label: { zh: string; en: string };
  met: number;
  breached: number;
  /** met / (met + breached); null when nothing was due */
  metShare: number | null;
  /** median business minutes to meet it, nearest rank over met targets */
  medianMinutes: number | null;
}

export interface PublicCommitments {
  generatedAt: number;
  commitments: Array<{ code: string; name: string; nameEn: string; appliesTo: { zh: string; en: string }; targets: Array<{ kind: TargetKind; label: { zh: string; en: string }; zh: string; en: string }> }>;
  compliance: { days30: KindCompliance[]; days90: KindCompliance[] };
}

const DAY = 86_400_000;

/**
 * SLA compliance of each target kind over a window (SPEC 8): met / (met + breached) over targets
 * completed or due in the window; one not completed by its deadline counts as breached (by its
 * state: see outcome.ts; a paused one is not due).
 */
export async function complianceOver(ctx: Ctx, days: number): Promise<KindCompliance[]> {
  const now = ctx.clock.now();
  const from = now - days * DAY;
  const dueRows = await ctx.db
    .selectFrom('case_targets')
    .select([
      'kind',
      MET_SQL.as('met'),
      BREACHED_SQL.as('breached'),
    ])
    .where('due_at', '>=', from)
    .where('due_at', '<=', now)
    .groupBy('kind')
    .execute();
  // met ahead of a deadline that is still in the future
  const earlyRows = await ctx.db
    .selectFrom('case_targets')
    .select(['kind', sql<number>`count(*)`.as('met')])
    .where('due_at', '>', now)
    .where('state', '=', 'met')
    .where('met_at', '>=', from)
    .where('met_at', '<=', now)
    .groupBy('kind')
    .execute();
  const out: KindCompliance[] = [];
  for (const kind of TARGET_KINDS) {
    const d = dueRows.find((r) => r.kind === kind);
    const e = earlyRows.find((r) => r.kind === kind);
    const met = Number(d?.met ?? 0) + Number(e?.met ?? 0);
    const breached = Number(d?.breached ?? 0);
    if (met + breached === 0) continue;
    out.push({ kind, label: TARGET_LABELS[kind], met, breached, metShare: met / (met + breached), medianMinutes: await medianMet(ctx, kind, from, now, met) });
  }
  return out;
}

async function medianMet(ctx: Ctx, kind: string, from: number, now: number, n: number): Promise<number | null> {
  if (n === 0) return null;
  const rank = Math.ceil(0.5 * n); // nearest rank
  const row = await ctx.db
    .selectFrom('case_targets')
    .select('elapsed_minutes')
    .where('kind', '=', kind)
    .where('met_at', '>=', from)
    .where('met_at', '<=', now)
    .where('state', '=', 'met')
    .orderBy('elapsed_minutes')
    .limit(1)
    .offset(rank - 1)
    .executeTakeFirst();
  return row?.elapsed_minutes === undefined || row.elapsed_minutes === null ? null : Math.round(row.elapsed_minutes * 10) / 10;
}

function describeMatch(m: Record<string, unknown>): { zh: string; en: string } {
  const parts = { zh: [] as string[], en: [] as string[] };
  const TYPE_ZH: Record<string, string> = { complaint: '投诉', inquiry: '咨询', service_request: '服务请求/报修', dissatisfaction: '抱怨', suggestion: '建议', praise: '表扬' };
  const GRADE_ZH: Record<string, string> = { general: '一般', important: '重要', urgent: '紧急' };
  if (Array.isArray(m.complaintGrades)) {
    parts.zh.push(`${(m.complaintGrades as string[]).map((g) => GRADE_ZH[g] ?? g).join('、')}`);
    parts.en.push(`${(m.complaintGrades as string[]).join(', ')}`);
  }
  if (m.isRepeat === true) {
    parts.zh.push('重复');
    parts.en.push('repeat');
  }
  if (Array.isArray(m.types)) {
    parts.zh.push((m.types as string[]).map((t) => TYPE_ZH[t] ?? t).join('、'));
    parts.en.push((m.types as string[]).map((t) => t.replace('_', ' ') + 's').join(', '));
  }
  if (Array.isArray(m.priorities)) {
    parts.zh.push(`${(m.priorities as string[]).join('、')} 级事件`);
    parts.en.push(`${(m.priorities as string[]).join(', ')} cases`);
  }
  if (Array.isArray(m.categories)) {
    parts.zh.push(`（${(m.categories as string[]).join('、')} 类）`);
    parts.en.push(`(category ${(m.categories as string[]).join(', ')})`);
  }
  if (Array.isArray(m.channels)) {
    parts.zh.push(`经 ${(m.channels as string[]).join('、')} 渠道`);
    parts.en.push(`via ${(m.channels as string[]).join(', ')}`);
  }
  return parts.zh.length ? { zh: parts.zh.join(''), en: parts.en.join(' ') } : { zh: '所有服务请求', en: 'all requests' };
}

let cached: { at: number; db: object; value: PublicCommitments } | null = null;

/** The public statement of commitments and how well they were kept (30 and 90 days), cached a minute. */
export async function publicCommitments(ctx: Ctx): Promise<PublicCommitments> {
  if (cached && cached.db === ctx.db && Date.now() - cached.at < 60_000) return cached.value;
  const cfg = await commitmentConfig(ctx);
  const value: PublicCommitments = {
    generatedAt: ctx.clock.now(),
    commitments: cfg.policies
      .filter((p) => p.active && p.published)
      .map((p) => ({
        code: p.code,
        name: p.name,
        nameEn: p.nameEn,
        appliesTo: describeMatch(p.match as Record<string, unknown>),
        targets: (Object.entries(p.targets) as Array<[TargetKind, Duration]>).map(([kind, d]) => ({
          kind,
          label: TARGET_LABELS[kind],
          zh: describeDuration(d, p.calendarId, 'zh'),
          en: describeDuration(d, p.calendarId, 'en'),
        })),
      })),
    compliance: { days30: await complianceOver(ctx, 30), days90: await complianceOver(ctx, 90) },
  };
  cached = { at: Date.now(), db: ctx.db, value };
  return value;
}

export const clearPublicCache = (): void => {
  cached = null;
};
