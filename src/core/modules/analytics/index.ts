export { analyticsHook, analyticsSnapshotHook, rederiveCaseMetrics, ANALYTICS_CALENDAR_ID } from './analytics.hook.ts';
export type { CaseMetricsTable, CaseBacklogMovesTable, AnalyticsDailyTable, SlaDailyTable } from './analytics.table.ts';
export {
  metricsRowFor,
  METRICS_CASE_FIELDS,
  type MetricsCase,
  type TimelineEvent,
  nearestRank,
  medianAndP90,
  medianAndP90Of,
  businessMinutes,
  METRICS_COLUMNS,
  BACKLOG_MOVE_COLUMNS,
  BACKLOG_STATUSES,
  EXCLUDED_CLOSE_REASONS,
  FIELD_VISIT_EVENT,
  DailyRollup,
  SlaRollup,
  dailyOf,
  dailyOfMove,
  slaOf,
  dayOf,
  isFirstContactResolution,
  ANALYTICS_DAILY_COLUMNS,
} from './metrics.ts';
export {
  analyticsSummary,
  backlogAt,
  periodOf,
  GROUP_BYS,
  DEFAULT_DAYS,
  RESOLUTION_RATE_TARGET,
  type AnalyticsSummary,
  type GroupBy,
  type SummaryQuery,
  type Drill,
} from './summary.service.ts';
export { complianceBetween, rebuildSlaDaily, splitDays, type TargetCompliance } from './sla.ts';
export { rebuildCaseMetrics } from './rebuild.ts';
export { complaintCategoriesBetween, type ComplaintCategoryRow } from './complaint-categories.ts';
export { agentCountsBetween, agentCaseIds, AGENT_FIGURES, type AgentCounts, type AgentFigure } from './agents.ts';
export { summaryQuery, MAX_PERIOD_DAYS } from './analytics.schemas.ts';
