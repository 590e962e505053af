import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { recordAudit } from '../../src/core/modules/audit/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `serviceloop audit verify --db <url>` as an operator would run it. */
function cliVerify(url: string, ...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify', '--db', url, ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
  });
}

interface Verification {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string } | null;
  brokenAt?: { seq: number; id: string | null; reason: string };
}

describe.each(DIALECTS)('tamper-evident audit log on %s', (dialect) => {
  let t: TestApp;
  let caseId: string;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [] }); // the case record alone, without other modules' hooks
  });
  afterAll(async () => t?.close());

  const verify = async () => {
    const res = await t.as('director', 'GET', '/api/v1/audit/verify');
    expect(res.statusCode).toBe(200);
    return res.json() as Verification;
  };
  const rows = () => t.ctx.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();

  it('records logins, failed logins, case creation and reads of personal data', async () => {
    const agent = t.seed.users.agent!;
    const failed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: agent.email, password: 'wrong-password' } });
    expect(failed.statusCode).toBe(401);
    const created = await t.as('agent', 'POST', '/api/v1/cases', {
      channel: 'phone',
      contact: { name: '刘女士', phone: '13912345678' },
      subject: '电话来访：账单疑问',
      description: '客户来电询问上月账单中的一笔费用',
    });
    expect(created.statusCode).toBe(201);
    caseId = (created.json() as { id: string }).id;
    expect((await t.as('agent', 'GET', `/api/v1/cases/${caseId}`)).statusCode).toBe(200);

    const all = await rows();
    const one = (action: string, targetId?: string) => all.filter((r) => r.action === action && (targetId === undefined || r.target_id === targetId));
    const logins = one('auth.login', agent.id);
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ actor_id: agent.id, actor_kind: 'staff', ip: '127.0.0.1' });
    const fails = one('auth.login_failed', agent.id);
    expect(fails).toHaveLength(1);
    // a failed login is not an act of the account's owner: whoever tried is anonymous
    expect(fails[0]!.actor_id).not.toBe(agent.id);
    expect(fails[0]!.ip).toBe('127.0.0.1');
    expect(one('case.create', caseId)).toHaveLength(1);
    expect(one('case.create', caseId)[0]!.actor_id).toBe(agent.id);
    // the customer made for the new contact is named in the intake's one entry; a second case of the same contact makes none
    const customerId = (created.json() as { customerId: string }).customerId;
    expect(JSON.parse(one('case.create', caseId)[0]!.after!)).toMatchObject({ channel: 'phone', customerId, customerCreated: true });
    const again = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '刘女士', phone: '139 1234 5678' }, subject: '再次来电', description: '账单疑问的后续' });
    const againId = (again.json() as { id: string }).id;
    const againEntry = (await rows()).find((r) => r.action === 'case.create' && r.target_id === againId)!;
    expect(JSON.parse(againEntry.after!)).toEqual({ number: expect.any(String), channel: 'phone', type: 'inquiry', priority: expect.any(String), customerId });
    const reads = one('case.read', caseId);
    expect(reads).toHaveLength(1);
    expect(reads[0]!.actor_id).toBe(agent.id);

    // the director can read the trail of the case through the API; an agent cannot
    const trail = await t.as('director', 'GET', `/api/v1/audit?targetType=case&targetId=${caseId}`);
    expect(trail.statusCode).toBe(200);
    expect((trail.json() as Array<{ action: string }>).map((r) => r.action).sort()).toEqual(['case.create', 'case.read']);
    expect((await t.as('agent', 'GET', '/api/v1/audit')).statusCode).toBe(403);
    // reading the trail is on the trail: its entries hold personal data
    const director = t.seed.users.director!;
    const read = (await rows()).filter((r) => r.action === 'audit.list');
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({ actor_id: director.id, target_type: 'audit' });
    expect(JSON.parse(read[0]!.after!)).toEqual({ count: 2, targetType: 'case', targetId: caseId, actorId: null, beforeSeq: null });
  });

  it('records reads of staff and customer records, and whom a list showed', async () => {
    const supervisor = t.seed.users.supervisor!;
    const agent = t.seed.users.agent!;
    expect((await t.as('supervisor', 'GET', `/api/v1/users/${agent.id}`)).statusCode).toBe(200);
    const listed = await t.as('supervisor', 'GET', '/api/v1/users?role=agent');
    expect(listed.statusCode).toBe(200);
    const agentIds = (listed.json() as Array<{ id: string }>).map((u) => u.id);
    expect(agentIds).toContain(agent.id);
    expect((await t.as('agent', 'POST', '/api/v1/customers', { name: '陈先生', phone: '13600136000' })).statusCode).toBe(201);
    const customers = await t.as('agent', 'GET', '/api/v1/customers?limit=5');
    expect(customers.statusCode).toBe(200);
    const customerIds = (customers.json() as Array<{ id: string }>).map((c) => c.id);
    expect(customerIds.length).toBeGreaterThan(0);

    const all = await rows();
    const read = all.filter((r) => r.action === 'user.read' && r.target_id === agent.id);
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({ actor_id: supervisor.id, target_type: 'user' });
    const list = all.filter((r) => r.action === 'user.list');
    expect(list).toHaveLength(1);
    expect(JSON.parse(list[0]!.after!)).toEqual({ count: agentIds.length, role: 'agent', teamId: null, ids: agentIds });
    const clist = all.filter((r) => r.action === 'customer.list');
    expect(clist).toHaveLength(1);
    expect(JSON.parse(clist[0]!.after!)).toEqual({ count: customerIds.length, q: null, ids: customerIds });
  });

  it('records a login refused while the account is locked', async () => {
    const tech = t.seed.users.tech!;
    const login = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: tech.email, password } });
    for (let i = 0; i < 5; i++) expect((await login(`wrong-${i}`)).statusCode).toBe(401);
    expect((await login('wrong-again')).statusCode).toBe(429);
    const all = await rows();
    expect(all.filter((r) => r.action === 'auth.login_failed' && r.target_id === tech.id)).toHaveLength(5);
    const locked = all.filter((r) => r.action === 'auth.login_locked' && r.target_id === tech.id);
    expect(locked).toHaveLength(1);
    expect(locked[0]!.actor_id).not.toBe(tech.id);
    // not counted as a failure: the lock still runs from the five that set it
    const attempts = await t.ctx.db.selectFrom('login_attempts').select('id').where('email', '=', tech.email).execute();
    expect(attempts).toHaveLength(5);
  });

  it('links entries of any text, several in one transaction, exactly as the verifier hashes them', async () => {
    const head = (await rows()).at(-1)!;
    const odd = ['引号"与\\反斜杠', '换行\n制表\t', '表情😀 and 𠀋', '\u2028\u2029', '<b>&amp;</b>', "'; drop table audit_log; --"];
    await t.ctx.db.transaction().execute(async (trx) => {
      for (const [i, text] of odd.entries())
        await recordAudit(t.ctx, trx, { actor: { ...systemActor('test'), ip: i % 2 ? '::1' : null }, action: 'test.text', targetType: 'text', targetId: text, before: i % 3 ? undefined : { text }, after: { text, i, n: 2 ** 53 - 1 } });
    });
    const added = (await rows()).slice(-odd.length);
    expect(added.map((r) => r.target_id)).toEqual(odd);
    expect(added[0]!.prev_hash).toBe(head.hash);
    for (let i = 1; i < added.length; i++) expect(added[i]!.prev_hash).toBe(added[i - 1]!.hash);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('verifies the chain, and pinpoints an edited row (hash_mismatch) and a deleted one (chain_broken)', async () => {
    await t.as('agent2', 'POST', `/api/v1/cases/${caseId}/notes`, { body: '补充：客户希望下午回电' });
    const good = await verify();
    expect(good.ok).toBe(true);
    const n = (await rows()).length;
    expect(good.checked).toBe(n);
    expect(n).toBeGreaterThan(20);
    const cliOk = await cliVerify(t.url);
    expect(cliOk.out).toContain('audit chain intact');
    expect(cliOk.code).toBe(0);

    // edit: someone rewrites what a case.create recorded
    const target = (await rows()).find((r) => r.action === 'case.create' && r.target_id === caseId)!;
    await sql`UPDATE audit_log SET after = ${JSON.stringify({ number: 'SL-FORGED', channel: 'web' })} WHERE seq = ${target.seq}`.execute(t.ctx.db);
    const edited = await verify();
    expect(edited.ok).toBe(false);
    expect(edited.brokenAt).toEqual({ seq: target.seq, id: target.id, reason: 'hash_mismatch' });
    expect(edited.checked).toBe((await rows()).findIndex((r) => r.seq === target.seq));
    const cliBad = await cliVerify(t.url);
    expect(cliBad.code).toBe(1);
    expect(cliBad.out).toContain(`seq ${target.seq} (hash_mismatch)`);

    // put it back: the chain is whole again (the check is on content, not on a flag)
    await sql`UPDATE audit_log SET after = ${target.after} WHERE seq = ${target.seq}`.execute(t.ctx.db);
    expect((await verify()).ok).toBe(true);

    // delete a row from the middle: the next row no longer links to its predecessor
    const all = await rows();
    const victim = all[Math.floor(all.length / 2)]!;
    const next = all[all.indexOf(victim) + 1]!;
    await sql`DELETE FROM audit_log WHERE seq = ${victim.seq}`.execute(t.ctx.db);
    const deleted = await verify();
    expect(deleted.ok).toBe(false);
    expect(deleted.brokenAt).toEqual({ seq: next.seq, id: next.id, reason: 'chain_broken' });
  });

  it('catches a deleted tail or a rewritten chain against a head kept elsewhere', { timeout: 60_000 }, async () => {
    // the chain as the last test left it (a row deleted from the middle): start from a whole one
    await sql`DELETE FROM audit_log`.execute(t.ctx.db);
    for (let i = 0; i < 6; i++) await t.as('agent2', 'POST', `/api/v1/cases/${caseId}/notes`, { body: `第${i}条备注` });
    const whole = await verify();
    expect(whole.ok).toBe(true);
    const all = await rows();
    expect(whole.head).toEqual({ seq: all.at(-1)!.seq, hash: all.at(-1)!.hash });
    const cli = await cliVerify(t.url);
    expect(cli.out).toContain(`head: ${whole.head!.seq}:${whole.head!.hash}`);
    const kept = `${whole.head!.seq}:${whole.head!.hash}`;
    expect((await cliVerify(t.url, '--expect', kept)).code).toBe(0);

    // the newest entries deleted: the shorter chain still verifies on its own, not against the head kept
    await sql`DELETE FROM audit_log WHERE seq > ${all.at(-4)!.seq}`.execute(t.ctx.db);
    expect((await verify()).ok).toBe(true);
    const cut = await cliVerify(t.url, '--expect', kept);
    expect(cut.code).toBe(1);
    expect(cut.out).toContain('the chain was cut');

    // every entry hashed again from an edited one on (no secret stops that): the kept head differs
    const { verifyAuditChain } = await import('../../src/core/modules/audit/index.ts');
    const shortHead = (await verifyAuditChain(t.ctx)).head!;
    expect(await verifyAuditChain(t.ctx, { expect: { seq: shortHead.seq, hash: '0'.repeat(64) } })).toMatchObject({ ok: false, brokenAt: { seq: shortHead.seq, reason: 'expected_entry_differs' } });
    expect((await cliVerify(t.url, '--expect', 'nonsense')).out).toContain('--expect must be <seq>:<hash>');
  });
});
