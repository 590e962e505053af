import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { Database } from '../database.ts';
import type { CustomersTable } from '../../modules/customers/customers.table.ts';

export type DialectName = 'sqlite' | 'postgres';

/** One case of a list being walked: its id, and on SQLite its rowid. */
export interface WalkKey {
  id: string;
  rk?: number;
}

/** Everything that differs between the two databases lives behind this interface. */
export interface DialectOps {
  readonly name: DialectName;
  /** Replace the search index entry of a case (in the caller's transaction). */
  indexCase(db: Kysely<Database>, caseId: string, text: string): Promise<void>;
  /** The same for many cases in one statement (each case at most once). */
  indexCases(db: Kysely<Database>, entries: ReadonlyArray<{ caseId: string; text: string }>): Promise<void>;
  /** A boolean SQL condition on `cases` that is true for cases matching the query text; null when the query has no searchable token. */
  searchCondition(query: string): RawBuilder<boolean> | null;
  /**
   * Which of these cases match the query text: for walking a list in its order and testing each
   * chunk of it, when the matches are too many to fetch and sort. SQLite tests by rowid (`rk`,
   * which the walk then selects: `walkByRowid`).
   */
  matchingCases(db: Kysely<Database>, query: string, chunk: ReadonlyArray<WalkKey>): Promise<Set<string>>;
  /** Every case matching the query text, from the text index alone; null when there are more than `cap`. */
  allMatchingCases(db: Kysely<Database>, query: string, cap: number): Promise<string[] | null>;
  /** A condition on `cases`: its id is one of these (any number of them, one parameter). */
  caseIdIn(ids: readonly string[]): RawBuilder<boolean>;
  /** SQLite: a walk selects each case's rowid for matchingCases. */
  readonly walkByRowid?: boolean;
  /**
   * SQLite only: the FTS5 MATCH expression, for walking matches newest first straight from the
   * index (a common word can match a tenth of all cases; sorting those would take a second).
   */
  ftsMatch?(query: string): string | null;
  /** PostgreSQL: indexCases as one statement to run with others (CommitBuffer), when it fits in one. */
  indexCasesStatement?(db: Kysely<Database>, entries: ReadonlyArray<{ caseId: string; text: string }>): CompiledQuery | undefined;
  /**
   * Serialises writers of the audit hash chain until the end of the transaction and returns the
   * hash of its last entry (undefined while it is empty), read once the lock is held.
   */
  auditChainHead(db: Kysely<Database>): Promise<string | undefined>;
  /** Transaction-scoped locks on arbitrary keys, taken in sorted order (no deadlock between takers). */
  lockKeys(db: Kysely<Database>, keys: string[]): Promise<void>;
  /**
   * PostgreSQL: lockKeys(keys), then the customers whose email is one of `emails` or whose phone
   * is one of `phones`, read once the locks are held; one round trip (an intake batch's).
   */
  lockKeysFindCustomers?(db: Kysely<Database>, keys: string[], emails: string[], phones: string[]): Promise<CustomersTable[]>;
  isUniqueViolation(err: unknown): boolean;
  /**
   * PostgreSQL: merges the text index's pending list into the index, so that an intake never has
   * to (an insert that finds the list full merges it inside its own transaction: 50-250 ms).
   * Called every second by the server's maintenance worker; returns the pages merged.
   */
  mergeSearchPending?(db: Kysely<Database>): Promise<number>;
  /** PostgreSQL locks rows read for update; SQLite's single writer makes it unnecessary. */
  readonly supportsForUpdate: boolean;
  /**
   * Whether one process can have several transactions open at once (PostgreSQL: a pool of
   * connections). SQLite's one connection runs them one after another, so work split into
   * parallel transactions there only queues.
   */
  readonly concurrentTransactions: boolean;
}
