import type { Generated } from 'kysely';

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  at: number;
  actor_id: string | null;
  actor_kind: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: string | null;
  after: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}
