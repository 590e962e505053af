import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen-in-time helpers for migrations: only the column types that differ between dialects.
export const isPg = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;
export const blobType = (db: Kysely<any>) => (isPg(db) ? 'bytea' : 'blob');
export const serialType = (db: Kysely<any>) => (isPg(db) ? 'bigserial' : 'integer');
export const serialPk = (db: Kysely<any>) => (c: ColumnDefinitionBuilder) =>
  isPg(db) ? c.primaryKey() : c.primaryKey().autoIncrement();
