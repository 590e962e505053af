// Follow-ups (回访, SPEC 5 and SPEC 4's satisfaction follow-up within 2 working days of completion).
export * from './followup.schemas.ts';
export { getFollowup, caseFollowups, listFollowups, recordOutcome } from './followup.service.ts';
export { createPlan, updatePlan, getPlan, listPlans, generateNextFollowup } from './plans.service.ts';
export { followupReport } from './report.ts';
export { followupSettings, followupSettingsPatch, followupSettingsSchema, updateFollowupSettings, DEFAULT_FOLLOWUP_WORKING_DAYS, DEFAULT_MAX_ATTEMPTS, type FollowupSettings } from './settings.ts';
export { planStepDate, nextPlanStep, dueOnDate, monthsOfStep } from './schedule.ts';
export { followupsHook } from './followup.hook.ts';
export { sweepOverdueFollowups, createFollowupWorker, type FollowupWorker, type FollowupOverdueResult } from './overdue.ts';
export { eraseFollowups, type FollowupErasure } from './erase.ts';
export type { FollowupsTable, FollowupAttemptsTable, FollowupPlansTable } from './followup.table.ts';
export { followupsForExport, type FollowupExport, type FollowupPlanExport } from './export.ts';
