/**
 * After-sales field service (售后服务, SPEC 9). Register dates are YYYY-MM-DD in the centre's zone
 * (Asia/Shanghai); instants are epoch ms; money is in fen (1/100 CNY); JSON is text.
 */
export interface ServiceContractsTable {
  id: string;
  customer_id: string;
  /** The contract's own number (unique), e.g. SC-2026-001. */
  number: string;
  /** ContractLevel: basic, standard, premium. */
  level: string;
  /** Coverage window, both days inclusive. */
  starts_on: string;
  ends_on: string;
  created_by: string;
  created_at: number;
}

export interface CustomerProductsTable {
  id: string;
  customer_id: string;
  model: string;
  /** Unique per model. */
  serial: string;
  purchased_on: string;
  /** The last day under warranty (inclusive). */
  warranty_ends_on: string;
  contract_id: string | null;
  /** Set when a maintenance work order is signed off; maintenance reminders count from it (else from purchase). */
  last_maintained_on: string | null;
  created_by: string;
  created_at: number;
}

/** A staff member who goes on site: where they work and how many visits a day they take. */
export interface FieldEngineersTable {
  user_id: string;
  /** JSON string[]: the areas (districts) they cover. */
  areas: string;
  max_daily_visits: number;
  active: number;
  updated_at: number;
}

export interface WorkOrdersTable {
  id: string;
  case_id: string;
  product_id: string;
  customer_id: string;
  /** WorkOrderType: installation, delivery, training, repair, maintenance. */
  type: string;
  /** WorkOrderStatus: new, remote_support, scheduled, en_route, on_site, completed, signed_off, cancelled. */
  status: string;
  /** Where the visit is (an area an engineer covers). */
  area: string;
  /** The skill the visit needs (users.skills), if any. */
  skill: string | null;
  /** ServiceKind when the work order was made: warranty, contract, paid. */
  service_kind: string;
  /** JSON QuoteItem[] (paid only). */
  quote: string | null;
  quote_accepted_at: number | null;
  quote_accepted_by: string | null;
  /** RemoteOutcome of the remote-support attempt: resolved, not_resolved. */
  remote_outcome: string | null;
  remote_notes: string | null;
  remote_at: number | null;
  /** Why a repair was scheduled without a remote-support attempt (audited). */
  override_reason: string | null;
  engineer_id: string | null;
  visit_date: string | null;
  /** HH:MM, the appointment window in the centre's zone. */
  window_start: string | null;
  window_end: string | null;
  /** The window as instants (overlap checks). */
  starts_at: number | null;
  ends_at: number | null;
  /** Visits made (arrivals on site). */
  visits: number;
  /** JSON ChecklistItem[]. */
  checklist: string;
  /** JSON FieldReport. */
  report: string | null;
  arrived_at: number | null;
  completed_at: number | null;
  signed_by_name: string | null;
  signed_at: number | null;
  signoff_confirmation: string | null;
  cancel_reason: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  /** The problem the order is made for (问题描述), as taken down; null when none was given. */
  problem: string | null;
}

/** A spare part used on a work order, with its own warranty. */
export interface WorkOrderPartsTable {
  id: string;
  work_order_id: string;
  part_no: string;
  name: string;
  qty: number;
  unit_price_fen: number;
  part_serial: string | null;
  warranty_months: number;
  installed_on: string;
  /** installed_on + warranty_months (the same day of that month, clamped to its end; inclusive). */
  warranty_ends_on: string;
  created_by: string;
  created_at: number;
}
