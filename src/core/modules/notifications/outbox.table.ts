export interface OutboxTable {
  id: string;
  topic: string; // 'email' | 'sms' | 'webhook' | 'notify'
  payload: string; // JSON
  case_id: string | null;
  created_at: number;
  available_at: number;
  attempts: number;
  sent_at: number | null;
  last_error: string | null;
  claimed_until: number | null;
}
