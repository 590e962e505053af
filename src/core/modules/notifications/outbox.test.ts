import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { openCtx } from '../../bootstrap.ts';
import type { Ctx } from '../../context.ts';
import { seedBase } from '../../seed/base-seed.ts';
import { systemActor } from '../../shared/actor.ts';
import { ManualClock } from '../../shared/clock.ts';
import { createCase, resolve, take } from '../cases/index.ts';
import { actorOf } from '../users/index.ts';
import { DIALECTS, openTestDb, T0, type TestDb } from '../../../../test/helpers/db.ts';
import {
  createOutboxWorker,
  outboxPacer,
  emailTransport,
  enqueue,
  notifyTransport,
  smtpSender,
  transportsFromEnv,
  type Logger,
  type OutboxWorkerOptions,
} from './index.ts';

/** A real SMTP server on loopback that parses what it receives; it can be told to refuse recipients. */
async function startSmtp(opts: { delayMs?: number } = {}) {
  const received: ParsedMail[] = [];
  const state: { refuse: null | { code: number; message: string } } = { refuse: null };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (!state.refuse) return cb();
      cb(Object.assign(new Error(state.refuse.message), { responseCode: state.refuse.code }));
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then(
        async (mail) => {
          if (opts.delayMs) await sleep(opts.delayMs);
          received.push(mail);
          cb();
        },
        (err: Error) => cb(err),
      );
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

type Smtp = Awaited<ReturnType<typeof startSmtp>>;
const FROM = 'ServiceLoop 客户服务中心 <service@serviceloop.test>';
const header = (m: ParsedMail, name: string) => String(m.headers.get(name.toLowerCase()) ?? '');
const toOf = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address));

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

function smtpWorker(ctx: Ctx, smtp: Smtp, o: Partial<OutboxWorkerOptions> = {}) {
  const sender = smtpSender({ url: smtp.url, from: FROM });
  return createOutboxWorker(ctx, {
    transports: { email: emailTransport(sender, { timeZone: ctx.config.timeZone }), notify: notifyTransport(ctx, sender) },
    log: silent,
    ...o,
  });
}

const outboxRows = (ctx: Ctx) => ctx.db.selectFrom('outbox').selectAll().orderBy('created_at').orderBy('id').execute();

describe.each(DIALECTS)('outbox worker on %s', (dialect) => {
  let cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const f of cleanup.reverse()) await f();
    cleanup = [];
  });

  async function setup(opts: Parameters<typeof openTestDb>[1] = {}) {
    const t = await openTestDb(dialect, opts);
    cleanup.push(t.close);
    const smtp = await startSmtp();
    cleanup.push(smtp.close);
    return { ...t, clock: t.clock as ManualClock, smtp };
  }

  /** Worker stopped (its SMTP pool closed) before the server and the database go. */
  function worker(t: TestDb & { smtp: Smtp }, o: Partial<OutboxWorkerOptions> = {}) {
    const w = smtpWorker(t.ctx, t.smtp, o);
    cleanup.push(() => w.stop());
    return w;
  }

  it('mails the acknowledgement with the case number and the committed response time, in the case language', async () => {
    const t = await setup({
      caseHooks: [{ name: 'promise', onCreated: async (_ctx, _trx, _c, ack) => void (ack.firstResponseDueAt = T0 + 3600_000) }],
    });
    const zh = await createCase(
      t.ctx,
      { channel: 'web', contact: { name: '李华', email: 'Li.Hua@Example.com' }, subject: '空调维修后仍不制冷', description: '上周维修过，现在还是不制冷。' },
      systemActor(),
    );
    const en = await createCase(
      t.ctx,
      { channel: 'email', contact: { name: 'Ann <b>Lee</b>', email: 'ann@example.com' }, subject: 'Invoice <script>x</script> is wrong', description: 'Charged twice.' },
      systemActor(),
    );
    const w = worker(t);
    expect(await w.runOnce()).toEqual({ sent: 2, failed: 0 });
    expect(t.smtp.received).toHaveLength(2);
    const mz = t.smtp.received.find((m) => toOf(m).includes('li.hua@example.com'))!;
    expect(mz.subject).toBe(`[${zh.case.number}] 您的诉求已受理：空调维修后仍不制冷`);
    expect(mz.text).toContain(`工单号为 ${zh.case.number}`);
    expect(mz.text).toContain('我们将在 2026年11月23日 11:00（北京时间） 前给您首次答复');
    expect(mz.html).toContain(zh.case.number);
    expect(mz.from?.value[0]?.address).toBe('service@serviceloop.test');
    const [row1, row2] = await outboxRows(t.ctx);
    expect(mz.messageId).toBe(`<${row1!.id}@serviceloop.test>`);
    expect(header(mz, 'X-ServiceLoop-Outbox-Id')).toBe(row1!.id);

    const me = t.smtp.received.find((m) => toOf(m).includes('ann@example.com'))!;
    expect(me.subject).toBe(`[${en.case.number}] We have received your request: Invoice <script>x</script> is wrong`);
    expect(me.text).toContain('we will respond to you by 23 Nov 2026, 11:00 (Beijing time, UTC+8)');
    expect(me.html).not.toContain('<script>');
    expect(me.html).toContain('&lt;script&gt;');
    expect(me.html).not.toContain('<b>Lee');

    for (const r of [row1!, row2!]) expect(r).toMatchObject({ sent_at: T0, attempts: 0, last_error: null, claimed_until: null, failed_at: null });
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(t.smtp.received).toHaveLength(2);
  });

  it('never sends a message whose transaction rolled back', async () => {
    const t = await setup();
    const msg = (to: string) => ({ topic: 'email' as const, payload: { to, template: 'case_closed', locale: 'en', vars: { number: 'SL-X', reason: 'withdrawn' } } });
    await expect(
      t.ctx.db.transaction().execute(async (trx) => {
        await enqueue(t.ctx, trx, msg('rolled-back@example.com'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await t.ctx.db.transaction().execute((trx) => enqueue(t.ctx, trx, msg('committed@example.com')));
    const w = worker(t);
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(t.smtp.received.map(toOf)).toEqual([['committed@example.com']]);
    expect(await outboxRows(t.ctx)).toHaveLength(1);
  });

  it('retries a refused message with exponential backoff until the server accepts it', async () => {
    const t = await setup();
    await createCase(t.ctx, { channel: 'web', contact: { name: 'Bo', email: 'bo@example.com' }, subject: 'Broken', description: 'It broke.' }, systemActor());
    const w = worker(t, { backoffBaseMs: 60_000 });
    t.smtp.state.refuse = { code: 451, message: 'Mailbox busy, try later' };

    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    let [row] = await outboxRows(t.ctx);
    expect(row).toMatchObject({ attempts: 1, sent_at: null, failed_at: null, claimed_until: null, available_at: T0 + 60_000 });
    expect(row!.last_error).toMatch(/451/);
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 }); // not due yet

    t.clock.advance(60_000);
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    [row] = await outboxRows(t.ctx);
    expect(row).toMatchObject({ attempts: 2, available_at: T0 + 60_000 + 120_000 });

    t.clock.advance(119_999);
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });
    t.clock.advance(1);
    t.smtp.state.refuse = null;
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 0 });
    [row] = await outboxRows(t.ctx);
    expect(row).toMatchObject({ attempts: 2, sent_at: T0 + 180_000, last_error: null, failed_at: null });
    expect(t.smtp.received).toHaveLength(1);
    expect(t.smtp.received[0]!.subject).toContain('Broken');
  });

  it('gives up after maxAttempts, and fails topics without a transport at once', async () => {
    const t = await setup();
    await createCase(t.ctx, { channel: 'web', contact: { name: 'Bo', email: 'bo@example.com' }, subject: 'Broken', description: 'x' }, systemActor());
    await t.ctx.db.transaction().execute(async (trx) => {
      await enqueue(t.ctx, trx, { topic: 'sms', payload: { to: '+8613800000000', text: 'hi' } });
      await enqueue(t.ctx, trx, { topic: 'webhook', payload: { url: 'https://example.com/hook' } });
      await enqueue(t.ctx, trx, { topic: 'email', payload: { to: 'x@example.com', template: 'no_such_template' } });
    });
    t.smtp.state.refuse = { code: 550, message: 'No such user' };
    const w = worker(t, { maxAttempts: 3 });
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 4 });
    const byTopic = async () => Object.fromEntries((await outboxRows(t.ctx)).map((r) => [r.topic === 'email' && r.case_id === null ? 'bad' : r.topic, r]));
    let rows = await byTopic();
    expect(rows.sms).toMatchObject({ attempts: 1, failed_at: T0, sent_at: null, last_error: 'no transport configured for topic "sms"' });
    expect(rows.webhook).toMatchObject({ failed_at: T0, last_error: 'no transport configured for topic "webhook"' });
    expect(rows.bad).toMatchObject({ failed_at: T0, last_error: 'unknown mail template "no_such_template"' });
    expect(rows.email).toMatchObject({ attempts: 1, failed_at: null });

    t.clock.advance(60_000);
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    t.clock.advance(120_000);
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    rows = await byTopic();
    expect(rows.email).toMatchObject({ attempts: 3, failed_at: T0 + 180_000, sent_at: null });
    expect(rows.email!.last_error).toMatch(/^gave up after 3 attempts: .*550/);
    t.clock.advance(86_400_000);
    t.smtp.state.refuse = null;
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(t.smtp.received).toHaveLength(0);
  });

  it('tells the customer the result, cause and measures, and emails staff notifications in their language', async () => {
    const t = await setup();
    const seed = await seedBase(t.ctx, 'test-password-1');
    const userRow = (id: string) => t.ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const agent = actorOf(await userRow(seed.users.agent!.id), null);
    const c = await createCase(
      t.ctx,
      { channel: 'phone', contact: { name: '王芳', email: 'wang.fang@example.com' }, subject: '账单重复扣费', description: '本月被扣了两次费。' },
      agent,
    );
    await take(t.ctx, c.case.id, agent);
    await resolve(t.ctx, c.case.id, { cause: '计费系统重复扣费', solution: '已退还多扣的 58 元', compensation: '赠送一个月会员', correctiveAction: '修复计费系统并增加每日对账' }, agent);

    await t.ctx.db.updateTable('users').set({ locale: 'en' }).where('id', '=', seed.users.agent3!.id).execute();
    await t.ctx.db.updateTable('users').set({ active: 0 }).where('id', '=', seed.users.director!.id).execute();
    await t.ctx.db.transaction().execute((trx) =>
      enqueue(t.ctx, trx, {
        topic: 'notify',
        caseId: c.case.id,
        payload: {
          userIds: [seed.users.supervisor!.id, seed.users.manager!.id, seed.users.agent3!.id, seed.users.director!.id],
          kind: 'escalation',
          caseId: c.case.id,
          vars: { level: 3, role: 'manager', target: 'resolution', dueAt: T0 + 7200_000 },
        },
      }),
    );

    const w = worker(t);
    // the resolution notice, the resolution's satisfaction survey (modules/surveys) and the staff notification
    expect(await w.runOnce()).toEqual({ sent: 4, failed: 0 });
    expect(t.smtp.received.filter((m) => m.subject?.includes('满意度调查'))).toHaveLength(1);
    const resolved = t.smtp.received.find((m) => m.subject?.includes('处理结果通知'))!;
    expect(resolved.subject).toBe(`[${c.case.number}] 处理结果通知：账单重复扣费`);
    for (const s of ['问题原因：计费系统重复扣费', '处理结果：已退还多扣的 58 元', '补偿措施：赠送一个月会员', '改进措施：修复计费系统并增加每日对账'])
      expect(resolved.text).toContain(s);

    const staff = t.smtp.received.filter((m) => header(m, 'X-ServiceLoop-Notify') === 'escalation');
    expect(staff).toHaveLength(2);
    const zh = staff.find((m) => m.subject?.startsWith('【工单升级】'))!;
    expect(zh.subject).toBe(`【工单升级】[${c.case.number}] 已升级至经理`);
    expect(toOf(zh).sort()).toEqual(['manager@serviceloop.local', 'supervisor@serviceloop.local']);
    expect(zh.text).toContain(`工单 ${c.case.number}（账单重复扣费） 已升级至经理，原因：处理完成超过处理时限（2026年11月23日 12:00（北京时间））`);
    const en = staff.find((m) => m.subject?.startsWith('[Escalation]'))!;
    expect(toOf(en)).toEqual(['agent3@serviceloop.local']);
    expect(en.subject).toBe(`[Escalation] [${c.case.number}] escalated to manager`);
  });

  it('mails a digest of many cases as one message per language, and fails one without items for good', async () => {
    const t = await setup();
    const seed = await seedBase(t.ctx, 'test-password-1');
    await t.ctx.db.updateTable('users').set({ locale: 'en' }).where('id', '=', seed.users.manager!.id).execute();
    const items = [1, 2, 3].map((i) => ({ caseId: `c${i}`, number: `SL-20261123-000${i}`, subject: `积分未到账${i}`, level: 2, role: 'supervisor', reason: 'first_response_breached', target: 'first_response', dueAt: T0 }));
    await t.ctx.db.transaction().execute(async (trx) => {
      await enqueue(t.ctx, trx, { topic: 'notify', payload: { userIds: [seed.users.supervisor!.id, seed.users.manager!.id], kind: 'escalation', template: 'escalation', total: 120, items } });
      await enqueue(t.ctx, trx, { topic: 'notify', payload: { userIds: [seed.users.supervisor!.id], kind: 'escalation', template: 'escalation', total: 0, items: [] } });
    });
    const w = worker(t);
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 1 });
    expect(t.smtp.received).toHaveLength(2);
    const zh = t.smtp.received.find((m) => toOf(m).includes('supervisor@serviceloop.local'))!;
    expect(zh.subject).toBe('【工单升级】120 个工单已升级');
    expect(header(zh, 'X-ServiceLoop-Digest')).toBe('120');
    expect(header(zh, 'X-ServiceLoop-Case')).toBe('');
    for (const i of items) expect(zh.text).toContain(`- 工单 ${i.number}（${i.subject}） 已升级至主管，原因：首次响应超过处理时限`);
    expect(zh.text).toContain('另有 117 个工单未列出');
    const en = t.smtp.received.find((m) => toOf(m).includes('manager@serviceloop.local'))!;
    expect(en.subject).toBe('[Escalation] 120 cases escalated');
    const rows = await outboxRows(t.ctx);
    expect(rows.map((r) => [r.sent_at !== null, r.failed_at !== null])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(rows[1]!.last_error).toMatch(/no items/);
  });

  it('without SMTP_URL logs the rendered mail and marks it sent', async () => {
    const t = await setup();
    const lines: Array<{ obj: Record<string, unknown>; msg?: string | undefined }> = [];
    const log: Logger = { info: (obj, msg) => lines.push({ obj: obj as Record<string, unknown>, msg }), warn: () => {}, error: () => {} };
    const c = await createCase(t.ctx, { channel: 'web', contact: { name: 'Li', email: 'li@example.com' }, subject: '咨询发票', description: '如何开发票？' }, systemActor());
    const w = createOutboxWorker(t.ctx, { transports: transportsFromEnv(t.ctx, {}, log), log });
    cleanup.push(() => w.stop());
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.msg).toMatch(/SMTP_URL is not set/);
    expect(JSON.stringify(lines[0]!.obj)).toContain(c.case.number);
    expect(String(lines[0]!.obj.text)).toContain('已收到并受理');
    const [row] = await outboxRows(t.ctx);
    expect(row!.sent_at).toBe(T0);
  });

  it('writes inside the intake group commits on SQLite, beside them in transactions of its own on PostgreSQL', async () => {
    const t = await setup();
    await createCase(t.ctx, { channel: 'web', contact: { name: 'Li', email: 'li@example.com' }, subject: '咨询发票', description: '如何开发票？' }, systemActor());
    const groupCommit = t.ctx.batched!;
    let joined = 0;
    const ctx: Ctx = { ...t.ctx, batched: (fn, hint) => (joined++, groupCommit(fn, hint)) };
    const w = smtpWorker(ctx, t.smtp);
    cleanup.push(() => w.stop());
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 0 });
    // the claim and the mark as sent
    expect(joined).toBe(dialect === 'sqlite' ? 2 : 0);
    expect((await outboxRows(t.ctx)).map((r) => [r.sent_at, r.claimed_until])).toEqual([[T0, null]]);
    expect(t.smtp.received).toHaveLength(1);
  });

  it('start() delivers in the background and stop() waits for the batch in flight', async () => {
    const t = await setup();
    const w = worker(t, { pollMs: 10 });
    w.start();
    await createCase(t.ctx, { channel: 'web', contact: { name: 'Bo', email: 'bo@example.com' }, subject: 'Loop', description: 'x' }, systemActor());
    for (let i = 0; i < 200 && t.smtp.received.length === 0; i++) await sleep(10);
    expect(t.smtp.received).toHaveLength(1);
    await w.stop();
    await createCase(t.ctx, { channel: 'web', contact: { name: 'Bo', email: 'bo@example.com' }, subject: 'After stop', description: 'x' }, systemActor());
    await sleep(50);
    expect(t.smtp.received).toHaveLength(1);
    expect((await outboxRows(t.ctx)).map((r) => r.sent_at === null)).toEqual([false, true]);
  });

  it('start() drains a backlog in batches, then keeps looking soon while messages keep coming, not only every pollMs', async () => {
    const t = await setup();
    const contact = { name: 'Wu', email: 'wu@example.com' };
    for (let i = 0; i < 12; i++) await createCase(t.ctx, { channel: 'web', contact, subject: `Backlog ${i}`, description: 'x' }, systemActor());
    const w = worker(t, { batchSize: 5, pollMs: 60_000, busyPollMs: 20 });
    w.start();
    for (let i = 0; i < 300 && t.smtp.received.length < 12; i++) await sleep(10);
    expect(t.smtp.received).toHaveLength(12); // 5 + 5 + 2, without waiting pollMs between them
    // The loop now looks again after 20, 40, 80... ms, not after a minute.
    await sleep(50);
    await createCase(t.ctx, { channel: 'web', contact, subject: 'One more', description: 'x' }, systemActor());
    for (let i = 0; i < 300 && t.smtp.received.length < 13; i++) await sleep(10);
    expect(t.smtp.received).toHaveLength(13);
  });

  /** Another process's worker: its own connections to the same database, the same clock. */
  async function otherProcess(t: TestDb & { smtp: Smtp }) {
    const other = await openCtx({ url: t.url, clock: t.clock, config: t.ctx.config });
    cleanup.push(() => other.dbh.close());
    const w = smtpWorker(other.ctx, t.smtp);
    cleanup.push(() => w.stop());
    return w;
  }

  const untilReceived = async (smtp: Smtp, n: number) => {
    for (let i = 0; i < 1000 && smtp.received.length < n; i++) await sleep(10);
  };
  /** The mark comes after the delivery: the mail server may have the message before the row says sent. */
  const untilMarkedSent = async (ctx: Ctx) => {
    for (let i = 0; i < 1000 && (await outboxRows(ctx)).some((r) => r.sent_at === null); i++) await sleep(10);
  };

  it('takes the acknowledgement from the intake that wrote it once it commits, held from other workers meanwhile, without polling for it', async () => {
    const t = await setup();
    const w = worker(t, { pollMs: 60_000, busyPollMs: 20 });
    w.start();
    await sleep(50); // its first poll found nothing: the next comes only after 20, 40, 80... ms
    const { case: c } = await createCase(t.ctx, { channel: 'web', contact: { name: 'Lu', email: 'lu@example.com' }, subject: '交接', description: 'x' }, systemActor());
    // written as held for this process's worker (available only after its claim time, 10 min):
    // the clock stands still, so no poll of any worker can take it
    const [row] = await outboxRows(t.ctx);
    expect([row!.case_id, row!.available_at, row!.claimed_until]).toEqual([c.id, T0 + 10 * 60_000, null]);
    expect(await (await otherProcess(t)).runOnce()).toEqual({ sent: 0, failed: 0 });
    await untilReceived(t.smtp, 1);
    expect(t.smtp.received.map((m) => header(m, 'X-ServiceLoop-Outbox-Id'))).toEqual([row!.id]);
    await untilMarkedSent(t.ctx);
    expect((await outboxRows(t.ctx)).map((r) => [r.sent_at, r.claimed_until, r.attempts])).toEqual([[T0, null, 0]]);
  });

  it('stop() makes the messages handed to it and not yet sent available to every worker at once', async () => {
    const t = await setup();
    const w = worker(t, { pollMs: 60_000, busyPollMs: 60_000 });
    w.start();
    await sleep(50); // its first poll is done, the next a minute away
    await createCase(t.ctx, { channel: 'web', contact: { name: 'Ma', email: 'ma@example.com' }, subject: 'Held', description: 'x' }, systemActor());
    const other = await otherProcess(t);
    expect(await other.runOnce()).toEqual({ sent: 0, failed: 0 });
    await w.stop();
    expect(t.smtp.received).toHaveLength(0);
    expect(await other.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(t.smtp.received).toHaveLength(1);
  });

  it('a held message goes out by another worker when its hold ends, as after a claim whose worker died, and only once', async () => {
    const t = await setup();
    const w = worker(t, { pollMs: 60_000, busyPollMs: 60_000 });
    w.start();
    await sleep(50);
    await createCase(t.ctx, { channel: 'web', contact: { name: 'Qi', email: 'qi@example.com' }, subject: 'Lost worker', description: 'x' }, systemActor());
    const other = await otherProcess(t);
    t.clock.advance(10 * 60_000 - 1);
    expect(await other.runOnce()).toEqual({ sent: 0, failed: 0 });
    t.clock.advance(1);
    expect(await other.runOnce()).toEqual({ sent: 1, failed: 0 });
    // the first worker never sends its copy: stopping makes it available only if it is still unsent and unclaimed
    await w.stop();
    expect(await other.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(t.smtp.received).toHaveLength(1);
  });

  it('after stop() the process writes its messages for every worker again', async () => {
    const t = await setup();
    const w = worker(t, { pollMs: 60_000 });
    w.start();
    await w.stop();
    await createCase(t.ctx, { channel: 'web', contact: { name: 'He', email: 'he@example.com' }, subject: 'Stopped', description: 'x' }, systemActor());
    expect((await outboxRows(t.ctx)).map((r) => r.available_at)).toEqual([T0]);
    expect(await (await otherProcess(t)).runOnce()).toEqual({ sent: 1, failed: 0 });
  });

  it('two workers on two connections send each of 50 messages exactly once', async () => {
    const t = await setup();
    const slow = await startSmtp({ delayMs: 3 });
    cleanup.push(slow.close);
    const other = await openCtx({ url: t.url, clock: t.clock, config: t.ctx.config });
    cleanup.push(() => other.dbh.close());
    await t.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 50; i++)
        await enqueue(t.ctx, trx, {
          topic: 'email',
          payload: { to: `c${i}@example.com`, template: 'case_acknowledged', locale: i % 2 ? 'en' : 'zh', vars: { number: `SL-20261123-${String(i).padStart(4, '0')}`, subject: `s${i}` } },
        });
    });
    const workers = [t.ctx, other.ctx].map((ctx) => smtpWorker(ctx, slow, { batchSize: 5, concurrency: 2 }));
    for (const w of workers) cleanup.push(() => w.stop());
    const drain = async (w: (typeof workers)[number]) => {
      let sent = 0;
      for (;;) {
        const r = await w.runOnce();
        expect(r.failed).toBe(0);
        if (r.sent === 0) return sent;
        sent += r.sent;
      }
    };
    const counts = await Promise.all(workers.map(drain));
    expect(counts[0]! + counts[1]!).toBe(50);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
    const ids = slow.received.map((m) => header(m, 'X-ServiceLoop-Outbox-Id'));
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
    const rows = await outboxRows(t.ctx);
    expect(rows.every((r) => r.sent_at !== null && r.attempts === 0)).toBe(true);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id)));
  });
});

describe('outboxPacer (when the start() loop runs its next batch)', () => {
  it('pauses as long as a full batch took, polls soon while messages come, and backs off to pollMs when idle', () => {
    const pace = outboxPacer({ batchSize: 50, pollMs: 1000, busyPollMs: 100 });
    expect(pace(50, 12.4)).toBe(12); // a backlog: the worker at most half the time
    expect(pace(50, 0.2)).toBe(1);
    expect(pace(7, 3)).toBe(100);
    expect([0, 0, 0, 0, 0, 0].map(() => pace(0, 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(pace(1, 1)).toBe(100); // a message again: back to polling soon
    expect(pace(0, 1)).toBe(100);
  });
});
