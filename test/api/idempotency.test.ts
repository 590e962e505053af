import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { login } from '../../src/core/modules/users/index.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS, T0 } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

interface CaseJson {
  id: string;
  number: string;
  customerId: string | null;
}

describe.each(DIALECTS)('idempotent and concurrent intake on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [] }); // the case record alone, without other modules' hooks
  });
  afterAll(async () => t?.close());

  const count = async (table: 'cases' | 'customers' | 'idempotency_keys' | 'outbox', where?: [string, string]) => {
    let q = t.ctx.db.selectFrom(table).select(sql<number>`count(*)`.as('n'));
    if (where) q = q.where(sql.ref(where[0]), '=', where[1]);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  it('20 parallel retries with one Idempotency-Key create exactly one case', async () => {
    const body = {
      channel: 'email',
      contact: { name: '重试客户', email: 'retry@example.com' },
      subject: '网络抖动导致的重复提交',
      description: '同一请求因超时被客户端重试了二十次',
      request: '只要一个工单',
    };
    const cookie = await t.cookie('agent');
    const send = (b: unknown, key: string, c = cookie) =>
      t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { cookie: c, 'idempotency-key': key }, payload: b as object });

    const res = await Promise.all(Array.from({ length: 20 }, () => send(body, 'retry-key-1')));
    const statuses = res.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, ...Array<number>(18).fill(200), 201].sort());
    const cases = res.map((r) => r.json() as CaseJson);
    expect(new Set(cases.map((c) => c.id)).size).toBe(1);
    expect(new Set(cases.map((c) => c.number)).size).toBe(1);
    for (const r of res) expect(r.headers['idempotent-replayed']).toBe(r.statusCode === 200 ? 'true' : undefined);
    const the = cases[0]!;
    expect(the.number).toBe('SL-20261123-0001');

    // exactly one of everything the intake writes
    expect(await count('cases')).toBe(1);
    expect(await count('customers', ['email', 'retry@example.com'])).toBe(1);
    expect(await count('idempotency_keys')).toBe(1);
    expect(await count('outbox', ['case_id', the.id])).toBe(1);
    const events = await t.ctx.db.selectFrom('case_events').select('type').where('case_id', '=', the.id).execute();
    expect(events.filter((e) => e.type === 'created')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'acknowledged')).toHaveLength(1);
    const audits = await t.ctx.db.selectFrom('audit_log').select('id').where('action', '=', 'case.create').execute();
    expect(audits).toHaveLength(1);
    const counter = await t.ctx.db.selectFrom('case_number_counters').selectAll().execute();
    expect(counter).toEqual([{ day: '20261123', last: 1 }]);

    // a late retry is still answered with the same case
    const late = await send(body, 'retry-key-1');
    expect(late.statusCode).toBe(200);
    expect((late.json() as CaseJson).id).toBe(the.id);

    // the same key for a different request is refused, and creates nothing
    const reused = await send({ ...body, subject: '另一个问题' }, 'retry-key-1');
    expect(reused.statusCode).toBe(409);
    expect((reused.json() as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
    expect(await count('cases')).toBe(1);

    // keys belong to the caller: another agent's identical key is a different request
    const other = await send(body, 'retry-key-1', await t.cookie('agent2'));
    expect(other.statusCode).toBe(201);
    expect((other.json() as CaseJson).id).not.toBe(the.id);
    expect((other.json() as CaseJson).number).toBe('SL-20261123-0002');
    expect(await count('cases')).toBe(2);
  });

  it('50 parallel creates without a key get 50 distinct, gap-free numbers and one customer', async () => {
    (t.clock as ManualClock).set(T0 + 86_400_000); // the next day: its numbering starts at 0001
    const { token } = await login(t.ctx, t.seed.users.supervisor!.email, TEST_PASSWORD, null);
    const cookie = `sl_session=${token}`;
    const res = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: { cookie },
          payload: {
            channel: 'chat',
            contact: { name: '并发客户', email: 'burst@example.com' },
            subject: `并发咨询 ${i}`,
            description: `第 ${i} 条同时到达的消息`,
          },
        }),
      ),
    );
    expect(res.map((r) => r.statusCode)).toEqual(Array<number>(50).fill(201));
    const cases = res.map((r) => r.json() as CaseJson);
    expect(new Set(cases.map((c) => c.id)).size).toBe(50);
    const numbers = cases.map((c) => c.number).sort();
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => `SL-20261124-${String(i + 1).padStart(4, '0')}`));
    // the same contact arriving 50 times at once is one customer, not 50
    expect(await count('customers', ['email', 'burst@example.com'])).toBe(1);
    expect(new Set(cases.map((c) => c.customerId)).size).toBe(1);
    const stored = await t.ctx.db.selectFrom('cases').select('number').where('number', 'like', 'SL-20261124-%').execute();
    expect(stored).toHaveLength(50);
  });
});
