import { afterEach, describe, expect, it } from 'vitest';
import type { Ctx } from '../../context.ts';
import { seedBase } from '../../seed/base-seed.ts';
import { systemActor, type Actor } from '../../shared/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import type { ManualClock } from '../../shared/clock.ts';
import { createCase } from '../cases/index.ts';
import { createCustomer } from '../customers/index.ts';
import { createOutboxWorker, enqueue, REFUSED_BY_CONSENT, type OutboxEnvelope, type Transport } from '../notifications/index.ts';
import { actorOf } from '../users/index.ts';
import { DIALECTS, openTestDb, T0, type TestDb } from '../../../../test/helpers/db.ts';
import { assertConsent, consentDecision, enqueueWithConsent, grantConsent, hasConsent, listConsents, withdrawConsent } from './index.ts';

const silent = { info: () => {}, warn: () => {}, error: () => {} };

/** A transport that records what it was given (the worker's side of the check is what is tested). */
function recording(): Transport & { sent: OutboxEnvelope[] } {
  const sent: OutboxEnvelope[] = [];
  return { sent, send: async (m) => void sent.push(m) };
}

describe.each(DIALECTS)('consent register and the outbox on %s', (dialect) => {
  let cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const f of cleanup.reverse()) await f();
    cleanup = [];
  });

  async function setup(): Promise<TestDb & { clock: ManualClock; agent: Actor; customerId: string }> {
    const t = await openTestDb(dialect, { caseHooks: [] }); // the case record alone: no commitment notifications in the outbox
    cleanup.push(t.close);
    const seed = await seedBase(t.ctx, 'test-password-1');
    const row = await t.ctx.db.selectFrom('users').selectAll().where('id', '=', seed.users.agent!.id).executeTakeFirstOrThrow();
    const c = await createCustomer(t.ctx, { name: '刘洋', email: 'liu.yang@example.com' }, systemActor('test'));
    return { ...t, clock: t.clock as ManualClock, agent: actorOf(row, null), customerId: c.id };
  }

  function worker(ctx: Ctx) {
    const email = recording();
    const webhook = recording();
    const w = createOutboxWorker(ctx, { transports: { email, webhook }, log: silent });
    cleanup.push(() => w.stop());
    return { w, email, webhook };
  }

  const surveyMail = (to: string) => ({ topic: 'email' as const, payload: { to, template: 'case_closed', locale: 'en', vars: { number: 'SL-1', reason: 'solved' } } });

  it('keeps every grant and withdrawal as history, and answers the check from what is in force', async () => {
    const t = await setup();
    // surveys are opt-out (SPEC 6 surveys every resolution): allowed while no withdrawal is on record
    expect(await consentDecision(t.ctx.db, t.customerId, 'satisfaction_survey')).toEqual({ allowed: true, basis: 'not_opted_out', consentId: null });
    const first = await grantConsent(t.ctx, t.customerId, { purpose: 'satisfaction_survey', channel: 'phone', evidenceRef: 'REC-1001' }, t.agent);
    expect(first).toMatchObject({ purpose: 'satisfaction_survey', scope: null, channel: 'phone', evidenceRef: 'REC-1001', grantedAt: T0, recordedBy: t.agent.id, active: true });
    expect(await hasConsent(t.ctx.db, t.customerId, 'satisfaction_survey')).toBe(true);
    expect(await hasConsent(t.ctx.db, t.customerId, 'marketing')).toBe(false);
    // the same consent twice is refused; a withdrawn one can be given again, as a new record
    await expect(grantConsent(t.ctx, t.customerId, { purpose: 'satisfaction_survey', channel: 'email' }, t.agent)).rejects.toMatchObject({ code: 'consent_already_granted', status: 409 });
    t.clock.advance(60_000);
    const gone = await withdrawConsent(t.ctx, t.customerId, first.id, '客户来电要求不再发送问卷', t.agent);
    expect(gone).toMatchObject({ active: false, withdrawnAt: T0 + 60_000, withdrawnBy: t.agent.id, withdrawalReason: '客户来电要求不再发送问卷' });
    expect(await hasConsent(t.ctx.db, t.customerId, 'satisfaction_survey')).toBe(false);
    await expect(withdrawConsent(t.ctx, t.customerId, first.id, undefined, t.agent)).rejects.toMatchObject({ code: 'consent_already_withdrawn' });
    t.clock.advance(60_000);
    const again = await grantConsent(t.ctx, t.customerId, { purpose: 'satisfaction_survey', channel: 'chat' }, t.agent);
    expect(again.id).not.toBe(first.id);
    const reg = await listConsents(t.ctx, t.customerId, t.agent);
    expect(reg.current.map((c) => c.id)).toEqual([again.id]);
    expect(reg.history.map((c) => [c.id, c.withdrawnAt])).toEqual([[first.id, T0 + 60_000]]);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', 'like', 'consent.%').orderBy('seq').execute();
    expect(audit).toEqual([
      { action: 'consent.grant', target_id: t.customerId },
      { action: 'consent.withdraw', target_id: t.customerId },
      { action: 'consent.grant', target_id: t.customerId },
      { action: 'consent.read', target_id: t.customerId },
    ]);
  });

  it('implies service_contact while the customer has a case that is not closed, and matches a scoped consent', async () => {
    const t = await setup();
    expect(await consentDecision(t.ctx.db, t.customerId, 'service_contact')).toEqual({ allowed: false, basis: null, consentId: null });
    const c = await createCase(t.ctx, { channel: 'phone', customerId: t.customerId, contact: { name: '刘洋' }, subject: '热水器不加热', description: '昨天开始不加热' }, t.agent);
    expect(await consentDecision(t.ctx.db, t.customerId, 'service_contact')).toEqual({ allowed: true, basis: 'open_case', consentId: null });
    expect(await hasConsent(t.ctx.db, t.customerId, 'marketing')).toBe(false); // an open case implies nothing else
    await t.ctx.db.updateTable('cases').set({ status: 'closed', closed_at: T0 }).where('id', '=', c.case.id).execute();
    expect(await hasConsent(t.ctx.db, t.customerId, 'service_contact')).toBe(false);

    const shared = await grantConsent(t.ctx, t.customerId, { purpose: 'third_party_sharing', scope: '安装服务商 Acme', channel: 'paper', evidenceRef: 'FORM-7' }, t.agent);
    expect(await hasConsent(t.ctx.db, t.customerId, 'third_party_sharing', '安装服务商 ACME')).toBe(true);
    expect(await hasConsent(t.ctx.db, t.customerId, 'third_party_sharing', '物流公司 Beta')).toBe(false);
    const err = await assertConsent(t.ctx.db, t.customerId, 'third_party_sharing', '物流公司 Beta').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'consent_required', status: 409, details: { customerId: t.customerId, purpose: 'third_party_sharing', scope: '物流公司 Beta' } });
    expect(shared.scope).toBe('安装服务商 Acme');
  });

  it('refuses at send time a message needing consent without it, sends it with it, and stops it after a withdrawal', async () => {
    const t = await setup();
    const { w, email } = worker(t.ctx);
    // queuing through the register refuses at once
    await expect(
      t.ctx.db.transaction().execute((trx) => enqueueWithConsent(t.ctx, trx, surveyMail('liu.yang@example.com'), { customerId: t.customerId, purpose: 'marketing' })),
    ).rejects.toMatchObject({ code: 'consent_required', status: 409 });
    expect(await t.ctx.db.selectFrom('outbox').select('id').execute()).toEqual([]);

    // a message that declares its purpose but was written without asking (or before the register changed)
    const unchecked = await t.ctx.db.transaction().execute((trx) =>
      enqueue(t.ctx, trx, { topic: 'email', payload: { ...surveyMail('liu.yang@example.com').payload, consent: { customerId: t.customerId, purpose: 'marketing' } } }),
    );
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    expect(email.sent).toEqual([]);
    const refused = await t.ctx.db.selectFrom('outbox').selectAll().where('id', '=', unchecked).executeTakeFirstOrThrow();
    expect(refused).toMatchObject({ sent_at: null, failed_at: T0 });
    expect(refused.last_error).toBe(`${REFUSED_BY_CONSENT}: customer ${t.customerId} has no active consent to marketing`);

    // with the consent it goes
    const consent = await grantConsent(t.ctx, t.customerId, { purpose: 'marketing', channel: 'phone' }, t.agent);
    const ok = await t.ctx.db.transaction().execute((trx) =>
      enqueueWithConsent(t.ctx, trx, surveyMail('liu.yang@example.com'), { customerId: t.customerId, purpose: 'marketing' }),
    );
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(email.sent.map((m) => m.id)).toEqual([ok]);
    expect(email.sent[0]!.payload.consent).toEqual({ customerId: t.customerId, purpose: 'marketing', scope: null });

    // queued with consent, withdrawn before the worker got to it: not sent
    const late = await t.ctx.db.transaction().execute((trx) =>
      enqueueWithConsent(t.ctx, trx, surveyMail('liu.yang@example.com'), { customerId: t.customerId, purpose: 'marketing' }),
    );
    await withdrawConsent(t.ctx, t.customerId, consent.id, 'no more offers', t.agent);
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    expect(email.sent).toHaveLength(1);
    const stopped = await t.ctx.db.selectFrom('outbox').selectAll().where('id', '=', late).executeTakeFirstOrThrow();
    expect(stopped.sent_at).toBeNull();
    expect(stopped.failed_at).toBe(T0);
    expect(stopped.last_error).toMatch(new RegExp(`^${REFUSED_BY_CONSENT}: `));
  });

  it('sends a webhook (a third party) only when it declares whose data it carries and that customer consented to sharing', async () => {
    const t = await setup();
    const { w, webhook } = worker(t.ctx);
    const hook = (consent: unknown) =>
      t.ctx.db.transaction().execute((trx) =>
        enqueue(t.ctx, trx, { topic: 'webhook', payload: { url: 'https://contractor.example.com/orders', data: { name: '刘洋' }, ...(consent === undefined ? {} : { consent }) } }),
      );
    await createCase(t.ctx, { channel: 'phone', customerId: t.customerId, contact: { name: '刘洋' }, subject: '需要上门安装', description: '新买的空调' }, t.agent);
    const undeclared = await hook(undefined);
    const noPersonalData = await hook(null);
    // service_contact holds (open case), but passing it to a contractor needs third_party_sharing too
    const toContractor = await hook({ customerId: t.customerId, purpose: 'service_contact', scope: 'Acme Install' });
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 2 });
    expect(webhook.sent.map((m) => m.id)).toEqual([noPersonalData]);
    const errors = Object.fromEntries(
      (await t.ctx.db.selectFrom('outbox').select(['id', 'last_error']).where('id', 'in', [undeclared, toContractor]).execute()).map((r) => [r.id, r.last_error]),
    );
    expect(errors[undeclared]).toMatch(/^refused_by_consent: a webhook must declare whose personal data it carries/);
    expect(errors[toContractor]).toBe(`refused_by_consent: customer ${t.customerId} has no active consent to third_party_sharing (Acme Install)`);

    await grantConsent(t.ctx, t.customerId, { purpose: 'third_party_sharing', scope: 'Acme Install', channel: 'phone', evidenceRef: 'REC-2002' }, t.agent);
    const allowed = await t.ctx.db.transaction().execute((trx) =>
      enqueueWithConsent(t.ctx, trx, { topic: 'webhook', payload: { url: 'https://contractor.example.com/orders' } }, { customerId: t.customerId, purpose: 'service_contact', scope: 'Acme Install' }),
    );
    await expect(
      t.ctx.db.transaction().execute((trx) =>
        enqueueWithConsent(t.ctx, trx, { topic: 'webhook', payload: { url: 'https://other.example.com/' } }, { customerId: t.customerId, purpose: 'service_contact', scope: 'Other Co' }),
      ),
    ).rejects.toMatchObject({ code: 'consent_required', details: { purpose: 'third_party_sharing' } });
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(webhook.sent.map((m) => m.id)).toEqual([noPersonalData, allowed]);
  });
});
