/**
 * The API's error codes (`{error: {code, message, details}}`) that an agent or admin can meet in
 * this app, each translated under `errors.<code>` in both languages (test/web/i18n.test.ts checks
 * it). A code not listed here shows the server's own message: a new code on the server never
 * leaves a blank, it only stays in the server's words until it is added here and translated.
 *
 * Where the codes come from: src/core/shared/errors.ts's helpers (`notFound` makes `<what>_not_found`,
 * `forbidden`, `invalid`, `conflict`) and `new DomainError(...)` across src/core/modules/**; the
 * HTTP layer's own (src/server/plugins/errors.ts: validation_failed, rate_limited, invalid_json,
 * route_not_found, internal_error; src/core/db/transient-errors.ts: database_busy,
 * database_unavailable); this app's network_error (web/src/api.ts).
 */
export const API_ERROR_CODES = [
  // the connection and the session
  'network_error',
  'unauthenticated',
  'forbidden',
  'invalid_credentials',
  'too_many_attempts',
  'rate_limited',
  // the request as such
  'validation_failed',
  'invalid_json',
  'payload_too_large',
  'bad_request',
  'route_not_found',
  'invalid_cursor',
  'internal_error',
  'database_busy',
  'database_unavailable',
  // not found
  'case_not_found',
  'user_not_found',
  'team_not_found',
  'category_not_found',
  'customer_not_found',
  'attachment_not_found',
  // cases (SPEC 2, 3)
  'case_restricted',
  'case_owned',
  'insufficient_authority',
  'handover_note_required',
  'transfer_target_required',
  'case_closed',
  'illegal_transition',
  'no_change',
  'resolve_first',
  'resolve_instead',
  'corrective_action_required',
  'consultations_open',
  // consultations between teams (SPEC 3)
  'case_not_open',
  'consultation_not_found',
  'consultation_own_team',
  'not_consultation_team',
  'not_consultation_asker',
  'consultation_not_open',
  // satisfaction surveys (SPEC 6)
  'survey_not_found',
  'survey_answered',
  'survey_expired',
  'score_out_of_scale',
  'recovery_task_not_found',
  'not_recovery_assignee',
  'recovery_task_closed',
  'grade_without_complaint',
  'staff_only_fields',
  'idempotency_key_reused',
  'received_in_future',
  'received_too_early',
  'phone_invalid',
  'attachment_empty',
  'attachment_too_large',
  // customers and privacy
  'customer_erased',
  'consent_required',
  // administration
  'email_taken',
  'category_code_taken',
  'matrix_not_monotonic',
  'password_not_allowed',
  // routing rules (SPEC 3)
  'routing_rule_not_found',
  'agent_options_without_strategy',
  // follow-ups (SPEC 5)
  'followup_not_found',
  'followup_not_pending',
  'followup_result_required',
  'followup_action_required',
  'followup_action_not_allowed',
  'followup_plan_not_found',
  'followup_plan_ended',
  'followup_plan_dates',
  'followup_assignee_out_of_scope',
  // quality inspection (SPEC 7)
  'quality_rubric_not_found',
  'quality_plan_not_found',
  'quality_inspection_not_found',
  'quality_appeal_not_found',
  'quality_duplicate_criterion',
  'quality_unknown_criterion',
  'quality_points_over_max',
  'quality_scores_incomplete',
  'quality_not_your_task',
  'quality_inspection_submitted',
  'quality_not_inspected_agent',
  'quality_appeal_exists',
  'quality_appeal_window_closed',
  'quality_not_arbitrator',
  'quality_appeal_decided',
  'quality_rubric_inactive',
  'quality_no_handler',
  'quality_plan_inactive',
  'quality_bad_date',
  'quality_no_inspectors',
  'quality_bad_period',
  // knowledge base / FAQ (SPEC 9)
  'article_not_found',
  'article_version_conflict',
  'article_edit_needs_publisher',
  'article_already_published',
  'article_already_archived',
  'article_not_published',
  'revision_not_found',
  'revision_is_current',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

const KNOWN = new Set<string>(API_ERROR_CODES);
export const isTranslatedCode = (code: string): code is ApiErrorCode => KNOWN.has(code);
