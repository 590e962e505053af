export * from './calendar/index.ts';
export * from './policy.ts';
export * from './timer.ts';
export * from './remedy-rules.ts';
export { commitmentsHook } from './apply.ts';
export {
  commitmentConfig,
  calendarOf,
  ensureCommitmentDefaults,
  invalidateCommitmentConfig,
  listCalendars,
  putCalendar,
  listPolicies,
  createPolicy,
  updatePolicy,
  setHandlingLimit,
  listHandlingLimits,
} from './config.service.ts';
export { escalate, recipientsAt, currentLevel } from './escalation.ts';
export { sweepDueTimers, createTimerWorker, type SweepResult, type TimerWorker } from './sweep.ts';
export { listRemedies, decideRemedy, type RemedyView } from './remedies.service.ts';
export { caseCommitments, type TargetView } from './case-commitments.service.ts';
export { complianceOver, publicCommitments, clearPublicCache, type PublicCommitments } from './compliance.service.ts';
export { simulatePolicy, type DraftPolicy, type Simulation } from './simulate.service.ts';
export { settleHistoricalTargets } from './historical.ts';
