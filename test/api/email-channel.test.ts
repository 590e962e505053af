import { Socket } from 'node:net';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEmail, startSmtpInbound, type SmtpInbound } from '../../src/core/modules/channels/index.ts';
import { emailTransport, type Logger, type MailSender, type OutgoingMail } from '../../src/core/modules/notifications/index.ts';
import { DIALECTS, T0 } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

const DOMAIN = 'support.example.com';
const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };
/** The authserv-id of the mail server in front (SL_EMAIL_TRUSTED_AUTHSERV). */
const MX = 'mx.support.example.com';
/** What the mail server in front writes on top of a mail whose From domain passed DMARC. */
const authPass = (domain: string, id = MX) => `Authentication-Results: ${id}; dkim=pass header.d=${domain} header.s=s1; dmarc=pass (p=reject) header.from=${domain}\r\n`;

interface CaseDetail {
  case: { id: string; number: string; status: string; channel: string; subject: string; description: string; receivedAt: number; contact: { name: string; email: string | null } };
  timeline: Array<{ type: string; body: string | null; actorKind: string; data: Record<string, unknown> | null }>;
  attachments: Array<{ id: string; filename: string; contentType: string; size: number }>;
}

interface Ingested {
  outcome: 'created' | 'threaded' | 'duplicate';
  threadedBy?: string;
  case: { id: string; number: string; status: string };
}

/** A raw RFC 5322 message (CRLF line ends), as a mail server hands it over. */
function rawMail(h: { from?: string; to?: string; subject?: string; messageId?: string; inReplyTo?: string; references?: string; date?: number | null }, body: string): string {
  const lines = [
    ...(h.from === undefined ? [] : [`From: ${h.from}`]),
    `To: ${h.to ?? `help@${DOMAIN}`}`,
    ...(h.subject === undefined ? [] : [`Subject: ${h.subject}`]),
    ...(h.date === null ? [] : [`Date: ${new Date(h.date ?? T0 - 3_600_000).toUTCString()}`]),
    ...(h.messageId ? [`Message-ID: <${h.messageId}>`] : []),
    ...(h.inReplyTo ? [`In-Reply-To: <${h.inReplyTo}>`] : []),
    ...(h.references ? [`References: ${h.references}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ];
  return lines.join('\r\n');
}

describe.each(DIALECTS)('email channel on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpInbound;
  let client: ReturnType<typeof nodemailer.createTransport>;
  const warnings: Array<{ obj: object; msg?: string }> = [];
  const capture: Logger = { info: () => {}, warn: (obj, msg) => void warnings.push({ obj, ...(msg ? { msg } : {}) }), error: () => {} };

  beforeAll(async () => {
    const saved = process.env.SL_EMAIL_TRUSTED_AUTHSERV;
    process.env.SL_EMAIL_TRUSTED_AUTHSERV = MX; // read by the HTTP route when the app is built
    try {
      t = await makeTestApp(dialect, { config: { maxAttachmentBytes: 64 * 1024 } });
    } finally {
      if (saved === undefined) delete process.env.SL_EMAIL_TRUSTED_AUTHSERV;
      else process.env.SL_EMAIL_TRUSTED_AUTHSERV = saved;
    }
    smtp = await startSmtpInbound(t.ctx, { host: '127.0.0.1', port: 0, domains: [DOMAIN], log: capture, trustedAuthserv: [MX] });
    client = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    client?.close();
    await smtp?.close();
    await t?.close();
  });

  /** Sends over SMTP; resolves with the server's final reply line. */
  const send = async (mail: SendMailOptions): Promise<string> => (await client.sendMail(mail)).response;
  const sendRaw = (raw: string, from = 'someone@example.com', to = [`help@${DOMAIN}`]) => send({ envelope: { from, to }, raw });
  const numberIn = (response: string) => /case (SL-\d{8}-\d{4})/.exec(response)?.[1];

  const detail = async (number: string) => {
    const res = await t.as('agent', 'GET', `/api/v1/cases/by-number/${number}`);
    expect(res.statusCode).toBe(200);
    return res.json() as CaseDetail;
  };
  const countCases = async () => Number((await t.ctx.db.selectFrom('cases').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);

  /** The customer mail we sent about a case (its acknowledgement...), rendered by the real transport: its Message-ID and subject. */
  const sentMail = async (caseId: string, template: string): Promise<OutgoingMail> => {
    const rows = await t.ctx.db.selectFrom('outbox').selectAll().where('case_id', '=', caseId).where('topic', '=', 'email').execute();
    const row = rows.find((r) => (JSON.parse(r.payload) as { template: string }).template === template);
    expect(row, `a ${template} mail in the outbox`).toBeDefined();
    const out: OutgoingMail[] = [];
    const sender: MailSender = { kind: 'log', from: `ServiceLoop <service@${DOMAIN}>`, deliver: async (m) => void out.push(m) };
    await emailTransport(sender).send({ id: row!.id, topic: 'email', payload: JSON.parse(row!.payload) as Record<string, unknown>, caseId, attempts: 0 });
    return out[0]!;
  };

  let first: { id: string; number: string };

  it('makes a case of a new mail sent over SMTP: contact, subject, description (without the signature), Date, attachment, acknowledgement', async () => {
    const response = await send({
      from: '"王小明" <Wang.XM@example.com>',
      to: `help@${DOMAIN}`,
      subject: '空调不制冷',
      text: '空调昨天开始不制冷了，请尽快派人检修。\n\n-- \n王小明\n13800138000',
      date: new Date(T0 - 3_600_000),
      messageId: '<first-1@mail.example.com>',
      attachments: [{ filename: 'photo.jpg', content: Buffer.from('not really a jpeg'), contentType: 'image/jpeg' }],
    });
    expect(response).toMatch(/^250 .*created: case SL-20261123-\d{4}/);
    const d = await detail(numberIn(response)!);
    first = { id: d.case.id, number: d.case.number };
    expect(d.case).toMatchObject({
      channel: 'email',
      subject: '空调不制冷',
      description: '空调昨天开始不制冷了，请尽快派人检修。',
      receivedAt: T0 - 3_600_000,
      contact: { name: '王小明', email: 'wang.xm@example.com' },
      status: 'new',
    });
    expect(d.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([['photo.jpg', 'image/jpeg', 17]]);
    const file = await t.as('agent', 'GET', `/api/v1/cases/${d.case.id}/attachments/${d.attachments[0]!.id}`);
    expect(file.body).toBe('not really a jpeg');
    // the mail as sent (signature included) is kept beside the clean description
    const created = d.timeline.find((e) => e.type === 'created')!;
    expect(String(created.data?.bodyHtml)).toContain('13800138000');
    // the same intake as any other: classified, acknowledged with the number, on the audit log
    expect(d.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'classified', 'acknowledged']));
    const ack = await sentMail(d.case.id, 'case_acknowledged');
    expect(ack.to).toEqual(['wang.xm@example.com']);
    expect(ack.subject).toContain(`[${d.case.number}]`);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['actor_id', 'actor_kind']).where('action', '=', 'case.create').where('target_id', '=', d.case.id).execute();
    expect(audit).toEqual([{ actor_id: 'channel:email', actor_kind: 'system' }]);
  });

  it('makes no second case of the same message delivered again (over SMTP or over HTTP)', async () => {
    const before = await countCases();
    const again = await send({
      from: '"王小明" <Wang.XM@example.com>',
      to: `help@${DOMAIN}`,
      subject: '空调不制冷',
      text: '空调昨天开始不制冷了，请尽快派人检修。\n\n-- \n王小明\n13800138000',
      date: new Date(T0 - 3_600_000),
      messageId: '<first-1@mail.example.com>',
      attachments: [{ filename: 'photo.jpg', content: Buffer.from('not really a jpeg'), contentType: 'image/jpeg' }],
    });
    expect(again).toMatch(new RegExp(`^250 .*duplicate: case ${first.number}`));
    // the same Message-ID handed over by a gateway, its Date lost on the way
    const viaHttp = await t.as('admin', 'POST', '/api/v1/channels/email/inbound', rawMail({ from: 'wang.xm@example.com', subject: '空调不制冷', messageId: 'first-1@mail.example.com', date: null }, '空调昨天开始不制冷了'), {
      'content-type': 'message/rfc822',
    });
    expect(viaHttp.statusCode).toBe(200);
    expect(viaHttp.headers['idempotent-replayed']).toBe('true');
    expect((viaHttp.json() as Ingested)).toMatchObject({ outcome: 'duplicate', case: { id: first.id, number: first.number } });
    expect(await countCases()).toBe(before);
    expect((await detail(first.number)).timeline.filter((e) => e.type === 'created')).toHaveLength(1);
  });

  it('takes the Date header as the time received only when it is sane: not in the future, not before the earliest date', async () => {
    const receivedAt = async (id: string, date: number | null) =>
      (await detail(numberIn(await sendRaw(rawMail({ from: 'clock@example.com', subject: `dated ${id}`, messageId: `${id}@example.com`, date }, 'when?')))!)).case.receivedAt;
    expect(await receivedAt('date-past', T0 - 86_400_000)).toBe(T0 - 86_400_000);
    expect(await receivedAt('date-future', T0 + 86_400_000)).toBe(t.clock.now());
    expect(await receivedAt('date-ancient', Date.UTC(2019, 5, 1))).toBe(t.clock.now());
    expect(await receivedAt('date-none', null)).toBe(t.clock.now());
  });

  it('makes one case of one message delivered several times at once', async () => {
    const before = await countCases();
    const raw = rawMail({ from: 'burst@example.com', subject: '重复投递', messageId: 'burst-1@example.com' }, '同一封邮件被网关同时投递了五次');
    const res = await Promise.all(
      Array.from({ length: 5 }, () => t.as('admin', 'POST', '/api/v1/channels/email/inbound', raw, { 'content-type': 'message/rfc822' })),
    );
    expect(res.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(res.map((r) => (r.json() as Ingested).case.id)).size).toBe(1);
    expect(await countCases()).toBe(before + 1);
  });

  it('finds the case by its Message-ID after a crash between the case and the record of the mail, even with the Date read otherwise', async () => {
    const raw = (date: number | null) => rawMail({ from: 'crash@example.com', subject: '掉电', messageId: 'crash-1@example.com', date }, '第一次投递后服务器掉电');
    const made = await sendRaw(raw(T0 - 60_000));
    const number = numberIn(made)!;
    // as if the process died after the intake committed and before the mail's own record was written
    await t.ctx.db.deleteFrom('case_email_messages').where('message_id', '=', 'crash-1@example.com').execute();
    const before = await countCases();
    const retried = await sendRaw(raw(null)); // its Date lost on the way: a different request for the same message
    expect(retried).toMatch(new RegExp(`duplicate: case ${number}`));
    expect(await countCases()).toBe(before);
    expect(await t.ctx.db.selectFrom('case_email_messages').select('kind').where('message_id', '=', 'crash-1@example.com').execute()).toEqual([{ kind: 'case' }]);
  });

  it('answers a mail taken in before as a duplicate even when it would thread now (its reference arrived after it)', async () => {
    const b = rawMail({ from: 'order@example.com', subject: 'Re: 订单', messageId: 'order-b@example.com', inReplyTo: 'order-a@example.com' }, '补充：订单号 123');
    const madeB = numberIn(await sendRaw(b))!;
    const madeA = numberIn(await sendRaw(rawMail({ from: 'order@example.com', subject: '订单', messageId: 'order-a@example.com' }, '订单没有发货')))!;
    expect(madeA).not.toBe(madeB);
    expect(await sendRaw(b)).toMatch(new RegExp(`duplicate: case ${madeB}`));
    expect((await detail(madeA)).timeline.filter((e) => e.type === 'customer_reply')).toEqual([]);
  });

  it('threads a reply naming our acknowledgement (In-Reply-To) into its case as a customer reply, reopening it once resolved', async () => {
    expect((await t.as('agent', 'POST', `/api/v1/cases/${first.id}/take`, {})).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${first.id}/resolve`, { cause: '冷媒不足', solution: '已补充冷媒' })).statusCode).toBe(200);
    const ack = await sentMail(first.id, 'case_acknowledged');
    const before = await countCases();
    // from a colleague's address and without the number in the subject: the Message-ID alone ties it
    const response = await send({
      from: '"李工" <li.gong@example.com>',
      to: `help@${DOMAIN}`,
      subject: 'Re: 空调',
      text: '补充冷媒后还是不制冷。\n\nOn Mon, 23 Nov 2026 at 10:00, ServiceLoop wrote:\n> 您的诉求已受理\n> 工单号 SL-…',
      inReplyTo: ack.messageId,
      references: [ack.messageId],
      messageId: '<reply-1@mail.example.com>',
      attachments: [{ filename: 'log.txt', content: 'E4 error code', contentType: 'text/plain' }],
    });
    expect(response).toMatch(new RegExp(`^250 .*threaded: case ${first.number}`));
    expect(await countCases()).toBe(before);
    const d = await detail(first.number);
    expect(d.case.status).toBe('reopened');
    const replies = d.timeline.filter((e) => e.type === 'customer_reply');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ body: '补充冷媒后还是不制冷。', actorKind: 'customer' });
    expect(replies[0]!.data).toMatchObject({ channel: 'email', threadedBy: 'message_id', sender: { email: 'li.gong@example.com' } });
    expect(d.timeline.find((e) => e.type === 'reopened')?.data).toMatchObject({ reason: 'customer_reply', from: 'resolved' });
    expect(d.attachments.map((a) => a.filename)).toEqual(['photo.jpg', 'log.txt']);

    // delivered again: nothing added
    expect(await sendRaw(rawMail({ from: 'li.gong@example.com', subject: 'Re: 空调', messageId: 'reply-1@mail.example.com', inReplyTo: ack.messageId.slice(1, -1) }, '补充冷媒后还是不制冷。'))).toMatch(/duplicate/);
    // a reply to the customer's own reply (References names only it) threads as well
    const next = await sendRaw(rawMail({ from: 'wang.xm@example.com', subject: 'Re: Re: 空调', messageId: 'reply-2@mail.example.com', references: '<reply-1@mail.example.com>' }, '师傅今天能来吗？'));
    expect(next).toMatch(new RegExp(`threaded: case ${first.number}`));
    expect((await detail(first.number)).timeline.filter((e) => e.type === 'customer_reply').map((e) => e.body)).toEqual(['补充冷媒后还是不制冷。', '师傅今天能来吗？']);
  });

  it('threads a mail with the case number in its subject only from the case contact authenticated by the trusted mail server (SMTP and HTTP)', async () => {
    const ack = await sentMail(first.id, 'case_acknowledged');
    const replies = async () => (await detail(first.number)).timeline.filter((e) => e.type === 'customer_reply').map((e) => e.body);
    const contactMail = (id: string, body: string) => rawMail({ from: '王小明 <wang.xm@example.com>', subject: `Re: ${ack.subject}`, messageId: id }, body);
    const repliesBefore = await replies();
    // From alone is anyone's word: no Authentication-Results, a forged one by another authserv-id, one
    // by the trusted id written lower down (below the real one, which reports a failure), a pass for another domain
    const forged = [
      contactMail('subject-forged-1@evil.example', '伪造一：没有认证结果'),
      authPass('example.com', 'mx.evil.example') + contactMail('subject-forged-2@evil.example', '伪造二：别的认证服务'),
      `Authentication-Results: ${MX}; dkim=none; dmarc=fail header.from=example.com\r\nReceived: from evil.example by ${MX}\r\n` +
        authPass('example.com') +
        contactMail('subject-forged-3@evil.example', '伪造三：写在下面的认证结果'),
      `Authentication-Results: ${MX}; dkim=pass header.d=evil.example\r\n` + contactMail('subject-forged-4@evil.example', '伪造四：别的域名签名'),
    ];
    for (const raw of forged) {
      const r = await sendRaw(raw);
      expect(r).toMatch(/created: case SL-/);
      expect(numberIn(r)).not.toBe(first.number);
    }
    // the same over HTTP
    const viaHttp = await t.as('admin', 'POST', '/api/v1/channels/email/inbound', contactMail('subject-forged-5@evil.example', '伪造五：经网关'), { 'content-type': 'message/rfc822' });
    expect({ status: viaHttp.statusCode, outcome: (viaHttp.json() as Ingested).outcome }).toEqual({ status: 201, outcome: 'created' });
    // a listener without SL_EMAIL_TRUSTED_AUTHSERV believes no Authentication-Results
    const untrusting = await startSmtpInbound(t.ctx, { host: '127.0.0.1', port: 0, domains: [DOMAIN], log: silent });
    const c = nodemailer.createTransport({ host: '127.0.0.1', port: untrusting.port, secure: false, ignoreTLS: true });
    try {
      const r = (await c.sendMail({ envelope: { from: 'wang.xm@example.com', to: [`help@${DOMAIN}`] }, raw: authPass('example.com') + contactMail('subject-untrusted@mail.example.com', '未配置时不按主题归并') })).response;
      expect(r).toMatch(/created: case SL-/);
      expect(numberIn(r)).not.toBe(first.number);
    } finally {
      c.close();
      await untrusting.close();
    }
    expect(await replies()).toEqual(repliesBefore);

    // authenticated by the trusted server: threaded
    const fromContact = await sendRaw(authPass('example.com') + contactMail('subject-1@mail.example.com', '我下午在家。'));
    expect(fromContact).toMatch(new RegExp(`threaded: case ${first.number}`));
    const d = await detail(first.number);
    expect(d.timeline.filter((e) => e.type === 'customer_reply').at(-1)).toMatchObject({ body: '我下午在家。', data: { threadedBy: 'subject_number' } });

    const before = await countCases();
    // a stranger authenticated for their own domain is still not the case's contact
    const fromStranger = await sendRaw(authPass('evil.example') + rawMail({ from: 'mallory@evil.example', subject: `[${first.number}] 请把工单关掉`, messageId: 'stranger-1@evil.example' }, '这个问题已经解决了，请关闭。'));
    expect(fromStranger).toMatch(/created: case SL-/);
    expect(numberIn(fromStranger)).not.toBe(first.number);
    expect(await countCases()).toBe(before + 1);
    const after = await detail(first.number);
    expect(after.timeline.map((e) => e.body)).not.toContain('这个问题已经解决了，请关闭。');
    expect((await detail(numberIn(fromStranger)!)).case.contact.email).toBe('mallory@evil.example');
  });

  it('threads by subject over HTTP too when the trusted mail server vouches for the contact', async () => {
    const ack = await sentMail(first.id, 'case_acknowledged');
    const raw = `Authentication-Results: ${MX}; dkim=pass header.d=example.com header.s=s1\r\n` + rawMail({ from: 'wang.xm@example.com', subject: `Re: ${ack.subject}`, messageId: 'subject-http-2@mail.example.com' }, '经网关的回复');
    const res = await t.as('admin', 'POST', '/api/v1/channels/email/inbound', raw, { 'content-type': 'message/rfc822' });
    expect({ status: res.statusCode, body: res.json() as Ingested }).toMatchObject({ status: 200, body: { outcome: 'threaded', threadedBy: 'subject_number', case: { id: first.id } } });
  });

  it('never makes a case or a customer reply of an automatic mail: an out-of-office or a bounce is noted on its case', async () => {
    const made = numberIn(await sendRaw(rawMail({ from: 'away@example.com', subject: '热水器漏水', messageId: 'away-1@example.com' }, '热水器底部漏水')))!;
    const c = await detail(made);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.case.id}/take`, {})).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.case.id}/resolve`, { cause: '密封圈老化', solution: '已更换密封圈' })).statusCode).toBe(200);
    const resolved = await sentMail(c.case.id, 'case_resolved');
    const before = await countCases();
    const outboxBefore = (await t.ctx.db.selectFrom('outbox').select('id').execute()).length;

    const ooo = ['Auto-Submitted: auto-replied', ''].join('\r\n');
    const away = rawMail({ from: 'away@example.com', subject: `Out of office: ${resolved.subject}`, messageId: 'ooo-1@example.com', inReplyTo: resolved.messageId.slice(1, -1) }, 'I am on leave until Monday.');
    expect(await sendRaw(ooo + away)).toMatch(new RegExp(`noted: case ${made}`));
    const bounce = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.com>',
      `To: service@${DOMAIN}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-1@mx.example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      '',
      '--r',
      'Content-Type: text/plain',
      '',
      'The mail could not be delivered: mailbox full.',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; away@example.com',
      'Action: failed',
      'Status: 5.2.2',
      '',
      '--r',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${resolved.messageId}`,
      `Subject: ${resolved.subject}`,
      '--r--',
      '',
    ].join('\r\n');
    expect(await sendRaw(bounce, '')).toMatch(new RegExp(`noted: case ${made}`));
    const d = await detail(made);
    expect(d.case.status).toBe('resolved'); // not reopened by a robot
    expect(d.timeline.filter((e) => e.type === 'customer_reply')).toEqual([]);
    expect(d.timeline.filter((e) => e.type === 'email_automatic').map((e) => [e.data?.automatic, e.body?.split('\n')[0]])).toEqual([
      ['auto_reply', 'I am on leave until Monday.'],
      ['bounce', 'The mail could not be delivered: mailbox full.'],
    ]);
    expect(await countCases()).toBe(before);
    expect((await t.ctx.db.selectFrom('outbox').select('id').execute()).length).toBe(outboxBefore);
  });

  it('makes a case without an acknowledgement of an automatic reply that answers no case, and logs a bounce that answers none', async () => {
    const ooo = 'Auto-Submitted: auto-generated\r\n';
    const outboxCount = async () => (await t.ctx.db.selectFrom('outbox').select('id').where('topic', '=', 'email').execute()).length;
    const before = await countCases();
    let outbox = await outboxCount();
    // an Auto-Submitted or Precedence: bulk mail answering no case: a case (not dropped), but no acknowledgement (a mail loop)
    const stray = await sendRaw(ooo + rawMail({ from: 'robot@example.net', subject: 'Your ticket was received', messageId: 'ooo-2@example.net' }, 'Thank you for your mail.'));
    expect(stray).toMatch(/created: case SL-/);
    const bulk = await sendRaw('Precedence: bulk\r\n' + rawMail({ from: 'news@example.net', subject: 'Newsletter', messageId: 'bulk-1@example.net' }, 'This month...'));
    expect(bulk).toMatch(/created: case SL-/);
    expect(await countCases()).toBe(before + 2);
    expect(await outboxCount()).toBe(outbox);
    expect((await detail(numberIn(stray)!)).case).toMatchObject({ channel: 'email', contact: { email: 'robot@example.net' } });
    // postmaster@ is a person's mailbox too: a case, acknowledged
    const pm = await sendRaw(rawMail({ from: 'postmaster@customer.example', subject: '你们的邮件被退回了', messageId: 'pm-1@customer.example' }, '请检查你们的发信配置'));
    expect(pm).toMatch(/created: case SL-/);
    expect(await outboxCount()).toBe(outbox + 1);
    outbox += 1;
    // a bounce answering no case (a null reverse path, MAILER-DAEMON): taken, not a case, and logged with its key, From and Subject
    warnings.length = 0;
    const nullPath = await sendRaw(rawMail({ from: 'mail@relay.example', subject: 'Delivery failure', messageId: 'bounce-2@relay.example' }, 'undeliverable'), '');
    expect(nullPath).toMatch(/ignored/);
    expect(await sendRaw(rawMail({ from: 'MAILER-DAEMON@relay.example', subject: 'Returned mail', messageId: 'bounce-3@relay.example' }, 'undeliverable'))).toMatch(/ignored/);
    expect(warnings.map((w) => w.obj)).toEqual([
      { messageKey: 'bounce-2@relay.example', from: 'mail@relay.example', subject: 'Delivery failure' },
      { messageKey: 'bounce-3@relay.example', from: 'mailer-daemon@relay.example', subject: 'Returned mail' },
    ]);
    expect(await countCases()).toBe(before + 3);
    expect(await outboxCount()).toBe(outbox);
  });

  it('takes at most 20 attachments from a mail and names the rest as not taken', async () => {
    const files = Array.from({ length: 23 }, (_, i) => ({ filename: `file-${i + 1}.txt`, content: `content ${i + 1}`, contentType: 'text/plain' }));
    const made = await send({ from: 'files@example.com', to: `help@${DOMAIN}`, subject: '很多附件', text: '附件见下', messageId: '<files-1@example.com>', attachments: files });
    const d = await detail(numberIn(made)!);
    expect(d.attachments.map((a) => a.filename)).toEqual(files.slice(0, 20).map((f) => f.filename));
    expect(d.case.description).toContain('附件见下');
    expect(d.case.description).toContain('3 more attachment(s) not taken');
    expect(d.case.description).toContain('file-21.txt, file-22.txt, file-23.txt');
    // a reply with too many: the rest named in the reply's data
    const ack = await sentMail(d.case.id, 'case_acknowledged');
    const r = await send({ from: 'files@example.com', to: `help@${DOMAIN}`, subject: 'Re: 很多附件', text: '还有', inReplyTo: ack.messageId, messageId: '<files-2@example.com>', attachments: files.slice(0, 21) });
    expect(r).toMatch(/threaded/);
    const after = await detail(d.case.number);
    expect(after.attachments).toHaveLength(40);
    expect(after.timeline.find((e) => e.type === 'customer_reply')?.data).toMatchObject({ attachmentsNotTaken: ['file-21.txt'] });
  });

  it('limits SMTP clients (421) and messages taken in at once (451: try again)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inIngest = new Promise<void>((r) => (entered = r));
    const limited = await startSmtpInbound(t.ctx, {
      host: '127.0.0.1',
      port: 0,
      domains: [DOMAIN],
      log: silent,
      maxIngests: 1,
      ingest: async (ctx, raw, o) => {
        entered();
        await gate;
        return ingestEmail(ctx, raw, o);
      },
    });
    const mk = () => nodemailer.createTransport({ host: '127.0.0.1', port: limited.port, secure: false, ignoreTLS: true });
    const [a, b] = [mk(), mk()];
    const clients = [a, b];
    const idle = new Socket();
    const few = await startSmtpInbound(t.ctx, { host: '127.0.0.1', port: 0, domains: [DOMAIN], log: silent, maxClients: 1 });
    try {
      const first = a.sendMail({ envelope: { from: 'busy@example.com', to: [`help@${DOMAIN}`] }, raw: rawMail({ from: 'busy@example.com', subject: 'busy 1', messageId: 'busy-1@example.com' }, 'one') });
      await inIngest;
      await expect(b.sendMail({ envelope: { from: 'busy@example.com', to: [`help@${DOMAIN}`] }, raw: rawMail({ from: 'busy@example.com', subject: 'busy 2', messageId: 'busy-2@example.com' }, 'two') })).rejects.toMatchObject({ responseCode: 451 });
      // maxClients 1: one connection held open, the next is turned away
      const banner = new Promise<string>((r) => idle.once('data', (d) => r(String(d))));
      idle.connect(few.port, '127.0.0.1');
      expect(await banner).toMatch(/^220/);
      const c = nodemailer.createTransport({ host: '127.0.0.1', port: few.port, secure: false, ignoreTLS: true });
      clients.push(c);
      await expect(c.sendMail({ envelope: { from: 'busy@example.com', to: [`help@${DOMAIN}`] }, raw: rawMail({ from: 'busy@example.com', subject: 'busy 3', messageId: 'busy-3@example.com' }, 'three') })).rejects.toMatchObject({ responseCode: 421 });
      release();
      expect((await first).response).toMatch(/^250 .*created/);
    } finally {
      release();
      idle.destroy();
      for (const x of clients) x.close();
      await limited.close();
      await few.close();
    }
  });

  it('takes mail over HTTP (message/rfc822) from an admin gateway: 201 new, 200 duplicate and threaded; 403 for an agent, 401 anonymous', async () => {
    const raw = rawMail({ from: '"Ann Lee" <ann@example.org>', subject: 'Invoice missing', messageId: 'http-1@example.org' }, 'I have not received my invoice for November.');
    const post = (who: string | null, body: string, type = 'message/rfc822') => t.as(who, 'POST', '/api/v1/channels/email/inbound', body, { 'content-type': type });
    expect((await post('agent', raw)).json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await post('agent', raw)).statusCode).toBe(403);
    const anon = await post(null, raw);
    expect({ status: anon.statusCode, code: (anon.json() as { error: { code: string } }).error.code }).toEqual({ status: 401, code: 'unauthenticated' });
    const before = await countCases();
    expect(await countCases()).toBe(before); // the refused ones made nothing

    const made = await post('admin', raw);
    expect(made.statusCode).toBe(201);
    const body = made.json() as Ingested;
    expect(body).toMatchObject({ outcome: 'created', case: { status: 'new' } });
    expect(Object.keys(body.case).sort()).toEqual(['id', 'number', 'status']); // no personal data back to the gateway
    const d = await detail(body.case.number);
    expect(d.case).toMatchObject({ channel: 'email', subject: 'Invoice missing', description: 'I have not received my invoice for November.', contact: { name: 'Ann Lee', email: 'ann@example.org' } });

    const dup = await post('admin', raw);
    expect({ status: dup.statusCode, outcome: (dup.json() as Ingested).outcome }).toEqual({ status: 200, outcome: 'duplicate' });
    const ack = await sentMail(body.case.id, 'case_acknowledged');
    const threaded = await post('admin', rawMail({ from: 'ann@example.org', subject: 'Re: invoice', messageId: 'http-2@example.org', inReplyTo: ack.messageId.slice(1, -1) }, 'Any news?'));
    expect({ status: threaded.statusCode, body: threaded.json() as Ingested }).toMatchObject({ status: 200, body: { outcome: 'threaded', case: { id: body.case.id } } });
    expect(await countCases()).toBe(before + 1);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['actor_id', 'after']).where('action', '=', 'channel.email_inbound').where('target_id', '=', body.case.id).orderBy('seq').execute();
    expect(audit.map((a) => [a.actor_id, (JSON.parse(a.after!) as { outcome: string }).outcome])).toEqual([
      [t.seed.users.admin!.id, 'created'],
      [t.seed.users.admin!.id, 'duplicate'],
      [t.seed.users.admin!.id, 'threaded'],
    ]);
  });

  it('refuses a message that cannot become a case with a 4xx and a code (HTTP) or 554 (SMTP), and makes nothing', async () => {
    const before = await countCases();
    const post = (body: string | object, type = 'message/rfc822') => t.as('admin', 'POST', '/api/v1/channels/email/inbound', body, { 'content-type': type });
    const codeOf = async (p: ReturnType<typeof post>) => {
      const r = await p;
      return [r.statusCode, (r.json() as { error: { code: string } }).error.code];
    };
    expect(await codeOf(post(rawMail({ subject: 'no sender', messageId: 'bad-1@x' }, 'who am I?')))).toEqual([422, 'email_no_sender']);
    expect(await codeOf(post(rawMail({ from: 'not an address', subject: 'bad sender', messageId: 'bad-2@x' }, 'hello')))).toEqual([422, 'email_no_sender']);
    expect(await codeOf(post('this is not a mail at all'))).toEqual([422, 'email_no_sender']);
    expect(await codeOf(post(''))).toEqual([422, 'email_empty']);
    expect(await codeOf(post({ from: 'a@b.c' }, 'application/json'))).toEqual([415, 'unsupported_media_type']);
    const big = [
      'From: big@example.com',
      'Subject: a large file',
      'Message-ID: <big-1@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--b',
      'Content-Type: application/octet-stream; name="big.bin"',
      'Content-Disposition: attachment; filename="big.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(65 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b--',
      '',
    ].join('\r\n');
    expect(await codeOf(post(big))).toEqual([413, 'attachment_too_large']);
    // over SMTP: 554, with the reason, so that the sender gets a bounce saying why
    await expect(sendRaw(rawMail({ subject: 'no sender', messageId: 'bad-3@x' }, 'who am I?'))).rejects.toMatchObject({ responseCode: 554 });
    await expect(sendRaw(big, 'big@example.com')).rejects.toMatchObject({ responseCode: 554, response: expect.stringContaining('attachment_too_large') });
    expect(await countCases()).toBe(before);
  });

  it('refuses a relay attempt to another domain at RCPT (550)', async () => {
    const before = await countCases();
    await expect(sendRaw(rawMail({ from: 'spammer@example.net', subject: 'relay me', messageId: 'relay-1@example.net' }, 'hi'), 'spammer@example.net', ['victim@elsewhere.example'])).rejects.toMatchObject({
      responseCode: 550,
    });
    expect(await countCases()).toBe(before);
  });

  it('refuses a message over the size limit over SMTP (552) and makes nothing', async () => {
    const small = await startSmtpInbound(t.ctx, { host: '127.0.0.1', port: 0, domains: [DOMAIN], log: silent, maxBytes: 4096 });
    const c = nodemailer.createTransport({ host: '127.0.0.1', port: small.port, secure: false, ignoreTLS: true });
    try {
      const before = await countCases();
      const raw = rawMail({ from: 'large@example.com', subject: 'large', messageId: 'large-1@example.com' }, 'x'.repeat(8000));
      await expect(c.sendMail({ envelope: { from: 'large@example.com', to: [`help@${DOMAIN}`], size: 10 }, raw })).rejects.toMatchObject({ responseCode: 552 });
      expect(await countCases()).toBe(before);
    } finally {
      c.close();
      await small.close();
    }
  });

  it('answers 451 when the database cannot take the mail (the sender keeps it and retries), and 250 once it can', async () => {
    let fail = true;
    const flaky = await startSmtpInbound(t.ctx, {
      host: '127.0.0.1',
      port: 0,
      domains: [DOMAIN],
      log: silent,
      ingest: async (ctx, raw, o) => {
        if (fail) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        return ingestEmail(ctx, raw, o);
      },
    });
    const c = nodemailer.createTransport({ host: '127.0.0.1', port: flaky.port, secure: false, ignoreTLS: true });
    try {
      const raw = rawMail({ from: 'retry@example.com', subject: 'retried', messageId: 'retry-1@example.com' }, 'please answer');
      const before = await countCases();
      await expect(c.sendMail({ envelope: { from: 'retry@example.com', to: [`help@${DOMAIN}`] }, raw })).rejects.toMatchObject({ responseCode: 451, response: expect.stringContaining('database_busy') });
      expect(await countCases()).toBe(before);
      fail = false;
      expect((await c.sendMail({ envelope: { from: 'retry@example.com', to: [`help@${DOMAIN}`] }, raw })).response).toMatch(/^250 .*created/);
      expect(await countCases()).toBe(before + 1);
    } finally {
      c.close();
      await flaky.close();
    }
  });
});
