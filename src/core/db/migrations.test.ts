import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from './create-db.ts';
import { migrateDownAll, migrateToLatest, migrations } from './migrate.ts';
import { DECLARED_COLUMNS, DIALECT_EXTRA_COLUMNS, DIALECT_ONLY } from './schema-columns.ts';
import { DIALECTS, freshDatabaseUrl } from '../../../test/helpers/db.ts';

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const f of cleanup.reverse()) await f();
    cleanup = [];
  });

  const open = async () => {
    const { url, drop } = await freshDatabaseUrl(dialect);
    const dbh = createDb({ url });
    cleanup.push(drop, () => dbh.close());
    return dbh;
  };

  it('run up, down and up again', async () => {
    const dbh = await open();
    const up1 = await migrateToLatest(dbh);
    expect(up1.results?.map((r) => r.status)).toEqual(Object.keys(migrations).map(() => 'Success'));
    await migrateDownAll(dbh);
    const tables = (await dbh.db.introspection.getTables()).map((t) => t.name).filter((n) => !n.startsWith('kysely_'));
    expect(tables).toEqual([]);
    const up2 = await migrateToLatest(dbh);
    expect(up2.results?.length).toBe(Object.keys(migrations).length);
  });

  it('match the table types column for column', async () => {
    const dbh = await open();
    await migrateToLatest(dbh);
    const actual = new Map((await dbh.db.introspection.getTables()).map((t) => [t.name, t.columns.map((c) => c.name).sort()]));
    for (const [table, cols] of Object.entries(DECLARED_COLUMNS)) {
      const only = DIALECT_ONLY[table as keyof typeof DECLARED_COLUMNS];
      if (only && only !== dialect) continue;
      const extra = DIALECT_EXTRA_COLUMNS[table as keyof typeof DECLARED_COLUMNS]?.[dialect] ?? [];
      expect({ table, cols: actual.get(table) }).toEqual({ table, cols: [...Object.keys(cols), ...extra].sort() });
    }
  });
});
