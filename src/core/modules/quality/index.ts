// Quality inspection (内部质检, SPEC 7): rubrics, sampling plans, inspections, appeals, automatic checks, report.
export * from './quality.schemas.ts';
export { listRubrics, getRubric, createRubric, updateRubric, grade } from './rubrics.ts';
export { listPlans, createPlan, updatePlan, drawPlan } from './plans.service.ts';
export { getInspection, listInspections, startInspection, scoreInspection, appealInspection, decideAppeal, listAppeals } from './inspections.service.ts';
export { caseQuality, flaggedCases, qualityReport } from './report.service.ts';
export { runChecks, RESPONSE_KINDS } from './checks.ts';
export { qualitySettings, updateQualitySettings, DEFAULT_QUALITY_SETTINGS } from './settings.ts';
export { registerMustIncludeProvider, mustIncludeProviders, drawSample, periodOf, type MustIncludeProvider } from './sampling.ts';
export type { QualityAppealsTable, QualityInspectionsTable, QualityPlansTable, QualityRubricsTable } from './quality.table.ts';
export { redactQualityTexts } from './erasure.ts';
