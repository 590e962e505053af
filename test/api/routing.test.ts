import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, createTeam, createUser, type UserView } from '../../src/core/modules/users/index.ts';
import { createCase, type NewCaseInput } from '../../src/core/modules/cases/index.ts';
import { ingestEmail } from '../../src/core/modules/channels/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { nextInTurn, type RoutingRuleView, type RoutingSimulation } from '../../src/core/modules/routing/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS, T0 } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

interface CaseOut {
  id: string;
  number: string;
  status: string;
  teamId: string | null;
  assigneeId: string | null;
  ownerId: string | null;
}
interface Timeline {
  case: CaseOut;
  timeline: Array<{ type: string; visibility: string; actorKind: string; data: Record<string, unknown> | null }>;
}

// SPEC 3 (分派): cases route to a team and an agent by rules, round-robin or least-loaded.
describe.each(DIALECTS)('routing on %s', (dialect) => {
  let t: TestApp;
  /** routing team: r1 (billing; zh), r2 (billing, vip; zh, en), r3 (en), created in this order (ids ascending) */
  let R: string;
  let r1: UserView, r2: UserView, r3: UserView;
  /** escalation desk: an agent, a supervisor and a manager */
  let E: string;
  let e1: UserView, es: UserView, em: UserView;
  const portal = 'routing-portal@example.com';
  /** SQL statements seen, while `capturing` */
  const seen: string[] = [];
  let capturing = false;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { onQuery: (q) => void (capturing && seen.push(q)) });
    const sys = systemActor('test');
    R = (await createTeam(t.ctx, { name: '分派组', nameEn: 'Routing team', kind: 'team', parentId: t.seed.teams.centre }, sys)).id;
    E = (await createTeam(t.ctx, { name: '升级组', nameEn: 'Escalation desk', kind: 'team', parentId: t.seed.teams.centre }, sys)).id;
    const mk = (email: string, role: 'agent' | 'supervisor' | 'manager', teamId: string, skills: string[], languages: string[]) =>
      createUser(t.ctx, { email, name: email.split('@')[0]!, role, teamId, skills, languages, password: TEST_PASSWORD }, sys);
    r1 = await mk('r1@serviceloop.local', 'agent', R, ['billing'], ['zh']);
    r2 = await mk('r2@serviceloop.local', 'agent', R, ['billing', 'vip'], ['zh', 'en']);
    r3 = await mk('r3@serviceloop.local', 'agent', R, [], ['en']);
    e1 = await mk('e1@serviceloop.local', 'agent', E, [], ['zh']);
    es = await mk('es@serviceloop.local', 'supervisor', E, [], ['zh']);
    em = await mk('em@serviceloop.local', 'manager', E, [], ['zh']);
    expect([r1.id < r2.id, r2.id < r3.id]).toEqual([true, true]);
    const customer = await createCustomer(t.ctx, { name: '门户客户', email: portal, tier: 'vip' }, sys);
    await createUser(t.ctx, { email: portal, name: 'Portal', role: 'customer', customerId: customer.id, password: TEST_PASSWORD }, sys);
  });
  afterAll(async () => t?.close());

  let n = 0;
  const caseBody = (extra: Record<string, unknown> = {}) => {
    n++;
    return { channel: 'phone', type: 'inquiry', contact: { name: `客户${n}`, email: `route${n}@example.com` }, subject: `咨询第${n}号`, description: '想了解一下服务时间', ...extra };
  };
  const intake = async (extra: Record<string, unknown> = {}, who = 'agent'): Promise<CaseOut> => {
    const r = await t.as(who, 'POST', '/api/v1/cases', caseBody(extra));
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as CaseOut;
  };
  const complaint = (grade: 'general' | 'important' | 'urgent', extra: Record<string, unknown> = {}) =>
    intake({ type: 'complaint', complaintGrade: grade, subject: `投诉第${n + 1}号`, description: `投诉第${n + 1}号：服务不满意`, ...extra });
  const addRule = async (body: Record<string, unknown>): Promise<RoutingRuleView> => {
    const r = await t.as('admin', 'POST', '/api/v1/routing/rules', body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as RoutingRuleView;
  };
  const clearRules = async () => {
    for (const rule of (await t.as('admin', 'GET', '/api/v1/routing/rules')).json() as RoutingRuleView[])
      expect((await t.as('admin', 'DELETE', `/api/v1/routing/rules/${rule.id}`)).statusCode).toBe(204);
  };
  /** No open case for anyone of the two teams: loads start at zero. */
  const closeAll = () => t.ctx.db.updateTable('cases').set({ status: 'closed' }).where('team_id', 'in', [R, E]).execute();
  // each test starts without rules, whatever the one before it left
  afterEach(async () => clearRules());
  const timeline = async (id: string, who = 'supervisor') => (await t.as(who, 'GET', `/api/v1/cases/${id}`)).json() as Timeline;
  const cursorOf = async (ruleId: string) =>
    (await t.ctx.db.selectFrom('routing_cursors').select('last_user_id').where('rule_id', '=', ruleId).executeTakeFirst())?.last_user_id ?? null;
  const count = async (table: 'cases' | 'audit_log' | 'case_events') => Number((await t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('leaves intake as it was, without a query for routing, while no rule is enabled', async () => {
    const first = await intake();
    expect(first).toMatchObject({ status: 'new', teamId: null, assigneeId: null, ownerId: null });
    // the rule set is cached now: the next intake reads nothing of routing
    seen.length = 0;
    capturing = true;
    const second = await intake();
    capturing = false;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((q) => q.includes('routing_'))).toEqual([]);
    expect(second).toMatchObject({ status: 'new', teamId: null, assigneeId: null });
    expect((await timeline(second.id)).timeline.map((e) => e.type)).not.toContain('routed');
    // a disabled rule is no rule
    await addRule({ name: 'off', teamId: R, strategy: 'round_robin', enabled: false });
    expect(await intake()).toMatchObject({ teamId: null, assigneeId: null });
    await clearRules();
  });

  it('lets leads read the rules and only the admin change them; agents and customers get 403', async () => {
    const rule = await addRule({ name: '咨询轮流', teamId: R, strategy: 'round_robin' });
    for (const who of ['supervisor', 'manager', 'director', 'admin']) {
      expect((await t.as(who, 'GET', '/api/v1/routing/rules')).statusCode).toBe(200);
      expect((await t.as(who, 'POST', '/api/v1/routing/simulate', { type: 'inquiry' })).statusCode).toBe(200);
    }
    for (const who of ['agent', 'inspector', portal]) {
      const r = await t.as(who, 'GET', '/api/v1/routing/rules');
      expect({ who, status: r.statusCode, code: (r.json() as { error: { code: string } }).error.code }).toEqual({ who, status: 403, code: 'forbidden' });
      expect((await t.as(who, 'POST', '/api/v1/routing/simulate', {})).statusCode).toBe(403);
    }
    for (const who of ['agent', 'supervisor', 'director']) {
      expect((await t.as(who, 'POST', '/api/v1/routing/rules', { name: 'x', teamId: R, strategy: 'none' })).statusCode).toBe(403);
      expect((await t.as(who, 'PATCH', `/api/v1/routing/rules/${rule.id}`, { enabled: false })).statusCode).toBe(403);
      expect((await t.as(who, 'DELETE', `/api/v1/routing/rules/${rule.id}`)).statusCode).toBe(403);
    }
    expect((await t.as(null, 'GET', '/api/v1/routing/rules')).statusCode).toBe(401);
    expect((await t.as('admin', 'GET', `/api/v1/routing/rules/${rule.id}`)).json()).toMatchObject({ id: rule.id, enabled: true });
    await clearRules();
  });

  it('refuses a rule that cannot work or names what does not exist, with a code, and audits each write', async () => {
    const post = (body: Record<string, unknown>) => t.as('admin', 'POST', '/api/v1/routing/rules', body);
    const codeOf = (r: { statusCode: number; json: () => unknown }) => ({ status: r.statusCode, code: (r.json() as { error: { code: string } }).error.code });
    expect(codeOf(await post({ name: 'no team', strategy: 'round_robin' }))).toEqual({ status: 400, code: 'validation_failed' });
    expect(codeOf(await post({ name: 'bad strategy', teamId: R, strategy: 'random' }))).toEqual({ status: 400, code: 'validation_failed' });
    expect(codeOf(await post({ name: 'empty condition', teamId: R, strategy: 'none', conditions: { types: [] } }))).toEqual({ status: 400, code: 'validation_failed' });
    expect(codeOf(await post({ name: 'unknown condition', teamId: R, strategy: 'none', conditions: { region: ['north'] } }))).toEqual({ status: 400, code: 'validation_failed' });
    expect(codeOf(await post({ name: 'cap 0', teamId: R, strategy: 'least_loaded', maxOpenPerAgent: 0 }))).toEqual({ status: 400, code: 'validation_failed' });
    expect(codeOf(await post({ name: 'queue with a cap', teamId: R, strategy: 'none', maxOpenPerAgent: 5 }))).toEqual({ status: 400, code: 'agent_options_without_strategy' });
    expect(codeOf(await post({ name: 'queue with skills', teamId: R, strategy: 'none', requiredSkills: ['billing'] }))).toEqual({ status: 400, code: 'agent_options_without_strategy' });
    expect(codeOf(await post({ name: 'ghost team', teamId: 'no-such-team', strategy: 'round_robin' }))).toEqual({ status: 404, code: 'team_not_found' });
    expect(codeOf(await post({ name: 'ghost category', teamId: R, strategy: 'none', conditions: { categoryIds: ['no-such-category'] } }))).toEqual({ status: 404, code: 'category_not_found' });
    expect(((await t.as('admin', 'GET', '/api/v1/routing/rules')).json() as unknown[]).length).toBe(0);

    const rule = await addRule({ name: '队列', teamId: R, strategy: 'round_robin', maxOpenPerAgent: 5 });
    // the merged rule is checked: strategy none while a cap is still set
    expect(codeOf(await t.as('admin', 'PATCH', `/api/v1/routing/rules/${rule.id}`, { strategy: 'none' }))).toEqual({ status: 400, code: 'agent_options_without_strategy' });
    expect(codeOf(await t.as('admin', 'PATCH', `/api/v1/routing/rules/${rule.id}`, {}))).toEqual({ status: 400, code: 'validation_failed' });
    expect(codeOf(await t.as('admin', 'PATCH', `/api/v1/routing/rules/${rule.id}`, { teamId: 'no-such-team' }))).toEqual({ status: 404, code: 'team_not_found' });
    expect(codeOf(await t.as('admin', 'PATCH', '/api/v1/routing/rules/no-such-rule', { enabled: false }))).toEqual({ status: 404, code: 'routing_rule_not_found' });
    expect(codeOf(await t.as('admin', 'DELETE', '/api/v1/routing/rules/no-such-rule'))).toEqual({ status: 404, code: 'routing_rule_not_found' });
    const ok = await t.as('admin', 'PATCH', `/api/v1/routing/rules/${rule.id}`, { strategy: 'none', maxOpenPerAgent: null });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ strategy: 'none', maxOpenPerAgent: null, name: '队列' });
    expect((await t.as('admin', 'DELETE', `/api/v1/routing/rules/${rule.id}`)).statusCode).toBe(204);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'before', 'after']).where('target_id', '=', rule.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['routing_rule.create', 'routing_rule.update', 'routing_rule.delete']);
    expect(new Set(audit.map((a) => a.actor_id))).toEqual(new Set([t.seed.users.admin!.id]));
    expect(JSON.parse(audit[1]!.before!)).toMatchObject({ strategy: 'round_robin', maxOpenPerAgent: 5 });
    expect(JSON.parse(audit[1]!.after!)).toMatchObject({ strategy: 'none', maxOpenPerAgent: null });
  });

  it('routes round-robin across the team, assigns as a lead would, and says so on the timeline and in the audit', async () => {
    await closeAll();
    const rule = await addRule({ name: '电话咨询轮流', teamId: R, strategy: 'round_robin', conditions: { types: ['inquiry'], channels: ['phone'] } });
    const got: CaseOut[] = [];
    for (let i = 0; i < 6; i++) got.push(await intake());
    expect(got.map((c) => c.assigneeId)).toEqual([r1.id, r2.id, r3.id, r1.id, r2.id, r3.id]);
    for (const c of got) expect(c).toMatchObject({ teamId: R, ownerId: c.assigneeId, status: 'open' });
    expect(await cursorOf(rule.id)).toBe(r3.id);
    // as stored, not only as answered
    const stored = await t.ctx.db.selectFrom('cases').select(['team_id', 'assignee_id', 'owner_id', 'status']).where('id', '=', got[0]!.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ team_id: R, assignee_id: r1.id, owner_id: r1.id, status: 'open' });

    const d = await timeline(got[1]!.id);
    const routed = d.timeline.find((e) => e.type === 'routed');
    expect(routed).toMatchObject({ visibility: 'internal', actorKind: 'system', data: { ruleId: rule.id, ruleName: '电话咨询轮流', teamId: R, assigneeId: r2.id, strategy: 'round_robin' } });
    const audit = await t.ctx.db.selectFrom('audit_log').select('after').where('action', '=', 'case.create').where('target_id', '=', got[1]!.id).executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after!)).toMatchObject({ routingRuleId: rule.id, teamId: R, assigneeId: r2.id });
    // the assigned agent owns it (首问负责): another agent cannot take it
    expect((await t.as('agent', 'POST', `/api/v1/cases/${got[1]!.id}/take`, {})).statusCode).toBe(409);

    // a case the rule does not match is not routed
    const unrouted = await intake({ channel: 'chat' });
    expect(unrouted).toMatchObject({ teamId: null, assigneeId: null, status: 'new' });
    // the commitments: a routed case has been taken (受理) already, so no reception timer runs for it
    const targetKinds = async (id: string) => (await t.ctx.db.selectFrom('case_targets').select('kind').where('case_id', '=', id).execute()).map((r) => r.kind);
    expect(await targetKinds(unrouted.id)).toContain('reception');
    expect(await targetKinds(got[0]!.id)).not.toContain('reception');
    expect(await targetKinds(got[0]!.id)).toContain('first_response');
    await clearRules();
  });

  it('keeps the rotation even and loses nothing when many intakes arrive at once', async () => {
    await closeAll();
    const rule = await addRule({ name: '并发轮流', teamId: R, strategy: 'round_robin' });
    const before = await count('cases');
    await t.cookie('agent'); // one login, not 21 at once
    // 21 requests at once: group-committed in batches
    const res = await Promise.all(Array.from({ length: 21 }, () => t.as('agent', 'POST', '/api/v1/cases', caseBody())));
    expect(res.map((r) => r.statusCode)).toEqual(res.map(() => 201));
    const spread = new Map<string, number>();
    for (const r of res) {
      const c = r.json() as CaseOut;
      spread.set(c.assigneeId!, (spread.get(c.assigneeId!) ?? 0) + 1);
    }
    expect(Object.fromEntries(spread)).toEqual({ [r1.id]: 7, [r2.id]: 7, [r3.id]: 7 });

    // a backlog: on PostgreSQL full batches are opened ahead, each going on from the cursor of the one before it
    const agentRow = await t.ctx.db.selectFrom('users').selectAll().where('id', '=', t.seed.users.agent!.id).executeTakeFirstOrThrow();
    const actor = actorOf(agentRow, '127.0.0.1');
    const inputs: NewCaseInput[] = Array.from({ length: 150 }, () => caseBody() as NewCaseInput);
    const submit = () => Promise.all(inputs.map((input) => createCase(t.ctx, input, actor)));
    let made: Awaited<ReturnType<typeof submit>>;
    if (dialect === 'postgres') {
      // a few connections open, as on a running server; the first batch cannot commit while the
      // audit chain's lock is held here, so the next ones run their requests before it commits
      await Promise.all(Array.from({ length: 4 }, () => sql`SELECT 1`.execute(t.ctx.db)));
      seen.length = 0;
      capturing = true;
      made = await t.ctx.db.connection().execute(async (conn) => {
        await sql`SELECT pg_advisory_lock(727001)`.execute(conn);
        const all = submit();
        await new Promise((r) => setTimeout(r, 400));
        await sql`SELECT pg_advisory_unlock(727001)`.execute(conn);
        return all;
      });
      capturing = false;
      // transactions that began while another was open: batches opened ahead
      let open = 0;
      let beside = 0;
      for (const q of seen) {
        if (/^\s*begin\b/i.test(q)) beside += open++ > 0 ? 1 : 0;
        else if (/^\s*(commit|rollback)\b/i.test(q)) open--;
      }
      expect(beside).toBeGreaterThanOrEqual(1);
    } else made = await submit();
    expect(await count('cases')).toBe(before + 21 + 150);
    // in the order of their numbers (the order they were routed in), each case went to the next agent in turn
    const rows = await t.ctx.db.selectFrom('cases').select(['number', 'assignee_id']).where('id', 'in', made.map((m) => m.case.id)).orderBy('number').execute();
    const team = [r1, r2, r3];
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.assignee_id, `case ${rows[i]!.number}`).toBe(nextInTurn(team, rows[i - 1]!.assignee_id));
    expect(await cursorOf(rule.id)).toBe(rows.at(-1)!.assignee_id);
    const perAgent = team.map((a) => rows.filter((r) => r.assignee_id === a.id).length);
    expect(perAgent).toEqual([50, 50, 50]);
    await clearRules();
  });

  it('gives a least-loaded rule\'s case to the agent with the fewest open cases, counting those of the same batch', async () => {
    await closeAll();
    // open loads r1 3, r2 1, r3 2; r2 also has closed and resolved cases, which do not count
    const setup = await Promise.all(Array.from({ length: 9 }, () => intake({ channel: 'walk_in' })));
    const give = (i: number, who: string, status: string) => t.ctx.db.updateTable('cases').set({ team_id: R, assignee_id: who, owner_id: who, status }).where('id', '=', setup[i]!.id).execute();
    await give(0, r1.id, 'open');
    await give(1, r1.id, 'pending_customer');
    await give(2, r1.id, 'reopened');
    await give(3, r2.id, 'open');
    await give(4, r2.id, 'closed');
    await give(5, r2.id, 'resolved');
    await give(6, r2.id, 'closed');
    await give(7, r3.id, 'new');
    await give(8, r3.id, 'pending_internal');
    await addRule({ name: '投诉给最空闲的', teamId: R, strategy: 'least_loaded', conditions: { types: ['complaint'] } });
    const picks: Array<string | null> = [];
    seen.length = 0;
    capturing = true;
    for (let i = 0; i < 4; i++) picks.push((await complaint('general')).assigneeId);
    capturing = false;
    // the loads are one query over the candidates, served by an index (PostgreSQL: sequential scans discouraged, so a missing index shows)
    const loadQuery = seen.find((q) => /count\(\*\)/i.test(q) && q.includes('"assignee_id" in'));
    expect(loadQuery).toBeDefined();
    const plan = await t.ctx.db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const params = [r1.id, r2.id, r3.id, 'new', 'open', 'pending_customer', 'pending_internal', 'reopened'];
      const text = `${dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${loadQuery!}`;
      const rows = (await trx.executeQuery({ sql: text, parameters: params, query: { kind: 'RawNode' } as never, queryId: { queryId: 'x' } as never })).rows as Array<Record<string, string>>;
      return rows.map((r) => r.detail ?? r['QUERY PLAN'] ?? '').join('\n');
    });
    expect(plan).toContain('cases_assignee_status_received');
    // r2 (1), then r2 and r3 tie at 2 (r2 first by id), r3, then all at 3: r1
    expect(picks).toEqual([r2.id, r2.id, r3.id, r1.id]);

    await t.cookie('agent');
    // six at once (loads 4, 3, 3): r2, r3, then each in turn as they even out; a batch counts the cases it routed itself
    const res = await Promise.all(Array.from({ length: 6 }, () => t.as('agent', 'POST', '/api/v1/cases', caseBody({ type: 'complaint', complaintGrade: 'general' }))));
    const spread = new Map<string, number>();
    for (const r of res) spread.set((r.json() as CaseOut).assigneeId!, (spread.get((r.json() as CaseOut).assigneeId!) ?? 0) + 1);
    expect(Object.fromEntries(spread)).toEqual({ [r1.id]: 2, [r2.id]: 2, [r3.id]: 2 });
    await clearRules();
  });

  it('passes over agents without the skills, the language, the room under the cap or the authority, and falls back to the team queue', async () => {
    await closeAll();
    const skills = await addRule({ name: 'VIP 账单', teamId: R, strategy: 'round_robin', requiredSkills: ['billing', 'vip'], conditions: { types: ['suggestion'] } });
    for (let i = 0; i < 3; i++) expect((await intake({ type: 'suggestion' })).assigneeId).toBe(r2.id);
    await t.as('admin', 'DELETE', `/api/v1/routing/rules/${skills.id}`);

    await addRule({ name: '按语言', teamId: R, strategy: 'round_robin', matchLanguage: true, conditions: { types: ['suggestion'] } });
    const en = [];
    for (let i = 0; i < 4; i++) en.push((await intake({ type: 'suggestion', language: 'en' })).assigneeId);
    expect(en).toEqual([r2.id, r3.id, r2.id, r3.id]);
    const zh = [];
    for (let i = 0; i < 2; i++) zh.push((await intake({ type: 'suggestion', language: 'zh' })).assigneeId);
    expect(zh).toEqual([r1.id, r2.id]);
    // nobody speaks French: the team's queue
    const fr = await intake({ type: 'suggestion', language: 'fr' });
    expect(fr).toMatchObject({ teamId: R, assigneeId: null, ownerId: null, status: 'new' });
    expect((await timeline(fr.id)).timeline.find((e) => e.type === 'routed')?.data).toMatchObject({ teamId: R, assigneeId: null, strategy: 'round_robin' });
    await clearRules();

    await closeAll();
    await addRule({ name: '每人最多一件', teamId: R, strategy: 'round_robin', maxOpenPerAgent: 1, conditions: { types: ['suggestion'] } });
    const capped = [];
    for (let i = 0; i < 4; i++) capped.push((await intake({ type: 'suggestion' })).assigneeId);
    expect(capped).toEqual([r1.id, r2.id, r3.id, null]);
    await clearRules();

    // complaint grades: urgent at manager level, important at supervisor level or above (SPEC 2)
    await addRule({ name: '投诉升级组', teamId: E, strategy: 'least_loaded', conditions: { types: ['complaint'] } });
    expect((await complaint('urgent')).assigneeId).toBe(em.id);
    expect((await complaint('urgent')).assigneeId).toBe(em.id);
    expect((await complaint('important')).assigneeId).toBe(es.id);
    expect((await complaint('general')).assigneeId).toBe(e1.id);
    await clearRules();
    // a team of agents only: an urgent complaint waits in its queue
    await addRule({ name: '投诉分派组', teamId: R, strategy: 'round_robin', conditions: { types: ['complaint'] } });
    expect(await complaint('urgent')).toMatchObject({ teamId: R, assigneeId: null, status: 'new' });
    await clearRules();
  });

  it('tries rules by position and enabled state, and respects a team staff chose', async () => {
    await closeAll();
    const toR = await addRule({ name: 'A 分派组', teamId: R, strategy: 'round_robin', position: 10 });
    const toE = await addRule({ name: 'B 升级组', teamId: E, strategy: 'none', position: 20 });
    expect(await intake()).toMatchObject({ teamId: R, assigneeId: r1.id });
    // reorder: B first
    expect((await t.as('admin', 'PATCH', `/api/v1/routing/rules/${toE.id}`, { position: 5 })).statusCode).toBe(200);
    expect(await intake()).toMatchObject({ teamId: E, assigneeId: null, status: 'new' });
    expect(((await t.as('supervisor', 'GET', '/api/v1/routing/rules')).json() as RoutingRuleView[]).map((r) => r.id)).toEqual([toE.id, toR.id]);
    // disable B: A again, the rotation going on where it was
    expect((await t.as('admin', 'PATCH', `/api/v1/routing/rules/${toE.id}`, { enabled: false })).json()).toMatchObject({ enabled: false });
    expect(await intake()).toMatchObject({ teamId: R, assigneeId: r2.id });

    // staff name a team: it stays; the rule for another team does not apply
    const front = await intake({ teamId: t.seed.teams.frontline });
    expect(front).toMatchObject({ teamId: t.seed.teams.frontline, assigneeId: null, status: 'new' });
    expect((await timeline(front.id)).timeline.map((e) => e.type)).not.toContain('routed');
    // naming the rule's own team: the rule picks the agent, even where another team's rule comes
    // first (B, enabled again at position 5, matches every case too)
    expect((await t.as('admin', 'PATCH', `/api/v1/routing/rules/${toE.id}`, { enabled: true })).json()).toMatchObject({ enabled: true });
    expect(await intake({ teamId: R })).toMatchObject({ teamId: R, assigneeId: r3.id });
    await clearRules();
  });

  it('routes the cases of portal customers and of the email channel too; a customer does not see the routing', async () => {
    await closeAll();
    await addRule({ name: '门户 VIP', teamId: R, strategy: 'none', conditions: { channels: ['web'], customerTiers: ['vip'] } });
    const mail = await addRule({ name: '邮件轮流', teamId: R, strategy: 'round_robin', conditions: { channels: ['email'] } });
    const own = await t.as(portal, 'POST', '/api/v1/cases', { channel: 'web', contact: { name: 'Portal' }, subject: '门户咨询', description: '发票什么时候寄出' });
    expect(own.statusCode, own.body).toBe(201);
    const mine = own.json() as CaseOut;
    expect(mine).toMatchObject({ status: 'new' });
    const staffView = await timeline(mine.id);
    expect(staffView.case).toMatchObject({ teamId: R, assigneeId: null });
    expect(staffView.timeline.map((e) => e.type)).toContain('routed');
    const theirs = await t.as(portal, 'GET', `/api/v1/cases/${mine.id}`);
    expect((theirs.json() as Timeline).timeline.map((e) => e.type)).not.toContain('routed');

    const raw = [
      'From: 邮件客户 <mail-customer@example.com>',
      'To: help@support.example.com',
      'Subject: 咨询保修期',
      `Date: ${new Date(T0 - 60_000).toUTCString()}`,
      'Message-ID: <routing-1@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      '请问保修期多长？',
    ].join('\r\n');
    const got = await ingestEmail(t.ctx, Buffer.from(raw));
    expect(got.outcome).toBe('created');
    const viaMail = await timeline(got.case!.id);
    expect(viaMail.case).toMatchObject({ teamId: R, assigneeId: r1.id, ownerId: r1.id, status: 'open' });
    expect(viaMail.timeline.find((e) => e.type === 'routed')?.data).toMatchObject({ ruleId: mail.id, assigneeId: r1.id });
    await clearRules();
  });

  it('simulates a would-be case without changing anything', async () => {
    await closeAll();
    const rule = await addRule({ name: '模拟', teamId: R, strategy: 'round_robin', matchLanguage: true, conditions: { types: ['inquiry'] } });
    expect((await intake({ language: 'zh' })).assigneeId).toBe(r1.id);
    const counts = { cases: await count('cases'), audit: await count('audit_log'), events: await count('case_events') };
    const sim = async (body: Record<string, unknown>, who = 'supervisor') => {
      const r = await t.as(who, 'POST', '/api/v1/routing/simulate', body);
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as RoutingSimulation;
    };
    const first = await sim({ type: 'inquiry', language: 'zh', channel: 'phone' });
    expect(first).toMatchObject({ rule: { id: rule.id, name: '模拟', strategy: 'round_robin' }, teamId: R, assigneeId: r2.id });
    expect(first.candidates).toEqual([
      { id: r1.id, name: 'r1', role: 'agent', openCases: 1, excluded: null },
      { id: r2.id, name: 'r2', role: 'agent', openCases: 0, excluded: null },
      { id: r3.id, name: 'r3', role: 'agent', openCases: 0, excluded: 'language' },
    ]);
    // again: the same answer, since nothing moved
    expect((await sim({ type: 'inquiry', language: 'zh' })).assigneeId).toBe(r2.id);
    expect(await cursorOf(rule.id)).toBe(r1.id);
    expect({ cases: await count('cases'), audit: await count('audit_log'), events: await count('case_events') }).toEqual(counts);
    expect(await sim({ type: 'praise' })).toEqual({ rule: null, teamId: null, assigneeId: null, candidates: [] });
    // and the real intake then gives it where the simulation said
    expect((await intake({ language: 'zh' })).assigneeId).toBe(r2.id);
    const bad = await t.as('supervisor', 'POST', '/api/v1/routing/simulate', { type: 'bogus' });
    expect({ status: bad.statusCode, code: (bad.json() as { error: { code: string } }).error.code }).toEqual({ status: 400, code: 'validation_failed' });
    await clearRules();
  });
});
