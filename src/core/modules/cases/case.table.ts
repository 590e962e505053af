export interface CasesTable {
  id: string;
  number: string;
  customer_id: string | null;
  contact_name: string;
  contact_email: string | null;
  contact_phone: string | null;
  channel: string;
  /** When the customer's request reached us (may precede creation for imported/logged records). */
  received_at: number;
  received_by: string | null;
  subject: string;
  description: string;
  /** 诉求: what the customer asks for. */
  request: string | null;
  language: string;
  type: string;
  category_id: string | null;
  impact: number;
  urgency: number;
  priority: string;
  complaint_grade: string | null;
  is_repeat: number;
  repeat_of_id: string | null;
  sensitive: number;
  service_kind: string | null;
  status: string;
  close_reason: string | null;
  team_id: string | null;
  assignee_id: string | null;
  /** 首问负责: the first agent who took the case, until a documented hand-over. */
  owner_id: string | null;
  first_response_at: number | null;
  first_resolved_at: number | null;
  resolved_at: number | null;
  closed_at: number | null;
  resolution_cause: string | null;
  resolution_solution: string | null;
  compensation: string | null;
  /** Required before a repeat complaint can close (SPEC 2). */
  corrective_action: string | null;
  reopen_count: number;
  transfer_count: number;
  external_ref: string | null;
  created_at: number;
  updated_at: number;
  version: number;
  /**
   * When its customer's personal data was erased (modules/privacy, SPEC 10), null while kept: the
   * case is then read-only but for internal notes (mutateCase refuses 409 customer_erased).
   */
  erased_at: number | null;
}

export interface CaseEventsTable {
  id: string;
  case_id: string;
  type: string;
  actor_id: string | null;
  actor_kind: 'staff' | 'customer' | 'system';
  /** public events are shown to the customer; internal ones are not. */
  visibility: 'public' | 'internal';
  body: string | null;
  data: string | null; // JSON
  created_at: number;
}

export interface CaseAttachmentsTable {
  id: string;
  case_id: string;
  event_id: string | null;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  content: Buffer;
  uploaded_by: string | null;
  created_at: number;
}

export interface CaseNumberCountersTable {
  day: string;
  last: number;
}

export interface IdempotencyKeysTable {
  actor_id: string;
  key: string;
  request_hash: string;
  case_id: string;
  created_at: number;
}

export interface CategoriesTable {
  id: string;
  parent_id: string | null;
  code: string;
  name: string;
  name_en: string;
  active: number;
}

/** PostgreSQL only: the CJK-bigram token vector of a case (SQLite keeps an FTS5 table). */
export interface CaseSearchTable {
  case_id: string;
  tsv: string;
}
