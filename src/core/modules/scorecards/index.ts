// Agent scorecards and the monthly supervision assessment (考核, SPEC 7).
export * from './scorecard.schemas.ts';
export * from './supervision.schemas.ts';
export { scorecards, scorecardCases, scorecardPeriod } from './scorecard.service.ts';
export { scorecardConfig, updateScorecardConfig, DEFAULT_SCORECARD_CONFIG } from './config.ts';
export { csatPoints, ratePoints, firstResponsePoints, qaPoints, weightedTotal, casesWeighted, ranks } from './normalise.ts';
export {
  supervisionItemsOf,
  updateSupervisionItems,
  DEFAULT_SUPERVISION_ITEMS,
  listAssessments,
  getAssessment,
  createAssessment,
  updateAssessment,
  publishAssessment,
  correctAssessment,
} from './supervision.service.ts';
export type { SupervisionAssessmentsTable, SupervisionEntriesTable } from './supervision.table.ts';
