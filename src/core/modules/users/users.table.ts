import type { Generated } from 'kysely';

export interface TeamsTable {
  id: string;
  name: string;
  name_en: string | null;
  /** Hierarchy: a team sits under a department; escalation walks parent_id upwards. */
  parent_id: string | null;
  kind: 'department' | 'team';
  /** The accountable lead of this unit (supervisor of a team, manager of a department). */
  lead_user_id: string | null;
  created_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  team_id: string | null;
  /** Set for portal accounts (role customer): the only customer whose cases they see. */
  customer_id: string | null;
  password_hash: string | null;
  locale: string;
  skills: string; // JSON string[]
  languages: string; // JSON string[]
  active: number;
  created_at: number;
  updated_at: number;
  /** 岗位 (e.g. 一线坐席, 二线专家, 班长, 质检员): scorecards break down by it (SPEC 7). Free text, null when not set. */
  post: string | null;
}

export interface SessionsTable {
  id: string; // sha256 of the cookie token
  user_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  email: string;
  ip: string | null;
  at: number;
  ok: number;
}
