// Root-cause analysis and corrective/preventive actions (CAPA, SPEC 8): problem records, the cases behind them, actions and the effectiveness check.
export * from './problem.ts';
export * from './problem.schemas.ts';
export {
  createProblem,
  updateProblem,
  moveProblem,
  getProblem,
  listProblems,
  caseProblems,
  linkCase,
  unlinkCase,
  addAction,
  completeAction,
  cancelAction,
  checkProblem,
  CAPA_CALENDAR,
} from './problem.service.ts';
export { problemCandidates } from './candidates.ts';
export { effectivenessOf } from './effectiveness.ts';
export { problemFigures, type ProblemFigures, type OverdueAction } from './figures.ts';
export { problemResolveHook } from './problem.hook.ts';
export { sweepOverdueActions, createCapaWorker, type CapaWorker } from './overdue.ts';
export type { ProblemsTable, ProblemCasesTable, ProblemActionsTable, ProblemChecksTable } from './problem.table.ts';
