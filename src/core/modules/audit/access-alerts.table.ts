/** Unusual access (SPEC 10): one row per alert raised by access-alerts.ts. */
export interface SecurityAlertsTable {
  id: string;
  at: number;
  /** AlertRule: bulk_read, bulk_list, off_hours_export, off_hours_audit. */
  rule: string;
  /** Who accessed. */
  actor_id: string;
  /** JSON: what was seen (counts, window, the action). */
  details: string;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}
