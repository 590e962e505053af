import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, createCustomer, sendCampaign, type CampaignView, type RecipientView } from '../../src/core/modules/customers/index.ts';
import { eraseCustomer, grantConsent, type ConsentPurpose } from '../../src/core/modules/privacy/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

// SPEC 9 care campaigns (关怀活动): consent-gated, one mail per customer, sent once.
describe.each(DIALECTS)('care campaigns on %s', (dialect) => {
  let t: TestApp;
  const sys = systemActor('test');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await makeTestApp(dialect);
    const mk = async (key: string, name: string, email: string | null, locale: string, consents: ConsentPurpose[]) => {
      ids[key] = (await createCustomer(t.ctx, { name, email, locale, region: '华东' }, sys)).id;
      for (const purpose of consents) await grantConsent(t.ctx, ids[key]!, { purpose, scope: null, channel: 'phone', evidenceRef: null }, sys);
    };
    await mk('zh', '王先生', 'wang@example.com', 'zh-CN', ['marketing']); // gets care mail
    await mk('en', 'Ms Smith', 'smith@example.com', 'en', ['marketing', 'service_contact']); // care mail, in English
    await mk('noConsent', '赵女士', 'zhao@example.com', 'zh-CN', []); // skipped_no_consent
    await mk('noEmail', '钱先生', null, 'zh-CN', ['marketing']); // skipped_no_email
    await mk('service', '孙女士', 'sun@example.com', 'zh-CN', ['service_contact']); // care: no consent; notice: mailed
    await mk('erased', '李先生', 'li@example.com', 'zh-CN', ['marketing']);
    await eraseCustomer(t.ctx, ids.erased!, { reason: '客户申请删除 #1' }, sys); // never in an audience
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const all = () => ['zh', 'en', 'noConsent', 'noEmail', 'service', 'erased'].map((k) => ids[k]!);
  const campaignMails = async () =>
    (await t.ctx.db.selectFrom('outbox').select(['payload']).where('topic', '=', 'email').execute())
      .map((r) => JSON.parse(r.payload) as { to: string; template: string; locale: string; vars: { body: string; subject: string }; consent: { customerId: string; purpose: string } })
      .filter((p) => p.template === 'customer_campaign');

  it('previews, sends once to those who consented, and records every recipient', async () => {
    const preview = await t.as('manager', 'POST', '/api/v1/campaigns/preview', { kind: 'holiday', audience: { customerIds: all() } });
    expect(preview.statusCode, preview.body).toBe(200);
    // 6 listed, the erased one left out: 5; mailed zh + en = 2; no consent: noConsent + service = 2; no email: 1
    expect(preview.json()).toEqual({ total: 5, counts: { queued: 2, skipped_no_consent: 2, skipped_no_email: 1 } });

    const body = { zh: '{name}您好！新春将至，客户服务中心祝您新年快乐、万事如意。', en: 'Dear {name}, season\'s greetings from all of us.' };
    const created = await t.as('manager', 'POST', '/api/v1/campaigns', { kind: 'holiday', title: '2027 春节问候', subject: '新春问候 Season\'s greetings', body, audience: { customerIds: all() } });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json() as CampaignView;
    expect(c.status).toBe('draft');
    expect(await campaignMails()).toHaveLength(0); // nothing is sent by creating it

    const sent = await t.as('director', 'POST', `/api/v1/campaigns/${c.id}/send`, {});
    expect(sent.statusCode, sent.body).toBe(200);
    expect((sent.json() as CampaignView).counts).toEqual({ queued: 2, skipped_no_consent: 2, skipped_no_email: 1 });
    const mails = await campaignMails();
    expect(mails.map((m) => [m.to, m.locale, m.vars.body]).sort()).toEqual([
      ['smith@example.com', 'en', 'Dear Ms Smith, season\'s greetings from all of us.'],
      ['wang@example.com', 'zh-CN', '王先生您好！新春将至，客户服务中心祝您新年快乐、万事如意。'],
    ]);
    // declared, so the outbox worker checks the consent again when it sends
    expect(mails.map((m) => m.consent.purpose)).toEqual(['marketing', 'marketing']);

    // sent once: a second send is refused and mails nobody
    const again = await t.as('director', 'POST', `/api/v1/campaigns/${c.id}/send`, {});
    expect({ s: again.statusCode, c: code(again) }).toEqual({ s: 409, c: 'campaign_already_sent' });
    expect(await campaignMails()).toHaveLength(2);

    const detail = (await t.as('admin', 'GET', `/api/v1/campaigns/${c.id}`)).json() as CampaignView & { recipients: RecipientView[] };
    const byName = Object.fromEntries(detail.recipients.map((r) => [r.name, r.status]));
    expect(byName).toEqual({ 王先生: 'queued', 'Ms Smith': 'queued', 赵女士: 'skipped_no_consent', 钱先生: 'skipped_no_email', 孙女士: 'skipped_no_consent' });
    // queued is not sent: each mailed recipient shows what the outbox did with the message
    const delivery = (d: { recipients: RecipientView[] }) => Object.fromEntries(d.recipients.filter((r) => r.delivery).map((r) => [r.name, [r.delivery, r.deliveryError]]));
    expect(delivery(detail)).toEqual({ 王先生: ['pending', null], 'Ms Smith': ['pending', null] });
    const outboxOf = (name: string) => detail.recipients.find((r) => r.name === name)!.outboxId!;
    await t.ctx.db.updateTable('outbox').set({ sent_at: Date.now() }).where('id', '=', outboxOf('王先生')).execute();
    await t.ctx.db.updateTable('outbox').set({ failed_at: Date.now(), last_error: 'consent withdrawn: marketing' }).where('id', '=', outboxOf('Ms Smith')).execute();
    const later = (await t.as('manager', 'GET', `/api/v1/campaigns/${c.id}`)).json() as { recipients: RecipientView[] };
    expect(delivery(later)).toEqual({ 王先生: ['sent', null], 'Ms Smith': ['failed', 'consent withdrawn: marketing'] });
    const audit = await t.ctx.db.selectFrom('audit_log').select('after').where('action', '=', 'campaign.send').where('target_id', '=', c.id).executeTakeFirstOrThrow();
    expect(JSON.parse(String(audit.after))).toMatchObject({ purpose: 'marketing', counts: { queued: 2, skipped_no_consent: 2, skipped_no_email: 1 } });
  });

  it('sends a notice under service_contact consent (the field-service call)', async () => {
    const before = (await campaignMails()).length;
    const c = await createCampaign(t.ctx, sys, { kind: 'notice', title: '召回通知', subject: '产品召回通知', body: '{name}您好，您购买的产品需要免费检修。', audience: { customerIds: all() } });
    const sent = await sendCampaign(t.ctx, sys, c.id);
    // service_contact: en and service consented; zh and noConsent have no case open and no such consent
    expect(sent.counts).toEqual({ queued: 2, skipped_no_consent: 2, skipped_no_email: 1 });
    const mails = (await campaignMails()).slice(before);
    expect(mails.map((m) => m.to).sort()).toEqual(['smith@example.com', 'sun@example.com']);
    expect(mails.map((m) => m.consent.purpose)).toEqual(['service_contact', 'service_contact']);
  });

  it('filters the audience by tier and region, and refuses a bad one', async () => {
    await t.as('admin', 'PATCH', `/api/v1/customers/${ids.zh}`, { tier: 'key' });
    const byTier = await t.as('manager', 'POST', '/api/v1/campaigns/preview', { kind: 'key_customer', audience: { tier: 'key', region: '华东' } });
    expect(byTier.json()).toMatchObject({ total: 1, counts: { queued: 1 } });
    const empty = await t.as('manager', 'POST', '/api/v1/campaigns', { kind: 'care', title: 't', subject: 's', body: 'b', audience: {} });
    expect({ s: empty.statusCode, c: code(empty) }).toEqual({ s: 422, c: 'audience_empty' });
    const unknown = await t.as('manager', 'POST', '/api/v1/campaigns/preview', { kind: 'care', audience: { customerIds: ['nobody'] } });
    expect({ s: unknown.statusCode, c: code(unknown) }).toEqual({ s: 404, c: 'customer_not_found' });
    const badKind = await t.as('manager', 'POST', '/api/v1/campaigns', { kind: 'spam', title: 't', subject: 's', body: 'b', audience: { tier: 'vip' } });
    expect(badKind.statusCode).toBe(400);
  });

  it('is for managers, the director and admins only', async () => {
    for (const who of ['supervisor', 'agent', 'inspector']) {
      expect((await t.as(who, 'POST', '/api/v1/campaigns', { kind: 'care', title: 't', subject: 's', body: 'b', audience: { tier: 'vip' } })).statusCode).toBe(403);
      expect((await t.as(who, 'GET', '/api/v1/campaigns')).statusCode).toBe(403);
    }
    const list = await t.as('manager', 'GET', '/api/v1/campaigns');
    expect((list.json() as CampaignView[]).map((c) => c.status)).toEqual(['sent', 'sent']);
  });

  it('lists the campaigns a customer was in in their data export', async () => {
    const r = await t.as('manager', 'GET', `/api/v1/customers/${ids.service}/export`);
    expect(r.statusCode, r.body).toBe(200);
    // 孙女士: the holiday greeting skipped her (no marketing consent), the recall notice was mailed
    const got = (r.json() as { campaigns: Array<{ kind: string; title: string; status: string }> }).campaigns;
    expect(got.map((c) => [c.kind, c.title, c.status]).sort()).toEqual([
      ['holiday', '2027 春节问候', 'skipped_no_consent'],
      ['notice', '召回通知', 'queued'],
    ]);
  });

  it('erasing a customer redacts the campaign mails already sent to them, not only those waiting', async () => {
    // the outbox worker sent every mail; a sent mail without a case was left with its address and name
    await t.ctx.db.updateTable('outbox').set({ sent_at: t.ctx.clock.now() }).where('case_id', 'is', null).where('sent_at', 'is', null).execute();
    const holding = async (s: string) => (await t.ctx.db.selectFrom('outbox').select('payload').execute()).filter((r) => r.payload.includes(s)).length;
    expect(await holding('wang@example.com')).toBe(1); // the holiday mail (the notice skipped him)
    await eraseCustomer(t.ctx, ids.zh!, { reason: '客户申请删除 #2' }, sys);
    expect({ email: await holding('wang@example.com'), name: await holding('王先生') }).toEqual({ email: 0, name: 0 });
    expect(await holding('smith@example.com')).toBe(2); // the others' mails stay
  });
});
