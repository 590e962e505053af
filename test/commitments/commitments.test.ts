import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDueTimers } from '../../src/core/modules/commitments/index.ts';
import { renderDigest, renderTemplate } from '../../src/core/modules/notifications/index.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

// Shanghai wall time -> epoch ms
const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const MIN = 60_000;

describe.each(DIALECTS)('service commitments on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
  });
  afterAll(async () => t.close());

  const at = (iso: string) => clock.set(sh(iso));
  /** Moves the clock and lets the timers of earlier tests' cases catch up, so each test sees only its own. */
  const startAt = async (iso: string) => {
    at(iso);
    await sweepDueTimers(t.ctx);
  };
  const create = async (body: Record<string, unknown>, who = 'agent') => {
    const r = await t.as(who, 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '李女士', phone: '13800138000' }, ...body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; number: string; priority: string };
  };
  const commitments = async (id: string) => {
    const r = await t.as('supervisor', 'GET', `/api/v1/cases/${id}/commitments`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { escalationLevel: number; targets: Array<{ kind: string; dueAt: number; state: string; elapsedMinutes: number; remainingMinutes: number; metAt: number | null }>; escalations: Array<{ level: number; notified: string[]; reason: string }> };
  };
  const target = async (id: string, kind: string) => (await commitments(id)).targets.find((x) => x.kind === kind)!;
  const timeline = async (id: string) => ((await t.as('supervisor', 'GET', `/api/v1/cases/${id}`)).json() as { timeline: Array<{ type: string; data: Record<string, unknown> | null; visibility: string }> }).timeline;

  it('applies the default commitments at intake, in business time, and puts the promise in the acknowledgement', async () => {
    at('2026-11-23T10:00:00'); // Monday
    const c = await create({ subject: '咨询发票开具流程', description: '请问电子发票如何开具？', teamId: t.seed.teams.frontline });
    const cm = await commitments(c.id);
    const due = Object.fromEntries(cm.targets.map((x) => [x.kind, x.dueAt]));
    expect(due.reception).toBe(sh('2026-11-23T10:15:00'));
    expect(due.first_response).toBe(sh('2026-11-23T11:00:00'));
    // 24 business hours: Mon 10:00-12:00, 13:30-18:00 (390) + Tue 450 + Wed 450 = 1290, Thu 09:00-11:30 (150)
    expect(due.resolution).toBe(sh('2026-11-26T11:30:00'));
    expect(cm.targets.every((x) => x.state === 'running')).toBe(true);
    const ack = (await timeline(c.id)).find((e) => e.type === 'acknowledged')!;
    expect(ack.data).toMatchObject({ firstResponseDueAt: sh('2026-11-23T11:00:00'), resolutionDueAt: sh('2026-11-26T11:30:00') });
  });

  it('walks create -> warning -> breach -> escalation -> remedy -> pause/resume with the clock', async () => {
    await startAt('2026-11-24T10:00:00'); // Tuesday
    const c = await create({ subject: '会员积分没有到账', description: '上周消费的积分一直没有到账', teamId: t.seed.teams.frontline });

    at('2026-11-24T10:12:00'); // reception at 12/15 = 80%: the 75% warning only
    let s = await sweepDueTimers(t.ctx);
    expect(s).toMatchObject({ warnings: 1, breaches: 0 });
    expect((await target(c.id, 'reception')).state).toBe('warned');
    let tl = await timeline(c.id);
    expect(tl.filter((e) => e.type === 'sla_warning').map((e) => e.data?.fraction)).toEqual([0.75]);
    expect(await sweepDueTimers(t.ctx)).toMatchObject({ checked: 0 }); // nothing happens twice
    // nobody has taken it: the warning goes through the outbox to the team's supervisor
    const notes = await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', c.id).where('topic', '=', 'notify').execute();
    expect(notes.map((n) => JSON.parse(n.payload) as { kind: string; userIds: string[] })).toEqual([
      expect.objectContaining({ kind: 'sla_warning', userIds: [t.seed.users.supervisor!.id] }),
    ]);

    at('2026-11-24T10:15:00'); // the 90% warning was due at 10:13:30, the deadline is now: breach, no stale warning
    s = await sweepDueTimers(t.ctx);
    expect(s).toMatchObject({ breaches: 1, escalations: 1 });
    let cm = await commitments(c.id);
    expect(cm.targets.find((x) => x.kind === 'reception')!.state).toBe('breached');
    expect(cm.escalationLevel).toBe(2);
    expect(cm.escalations[0]).toMatchObject({ level: 2, reason: 'reception_breached', notified: [t.seed.users.supervisor!.id] });
    tl = await timeline(c.id);
    expect(tl.filter((e) => e.type === 'sla_breach')).toHaveLength(1);
    expect(tl.find((e) => e.type === 'escalated')!.data).toMatchObject({ from: 1, level: 2, role: 'supervisor' });

    at('2026-11-24T10:25:00');
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/take`, {})).statusCode).toBe(200);
    const rec = await target(c.id, 'reception');
    expect(rec).toMatchObject({ state: 'breached', metAt: sh('2026-11-24T10:25:00') }); // late, still a breach

    at('2026-11-24T11:00:00'); // first response due
    s = await sweepDueTimers(t.ctx);
    expect(s).toMatchObject({ breaches: 1, escalations: 1, remedies: 1 });
    cm = await commitments(c.id);
    expect(cm.escalationLevel).toBe(3);
    expect(cm.escalations[1]!.notified).toEqual([t.seed.users.manager!.id]);

    const remedies = (await t.as('supervisor', 'GET', `/api/v1/remedies?caseId=${c.id}`)).json() as Array<{ id: string; status: string; proposal: { kind: string } }>;
    expect(remedies).toHaveLength(1);
    expect(remedies[0]).toMatchObject({ status: 'proposed', proposal: { kind: 'apology' } });
    expect((await t.as('agent', 'POST', `/api/v1/remedies/${remedies[0]!.id}/decision`, { decision: 'approve' })).statusCode).toBe(403);
    const approved = await t.as('supervisor', 'POST', `/api/v1/remedies/${remedies[0]!.id}/decision`, { decision: 'approve', text: '致歉并赠送 20 元代金券' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', final: { text: '致歉并赠送 20 元代金券' } });
    expect((await t.as('supervisor', 'POST', `/api/v1/remedies/${remedies[0]!.id}/decision`, { decision: 'reject' })).statusCode).toBe(409);
    tl = await timeline(c.id);
    expect(tl.find((e) => e.type === 'remedy_approved')).toMatchObject({ visibility: 'public' });
    // every message this case queued renders in its template (the remedy and escalations included)
    const queued = await t.ctx.db.selectFrom('outbox').select(['topic', 'payload']).where('case_id', '=', c.id).execute();
    const payloads = queued.map((q) => JSON.parse(q.payload) as { template: string; locale?: string; vars: Record<string, unknown> });
    expect(payloads.map((p) => p.template)).toEqual(expect.arrayContaining(['sla_warning', 'escalation'])); // no email address: nothing to the customer
    for (const p of payloads) expect(renderTemplate(p.template, p.locale ?? 'zh', p.vars).subject).toContain(c.number);
    const esc = payloads.find((p) => p.template === 'escalation')!;
    expect(renderTemplate('escalation', 'zh', esc.vars).text).toContain('受理超过处理时限');

    // 11:10 the agent answers and waits on the customer: first response met (late), timers pause
    at('2026-11-24T11:10:00');
    const r = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/replies`, { body: '请提供消费小票照片', setStatus: 'pending_customer' });
    expect(r.statusCode, r.body).toBe(200);
    let res = await target(c.id, 'resolution');
    expect(res.state).toBe('paused');
    expect(res.elapsedMinutes).toBe(70);
    // two days later the customer answers: the 1370 minutes left run from Thu 11:10:
    // Thu 50 + 270, Fri 450, Mon 450 (1220), Tue 09:00-11:30 (150) -> Tue 2026-12-01 11:30
    at('2026-11-26T11:10:00');
    await sweepDueTimers(t.ctx); // paused timers are not due
    expect((await target(c.id, 'resolution')).state).toBe('paused');
    const back = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/status`, { status: 'open', note: '客户已补充小票' });
    expect(back.statusCode, back.body).toBe(200);
    res = await target(c.id, 'resolution');
    expect(res.state).toBe('running');
    expect(res.dueAt).toBe(sh('2026-12-01T11:30:00'));

    // the escalated supervisor may take the case over from the agent: a recorded hand-over
    const over = await t.as('supervisor', 'POST', `/api/v1/cases/${c.id}/take`, {});
    expect(over.statusCode, over.body).toBe(200);
    expect(over.json()).toMatchObject({ ownerId: t.seed.users.supervisor!.id });
    expect((await timeline(c.id)).find((e) => e.type === 'handed_over')!.data).toMatchObject({ via: 'take_over', fromOwnerId: t.seed.users.agent!.id });
    expect((await t.as('agent2', 'POST', `/api/v1/cases/${c.id}/take`, {})).statusCode).toBe(409);

    // the resolution deadline passes: escalation to the director
    at('2026-12-01T11:30:00');
    s = await sweepDueTimers(t.ctx);
    expect(s.breaches).toBeGreaterThanOrEqual(1);
    cm = await commitments(c.id);
    expect(cm.escalationLevel).toBe(4);
    expect(cm.escalations.at(-1)!.notified).toEqual([t.seed.users.director!.id]);
  });

  it('sends each person one digest of the cases a sweep finds due for them, and each case its own timeline', async () => {
    await startAt('2026-11-25T10:00:00'); // Wednesday
    const cases = [];
    for (const i of [1, 2, 3]) cases.push(await create({ subject: `积分未到账${i}`, description: '上周消费的积分一直没有到账', teamId: t.seed.teams.frontline }));
    // reception at 93% for all three, nobody has taken them: the team's supervisor is told, once
    // a case (the 90% warning; the 75% one of the same pass is on the timeline only)
    at('2026-11-25T10:14:00');
    const before = new Set((await t.ctx.db.selectFrom('outbox').select('id').execute()).map((r) => r.id));
    expect(await sweepDueTimers(t.ctx)).toMatchObject({ warnings: 6, breaches: 0 });
    const sent = (await t.ctx.db.selectFrom('outbox').select(['id', 'case_id', 'payload']).where('topic', '=', 'notify').execute()).filter((r) => !before.has(r.id));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.case_id).toBeNull();
    const digest = JSON.parse(sent[0]!.payload) as { template: string; userIds: string[]; total: number; items: Array<Record<string, unknown>> };
    expect(digest).toMatchObject({ template: 'sla_warning', userIds: [t.seed.users.supervisor!.id], total: 3 });
    expect(digest.items.map((i) => i.number).sort()).toEqual(cases.map((c) => c.number).sort());
    expect(digest.items.map((i) => i.caseId).sort()).toEqual(cases.map((c) => c.id).sort());
    expect(digest.items.map((i) => i.level)).toEqual([0.9, 0.9, 0.9]);
    const mail = renderDigest(digest.template, 'zh', digest.items, digest.total);
    expect(mail.subject).toBe('【超时预警】3 个工单时限即将到期');
    for (const c of cases) {
      expect(mail.text).toContain(`工单 ${c.number}（积分未到账`);
      expect((await timeline(c.id)).filter((e) => e.type === 'sla_warning').map((e) => e.data?.fraction)).toEqual([0.75, 0.9]);
    }
  });

  it('counts complaint results in working days (Civil Code) and starts urgent complaints at senior management', async () => {
    at('2026-09-30T10:00:00'); // the day before the National Day holiday
    const c = await create({ subject: '投诉：安装师傅态度恶劣', description: '要求公司给出处理结果', type: 'complaint', complaintGrade: 'urgent' }, 'manager');
    const cm = await commitments(c.id);
    const due = Object.fromEntries(cm.targets.map((x) => [x.kind, x.dueAt]));
    // 2 working days: 10-01..10-07 holiday, day 1 = Thu 10-08, day 2 = Fri 10-09, close 18:00
    expect(due.resolution).toBe(sh('2026-10-09T18:00:00'));
    expect(due.initial_review).toBe(sh('2026-10-09T18:00:00'));
    expect(cm.escalationLevel).toBe(3);
    expect(cm.escalations[0]).toMatchObject({ reason: 'urgent_complaint' });
    // handled at manager level, the service director told at once as well (SPEC 2)
    expect(cm.escalations[0]!.notified).toEqual([t.seed.users.manager!.id, t.seed.users.director!.id]);

    const g = await create({ subject: '投诉：快递包装破损', description: '要求重新发货', type: 'complaint', complaintGrade: 'general' });
    // 7 working days from Wed 09-30: 10-08, 10-09, Sat 10-10 (make-up day), 10-12, 10-13, 10-14, 10-15
    expect((await target(g.id, 'resolution')).dueAt).toBe(sh('2026-10-15T18:00:00'));
  });

  it('recomputes targets on reclassification and records it on the timeline', async () => {
    at('2026-11-25T09:30:00');
    const c = await create({ subject: 'Question about my bill', description: 'Why was I charged twice?', contact: { name: 'Tom', email: 'tom@example.com' } });
    // 24 business hours from Wed 09:30: Wed 150 + 270, Thu 450, Fri 450 (1320), Mon 09:00-11:00 (120)
    expect((await target(c.id, 'resolution')).dueAt).toBe(sh('2026-11-30T11:00:00'));
    const r = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/classify`, { type: 'complaint', complaintGrade: 'important', reason: '客户明确表示投诉' });
    expect(r.statusCode, r.body).toBe(200);
    // important complaint: 15 working days from Wed 11-25 -> Wed 12-16 18:00
    expect((await target(c.id, 'resolution')).dueAt).toBe(sh('2026-12-16T18:00:00'));
    expect((await target(c.id, 'initial_review')).dueAt).toBe(sh('2026-11-27T18:00:00'));
    const rec = (await timeline(c.id)).find((e) => e.type === 'sla_recomputed')!;
    expect(rec.data!.changes).toEqual(
      expect.arrayContaining([{ kind: 'resolution', before: sh('2026-11-30T11:00:00'), after: sh('2026-12-16T18:00:00') }]),
    );
  });

  it('gives chat 2 business minutes and P1 cases the 7x24 calendar', async () => {
    at('2026-11-23T11:59:30');
    const chat = await create({ channel: 'chat', subject: '在线咨询', description: '你好，在吗？' });
    expect((await target(chat.id, 'first_response')).dueAt).toBe(sh('2026-11-23T13:31:30'));
    at('2026-11-28T22:00:00'); // Saturday night
    const p1 = await create({ subject: '系统全部停机', description: '生产线停机，紧急', impact: 1, urgency: 1 });
    expect(p1.priority).toBe('P1');
    expect((await target(p1.id, 'first_response')).dueAt).toBe(sh('2026-11-28T23:00:00'));
  });

  it("gives a transferred case the new department's own handling limit and escalates within it", async () => {
    const lim = await t.as('admin', 'PUT', `/api/v1/teams/${t.seed.teams.aftersales}/handling-limit`, { limit: { minutes: 240, calendarId: 'standard' } });
    expect(lim.statusCode, lim.body).toBe(204);
    await startAt('2026-11-30T09:00:00'); // Monday
    const c = await create({ subject: '洗衣机不脱水', description: '需要上门维修', teamId: t.seed.teams.frontline });
    await t.as('agent', 'POST', `/api/v1/cases/${c.id}/take`, {});
    await t.as('agent', 'POST', `/api/v1/cases/${c.id}/replies`, { body: '已收到，我们安排技术人员联系您' });
    at('2026-11-30T10:00:00');
    const tr = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/transfer`, { toTeamId: t.seed.teams.aftersales, handoverNote: '客户洗衣机不脱水，需技术组上门检修，已确认地址' });
    expect(tr.statusCode, tr.body).toBe(200);
    const h = (await commitments(c.id)).targets.filter((x) => x.kind === 'handling');
    expect(h).toHaveLength(1);
    // 240 business minutes from 10:00: 10:00-12:00 (120) + 13:30-15:30
    expect(h[0]!.dueAt).toBe(sh('2026-11-30T15:30:00'));
    at('2026-11-30T15:30:00');
    await sweepDueTimers(t.ctx);
    // only the handling limit is broken (first response was met, resolution is not due): one level up, in the new department
    const cm = await commitments(c.id);
    expect(cm.targets.find((x) => x.kind === 'handling')!.state).toBe('breached');
    expect(cm.escalations.find((e) => e.reason === 'handling_breached')!.notified).toEqual([t.seed.users.supervisor2!.id]);
  });

  it('publishes the commitments and live compliance without login', async () => {
    at('2026-12-02T12:00:00');
    const r = await t.as(null, 'GET', '/api/v1/public/commitments');
    expect(r.statusCode).toBe(200);
    const body = r.json() as { commitments: Array<{ code: string; targets: Array<{ zh: string; en: string }> }>; compliance: { days30: Array<{ kind: string; met: number; breached: number; metShare: number }> } };
    expect(body.commitments.find((c) => c.code === 'complaint-general')!.targets.map((x) => x.zh)).toContain('7 个工作日内');
    const reception = body.compliance.days30.find((k) => k.kind === 'reception')!;
    expect(reception.met + reception.breached).toBeGreaterThan(0);
    expect(reception.metShare).toBeCloseTo(reception.met / (reception.met + reception.breached));
    const page = await t.as(null, 'GET', '/commitments');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('服务质量承诺');
    expect((await t.as(null, 'GET', '/commitments?lang=en')).body).toContain('Our service commitments');
  });

  it('simulates a draft commitment against real cases before it is published', async () => {
    at('2026-12-07T09:00:00'); // Monday
    const ids: string[] = [];
    for (const minutes of [10, 20, 50]) {
      at('2026-12-07T09:00:00');
      const c = await create({ channel: 'email', subject: `Simulation ${minutes}`, description: 'what-if', contact: { name: 'Sim', email: `sim${minutes}@example.com` } });
      ids.push(c.id);
      clock.set(sh('2026-12-07T09:00:00') + minutes * MIN);
      expect((await t.as('agent2', 'POST', `/api/v1/cases/${c.id}/replies`, { body: 'Hello' })).statusCode).toBe(200);
    }
    at('2026-12-07T12:00:00');
    const sim = await t.as('manager', 'POST', '/api/v1/commitments/simulate', {
      days: 1,
      policy: { match: { channels: ['email'] }, calendarId: 'standard', targets: { first_response: { minutes: 30 } }, warnFractions: [0.5], escalateOnWarning: false },
    });
    expect(sim.statusCode, sim.body).toBe(200);
    // 10 min: met; 20 min: met but past 50% (warned); 50 min: breached and escalated
    expect(sim.json()).toMatchObject({ casesMatched: 3, byTarget: { first_response: { evaluated: 3, met: 2, warned: 1, breached: 1, escalated: 1 } } });
    expect((await t.as('agent', 'POST', '/api/v1/commitments/simulate', { days: 1, policy: { match: {}, calendarId: 'standard', targets: { first_response: { minutes: 30 } }, warnFractions: [], escalateOnWarning: false } })).statusCode).toBe(403);
  });
});

describe('remedy notice', () => {
  it('tells the customer what is offered, in their language', () => {
    const zh = renderTemplate('remedy', 'zh', { number: 'SL-20261124-0001', subject: '积分', name: '李女士', text: '致歉并赠送 20 元代金券', amount: 20, currency: 'CNY' });
    expect(zh.subject).toContain('SL-20261124-0001');
    expect(zh.text).toContain('致歉并赠送 20 元代金券');
    expect(zh.text).toContain('20 CNY');
    const en = renderTemplate('remedy', 'en', { number: 'SL-20261124-0002', text: '<b>sorry</b>' });
    expect(en.text).toContain('did not handle your case');
    expect(en.html).not.toContain('<b>sorry</b>');
  });
});
