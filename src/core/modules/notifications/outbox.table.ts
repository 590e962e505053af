export interface OutboxTable {
  id: string;
  topic: string; // 'email' | 'sms' | 'webhook' | 'notify'
  payload: string; // JSON
  case_id: string | null;
  created_at: number;
  available_at: number;
  /** Failed delivery attempts so far. */
  attempts: number;
  sent_at: number | null;
  last_error: string | null;
  /** Until then the message belongs to the worker that claimed it (a crashed worker's claim expires). */
  claimed_until: number | null;
  /** Set when the worker gave up (max attempts or a permanent error); last_error says why. */
  failed_at: number | null;
}
