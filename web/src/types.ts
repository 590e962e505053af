/**
 * The API's response types, imported as types only from the server's modules (erased at build:
 * the bundle holds no server code).
 */
export type { CaseView, CaseListItem, NextDeadline, CaseEventView, CaseDetail, CategoryView, ClassificationSettings } from '../../src/core/modules/cases/index.ts';
export type { TargetView } from '../../src/core/modules/commitments/index.ts';
export type { AnalyticsSummary } from '../../src/core/modules/analytics/index.ts';
export type { UserView, Permission } from '../../src/core/modules/users/index.ts';
export type { Page } from '../../src/core/shared/pagination.ts';
export type { TeamView } from '../../src/core/modules/users/index.ts';
export type { ConsultationView, ConsultationStatus } from '../../src/core/modules/collaboration/consultation.schemas.ts';
export type { RoutingRuleView, RoutingSimulation, NewRoutingRule, RoutingRulePatch, SimulateRoutingInput } from '../../src/core/modules/routing/routing.schemas.ts';
export type { SurveyView, RecoveryTaskView, SurveyReport, SurveySettings } from '../../src/core/modules/surveys/survey.schemas.ts';
export type { ProblemView, ProblemSummary, CaseProblemView, Candidates, Candidate, ActionView } from '../../src/core/modules/improvement/problem.schemas.ts';
export type { FollowupView, FollowupDetail, FollowupReport, PlanView } from '../../src/core/modules/followups/followup.schemas.ts';
export type { ScorecardReport, ScorecardConfig, AgentCard, Rollup, AssessmentView, SupervisionItem } from '../../src/core/modules/scorecards/index.ts';
