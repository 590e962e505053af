/** A mail the email channel took in (channels/email-intake.ts), by its Message-ID. */
export interface CaseEmailMessagesTable {
  /** Without the angle brackets; a message without one is known by `sha256:<hash of its bytes>`. */
  message_id: string;
  case_id: string;
  /** `case`: the mail made the case; `reply`: it was threaded into it as a customer reply. */
  kind: 'case' | 'reply';
  created_at: number;
}
