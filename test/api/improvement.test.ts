import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import { sweepOverdueActions, type Candidates, type CaseProblemView, type ProblemSummary, type ProblemView } from '../../src/core/modules/improvement/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { renderTemplate } from '../../src/core/modules/notifications/index.ts';
import { eraseCustomer } from '../../src/core/modules/privacy/index.ts';
import { createApiToken, createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const DAY = 86_400_000;

interface TimelineEvent {
  type: string;
  visibility: 'public' | 'internal';
  actorId: string | null;
  data: Record<string, unknown> | null;
}

// SPEC 8's last bullet: root-cause analysis and corrective/preventive actions (CAPA); SPEC 2: a repeat complaint closes with a root cause and a corrective action.
describe.each(DIALECTS)('problem records and CAPA on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let cat: Record<string, string>;
  let customerA: string;
  let customerB: string;
  let portalBearer: string;

  beforeAll(async () => {
    // tokens: the clock moves by months here, and sessions would expire
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    cat = Object.fromEntries((await t.ctx.db.selectFrom('categories').select(['id', 'code']).execute()).map((c) => [c.code, c.id]));
    const sys = systemActor('test');
    customerA = (await createCustomer(t.ctx, { name: '客户甲', email: 'capa-a@example.com' }, sys)).id;
    customerB = (await createCustomer(t.ctx, { name: '客户乙', email: 'capa-b@example.com' }, sys)).id;
    const u = await createUser(t.ctx, { email: 'capa-a@example.com', name: 'Portal', role: 'customer', customerId: customerA, password: TEST_PASSWORD }, sys);
    portalBearer = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const asCustomer = (method: string, url: string, body?: unknown) =>
    t.app.inject({ method: method as 'GET', url, headers: { authorization: portalBearer }, ...(body === undefined ? {} : { payload: body as object }) });
  const user = (k: string) => t.seed.users[k]!.id;

  /** A case logged by an agent now (or at receivedAt), of a type and category. */
  const newCase = async (o: { type?: string; category?: string; customerId?: string; receivedAt?: number; sensitive?: boolean; by?: string; subject?: string } = {}) => {
    const r = await t.as(o.by ?? 'agent', 'POST', '/api/v1/cases', {
      channel: 'phone',
      contact: { name: '周先生', phone: '13500135001' },
      subject: o.subject ?? '账单多扣了 58 元',
      description: '上个月账单多扣了 58 元，要求退还',
      type: o.type ?? 'complaint',
      ...(o.category ? { categoryId: cat[o.category] } : {}),
      ...(o.customerId ? { customerId: o.customerId } : {}),
      ...(o.receivedAt !== undefined ? { receivedAt: o.receivedAt } : {}),
      ...(o.sensitive ? { sensitive: true } : {}),
    });
    expect(r.statusCode, r.body).toBe(201);
    return (r.json() as { id: string; isRepeat: boolean }).id;
  };
  const ok = async <T = ProblemView>(who: string, method: string, url: string, body?: unknown, status = 200): Promise<T> => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, `${who} ${method} ${url}: ${r.body}`).toBe(status);
    return r.json() as T;
  };
  const create = (who: string, body: Record<string, unknown>) => ok(who, 'POST', '/api/v1/problems', { description: '同一问题反复出现', ...body }, 201);
  const timeline = async (caseId: string, who = 'supervisor') => ((await t.as(who, 'GET', `/api/v1/cases/${caseId}`)).json() as { timeline: TimelineEvent[] }).timeline;
  const problemEvents = async (caseId: string) => (await timeline(caseId)).filter((e) => e.type.startsWith('problem_'));
  /** open -> analysing -> root cause -> actions */
  const analysed = async (p: ProblemView, who = 'supervisor') => {
    await ok(who, 'POST', `/api/v1/problems/${p.id}/status`, { to: 'analysing' });
    await ok(who, 'PATCH', `/api/v1/problems/${p.id}`, { rootCauseCategory: 'system', rootCause: '计费系统在月底批处理时重复执行扣费任务' });
    return ok(who, 'POST', `/api/v1/problems/${p.id}/status`, { to: 'actions' });
  };

  it('takes a problem record from open through analysis and actions to its check, closing it as effective with the counts before and after worked out by hand', async () => {
    clock.set(sh('2026-11-02T10:00:00')); // Monday
    const [c1, c2, c3] = [await newCase({ category: 'billing' }), await newCase({ category: 'billing' }), await newCase({ category: 'billing' })];
    await newCase({ category: 'product' }); // another category: never counted
    await newCase({ category: 'billing', receivedAt: sh('2026-09-30T10:00:00') }); // before the window
    const p = await create('supervisor', { title: '月底账单重复扣费', caseIds: [c1, c2] });
    expect(p).toMatchObject({ status: 'open', ownerId: user('supervisor'), checkDays: 30, caseCount: 2, hiddenCases: 0, effectiveness: null, canManage: true });
    expect(p.cases.map((c) => [c.caseId, c.linkStatus])).toEqual([
      [c1, 'linked'],
      [c2, 'linked'],
    ]);
    expect(await problemEvents(c1)).toMatchObject([{ type: 'problem_linked', visibility: 'internal', actorId: user('supervisor'), data: { problemId: p.id, title: '月底账单重复扣费' } }]);
    // the case's card
    expect(await ok<CaseProblemView[]>('agent', 'GET', `/api/v1/cases/${c1}/problems`)).toEqual([{ id: p.id, title: '月底账单重复扣费', status: 'open', rootCauseCategory: null, linkStatus: 'linked', linkedAt: clock.now() }]);

    // no actions before the root cause is known
    await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/status`, { to: 'analysing' });
    const early = await t.as('supervisor', 'POST', `/api/v1/problems/${p.id}/status`, { to: 'actions' });
    expect([early.statusCode, code(early)]).toEqual([409, 'root_cause_required']);
    const skip = await t.as('supervisor', 'POST', `/api/v1/problems/${p.id}/status`, { to: 'closed' });
    expect(skip.statusCode).toBe(400); // not a move made by hand
    await ok('supervisor', 'PATCH', `/api/v1/problems/${p.id}`, { rootCauseCategory: 'system', rootCause: '计费系统在月底批处理时重复执行扣费任务' });
    const acting = await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/status`, { to: 'actions' });
    expect(acting).toMatchObject({ status: 'actions', rootCauseCategory: 'system' });

    // a corrective action due on Saturday 2026-11-07: due at the close of business of Monday 11-09;
    // a preventive one due Wednesday 11-04: 18:00 that day
    await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/actions`, { kind: 'corrective', description: '修复批处理重复执行缺陷并退还多扣费用', ownerId: user('agent'), dueDate: '2026-11-07' });
    const planned = await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/actions`, { kind: 'preventive', description: '批处理加幂等校验与对账告警', ownerId: user('supervisor'), dueDate: '2026-11-04' });
    const [prev, corr] = planned.actions;
    expect([corr!.kind, corr!.dueAt, corr!.ownerId]).toEqual(['corrective', sh('2026-11-09T18:00:00'), user('agent')]);
    expect([prev!.kind, prev!.dueAt]).toEqual(['preventive', sh('2026-11-04T18:00:00')]);
    expect(planned.openActions).toBe(2);
    const past = await t.as('supervisor', 'POST', `/api/v1/problems/${p.id}/actions`, { kind: 'corrective', description: 'x', ownerId: user('agent'), dueDate: '2026-11-01' });
    expect([past.statusCode, code(past)]).toEqual([422, 'due_date_past']);
    const notStaff = await t.as('supervisor', 'POST', `/api/v1/problems/${p.id}/actions`, { kind: 'corrective', description: 'x', ownerId: user('inspector'), dueDate: '2026-11-20' });
    expect([notStaff.statusCode, code(notStaff)]).toEqual([422, 'action_owner_invalid']);

    // the action's owner marks it done; another agent may not
    clock.set(sh('2026-11-04T15:00:00'));
    const other = await t.as('agent2', 'POST', `/api/v1/problems/${p.id}/actions/${corr!.id}/done`, { note: '已修复' });
    expect([other.statusCode, code(other)]).toEqual([403, 'not_problem_owner']);
    const oneDone = await ok('agent', 'POST', `/api/v1/problems/${p.id}/actions/${corr!.id}/done`, { note: '已修复缺陷，48 位客户的多扣费用已退还' });
    expect(oneDone.status).toBe('actions');
    expect(oneDone.actions.find((a) => a.id === corr!.id)).toMatchObject({ status: 'done', doneBy: user('agent'), overdue: false });
    // the last one, a day late: the record goes to its check, 30 days later (2026-12-05, a Saturday: due Monday 12-07 at close of business)
    clock.set(sh('2026-11-05T10:00:00'));
    const checking = await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/actions/${prev!.id}/done`, { note: '幂等校验已上线' });
    expect(checking).toMatchObject({ status: 'checking', actionsDoneAt: sh('2026-11-05T10:00:00'), checkDate: '2026-12-05', checkDueAt: sh('2026-12-07T18:00:00') });
    expect(checking.actions.find((a) => a.id === prev!.id)!.overdue).toBe(true);
    const more = await t.as('supervisor', 'POST', `/api/v1/problems/${p.id}/actions`, { kind: 'preventive', description: 'x', ownerId: user('agent'), dueDate: '2026-11-20' });
    expect([more.statusCode, code(more)]).toEqual([409, 'check_required']);

    // after the actions: two billing cases and a spam one (not counted)
    clock.set(sh('2026-11-20T10:00:00'));
    await newCase({ category: 'billing' });
    await newCase({ category: 'billing', type: 'inquiry' });
    const spam = await newCase({ category: 'billing' });
    expect((await t.as('agent', 'POST', `/api/v1/cases/${spam}/close`, { reason: 'spam' })).statusCode).toBe(200);

    clock.set(sh('2026-12-04T17:00:00'));
    const notYet = await t.as('supervisor', 'POST', `/api/v1/problems/${p.id}/check`, { result: 'worked', evidence: '投诉减少' });
    expect([notYet.statusCode, code(notYet)]).toEqual([409, 'check_not_due']);

    // at the check, 2026-12-05 10:00: 30 days after T = 11-05 10:00, so the windows are
    // before [10-06 10:00, 11-05 10:00): c1, c2, c3 received 11-02 -> 3 (the 09-30 case is out, the product case another category)
    // after  [11-05 10:00, 12-05 10:00): the complaint and the inquiry of 11-20 -> 2 (the spam one excluded)
    clock.set(sh('2026-12-05T10:00:00'));
    const shown = await ok('supervisor', 'GET', `/api/v1/problems/${p.id}`);
    expect(shown.effectiveness).toEqual({
      categories: [{ id: cat.billing, name: '收费与账单', nameEn: 'Billing' }],
      actionsDoneAt: sh('2026-11-05T10:00:00'),
      windowMs: 30 * DAY,
      before: { from: sh('2026-10-06T10:00:00'), to: sh('2026-11-05T10:00:00'), count: 3 },
      after: { from: sh('2026-11-05T10:00:00'), to: sh('2026-12-05T10:00:00'), count: 2 },
    });
    void c3;
    const closed = await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/check`, { result: 'worked', evidence: '月底批处理后无新增重复扣费投诉' });
    expect(closed).toMatchObject({ status: 'closed', checkResult: 'worked', closedAt: sh('2026-12-05T10:00:00') });
    expect(closed.checks).toMatchObject([{ result: 'worked', checkedBy: user('supervisor'), casesBefore: 3, casesAfter: 2, windowDays: 30 }]);
    // a closed record takes no more changes
    const late = await t.as('supervisor', 'POST', `/api/v1/problems/${p.id}/cases`, { caseId: c3 });
    expect([late.statusCode, code(late)]).toEqual([409, 'problem_not_active']);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', p.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual([
      'problem.create',
      'problem.link',
      'problem.link',
      'problem.move',
      'problem.update',
      'problem.move',
      'problem.move', // to checking
      'problem.check',
    ]);
  });

  it('sends a record whose actions did not work back to actions, and checks it again after the next ones', async () => {
    clock.set(sh('2026-12-08T10:00:00')); // Tuesday
    const c = await newCase({ category: 'delivery' });
    const p = await analysed(await create('manager', { title: '配送延误', caseIds: [c], checkDays: 7 }), 'manager');
    const a = (await ok('manager', 'POST', `/api/v1/problems/${p.id}/actions`, { kind: 'corrective', description: '更换承运商', ownerId: user('supervisor2'), dueDate: '2026-12-10' })).actions[0]!;
    const checking = await ok('supervisor2', 'POST', `/api/v1/problems/${p.id}/actions/${a.id}/done`, { note: '已更换' });
    expect(checking).toMatchObject({ status: 'checking', checkDate: '2026-12-15' });
    clock.set(sh('2026-12-15T09:00:00'));
    const back = await ok('manager', 'POST', `/api/v1/problems/${p.id}/check`, { result: 'not_worked', evidence: '新承运商仍有延误' });
    expect(back).toMatchObject({ status: 'actions', checkResult: 'not_worked', checkDate: null, checkDueAt: null, actionsDoneAt: null, effectiveness: null });
    expect(back.checks.map((k) => k.result)).toEqual(['not_worked']);
    const b = (await ok('manager', 'POST', `/api/v1/problems/${p.id}/actions`, { kind: 'preventive', description: '承运商按时率纳入考核', ownerId: user('manager'), dueDate: '2026-12-16' })).actions.find((x) => x.status === 'open')!;
    clock.set(sh('2026-12-16T10:00:00'));
    const again = await ok('manager', 'POST', `/api/v1/problems/${p.id}/actions/${b.id}/done`, { note: '已纳入' });
    expect(again).toMatchObject({ status: 'checking', checkDate: '2026-12-23', actionsDoneAt: sh('2026-12-16T10:00:00') });
  });

  it('lets only leads create and the owner (or a manager) steer a record; agents read records of cases they may open and propose links; customers nothing', async () => {
    clock.set(sh('2026-12-09T10:00:00'));
    const open = await newCase({ category: 'staff', by: 'agent' });
    const restricted = await newCase({ category: 'staff', by: 'agent', sensitive: true });
    for (const who of ['agent', 'inspector', 'admin']) {
      const r = await t.as(who, 'POST', '/api/v1/problems', { title: 'x', description: 'y' });
      expect([who, r.statusCode, code(r)]).toEqual([who, 403, 'forbidden']);
    }
    const notLead = await t.as('supervisor', 'POST', '/api/v1/problems', { title: 'x', description: 'y', ownerId: user('agent') });
    expect([notLead.statusCode, code(notLead)]).toEqual([422, 'problem_owner_not_lead']);
    const p = await create('supervisor', { title: '服务态度', caseIds: [open] });
    const hidden = await create('supervisor', { title: '隐私投诉', caseIds: [restricted] });

    // agent2 may open `open` but not the restricted case `agent` received
    expect((await ok('agent2', 'GET', `/api/v1/problems/${p.id}`)).canManage).toBe(false);
    const notFound = await t.as('agent2', 'GET', `/api/v1/problems/${hidden.id}`);
    expect([notFound.statusCode, code(notFound)]).toEqual([404, 'problem_not_found']);
    const listed = (await ok<{ items: ProblemSummary[] }>('agent2', 'GET', '/api/v1/problems?status=active&limit=200')).items.map((x) => x.id);
    expect(listed).toContain(p.id);
    expect(listed).not.toContain(hidden.id);
    expect((await ok('agent', 'GET', `/api/v1/problems/${hidden.id}`)).cases.map((c) => c.caseId)).toEqual([restricted]);
    for (const who of ['inspector', 'admin', 'supervisor2']) expect((await t.as(who, 'GET', `/api/v1/problems/${hidden.id}`)).statusCode).toBe(200);

    // another supervisor may not steer it; a manager may
    const foreign = await t.as('supervisor2', 'PATCH', `/api/v1/problems/${p.id}`, { title: '改名' });
    expect([foreign.statusCode, code(foreign)]).toEqual([403, 'not_problem_owner']);
    expect((await ok('manager', 'PATCH', `/api/v1/problems/${p.id}`, { title: '服务态度差' })).title).toBe('服务态度差');
    const agentSteer = await t.as('agent', 'POST', `/api/v1/problems/${p.id}/status`, { to: 'analysing' });
    expect([agentSteer.statusCode, code(agentSteer)]).toEqual([403, 'forbidden']);

    // an agent proposes a case; the owner accepts it by linking it
    const mine = await newCase({ category: 'staff', by: 'agent2' });
    const proposed = await ok('agent2', 'POST', `/api/v1/problems/${p.id}/cases`, { caseId: mine });
    expect(proposed.cases.find((c) => c.caseId === mine)).toMatchObject({ linkStatus: 'proposed', linkedBy: user('agent2') });
    expect(proposed.caseCount).toBe(1); // proposals are not counted
    const twice = await t.as('agent2', 'POST', `/api/v1/problems/${p.id}/cases`, { caseId: mine });
    expect([twice.statusCode, code(twice)]).toEqual([409, 'case_already_linked']);
    const unlinkOthers = await t.as('agent2', 'DELETE', `/api/v1/problems/${p.id}/cases/${open}`);
    expect([unlinkOthers.statusCode, code(unlinkOthers)]).toEqual([403, 'not_problem_owner']);
    const accepted = await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/cases`, { caseId: mine });
    expect(accepted.cases.find((c) => c.caseId === mine)).toMatchObject({ linkStatus: 'linked', linkedBy: user('supervisor') });
    expect((await problemEvents(mine)).map((e) => e.type)).toEqual(['problem_link_proposed', 'problem_linked']);
    // a proposal withdrawn by its agent
    const another = await newCase({ category: 'staff', by: 'agent2' });
    await ok('agent2', 'POST', `/api/v1/problems/${p.id}/cases`, { caseId: another });
    expect((await ok('agent2', 'DELETE', `/api/v1/problems/${p.id}/cases/${another}`)).cases.map((c) => c.caseId)).not.toContain(another);
    expect((await problemEvents(another)).map((e) => e.type)).toEqual(['problem_link_proposed', 'problem_unlinked']);
    // an unknown case or record
    const noCase = await t.as('supervisor', 'POST', `/api/v1/problems/${p.id}/cases`, { caseId: 'nope' });
    expect([noCase.statusCode, code(noCase)]).toEqual([404, 'case_not_found']);
    const noProblem = await t.as('supervisor', 'GET', '/api/v1/problems/nope');
    expect([noProblem.statusCode, code(noProblem)]).toEqual([404, 'problem_not_found']);
    const bad = await t.as('supervisor', 'POST', '/api/v1/problems', { title: '  ', description: 'y' });
    expect([bad.statusCode, code(bad)]).toEqual([400, 'validation_failed']);

    // customers: nothing, not even about their own case; and nothing of it on their timeline
    const own = await newCase({ category: 'staff', customerId: customerA });
    await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/cases`, { caseId: own });
    for (const [method, url, body] of [
      ['GET', '/api/v1/problems', undefined],
      ['GET', `/api/v1/problems/${p.id}`, undefined],
      ['GET', `/api/v1/cases/${own}/problems`, undefined],
      ['GET', '/api/v1/problems/candidates', undefined],
      ['POST', '/api/v1/problems', { title: 'x', description: 'y' }],
      ['POST', `/api/v1/problems/${p.id}/cases`, { caseId: own }],
    ] as const) {
      const r = await asCustomer(method, url, body);
      expect([url, r.statusCode, code(r)]).toEqual([url, 403, 'forbidden']);
    }
    const seen = await asCustomer('GET', `/api/v1/cases/${own}`);
    expect(seen.statusCode).toBe(200);
    expect((seen.json() as { timeline: TimelineEvent[] }).timeline.filter((e) => e.type.startsWith('problem_'))).toEqual([]);
    expect(seen.body).not.toContain(p.id);
    // candidates are for leads
    expect((await t.as('agent', 'GET', '/api/v1/problems/candidates')).statusCode).toBe(403);
    // cancelling needs the reason
    const noReason = await t.as('supervisor', 'POST', `/api/v1/problems/${hidden.id}/status`, { to: 'cancelled' });
    expect([noReason.statusCode, code(noReason)]).toEqual([422, 'cancel_reason_required']);
    expect(await ok('supervisor', 'POST', `/api/v1/problems/${hidden.id}/status`, { to: 'cancelled', reason: '与既有问题单重复' })).toMatchObject({ status: 'cancelled', cancelReason: '与既有问题单重复' });
  });

  it("marks an overdue action exactly once however many sweeps run on two nodes, and mails its owner and the record's owner", async () => {
    clock.set(sh('2026-12-10T10:00:00')); // Thursday
    await sweepOverdueActions(t.ctx); // those of the tests before
    const p = await analysed(await create('supervisor', { title: '维修上门超时', caseIds: [await newCase({ category: 'repair' })] }));
    const withActions = await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/actions`, { kind: 'corrective', description: '增加上门排班', ownerId: user('tech'), dueDate: '2026-12-11' });
    const [a] = withActions.actions;
    expect(a!.dueAt).toBe(sh('2026-12-11T18:00:00'));
    const node2 = await openCtx({ url: t.url, clock, config: { scryptCost: 1024, nodeId: 'node-2' }, readThread: false });
    try {
      clock.set(sh('2026-12-11T17:59:59'));
      expect(await sweepOverdueActions(t.ctx)).toEqual({ marked: 0 });
      clock.set(sh('2026-12-11T18:00:00'));
      const runs = await Promise.all([sweepOverdueActions(t.ctx, { batchSize: 1 }), sweepOverdueActions(node2.ctx, { batchSize: 1 }), sweepOverdueActions(t.ctx), sweepOverdueActions(node2.ctx)]);
      expect(runs.reduce((n, r) => n + r.marked, 0)).toBe(1);
      clock.advance(60_000);
      expect(await sweepOverdueActions(node2.ctx)).toEqual({ marked: 0 });
      const row = await t.ctx.db.selectFrom('problem_actions').select(['overdue_at']).where('id', '=', a!.id).executeTakeFirstOrThrow();
      expect(Number(row.overdue_at)).toBe(sh('2026-12-11T18:00:00'));
      const outbox = (await t.ctx.db.selectFrom('outbox').select('payload').where('topic', '=', 'notify').execute())
        .map((o) => JSON.parse(o.payload) as { template: string; userIds: string[]; vars: Record<string, unknown> })
        .filter((n) => n.template === 'capa_action_overdue' && n.vars.problemId === p.id);
      expect(outbox).toHaveLength(1);
      expect(outbox[0]!.userIds.sort()).toEqual([user('tech'), user('supervisor')].sort());
      expect(outbox[0]!.vars).toMatchObject({ problemTitle: '维修上门超时', dueDate: '2026-12-11', dueAt: sh('2026-12-11T18:00:00'), kind: 'corrective' });
      // as the notify transport renders it: its own (empty) title and body vars beside these
      const mail = renderTemplate('capa_action_overdue', 'zh-CN', { ...outbox[0]!.vars, title: '', body: '' });
      expect(mail.subject).toBe('【改进措施逾期】问题单“维修上门超时”');
      expect(mail.text).toContain('2026年12月11日 18:00');
      const shown = await ok('supervisor', 'GET', `/api/v1/problems/${p.id}`);
      expect(shown).toMatchObject({ overdueActions: 1 });
      expect(shown.actions[0]).toMatchObject({ overdue: true, overdueAt: sh('2026-12-11T18:00:00') });
      const audit = await t.ctx.db.selectFrom('audit_log').select('after').where('action', '=', 'problem.action.overdue').execute();
      expect(audit.filter((x) => String(x.after).includes(a!.id))).toHaveLength(1);
    } finally {
      await node2.dbh.close();
    }
  });

  it('lists candidate clusters by category (and customer) with their counts, leaving out cases already behind an active record', async () => {
    clock.set(sh('2027-03-01T10:00:00'));
    // in the 30 days before now: account complaints 4 (customer A 3, B 1), one account inquiry, other 2; one of 35 days ago
    const acct = [
      await newCase({ category: 'account', customerId: customerA, receivedAt: sh('2027-02-10T10:00:00') }),
      await newCase({ category: 'account', customerId: customerA, receivedAt: sh('2027-02-20T10:00:00') }),
      await newCase({ category: 'account', customerId: customerA, receivedAt: sh('2027-02-28T10:00:00') }),
      await newCase({ category: 'account', customerId: customerB, receivedAt: sh('2027-02-15T10:00:00'), type: 'dissatisfaction' }),
    ];
    await newCase({ category: 'account', type: 'inquiry', receivedAt: sh('2027-02-16T10:00:00') });
    await newCase({ category: 'account', receivedAt: sh('2027-01-25T10:00:00') });
    await newCase({ category: 'other', receivedAt: sh('2027-02-17T10:00:00') });
    await newCase({ category: 'other', receivedAt: sh('2027-02-18T10:00:00') });
    const r = await ok<Candidates>('supervisor', 'GET', '/api/v1/problems/candidates?days=30&minCases=2');
    expect(r.from).toBe(sh('2027-01-30T10:00:00'));
    expect(r.items.map((k) => [k.categoryId, k.count, k.customerId])).toEqual([
      [cat.account, 4, null],
      [cat.other, 2, null],
    ]);
    expect(r.items[0]).toMatchObject({ firstReceivedAt: sh('2027-02-10T10:00:00'), lastReceivedAt: sh('2027-02-28T10:00:00'), caseIds: [acct[2], acct[1], acct[3], acct[0]] });
    // every type: the inquiry too
    expect((await ok<Candidates>('supervisor', 'GET', '/api/v1/problems/candidates?minCases=2&types=all')).items[0]).toMatchObject({ categoryId: cat.account, count: 5 });
    // by customer: only customer A's three reach 3
    const byCustomer = await ok<Candidates>('supervisor', 'GET', '/api/v1/problems/candidates?minCases=3&byCustomer=true');
    expect(byCustomer.items.map((k) => [k.categoryId, k.customerId, k.customerName, k.count])).toEqual([[cat.account, customerA, '客户甲', 3]]);
    // two of them linked to an active record: 2 left, under the threshold of 3
    const p = await create('supervisor', { title: '账户登录异常', caseIds: [acct[0], acct[1]] });
    expect((await ok<Candidates>('supervisor', 'GET', '/api/v1/problems/candidates?minCases=3')).items).toEqual([]);
    // cancelled: they count again
    await ok('supervisor', 'POST', `/api/v1/problems/${p.id}/status`, { to: 'cancelled', reason: '误建' });
    expect((await ok<Candidates>('supervisor', 'GET', '/api/v1/problems/candidates?minCases=3')).items.map((k) => k.count)).toEqual([4]);
  });

  it('resolves a repeat complaint with a problem record that has its root cause and a corrective action instead of a text, linking the case', async () => {
    clock.set(sh('2027-03-10T10:00:00'));
    await newCase({ category: 'product', customerId: customerB, subject: '热水器漏水' });
    const repeat = await newCase({ category: 'product', customerId: customerB, subject: '热水器又漏水了' });
    expect(((await t.as('agent', 'GET', `/api/v1/cases/${repeat}`)).json() as { case: { isRepeat: boolean } }).case.isRepeat).toBe(true);
    const bare = await create('supervisor', { title: '热水器漏水' });
    const resolve = (body: Record<string, unknown>) => t.as('agent', 'POST', `/api/v1/cases/${repeat}/resolve`, { cause: '密封圈老化', solution: '上门更换密封圈', ...body });
    const none = await resolve({});
    expect([none.statusCode, code(none)]).toEqual([422, 'corrective_action_required']);
    const notReady = await resolve({ problemId: bare.id });
    expect([notReady.statusCode, code(notReady)]).toEqual([422, 'problem_not_ready']);
    const unknown = await resolve({ problemId: 'nope' });
    expect([unknown.statusCode, code(unknown)]).toEqual([404, 'problem_not_found']);
    // nothing happened to the case
    expect(((await t.as('agent', 'GET', `/api/v1/cases/${repeat}`)).json() as { case: { status: string } }).case.status).not.toBe('resolved');
    expect(await problemEvents(repeat)).toEqual([]);

    const ready = await analysed(await create('supervisor', { title: '热水器密封圈批次缺陷' }));
    await ok('supervisor', 'POST', `/api/v1/problems/${ready.id}/actions`, { kind: 'corrective', description: '召回该批次密封圈', ownerId: user('tech'), dueDate: '2027-03-31' });
    const done = await resolve({ problemId: ready.id });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'resolved' });
    expect(await ok<CaseProblemView[]>('agent', 'GET', `/api/v1/cases/${repeat}/problems`)).toMatchObject([{ id: ready.id, linkStatus: 'linked' }]);
    expect(await problemEvents(repeat)).toMatchObject([{ type: 'problem_linked', visibility: 'internal', data: { problemId: ready.id, via: 'resolve' } }]);
  });

  it("refuses to link an erased customer's case", async () => {
    clock.set(sh('2027-03-11T10:00:00'));
    const erasedCustomer = (await createCustomer(t.ctx, { name: '客户丙', email: 'capa-c@example.com' }, systemActor('test'))).id;
    const c = await newCase({ category: 'other', customerId: erasedCustomer, type: 'inquiry' });
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c}/close`, { reason: 'withdrawn' })).statusCode).toBe(200);
    await eraseCustomer(t.ctx, erasedCustomer, { reason: '客户要求删除' }, { ...systemActor('test'), kind: 'staff', role: 'director', id: user('director') });
    const p = await create('supervisor', { title: '其他' });
    const r = await t.as('supervisor', 'POST', `/api/v1/problems/${p.id}/cases`, { caseId: c });
    expect([r.statusCode, code(r)]).toEqual([409, 'customer_erased']);
  });

  it('searches titles and descriptions for the text as typed (% and _ are no wildcards), ignoring case, on both databases', async () => {
    const half = await create('supervisor', { title: 'Refund 50% off promotion' });
    await create('supervisor', { title: 'Refund 500 yuan promotion' });
    const found = async (q: string) =>
      (await ok<{ items: Array<{ id: string; title: string }> }>('supervisor', 'GET', `/api/v1/problems?q=${encodeURIComponent(q)}&limit=100`)).items.map((p) => p.title).sort();
    expect(await found('50%')).toEqual([half.title]);
    expect(await found('refund 50')).toEqual(['Refund 50% off promotion', 'Refund 500 yuan promotion']);
    expect(await found('5_0')).toEqual([]);
  });
});
