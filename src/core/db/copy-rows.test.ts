import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDb, T0, type TestDb } from '../../../test/helpers/db.ts';
import { copyRows, insertRows, rowsJson } from './fast-insert.ts';
import { sql } from 'kysely';
import { createCase } from '../modules/cases/index.ts';
import { systemActor } from '../shared/actor.ts';

/**
 * copyRows (the timer sweep's writes) stores what the other inserts store: on PostgreSQL, COPY's
 * text format against the INSERT of one JSON parameter, for text that COPY must escape (tab,
 * newline, CR, backslash, `\N`) or cannot hold (NUL, a lone surrogate), and for JSON values.
 */
describe.each(DIALECTS)('copyRows on %s', (dialect) => {
  let t: TestDb;
  let caseId: string;
  beforeAll(async () => {
    t = await openTestDb(dialect);
    const c = await createCase(t.ctx, { channel: 'web', contact: { name: 'Bo', email: 'bo@example.com' }, subject: 'Copy', description: 'rows by COPY' }, systemActor());
    caseId = c.case.id;
  });
  afterAll(async () => t?.close());

  const awkward = ['tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash', '\\N', 'nul\0here', 'lone \uD800 surrogate', '客户 "引号" 😀', '', ' trailing '];
  const event = (id: string, body: string | null, data: unknown) => ({
    id,
    case_id: caseId,
    type: 'note',
    actor_id: null,
    actor_kind: 'system',
    visibility: 'internal',
    body,
    data,
    created_at: T0 + 2 ** 40, // a large ms value, exact
  });

  it('stores every awkward text and JSON value exactly as the JSON insert does', async () => {
    const values = (prefix: string) =>
      awkward.map((text, i) => event(`${prefix}-${i}`, text, { text, n: i, nested: { list: [text, null, true, 1.5] } }));
    const copied = values('copy');
    await copyRows(t.ctx.db, 'case_events', copied, ['data']);
    const inserted = values('json');
    if (dialect === 'postgres') {
      await sql`insert into case_events select * from json_populate_recordset(null::case_events, ${rowsJson(inserted)}::json)`.execute(t.ctx.db);
    } else {
      await insertRows(t.ctx.db, 'case_events', inserted.map((r) => ({ ...r, data: JSON.stringify(r.data) })) as never);
    }
    const read = async (prefix: string) =>
      (await t.ctx.db.selectFrom('case_events').selectAll().where('id', 'like', `${prefix}-%`).orderBy('id').execute()).map((r) => ({ ...r, id: r.id.slice(prefix.length) }));
    const a = await read('copy');
    expect(a).toHaveLength(awkward.length);
    expect(a).toEqual(await read('json'));
    const tab = a.find((r) => r.id === '-0')!;
    expect(tab.body).toBe('tab\there');
    expect(JSON.parse(tab.data!)).toEqual({ text: 'tab\there', n: 0, nested: { list: ['tab\there', null, true, 1.5] } });
    expect(a.find((r) => r.id === '-4')!.body).toBe('\\N'); // text, not NULL
    expect(a.find((r) => r.id === '-5')!.body).toBe(dialect === 'postgres' ? 'nul\uFFFDhere' : 'nul\0here');
    expect(a.find((r) => r.id === '-0')!.created_at).toBe(T0 + 2 ** 40);
  });

  it('stores NULL as NULL and a string in a JSON column as it is', async () => {
    await copyRows(t.ctx.db, 'case_events', [event('null-1', null, null), event('null-2', 'x', 'plain text')], ['data']);
    const rows = await t.ctx.db.selectFrom('case_events').select(['id', 'body', 'data']).where('id', 'like', 'null-%').orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'null-1', body: null, data: null },
      { id: 'null-2', body: 'x', data: 'plain text' },
    ]);
  });

  it('writes many rows in one statement, and fails whole on a bad row', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => event(`many-${String(i).padStart(4, '0')}`, `第${i}条`, { i }));
    await copyRows(t.ctx.db, 'case_events', many, ['data']);
    const n = await t.ctx.db.selectFrom('case_events').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'like', 'many-%').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1500);
    // a row for a case that does not exist breaks the foreign key: nothing of the call is kept
    const bad = [event('bad-1', 'ok', {}), { ...event('bad-2', 'orphan', {}), case_id: 'no-such-case' }];
    await expect(t.ctx.db.transaction().execute((trx) => copyRows(trx, 'case_events', bad, ['data']))).rejects.toThrow();
    const left = await t.ctx.db.selectFrom('case_events').select('id').where('id', 'like', 'bad-%').execute();
    expect(left).toEqual([]);
    // the connection is usable after the failed COPY
    const after = await t.ctx.db.selectFrom('case_events').select('id').where('id', '=', 'many-0000').execute();
    expect(after).toHaveLength(1);
  });

  it.runIf(dialect === 'postgres')('refuses a value that has no text form instead of storing something else', async () => {
    const binary = { ...event('bin-2', null, null), body: new Uint8Array([1]) as unknown as string };
    await expect(copyRows(t.ctx.db, 'case_events', [event('bin-1', null, null), binary], ['data'])).rejects.toThrow(/no COPY text/);
    expect(await t.ctx.db.selectFrom('case_events').select('id').where('id', 'like', 'bin-%').execute()).toEqual([]);
  });
});
