import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { prepared } from './prepared.ts';

describe.each(DIALECTS)('prepared queries on %s', (dialect) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(dialect);
    await t.ctx.db
      .insertInto('categories')
      .values(['a', 'b', 'c'].map((code, i) => ({ id: `cat-${code}`, code, name: `n${i}`, name_en: code, parent_id: null, active: i < 2 ? 1 : 0 })))
      .execute();
  });
  afterAll(async () => t?.close());

  // parameters in several places, and constants (the limit, `active = 1`) kept as compiled
  const byCode = prepared((db, code: string, name: string) =>
    db.selectFrom('categories').select(['id', 'name']).where('active', '=', 1).where('code', '>=', code).where('name', '>=', name).orderBy('code').limit(1),
  );

  it('runs the once-compiled query with each call’s values, in the transaction it is given', async () => {
    expect(await byCode(t.ctx.db, 'a', 'n0')).toEqual([{ id: 'cat-a', name: 'n0' }]);
    expect(await byCode(t.ctx.db, 'a', 'n1')).toEqual([{ id: 'cat-b', name: 'n1' }]);
    expect(await byCode(t.ctx.db, 'c', 'n0')).toEqual([]); // c is inactive: the constant still applies
    await t.ctx.db.transaction().execute(async (trx) => {
      await trx.updateTable('categories').set({ active: 1 }).where('id', '=', 'cat-c').execute();
      expect(await byCode(trx, 'c', 'n0')).toEqual([{ id: 'cat-c', name: 'n2' }]);
    });
  });
});
