import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDb, T0, type TestDb } from '../../../test/helpers/db.ts';
import { appendRows, bufferedTransaction, bufferOf, pendingRows } from './commit-buffer.ts';

/**
 * The write-behind buffer on its own: appended rows are written at the end of the transaction
 * (on PostgreSQL as one JSON parameter per table), and come back exactly as they went in.
 */
describe.each(DIALECTS)('commit buffer on %s', (dialect) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(dialect);
  });
  afterAll(async () => t?.close());

  const customer = (id: string, over: Record<string, unknown> = {}) => ({
    id,
    name: `客户 "${id}" \\ 😀`,
    email: null,
    phone: '13800000000',
    company: null,
    tier: 'vip' as const,
    region: null,
    branch: null,
    locale: 'zh',
    status: 'active' as const,
    created_at: T0,
    updated_at: 2 ** 52, // a large ms value, exact
    erased_at: null,
    ...over,
  });

  const message = (id: string) => ({ id, topic: 'email', payload: '{}', case_id: null, created_at: T0, available_at: T0, attempts: 0, sent_at: null, last_error: null, claimed_until: null, failed_at: null });

  it('runs what was left for after the commit once the transaction has committed, and not when it rolls back', async () => {
    const log: string[] = [];
    const value = await bufferedTransaction(t.ctx.db, async (trx) => {
      bufferOf(trx)!.afterCommit(() => log.push('after'));
      await appendRows(trx, 'outbox', [message('cb-after')]);
      log.push('work');
      return 7;
    });
    log.push('returned');
    expect(value).toBe(7);
    expect(log).toEqual(['work', 'after', 'returned']);
    const failing = bufferedTransaction(t.ctx.db, async (trx) => {
      bufferOf(trx)!.afterCommit(() => log.push('after a rollback'));
      // the same primary key again: fails when the buffer is written, just before COMMIT
      await appendRows(trx, 'outbox', [message('cb-after')]);
    });
    await expect(failing).rejects.toThrow();
    expect(log).not.toContain('after a rollback');
  });

  it('writes appended rows of several tables at commit, values unchanged', async () => {
    const payload = JSON.stringify({ text: '引号 " 反斜杠 \\ 换行\n', n: 1.5, list: [1, null, '二'], nested: { ok: true } });
    const seen = await bufferedTransaction(t.ctx.db, async (trx) => {
      await appendRows(trx, 'customers', [customer('cb-1'), customer('cb-2', { email: 'a@b.cn', region: '华东' })]);
      await appendRows(trx, 'outbox', [
        { id: 'cb-o1', topic: 'email', payload, case_id: null, created_at: T0, available_at: T0, attempts: 0, sent_at: null, last_error: null, claimed_until: null, failed_at: null },
      ]);
      // not written yet, but visible to the transaction's own code
      const pending = pendingRows(trx, 'customers')!.length;
      const inTable = (await trx.selectFrom('customers').select('id').where('id', 'like', 'cb-%').execute()).length;
      return { pending, inTable };
    });
    expect(seen).toEqual({ pending: 2, inTable: 0 });
    const rows = await t.ctx.db.selectFrom('customers').selectAll().where('id', 'like', 'cb-%').orderBy('id').execute();
    expect(rows).toEqual([customer('cb-1'), customer('cb-2', { email: 'a@b.cn', region: '华东' })]);
    const o = await t.ctx.db.selectFrom('outbox').selectAll().where('id', '=', 'cb-o1').executeTakeFirstOrThrow();
    expect(o.payload).toBe(payload); // JSON text stored as text, byte for byte
    expect(o.sent_at).toBeNull();
  });

  it('writes nothing when the transaction fails', async () => {
    await expect(
      bufferedTransaction(t.ctx.db, async (trx) => {
        await appendRows(trx, 'customers', [customer('cb-3'), customer('cb-1')]); // cb-1 exists: the flush fails
      }),
    ).rejects.toThrow();
    expect(await t.ctx.db.selectFrom('customers').select('id').where('id', '=', 'cb-3').execute()).toEqual([]);
  });

  it.runIf(dialect === 'postgres')('writes half a surrogate pair and NUL as U+FFFD (PostgreSQL refuses them inside JSON)', async () => {
    await bufferedTransaction(t.ctx.db, async (trx) => {
      await appendRows(trx, 'customers', [customer('cb-5', { name: '半个\uD800字' }), customer('cb-6', { name: '\uDE00' }), customer('cb-7', { name: 'a\u0000b' })]);
      await appendRows(trx, 'outbox', [
        { id: 'cb-o5', topic: 'email', payload: '{}', case_id: null, created_at: T0, available_at: T0, attempts: 0, sent_at: null, last_error: null, claimed_until: null, failed_at: null },
      ]);
    });
    const rows = await t.ctx.db.selectFrom('customers').select('name').where('id', 'in', ['cb-5', 'cb-6', 'cb-7']).orderBy('id').execute();
    expect(rows.map((r) => r.name)).toEqual(['半个\uFFFD字', '\uFFFD', 'a\uFFFDb']);
  });

  it.runIf(dialect === 'postgres')('refuses a number that is not finite instead of storing NULL', async () => {
    await expect(
      bufferedTransaction(t.ctx.db, async (trx) => {
        await appendRows(trx, 'customers', [customer('cb-4')]);
        await appendRows(trx, 'outbox', [
          { id: 'cb-o4', topic: 'email', payload: '{}', case_id: null, created_at: T0, available_at: Number.NaN, attempts: 0, sent_at: null, last_error: null, claimed_until: null, failed_at: null },
        ]);
      }),
    ).rejects.toThrow(/outbox\.available_at: NaN/);
    expect(await t.ctx.db.selectFrom('customers').select('id').where('id', '=', 'cb-4').execute()).toEqual([]);
  });
});
