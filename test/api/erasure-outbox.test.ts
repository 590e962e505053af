import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import type { Ctx } from '../../src/core/context.ts';
import type { Db } from '../../src/core/db/create-db.ts';
import { createCase, type CaseView } from '../../src/core/modules/cases/index.ts';
import { createOutboxWorker, enqueue, type Logger, type OutboxEnvelope, type OutboxWorkerOptions } from '../../src/core/modules/notifications/index.ts';
import { eraseCustomer, type ErasureResult } from '../../src/core/modules/privacy/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS, T0 } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const sys = systemActor('test');
const EMAIL = 'lu.xin@example.com';
const NAME = '陆欣';
const PERSONAL = /lu\.xin|陆欣|13655554444|洗衣机/;

// SPEC 10: an outbox worker reads a batch of messages (claim, or handed over by its own intake),
// then sends them one by one. An erasure that commits in between, on this node or another,
// cancels those about the customer; the worker reads each message again at send time and sends
// none of them (outbox.worker.ts, deliver).
describe.each(DIALECTS)('a message read by the outbox worker before an erasure, on %s', (dialect) => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const f of cleanup.reverse()) await f();
    cleanup.length = 0;
  });

  /** The app, and a second app node on the same database (its own connections) that does the erasure. */
  async function setup(): Promise<{ t: TestApp; other: { ctx: Ctx; dbh: Db } }> {
    const t = await makeTestApp(dialect);
    cleanup.push(() => t.close());
    const other = await openCtx({ url: t.url, clock: t.clock, config: t.ctx.config });
    cleanup.push(() => other.dbh.close()); // (run in reverse: closed before the database is dropped)
    return { t, other };
  }

  /** A closed case of the customer, with its mails (acknowledgement, reply, resolution) still waiting in the outbox. */
  async function closedCase(t: TestApp): Promise<CaseView> {
    const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', type: 'inquiry', contact: { name: NAME, email: EMAIL, phone: '13655554444' }, subject: '洗衣机不排水', description: `${NAME}的洗衣机不排水` });
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json() as CaseView;
    for (const [path, body] of [
      ['replies', { body: `${NAME}您好，师傅明天上门` }],
      ['resolve', { cause: '排水泵堵塞', solution: '清理排水泵' }],
      ['close', { reason: 'solved' }],
    ] as const)
      expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/${path}`, body)).statusCode).toBe(200);
    return c;
  }

  const recorder = (onSend: (m: OutboxEnvelope) => Promise<void>) => {
    const sent: OutboxEnvelope[] = [];
    const transport = { send: async (m: OutboxEnvelope) => (sent.push(m), onSend(m)) };
    const transports: OutboxWorkerOptions['transports'] = { email: transport, notify: transport, sms: transport, webhook: transport };
    return { sent, transports };
  };

  it('claimed in a batch, then erased on another node while the worker sends the message before them: none of them is sent', async () => {
    const { t, other } = await setup();
    const c = await closedCase(t);
    const waiting = await t.ctx.db.selectFrom('outbox').select('id').where('case_id', '=', c.id).where('sent_at', 'is', null).execute();
    expect(waiting.length).toBeGreaterThanOrEqual(3);
    // a staff notification due before them, which the worker sends first: while it is being sent,
    // the director erases the customer on the other node
    await t.ctx.db.transaction().execute((trx) =>
      enqueue(t.ctx, trx, { topic: 'notify', payload: { userIds: [t.seed.users.agent!.id], kind: 'digest' }, availableAt: T0 - 60_000 }),
    );
    let erasure: ErasureResult | undefined;
    const { sent, transports } = recorder(async () => {
      erasure ??= await eraseCustomer(other.ctx, c.customerId!, { reason: 'DSR-9' }, sys);
    });
    const w = createOutboxWorker(t.ctx, { transports, concurrency: 1, log: silent });
    cleanup.push(() => w.stop());
    const r = await w.runOnce();

    expect(erasure?.counts.outboxCancelled).toBe(waiting.length); // they were claimed and waiting when it committed
    expect(sent.map((m) => m.topic)).toEqual(['notify']);
    expect(JSON.stringify(sent)).not.toMatch(PERSONAL);
    expect(r).toEqual({ sent: 1, failed: 0 });
    const rows = await t.ctx.db.selectFrom('outbox').selectAll().where('case_id', '=', c.id).execute();
    expect(rows.map((m) => [m.sent_at, m.failed_at !== null, m.attempts])).toEqual(rows.map(() => [null, true, 0]));
    for (const m of rows) expect(m.payload).not.toMatch(PERSONAL);
    // and no later batch sends them either
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(sent).toHaveLength(1);
  });

  it('handed over by its own intake, then erased before the worker runs: the acknowledgement it holds in memory is not sent', async () => {
    const { t, other } = await setup();
    const { sent, transports } = recorder(async () => {});
    const w = createOutboxWorker(t.ctx, { transports, pollMs: 60_000, busyPollMs: 60_000, log: silent });
    cleanup.push(() => w.stop());
    w.start();
    await sleep(50); // its first poll found nothing; the next is a minute away
    const { case: c } = await createCase(t.ctx, { channel: 'web', contact: { name: NAME, email: EMAIL }, subject: '洗衣机不排水', description: `${NAME}的洗衣机` }, sys);
    const [ack] = await t.ctx.db.selectFrom('outbox').selectAll().where('case_id', '=', c.id).execute();
    expect([ack!.available_at, ack!.claimed_until]).toEqual([T0 + 10 * 60_000, null]); // held for this worker, its payload in its memory
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/close`, { reason: 'withdrawn' })).statusCode).toBe(200);
    await eraseCustomer(other.ctx, c.customerId!, { reason: 'DSR-10' }, sys);

    await w.runOnce();
    expect(JSON.stringify(sent)).not.toMatch(PERSONAL);
    expect(sent.filter((m) => m.caseId === c.id)).toEqual([]);
    expect(await t.ctx.db.selectFrom('outbox').select('id').where('case_id', '=', c.id).where('sent_at', 'is not', null).execute()).toEqual([]);
  });
});
