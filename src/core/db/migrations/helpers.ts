import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen-in-time helpers for migrations: only the column types that differ between dialects.
export const isPg = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;
export const blobType = (db: Kysely<any>) => (isPg(db) ? 'bytea' : 'blob');
export const serialType = (db: Kysely<any>) => (isPg(db) ? 'bigserial' : 'integer');
export const serialPk = (db: Kysely<any>) => (c: ColumnDefinitionBuilder) =>
  isPg(db) ? c.primaryKey() : c.primaryKey().autoIncrement();
/** A migration's statements all or none: PostgreSQL's migrator runs each in a transaction already, SQLite's does not. */
export const atomically = (db: Kysely<any>, fn: (d: Kysely<any>) => Promise<void>): Promise<void> => (isPg(db) ? fn(db) : db.transaction().execute(fn));
