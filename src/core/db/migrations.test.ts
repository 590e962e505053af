import { Migrator, sql, type Kysely } from 'kysely';
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

  it('rebuild survey_recovery_tasks for periodic surveys keeping its rows and indexes, up, down and up again', async () => {
    const dbh = await open();
    const db = dbh.db as unknown as Kysely<any>;
    const migrator = new Migrator({ db: dbh.db, provider: { getMigrations: async () => migrations } });
    const before = '2026_12_08_1030_training_completions';
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    const now = Date.now();
    await db.insertInto('customers').values({ id: 'cu', name: 'c', email: null, phone: null, company: null, tier: 'normal', region: null, branch: null, locale: 'zh-CN', status: 'active', created_at: now, updated_at: now }).execute();
    await db.insertInto('cases').values(newCaseRow({ id: 'k1', number: 'SL-20261208-0001', contact_name: 'c', contact_phone: null, channel: 'phone', received_at: now, subject: 's', description: 'd', language: 'zh', type: 'inquiry', created_at: now, impact: 3, urgency: 3 })).execute();
    await db.insertInto('surveys').values({ id: 's1', case_id: 'k1', customer_id: 'cu', token_hash: null, status: 'answered', not_sent_reason: null, issued_at: now, expires_at: now + 1, locale: 'zh-CN', scale: 5, team_id: 't', agent_id: 'a', channel: 'phone', answered_at: now, csat: 1, band: 'dissatisfied' }).execute();
    const task = { id: 'r1', survey_id: 's1', case_id: 'k1', team_id: 't', assignee_id: 'u', status: 'closed', created_at: now, due_at: now + 2, closed_at: now + 3, closed_by: 'u', outcome: '已致歉' };
    await db.insertInto('survey_recovery_tasks').values(task).execute();
    const indexes = async () =>
      (dialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'survey_recovery_tasks' and name not like 'sqlite_%'`.execute(db)).rows
        : (await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'survey_recovery_tasks' and indexname not like '%_pkey'`.execute(db)).rows
      ).map((r) => r.name).sort();
    const wantIndexes = ['survey_recovery_assignee', 'survey_recovery_case', 'survey_recovery_team'];
    const rows = () => db.selectFrom('survey_recovery_tasks').selectAll().orderBy('id').execute();
    const norm = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]));

    expect((await migrator.migrateTo('2026_12_08_1100_survey_waves')).error).toBeUndefined();
    expect((await rows()).map(norm)).toEqual([{ ...task, customer_id: null }]);
    expect(await indexes()).toEqual(wantIndexes);
    // a periodic survey's task: no case, a survey id the surveys table does not hold; a case's still must exist
    await db.insertInto('survey_recovery_tasks').values({ ...task, id: 'r2', survey_id: 'wave-survey', case_id: null, customer_id: 'cu', status: 'open' }).execute();
    await expect(db.insertInto('survey_recovery_tasks').values({ ...task, id: 'r3', case_id: 'no-such-case' }).execute()).rejects.toThrow(/foreign key/i);

    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    expect((await rows()).map(norm)).toEqual([task]); // the periodic task (no case) cannot be kept
    expect(await indexes()).toEqual(wantIndexes);
    expect((await migrator.migrateTo('2026_12_08_1100_survey_waves')).error).toBeUndefined();
    expect((await rows()).map(norm)).toEqual([{ ...task, customer_id: null }]);
    expect(await indexes()).toEqual(wantIndexes);
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
