// Satisfaction surveys (SPEC 6) and their figures (SPEC 8's CSAT and NPS): issued on resolution, answered once by a link, low scores recovered.
export * from './survey.schemas.ts';
export { answerSurvey, caseSurveys, listSurveys, lowScoreCaseIds, publicSurvey, recordAnswer, toSurveyView } from './survey.service.ts';
export { caseRecoveryTasks, closeRecoveryTask, listRecoveryTasks } from './recovery.service.ts';
export { surveyReport, surveyReportsByAgent } from './report.ts';
export { DEFAULT_SURVEY_SETTINGS, publicBaseUrl, surveySettings, updateSurveySettings } from './settings.ts';
export { surveysHook } from './survey.hook.ts';
export type { SurveyRecoveryTasksTable, SurveysTable } from './survey.table.ts';
export { eraseSurveys, type SurveyErasure } from './erase.ts';
export { surveysForExport, type SurveyExport } from './export.ts';
