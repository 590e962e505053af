import type { Database } from './database.ts';

/**
 * The columns of every table as the TypeScript types declare them. The object literal must name
 * exactly the keys of each *.table.ts interface (tsc rejects a missing or extra one), and a test
 * compares it with the migrated schema of both databases, so types and migrations cannot drift.
 */
type Columns = { [T in keyof Database]: Record<keyof Database[T], true> };

export const DECLARED_COLUMNS: Columns = {
  teams: { id: true, name: true, name_en: true, parent_id: true, kind: true, lead_user_id: true, created_at: true },
  users: {
    id: true, email: true, name: true, role: true, team_id: true, customer_id: true, password_hash: true, locale: true,
    skills: true, languages: true, active: true, created_at: true, updated_at: true, post: true,
  },
  sessions: { id: true, user_id: true, created_at: true, expires_at: true, last_seen_at: true, ip: true },
  api_tokens: { id: true, user_id: true, name: true, token_hash: true, prefix: true, created_at: true, last_used_at: true, expires_at: true, revoked_at: true },
  login_attempts: { id: true, email: true, ip: true, at: true, ok: true },
  customers: {
    id: true, name: true, email: true, phone: true, company: true, tier: true, region: true, branch: true, locale: true,
    status: true, created_at: true, updated_at: true, erased_at: true,
  },
  cases: {
    id: true, number: true, customer_id: true, contact_name: true, contact_email: true, contact_phone: true, channel: true,
    received_at: true, received_by: true, subject: true, description: true, request: true, language: true, type: true,
    category_id: true, impact: true, urgency: true, priority: true, complaint_grade: true, is_repeat: true, repeat_of_id: true,
    sensitive: true, service_kind: true, status: true, close_reason: true, team_id: true, assignee_id: true, owner_id: true,
    first_response_at: true, first_resolved_at: true, resolved_at: true, closed_at: true, resolution_cause: true,
    resolution_solution: true, compensation: true, corrective_action: true, reopen_count: true, transfer_count: true,
    external_ref: true, created_at: true, updated_at: true, version: true, erased_at: true,
  },
  case_events: { id: true, case_id: true, type: true, actor_id: true, actor_kind: true, visibility: true, body: true, data: true, created_at: true },
  case_attachments: {
    id: true, case_id: true, event_id: true, filename: true, content_type: true, size: true, sha256: true, content: true,
    uploaded_by: true, created_at: true,
  },
  case_number_counters: { day: true, last: true },
  idempotency_keys: { actor_id: true, key: true, request_hash: true, case_id: true, created_at: true },
  categories: { id: true, parent_id: true, code: true, name: true, name_en: true, active: true },
  case_search: { case_id: true, tsv: true },
  audit_log: {
    seq: true, id: true, at: true, actor_id: true, actor_kind: true, action: true, target_type: true, target_id: true,
    before: true, after: true, ip: true, prev_hash: true, hash: true,
  },
  outbox: {
    id: true, topic: true, payload: true, case_id: true, created_at: true, available_at: true, attempts: true, sent_at: true,
    last_error: true, claimed_until: true, failed_at: true,
  },
  calendars: { id: true, name: true, spec: true, updated_at: true },
  commitment_policies: {
    id: true, code: true, name: true, name_en: true, position: true, match: true, calendar_id: true, targets: true,
    warn_fractions: true, escalate_on_warning: true, active: true, published: true, updated_at: true,
  },
  case_targets: {
    id: true, case_id: true, kind: true, policy_id: true, calendar_id: true, team_id: true, started_at: true,
    budget_minutes: true, consumed_minutes: true, running_since: true, due_at: true, state: true, warned: true, met_at: true,
    breached_at: true, elapsed_minutes: true, next_check_at: true, created_at: true,
  },
  case_escalations: { id: true, case_id: true, level: true, target_id: true, reason: true, notified: true, created_at: true },
  team_handling_limits: { team_id: true, minutes: true, working_days: true, calendar_id: true, updated_at: true },
  remedy_rules: { id: true, position: true, match: true, proposal: true, active: true, updated_at: true },
  remedies: {
    id: true, case_id: true, target_id: true, rule_id: true, status: true, proposal: true, final: true, decided_by: true,
    decided_at: true, note: true, created_at: true,
  },
  case_metrics: {
    case_id: true, received_at: true, channel: true, type: true, category_id: true, team_id: true, assignee_id: true, status: true,
    is_repeat: true, first_response_at: true, first_response_minutes: true, resolved_at: true, resolution_minutes: true,
    paused_since: true, paused_minutes: true, closed_at: true, close_reason: true, reopen_count: true, transfer_count: true,
    field_visits: true, escalated: true, updated_at: true,
  },
  case_backlog_moves: { case_id: true, seq: true, at: true, delta: true },
  analytics_daily: { day: true, dim: true, key: true, n: true, repeats: true, resolved: true, fcr: true },
  sla_daily: { kind: true, day: true, met: true, breached: true },
  seed_state: { name: true, state: true, started_at: true, heartbeat_at: true, finished_at: true },
  settings: { key: true, value: true, updated_at: true, updated_by: true },
  consents: {
    id: true, customer_id: true, purpose: true, scope: true, channel: true, evidence_ref: true, granted_at: true, recorded_by: true,
    withdrawn_at: true, withdrawn_by: true, withdrawal_reason: true,
  },
  security_alerts: { id: true, at: true, rule: true, actor_id: true, details: true, acknowledged_at: true, acknowledged_by: true },
  case_email_messages: { message_id: true, case_id: true, kind: true, created_at: true },
  routing_rules: {
    id: true, name: true, position: true, enabled: true, conditions: true, team_id: true, strategy: true, required_skills: true,
    match_language: true, max_open_per_agent: true, created_at: true, updated_at: true,
  },
  routing_cursors: { rule_id: true, last_user_id: true, updated_at: true },
  consultations: {
    id: true, case_id: true, target_team_id: true, requested_by: true, requester_team_id: true, question: true, status: true, requested_at: true,
    limit_minutes: true, calendar_id: true, due_at: true, overdue_at: true, closed_at: true, closed_by: true, response: true,
  },
  surveys: {
    id: true, case_id: true, customer_id: true, token_hash: true, status: true, not_sent_reason: true, issued_at: true, expires_at: true,
    locale: true, scale: true, team_id: true, agent_id: true, channel: true, answered_at: true, csat: true, band: true, attitude: true,
    speed: true, solution: true, completeness: true, nps: true, comment: true, expired_at: true,
  },
  survey_recovery_tasks: {
    id: true, survey_id: true, case_id: true, team_id: true, assignee_id: true, status: true, created_at: true, due_at: true,
    closed_at: true, closed_by: true, outcome: true, customer_id: true,
  },
  survey_waves: {
    id: true, name: true, scale: true, expiry_days: true, audience: true, schedule: true, quiet_days: true, status: true, first_run_at: true,
    next_run_at: true, last_run_at: true, runs: true, created_by: true, created_at: true, updated_at: true,
  },
  survey_wave_surveys: {
    id: true, wave_id: true, run_at: true, customer_id: true, token_hash: true, status: true, not_sent_reason: true, issued_at: true,
    expires_at: true, locale: true, scale: true, answered_at: true, csat: true, band: true, attitude: true, speed: true, solution: true,
    completeness: true, nps: true, comment: true, expired_at: true,
  },
  problems: {
    id: true, title: true, description: true, status: true, owner_id: true, root_cause_category: true, root_cause: true, check_days: true,
    actions_done_at: true, check_date: true, check_due_at: true, check_result: true, cancel_reason: true, created_by: true, created_at: true,
    updated_at: true, closed_at: true,
  },
  problem_cases: { problem_id: true, case_id: true, status: true, linked_by: true, linked_at: true },
  problem_actions: {
    id: true, problem_id: true, kind: true, description: true, owner_id: true, due_date: true, due_at: true, calendar_id: true, status: true,
    completion_note: true, done_at: true, done_by: true, overdue_at: true, created_by: true, created_at: true,
  },
  problem_checks: { id: true, problem_id: true, result: true, evidence: true, checked_by: true, checked_at: true, cases_before: true, cases_after: true, window_days: true },
  quality_rubrics: { id: true, family_id: true, version: true, current: true, name: true, description: true, criteria: true, pass_score: true, active: true, created_at: true, created_by: true },
  quality_plans: { id: true, name: true, team_id: true, period: true, mode: true, amount: true, rubric_family_id: true, seed: true, active: true, created_at: true, created_by: true, updated_at: true },
  quality_inspections: {
    id: true, case_id: true, agent_id: true, agent_team_id: true, inspector_id: true, rubric_id: true, status: true, plan_id: true, period_key: true,
    sample_reason: true, scores: true, comment: true, awarded: true, max_points: true, score: true, critical_failed: true, result: true, created_at: true,
    submitted_at: true, appeal_due_at: true,
  },
  quality_appeals: {
    id: true, inspection_id: true, agent_id: true, reason: true, status: true, created_at: true, decided_by: true, decided_at: true, decision_note: true,
    adjusted_scores: true, adjusted_score: true, adjusted_result: true,
  },
  kb_articles: {
    id: true, title: true, body: true, language: true, category_id: true, audience: true, status: true, author_id: true, updated_by: true,
    created_at: true, updated_at: true, published_at: true, version: true, helpful_yes: true, helpful_no: true, use_count: true,
  },
  kb_article_tags: { article_id: true, tag: true },
  kb_article_revisions: {
    id: true, article_id: true, version: true, title: true, body: true, language: true, category_id: true, tags: true, audience: true,
    saved_by: true, saved_at: true, restored_from: true,
  },
  kb_article_uses: { article_id: true, case_id: true, used_by: true, used_at: true },
  followups: {
    id: true, kind: true, case_id: true, customer_id: true, plan_id: true, plan_step: true, status: true, assignee_id: true, team_id: true,
    scheduled_at: true, due_at: true, calendar_id: true, working_days: true, overdue_at: true, attempts: true, last_attempt_at: true,
    closed_at: true, closed_by: true, method: true, result: true, action: true, escalation_level: true, notes: true, cancel_reason: true, created_at: true,
  },
  followup_attempts: { id: true, followup_id: true, at: true, by_user: true, method: true, reached: true, result: true, notes: true },
  followup_plans: {
    id: true, customer_id: true, title: true, delivered_on: true, ends_on: true, status: true, assignee_id: true, team_id: true, last_step: true,
    created_by: true, created_at: true, updated_at: true,
  },
  import_jobs: {
    id: true, file_name: true, format: true, file_sha256: true, status: true, total_rows: true, created_count: true, skipped_count: true,
    failed_count: true, created_by: true, created_at: true, finished_at: true,
  },
  import_rows: { job_id: true, row_no: true, outcome: true, idem_key: true, case_id: true, errors: true, created_at: true },
  training_courses: {
    id: true, title: true, description: true, material: true, target_roles: true, target_skills: true, required: true, active: true,
    created_at: true, created_by: true, updated_at: true,
  },
  training_questions: { id: true, course_id: true, kind: true, prompt: true, options: true, answer: true, points: true, active: true, created_at: true, created_by: true },
  training_exams: {
    id: true, family_id: true, version: true, current: true, course_id: true, title: true, questions: true, pass_score: true,
    time_limit_minutes: true, certifies: true, validity_months: true, status: true, published_at: true, created_at: true, created_by: true,
  },
  training_sittings: { id: true, exam_id: true, title: true, period: true, opens_at: true, closes_at: true, allow_retake: true, created_at: true, created_by: true },
  training_attempts: {
    id: true, sitting_id: true, exam_id: true, user_id: true, attempt_no: true, started_at: true, deadline_at: true, answers: true, status: true,
    submitted_at: true, awarded: true, max_points: true, score: true, passed: true, certificate_id: true,
  },
  training_certificates: {
    id: true, user_id: true, skill: true, exam_id: true, attempt_id: true, issued_at: true, expires_at: true, revoked_at: true, revoked_by: true,
    revoke_reason: true,
  },
  training_completions: { course_id: true, user_id: true, completed_at: true },
  service_reports: {
    id: true, kind: true, period_key: true, period_from: true, period_to: true, version: true, content: true, source: true, generated_by: true,
    generated_at: true,
  },
  report_subscriptions: { user_id: true, kind: true, created_at: true },
  report_digest_runs: { kind: true, period_key: true, report_id: true, recipients: true, node_id: true, sent_at: true },
  customer_profiles: {
    customer_id: true, annual_value: true, previous_value: true, tier_pinned: true, account_manager_id: true, stage: true,
    stage_reasons: true, risk_reasons: true, at_risk: true, computed_at: true, updated_at: true,
  },
  customer_campaigns: {
    id: true, kind: true, title: true, subject: true, body_zh: true, body_en: true, audience: true, status: true, created_by: true,
    created_at: true, sent_by: true, sent_at: true,
  },
  customer_campaign_recipients: { campaign_id: true, customer_id: true, status: true, outbox_id: true, created_at: true },
  supervision_assessments: {
    id: true, month: true, department_id: true, version: true, status: true, scores: true, total: true, comment: true, corrects_id: true,
    correction_reason: true, created_by: true, created_at: true, updated_at: true, published_by: true, published_at: true,
  },
  supervision_entries: { id: true, assessment_id: true, kind: true, target_user_id: true, target_team_id: true, reason: true, points: true, amount: true, created_at: true },
  service_contracts: { id: true, customer_id: true, number: true, level: true, starts_on: true, ends_on: true, created_by: true, created_at: true },
  customer_products: {
    id: true, customer_id: true, model: true, serial: true, purchased_on: true, warranty_ends_on: true, contract_id: true, last_maintained_on: true,
    created_by: true, created_at: true,
  },
  field_engineers: { user_id: true, areas: true, max_daily_visits: true, active: true, updated_at: true },
  work_orders: {
    id: true, case_id: true, product_id: true, customer_id: true, type: true, status: true, area: true, skill: true, service_kind: true, quote: true,
    quote_accepted_at: true, quote_accepted_by: true, remote_outcome: true, remote_notes: true, remote_at: true, override_reason: true,
    engineer_id: true, visit_date: true, window_start: true, window_end: true, starts_at: true, ends_at: true, visits: true, checklist: true,
    report: true, arrived_at: true, completed_at: true, signed_by_name: true, signed_at: true, signoff_confirmation: true, cancel_reason: true,
    created_by: true, created_at: true, updated_at: true, problem: true,
  },
  work_order_parts: {
    id: true, work_order_id: true, part_no: true, name: true, qty: true, unit_price_fen: true, part_serial: true, warranty_months: true,
    installed_on: true, warranty_ends_on: true, created_by: true, created_at: true,
  },
};

/** Tables that exist only on one dialect. */
export const DIALECT_ONLY: Partial<Record<keyof Database, 'postgres' | 'sqlite'>> = { case_search: 'postgres' };

/**
 * Columns one database has beyond the declared ones, which the app reads only in that dialect's
 * own SQL: SQLite's `cases.received_max`, the bound its text search walks by (migration
 * 2026_12_06_0900).
 */
export const DIALECT_EXTRA_COLUMNS: Partial<Record<keyof Database, Partial<Record<'postgres' | 'sqlite', string[]>>>> = {
  cases: { sqlite: ['received_max'] },
};
