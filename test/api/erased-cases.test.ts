import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEmail } from '../../src/core/modules/channels/index.ts';
import type { CaseView } from '../../src/core/modules/cases/index.ts';
import { reopen } from '../../src/core/modules/cases/index.ts';
import { DIALECTS, T0 } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

type ErrorBody = { error: { code: string; message: string } };
const DOMAIN = 'support.example.com';

/** A raw RFC 5322 message (CRLF line ends), as a mail server hands it over. */
function rawMail(h: { from: string; subject: string; messageId: string; inReplyTo?: string; extra?: string[] }, body: string): Buffer {
  return Buffer.from(
    [
      `From: ${h.from}`,
      `To: help@${DOMAIN}`,
      `Subject: ${h.subject}`,
      `Date: ${new Date(T0 - 60_000).toUTCString()}`,
      `Message-ID: <${h.messageId}>`,
      ...(h.inReplyTo ? [`In-Reply-To: <${h.inReplyTo}>`, `References: <${h.inReplyTo}>`] : []),
      ...(h.extra ?? []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
    ].join('\r\n'),
  );
}

// SPEC 10: once a customer's personal data is erased, their (closed, anonymised) cases are kept
// for the indicators and are read-only: nothing reopens them or writes personal data into them
// again; a staff member's internal note is the one write left (docs/privacy-rights.md).
describe.each(DIALECTS)("an erased customer's cases on %s", (dialect) => {
  let t: TestApp;
  let erased: CaseView;
  let ackOutboxId: string;
  const EMAIL = 'he.ping@example.com';

  const events = async (caseId: string) => t.ctx.db.selectFrom('case_events').select(['type', 'body', 'data']).where('case_id', '=', caseId).execute();
  const row = async (caseId: string) => t.ctx.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await makeTestApp(dialect);
    const r = await t.as('agent', 'POST', '/api/v1/cases', {
      channel: 'email', type: 'complaint', complaintGrade: 'general', contact: { name: '何平', email: EMAIL, phone: '13912345678' },
      subject: '净水器滤芯漏水', description: '何平家的净水器滤芯漏水',
    });
    expect(r.statusCode, r.body).toBe(201);
    erased = r.json() as CaseView;
    ackOutboxId = (await t.ctx.db.selectFrom('outbox').select('id').where('case_id', '=', erased.id).where('topic', '=', 'email').orderBy('created_at').executeTakeFirstOrThrow()).id;
    for (const [path, body] of [
      ['replies', { body: '何平您好，师傅明天上门。' }],
      ['resolve', { cause: '滤芯接口老化', solution: '更换滤芯接口' }],
      ['close', { reason: 'solved' }],
    ] as const) {
      const res = await t.as('agent', 'POST', `/api/v1/cases/${erased.id}/${path}`, body);
      expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
    }
    const e = await t.as('director', 'POST', `/api/v1/customers/${erased.customerId}/erase`, { reason: '客户要求删除 (DSR-7)' });
    expect(e.statusCode, e.body).toBe(200);
  });
  afterAll(async () => t?.close());

  it('marks every case of the customer as erased, on the row the erasure rewrites', async () => {
    expect((await row(erased.id)).erased_at).toBe(t.clock.now());
  });

  it('refuses to reopen, answer, attach to, reclassify, move, take, assign or hand over the case: 409 customer_erased, nothing written', async () => {
    const before = await row(erased.id);
    const eventsBefore = (await events(erased.id)).length;
    const file = { filename: 'photo.txt', contentType: 'text/plain', contentBase64: Buffer.from('new personal data').toString('base64') };
    const attempts: Array<[string, string, unknown]> = [
      ['supervisor', 'reopen', { reason: '客户来电说又漏水了' }],
      ['agent', 'reopen', { reason: '客户来电说又漏水了' }],
      ['agent', 'replies', { body: '何平您好，我们再次联系您' }],
      ['agent', 'attachments', file],
      ['agent', 'attachments', { ...file, visibility: 'internal' }],
      ['supervisor', 'classify', { type: 'inquiry', reason: '改为咨询' }],
      ['supervisor', 'classify', { impact: 1, reason: '影响更大' }],
      ['supervisor', 'status', { status: 'open' }],
      ['agent', 'take', {}],
      ['supervisor', 'assign', { assigneeId: t.seed.users.agent2!.id, handoverNote: '请跟进此客户的问题，谢谢' }],
      ['agent', 'transfer', { toTeamId: t.seed.teams.aftersales, handoverNote: '请售后技术组跟进此客户的问题' }],
    ];
    const got: unknown[] = [];
    for (const [who, path, body] of attempts) {
      const r = await t.as(who, 'POST', `/api/v1/cases/${erased.id}/${path}`, body);
      const b = r.json() as Partial<ErrorBody>;
      got.push([who, path, r.statusCode, b.error?.code, /erased/.test(b.error?.message ?? '') && (b.error?.message ?? '').includes(erased.number)]);
    }
    // each one (all of them listed when one is not refused as it should be)
    expect(got).toEqual(attempts.map(([who, path]) => [who, path, 409, 'customer_erased', true]));
    // a customer's own reopen (e.g. by a portal account of theirs, all of which the erasure closed) is refused the same way
    await expect(reopen(t.ctx, erased.id, { reason: '又坏了' }, { id: 'u', kind: 'customer', role: 'customer', name: 'x', teamId: null, customerId: erased.customerId, ip: null })).rejects.toMatchObject({
      code: 'customer_erased',
      status: 409,
    });
    const after = await row(erased.id);
    expect(after).toEqual(before);
    expect((await events(erased.id)).length).toBe(eventsBefore);
    expect(await t.ctx.db.selectFrom('case_attachments').select('id').where('case_id', '=', erased.id).where('filename', '=', 'photo.txt').execute()).toEqual([]);
  });

  it('still takes an internal note by staff (a quality review names no customer), which changes nothing else', async () => {
    const before = await row(erased.id);
    const r = await t.as('inspector', 'POST', `/api/v1/cases/${erased.id}/notes`, { body: '质检：首次响应超时，已在班组会上讲评' });
    expect(r.statusCode, r.body).toBe(200);
    const after = await row(erased.id);
    expect({ ...after, version: before.version, updated_at: before.updated_at }).toEqual(before);
    expect((await events(erased.id)).filter((e) => e.type === 'note').map((e) => e.body)).toContain('质检：首次响应超时，已在班组会上讲评');
  });

  it("makes a new case of a mail answering the erased case's mail, and never writes into it; an automatic reply is dropped", async () => {
    const before = await row(erased.id);
    const eventsBefore = (await events(erased.id)).length;
    // the customer answers the acknowledgement we sent (its Message-ID names the outbox message, and so the case)
    const reply = await ingestEmail(t.ctx, rawMail({ from: `何平 <${EMAIL}>`, subject: `Re: [${erased.number}] 净水器滤芯漏水`, messageId: 'r1@example.com', inReplyTo: `${ackOutboxId}@${DOMAIN}` }, '又漏水了，请再派人来'));
    expect(reply.outcome).toBe('created');
    expect(reply.case!.id).not.toBe(erased.id);
    const made = await row(reply.case!.id);
    expect(made).toMatchObject({ contact_email: EMAIL, status: 'new', erased_at: null });
    expect(made.customer_id).not.toBe(erased.customerId);
    // an out-of-office answering it is not noted on it (it names its sender), nor made a case of its
    // own (nobody's request: it would only hold the erased person's address again): dropped, logged
    const casesBefore = (await t.ctx.db.selectFrom('cases').select('id').execute()).length;
    const away = await ingestEmail(t.ctx, rawMail({ from: `何平 <${EMAIL}>`, subject: `自动回复: [${erased.number}]`, messageId: 'ooo1@example.com', inReplyTo: `${ackOutboxId}@${DOMAIN}`, extra: ['Auto-Submitted: auto-replied'] }, '我正在休假'));
    expect(away).toMatchObject({ outcome: 'ignored', case: null });
    expect((await t.ctx.db.selectFrom('cases').select('id').execute()).length).toBe(casesBefore);
    expect(await row(erased.id)).toEqual(before);
    const after = await events(erased.id);
    expect(after.length).toBe(eventsBefore);
    expect(JSON.stringify(after)).not.toMatch(/he\.ping|何平|休假|又漏水/);
    expect(await t.ctx.db.selectFrom('case_email_messages').select('message_id').where('case_id', '=', erased.id).execute()).toEqual([]);
  });
});
