import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Ctx } from '../../context.ts';
import type { CasesTable } from './case.table.ts';
import type { Actor } from '../../shared/actor.ts';

/** What happened in a change, as recorded on the timeline. */
export interface ChangeInfo {
  actor: Actor;
  events: Array<{ type: string; visibility: 'public' | 'internal'; data?: Record<string, unknown> | null }>;
}

/** What the acknowledgement to the customer promises; hooks (commitments) fill it in. */
/** What intake already read about a new case, so hooks need not read it again. */
export interface IntakeFacts {
  customerTier: string | null;
}

export interface Acknowledgement {
  firstResponseDueAt?: number;
  resolutionDueAt?: number;
}

export type CaseChange =
  | 'created'
  | 'classified'
  | 'assigned'
  | 'transferred'
  | 'status'
  | 'replied'
  | 'resolved'
  | 'closed'
  | 'reopened';

/**
 * Other modules (commitments, later surveys and follow-ups) react to case changes inside the
 * same transaction, so a case and everything derived from it commit or roll back together.
 */
export interface CaseHook {
  name: string;
  onCreated?(ctx: Ctx, trx: Kysely<Database>, c: CasesTable, ack: Acknowledgement, intake?: IntakeFacts): Promise<void>;
  onChanged?(ctx: Ctx, trx: Kysely<Database>, before: CasesTable, after: CasesTable, change: CaseChange, info: ChangeInfo): Promise<void>;
}
