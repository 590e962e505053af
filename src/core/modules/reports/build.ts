import type { Ctx } from '../../context.ts';
import { analyticsSummary, complaintCategoriesBetween, type AnalyticsSummary } from '../analytics/index.ts';
import { followupReport, type FollowupReport } from '../followups/index.ts';
import { problemFigures, type ProblemFigures } from '../improvement/index.ts';
import { qualityReport, type QualityReport } from '../quality/index.ts';
import { surveyReport, type SurveyReport } from '../surveys/index.ts';
import { ACTION_KIND_LABELS, CHANNEL_LABELS, labelOr, TYPE_LABELS } from './labels.ts';
import { periodTitle, previousPeriod, type ReportPeriod } from './period.ts';
import type { Figure, Label, ReportContent, Section, Table, Unit } from './reports.schemas.ts';

/** Every module's figures for one period: nothing here is computed again, only arranged. */
interface Figures {
  summary: AnalyticsSummary;
  surveys: SurveyReport;
  quality: QualityReport;
  followups: FollowupReport;
  problems: ProblemFigures;
}

async function figuresOf(ctx: Ctx, from: number, to: number): Promise<Figures> {
  const [summary, surveys, quality, followups, problems] = await Promise.all([
    analyticsSummary(ctx, { from, to }),
    surveyReport(ctx, { from, to }),
    qualityReport(ctx, { from, to }),
    followupReport(ctx, { from, to }, 'all'),
    problemFigures(ctx, from, to),
  ]);
  return { summary, surveys, quality, followups, problems };
}

const L = (zh: string, en: string): Label => ({ zh, en });

/** A figure of this period with the prior period's for comparison. */
function fig(key: string, label: Label, unit: Unit, pick: (f: Figures) => number | null, cur: Figures, prior: Figures, target?: number): Figure {
  const value = pick(cur);
  const before = pick(prior);
  return { key, label, unit, value, prior: before, delta: value === null || before === null ? null : value - before, ...(target === undefined ? {} : { target }) };
}

function sections(cur: Figures, prior: Figures, topCategories: Awaited<ReturnType<typeof complaintCategoriesBetween>>): Section[] {
  const f = (key: string, label: Label, unit: Unit, pick: (x: Figures) => number | null, target?: number) => fig(key, label, unit, pick, cur, prior, target);
  const s = cur.summary;
  const slaKinds = s.sla.filter((t) => t.met + t.breached > 0 || prior.summary.sla.some((p) => p.kind === t.kind && p.met + p.breached > 0));
  const volumeTable = (key: string, title: Label, rows: AnalyticsSummary['volumes']['byChannel'], labels: Record<string, Label>): Table => ({
    key,
    title,
    columns: [{ label: title }, { label: L('数量', 'Cases'), unit: 'count' }, { label: L('占比', 'Share'), unit: 'share' }],
    rows: rows.map((r) => [labelOr(labels, r.key), r.count, r.share]),
  });
  return [
    {
      key: 'volume',
      title: L('一、服务受理情况', '1. Cases received'),
      figures: [
        f('received', L('受理量', 'Cases received'), 'count', (x) => x.summary.received.count),
        f('complaints', L('投诉量', 'Complaints'), 'count', (x) => x.summary.complaintsPer10kCustomers.complaints),
        f('backlog', L('期末积压工单', 'Backlog at the end'), 'count', (x) => x.summary.backlog.count),
      ],
      tables: [volumeTable('byChannel', L('受理渠道', 'Channel'), s.volumes.byChannel, CHANNEL_LABELS), volumeTable('byType', L('诉求类型', 'Type'), s.volumes.byType, TYPE_LABELS)],
    },
    {
      key: 'timeliness',
      title: L('二、服务时效与承诺达成', '2. Timeliness and commitments'),
      figures: [
        f('firstResponseMedian', L('首次响应时长中位数（工作分钟）', 'First response, median (business minutes)'), 'minutes', (x) => x.summary.firstResponse.medianMinutes),
        f('firstResponseP90', L('首次响应时长 P90（工作分钟）', 'First response, p90 (business minutes)'), 'minutes', (x) => x.summary.firstResponse.p90Minutes),
        f('resolutionMedian', L('处理完成时长中位数（工作分钟）', 'Resolution, median (business minutes)'), 'minutes', (x) => x.summary.resolution.medianMinutes),
        f('resolutionP90', L('处理完成时长 P90（工作分钟）', 'Resolution, p90 (business minutes)'), 'minutes', (x) => x.summary.resolution.p90Minutes),
        ...slaKinds.map((t) =>
          f(`sla.${t.kind}`, L(`承诺达成率：${t.label.zh}`, `SLA compliance: ${t.label.en}`), 'share', (x) => x.summary.sla.find((k) => k.kind === t.kind)?.metShare ?? null),
        ),
      ],
      tables: [
        {
          key: 'slaBreaches',
          title: L('超时（违反服务承诺）情况', 'SLA breaches'),
          columns: [{ label: L('承诺时限', 'Target') }, { label: L('达成', 'Met'), unit: 'count' }, { label: L('超时', 'Breached'), unit: 'count' }, { label: L('达成率', 'Compliance'), unit: 'share' }],
          rows: slaKinds.map((t) => [t.label, t.met, t.breached, t.metShare]),
        },
      ],
    },
    {
      key: 'resolution',
      title: L('三、问题解决情况', '3. Resolution'),
      figures: [
        f('resolutionRate', L('问题解决率', 'Resolution rate'), 'share', (x) => x.summary.resolutionRate.rate, s.resolutionRate.target),
        f('closed', L('关闭工单（不含重复、无效）', 'Cases closed (duplicates and spam left out)'), 'count', (x) => x.summary.resolutionRate.denominator),
        f('firstContactResolution', L('一次性解决率', 'First-contact resolution'), 'share', (x) => x.summary.firstContactResolution.rate),
      ],
      tables: [],
    },
    {
      key: 'complaints',
      title: L('四、投诉分析', '4. Complaints'),
      figures: [
        f('complaintsPer10k', L('万户投诉量', 'Complaints per 10,000 customers'), 'per10k', (x) => x.summary.complaintsPer10kCustomers.value),
        f('repeatComplaintRate', L('重复投诉率', 'Repeat-complaint rate'), 'share', (x) => x.summary.repeatComplaintRate.rate),
        f('escalationRate', L('升级率', 'Escalation rate'), 'share', (x) => x.summary.escalationRate.rate),
      ],
      tables: [
        {
          key: 'topComplaintCategories',
          title: L('投诉问题分类排行', 'Top complaint categories'),
          columns: [{ label: L('问题分类', 'Category') }, { label: L('投诉量', 'Complaints'), unit: 'count' }, { label: L('占比', 'Share'), unit: 'share' }],
          rows: topCategories.map((c) => [c.label ?? L('未分类', 'No category'), c.count, c.share]),
        },
      ],
    },
    {
      key: 'satisfaction',
      title: L('五、客户满意度与回访', '5. Satisfaction and follow-ups'),
      figures: [
        f('csatMean', L('满意度平均分', 'CSAT, mean score'), 'score', (x) => x.surveys.csatMean),
        f('satisfiedShare', L('满意率', 'Satisfied share'), 'share', (x) => x.surveys.satisfiedShare),
        f('nps', L('净推荐值（NPS）', 'NPS'), 'nps', (x) => x.surveys.nps),
        f('surveyResponseRate', L('调查回复率', 'Survey response rate'), 'share', (x) => x.surveys.responseRate),
        f('followupsDone', L('完成回访', 'Follow-ups done'), 'count', (x) => x.followups.done),
        f('followupOnTimeRate', L('回访及时率', 'Follow-ups on time'), 'share', (x) => x.followups.onTimeRate),
        f('followupDissatisfied', L('回访不满意', 'Dissatisfied at follow-up'), 'count', (x) => x.followups.dissatisfied),
      ],
      tables: [],
    },
    {
      key: 'quality',
      title: L('六、服务质检', '6. Quality inspection'),
      figures: [
        f('inspections', L('质检量', 'Inspections'), 'count', (x) => x.quality.total.inspections),
        f('qualityMeanScore', L('质检平均分', 'Mean score'), 'score', (x) => x.quality.total.meanScore),
        f('qualityFailed', L('不合格', 'Failed'), 'count', (x) => x.quality.total.failed),
        f('qualityAppeals', L('申诉', 'Appeals'), 'count', (x) => x.quality.total.appeals),
      ],
      tables: [],
    },
    {
      key: 'improvement',
      title: L('七、问题整改与持续改进', '7. Problems and corrective actions'),
      figures: [
        f('problemsOpened', L('新立问题单', 'Problem records opened'), 'count', (x) => x.problems.opened),
        f('problemsClosed', L('关闭问题单（措施有效）', 'Problem records closed (actions worked)'), 'count', (x) => x.problems.closed),
        f('problemsActive', L('期末在办问题单', 'Problem records active at the end'), 'count', (x) => x.problems.active),
        f('actionsOverdue', L('逾期未完成的整改措施', 'Corrective and preventive actions overdue'), 'count', (x) => x.problems.overdueActions.length),
      ],
      tables: [
        {
          key: 'overdueActions',
          title: L('逾期整改措施清单', 'Overdue actions'),
          columns: [{ label: L('问题单', 'Problem record') }, { label: L('措施类型', 'Kind') }, { label: L('措施内容', 'Action') }, { label: L('责任人', 'Owner') }, { label: L('到期日', 'Due') }],
          rows: cur.problems.overdueActions.map((a) => [a.problemTitle, labelOr(ACTION_KIND_LABELS, a.kind), a.description, a.ownerName, a.dueDate]),
        },
      ],
    },
  ];
}

/** The report of a period: each module's figures for it and for the period before. */
export async function buildReport(ctx: Ctx, period: ReportPeriod): Promise<ReportContent> {
  const tz = ctx.config.timeZone;
  const prior = previousPeriod(period, tz);
  const [cur, before, top] = await Promise.all([figuresOf(ctx, period.from, period.to), figuresOf(ctx, prior.from, prior.to), complaintCategoriesBetween(ctx, period.from, period.to)]);
  return {
    kind: period.kind,
    title: periodTitle(period, tz),
    timeZone: tz,
    period: { key: period.key, from: period.from, to: period.to },
    prior: { key: prior.key, from: prior.from, to: prior.to },
    asOf: ctx.clock.now(),
    sections: sections(cur, before, top),
  };
}
