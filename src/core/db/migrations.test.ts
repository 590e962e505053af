import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from './create-db.ts';
import { newCaseRow } from '../modules/cases/case.ts';
import { phoneKey } from '../modules/customers/phone.ts';
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

  it('normalise stored phone numbers where plain SQL can', async () => {
    const dbh = await open();
    const migrator = new Migrator({ db: dbh.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('2026_12_07_0900_sla_outcomes_by_state')).error).toBeUndefined();
    // as stored before, with what the migration makes of each; null: left as it was
    const stored: Array<[string | null, string | null]> = [
      ['137 1111 2222', '13711112222'],
      [' 137-1111-2222', '13711112222'],
      ['+86 13711112222', '13711112222'],
      ['+86 (137) 1111.2222', '13711112222'],
      ['0086 137 1111 2222', '13711112222'],
      ['+8613711112222', '13711112222'],
      ['13711112222', '13711112222'],
      ['+86 10 8888 6666', '01088886666'],
      ['+86-400-123-4567', '4001234567'],
      ['+44 20 7946 0958', '+442079460958'],
      ['0044 20 7946 0958', '+442079460958'],
      ['137 1111 2222 ext 5', null],
      ['call after 6pm', null],
      ['---', null],
      [null, null],
    ];
    const now = Date.now();
    // a case row as the table was then: without the columns later migrations added (cases.erased_at, 2026_12_07_1530)
    const asOf0900 = ({ erased_at: _erased, ...row }: ReturnType<typeof newCaseRow>) => row;
    for (const [i, [phone]] of stored.entries()) {
      const id = `m${i}`;
      await dbh.db.insertInto('customers').values({ id, name: 'c', email: null, phone, company: null, tier: 'normal', region: null, branch: null, locale: 'zh-CN', status: 'active', created_at: now, updated_at: now }).execute();
      await dbh.db
        .insertInto('cases')
        .values(asOf0900(newCaseRow({ id, number: `SL-20261208-${String(i + 1).padStart(4, '0')}`, contact_name: 'c', contact_phone: phone, channel: 'phone', received_at: now, subject: 's', description: 'd', language: 'zh', type: 'inquiry', created_at: now, impact: 3, urgency: 3 })))
        .execute();
    }
    await migrateToLatest(dbh);
    const customers = new Map((await dbh.db.selectFrom('customers').select(['id', 'phone']).execute()).map((r) => [r.id, r.phone]));
    const cases = new Map((await dbh.db.selectFrom('cases').select(['id', 'contact_phone']).execute()).map((r) => [r.id, r.contact_phone]));
    for (const [i, [before, after]] of stored.entries()) {
      const want = after ?? before;
      expect({ before, customer: customers.get(`m${i}`), case: cases.get(`m${i}`) }).toEqual({ before, customer: want, case: want });
      if (after) expect(phoneKey(before)).toBe(after); // the same form intake looks numbers up by
    }
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
