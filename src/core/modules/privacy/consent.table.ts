/**
 * The consent register (SPEC 10): one row per consent a customer gave. Withdrawing sets the
 * withdrawn_* columns and keeps the row; granting again inserts a new row, so the history stays.
 */
export interface ConsentsTable {
  id: string;
  customer_id: string;
  /** ConsentPurpose (consent.schemas.ts). */
  purpose: string;
  /** Free text: which data, which third party; null covers the whole purpose. */
  scope: string | null;
  /** How it was obtained (ConsentChannel). */
  channel: string;
  /** Evidence, e.g. the id of the call recording or of the signed form. */
  evidence_ref: string | null;
  granted_at: number;
  /** The user who recorded it (the customer themselves when given in the portal). */
  recorded_by: string;
  withdrawn_at: number | null;
  withdrawn_by: string | null;
  withdrawal_reason: string | null;
}
