import type { ApiTokensTable, LoginAttemptsTable, SessionsTable, TeamsTable, UsersTable } from '../modules/users/users.table.ts';
import type { CustomersTable } from '../modules/customers/customers.table.ts';
import type {
  CaseAttachmentsTable,
  CaseEventsTable,
  CaseNumberCountersTable,
  CaseSearchTable,
  CasesTable,
  CategoriesTable,
  IdempotencyKeysTable,
} from '../modules/cases/case.table.ts';
import type { AuditLogTable } from '../modules/audit/audit.table.ts';
import type { OutboxTable } from '../modules/notifications/outbox.table.ts';
import type {
  CalendarsTable,
  CaseEscalationsTable,
  CaseTargetsTable,
  CommitmentPoliciesTable,
  RemediesTable,
  RemedyRulesTable,
  TeamHandlingLimitsTable,
} from '../modules/commitments/commitments.table.ts';
import type { SeedStateTable } from '../seed/seed-state.table.ts';
import type { SettingsTable } from '../modules/settings/settings.table.ts';
import type { AnalyticsDailyTable, CaseBacklogMovesTable, CaseMetricsTable, SlaDailyTable } from '../modules/analytics/analytics.table.ts';
import type { ConsentsTable } from '../modules/privacy/consent.table.ts';
import type { SecurityAlertsTable } from '../modules/audit/access-alerts.table.ts';
import type { CaseEmailMessagesTable } from '../modules/channels/channels.table.ts';
import type { RoutingCursorsTable, RoutingRulesTable } from '../modules/routing/routing.table.ts';
import type { ConsultationsTable } from '../modules/collaboration/consultation.table.ts';
import type { SurveyRecoveryTasksTable, SurveysTable } from '../modules/surveys/survey.table.ts';
import type { SurveyWaveSurveysTable, SurveyWavesTable } from '../modules/surveys/wave.table.ts';
import type { ProblemActionsTable, ProblemCasesTable, ProblemChecksTable, ProblemsTable } from '../modules/improvement/problem.table.ts';
import type { QualityAppealsTable, QualityInspectionsTable, QualityPlansTable, QualityRubricsTable } from '../modules/quality/quality.table.ts';
import type { KbArticleRevisionsTable, KbArticlesTable, KbArticleTagsTable, KbArticleUsesTable } from '../modules/knowledge/article.table.ts';
import type { FollowupAttemptsTable, FollowupPlansTable, FollowupsTable } from '../modules/followups/followup.table.ts';
import type { ImportJobsTable, ImportRowsTable } from '../modules/channels/import/import.table.ts';
import type { TrainingAttemptsTable, TrainingCertificatesTable, TrainingCompletionsTable, TrainingCoursesTable, TrainingExamsTable, TrainingQuestionsTable, TrainingSittingsTable } from '../modules/training/training.table.ts';
import type { ReportDigestRunsTable, ReportSubscriptionsTable, ServiceReportsTable } from '../modules/reports/reports.table.ts';
import type { CustomerCampaignRecipientsTable, CustomerCampaignsTable, CustomerProfilesTable } from '../modules/customers/profile.table.ts';
import type { SupervisionAssessmentsTable, SupervisionEntriesTable } from '../modules/scorecards/supervision.table.ts';
import type { CustomerProductsTable, FieldEngineersTable, ServiceContractsTable, WorkOrderPartsTable, WorkOrdersTable } from '../modules/fieldservice/fieldservice.table.ts';

/** The union of every module's tables. */
export interface Database {
  teams: TeamsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_attempts: LoginAttemptsTable;
  customers: CustomersTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  case_attachments: CaseAttachmentsTable;
  case_number_counters: CaseNumberCountersTable;
  idempotency_keys: IdempotencyKeysTable;
  categories: CategoriesTable;
  case_search: CaseSearchTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  calendars: CalendarsTable;
  commitment_policies: CommitmentPoliciesTable;
  case_targets: CaseTargetsTable;
  case_escalations: CaseEscalationsTable;
  team_handling_limits: TeamHandlingLimitsTable;
  remedy_rules: RemedyRulesTable;
  remedies: RemediesTable;
  case_metrics: CaseMetricsTable;
  case_backlog_moves: CaseBacklogMovesTable;
  analytics_daily: AnalyticsDailyTable;
  sla_daily: SlaDailyTable;
  seed_state: SeedStateTable;
  settings: SettingsTable;
  consents: ConsentsTable;
  security_alerts: SecurityAlertsTable;
  case_email_messages: CaseEmailMessagesTable;
  routing_rules: RoutingRulesTable;
  routing_cursors: RoutingCursorsTable;
  consultations: ConsultationsTable;
  surveys: SurveysTable;
  survey_recovery_tasks: SurveyRecoveryTasksTable;
  survey_waves: SurveyWavesTable;
  survey_wave_surveys: SurveyWaveSurveysTable;
  problems: ProblemsTable;
  problem_cases: ProblemCasesTable;
  problem_actions: ProblemActionsTable;
  problem_checks: ProblemChecksTable;
  quality_rubrics: QualityRubricsTable;
  quality_plans: QualityPlansTable;
  quality_inspections: QualityInspectionsTable;
  quality_appeals: QualityAppealsTable;
  kb_articles: KbArticlesTable;
  kb_article_tags: KbArticleTagsTable;
  kb_article_revisions: KbArticleRevisionsTable;
  kb_article_uses: KbArticleUsesTable;
  followups: FollowupsTable;
  followup_attempts: FollowupAttemptsTable;
  followup_plans: FollowupPlansTable;
  import_jobs: ImportJobsTable;
  import_rows: ImportRowsTable;
  training_courses: TrainingCoursesTable;
  training_questions: TrainingQuestionsTable;
  training_exams: TrainingExamsTable;
  training_sittings: TrainingSittingsTable;
  training_attempts: TrainingAttemptsTable;
  training_certificates: TrainingCertificatesTable;
  training_completions: TrainingCompletionsTable;
  service_reports: ServiceReportsTable;
  report_subscriptions: ReportSubscriptionsTable;
  report_digest_runs: ReportDigestRunsTable;
  customer_profiles: CustomerProfilesTable;
  customer_campaigns: CustomerCampaignsTable;
  customer_campaign_recipients: CustomerCampaignRecipientsTable;
  supervision_assessments: SupervisionAssessmentsTable;
  supervision_entries: SupervisionEntriesTable;
  service_contracts: ServiceContractsTable;
  customer_products: CustomerProductsTable;
  field_engineers: FieldEngineersTable;
  work_orders: WorkOrdersTable;
  work_order_parts: WorkOrderPartsTable;
}
