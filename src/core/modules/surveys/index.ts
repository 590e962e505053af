// Satisfaction surveys (SPEC 6) and their figures (SPEC 8's CSAT and NPS): issued on resolution, answered once by a link, low scores recovered.
export * from './survey.schemas.ts';
export { answerSurvey, caseSurveys, listSurveys, lowScoreCaseIds, publicSurvey, recordAnswer, toSurveyView } from './survey.service.ts';
export { caseRecoveryTasks, closeRecoveryTask, listRecoveryTasks } from './recovery.service.ts';
export { surveyReport, surveyReportsByAgent } from './report.ts';
export { DEFAULT_SURVEY_SETTINGS, publicBaseUrl, surveySettings, updateSurveySettings } from './settings.ts';
export { surveysHook } from './survey.hook.ts';
export type { SurveyRecoveryTasksTable, SurveysTable } from './survey.table.ts';
export { eraseSurveys, type SurveyErasure } from './erase.ts';
export { periodicSurveysForExport, surveysForExport, type PeriodicSurveyExport, type SurveyExport } from './export.ts';
// Periodic satisfaction surveys (定期满意度调查): waves of surveys to an audience, once or monthly / quarterly.
export * from './wave.schemas.ts';
export { addMonthsInZone, cancelWave, createSurveyWaveWorker, createWave, launchWave, listWaves, nextRunAfter, runDueWaves, waveResults, type SurveyWaveWorker } from './wave.service.ts';
export type { SurveyWaveSurveysTable, SurveyWavesTable } from './wave.table.ts';
