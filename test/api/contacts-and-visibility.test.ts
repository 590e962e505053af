import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView } from '../../src/core/modules/cases/index.ts';
import type { CustomerView } from '../../src/core/modules/customers/index.ts';
import type { RemedyView } from '../../src/core/modules/commitments/index.ts';
import { newId } from '../../src/core/shared/ids.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

const err = (r: LightMyRequestResponse) => (r.json() as { error: { code: string } }).error;

describe.each(DIALECTS)('contacts and what follows a case on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect);
  });
  afterAll(async () => t?.close());

  const create = async (who: string, body: Record<string, unknown>): Promise<CaseView> => {
    const r = await t.as(who, 'POST', '/api/v1/cases', body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as CaseView;
  };
  const complaint = (phone: string) => ({
    channel: 'phone',
    contact: { name: '陈女士', phone },
    type: 'complaint',
    subject: '冰箱不制冷',
    description: '新买的冰箱三天不制冷，维修一直没人来',
  });

  it('takes one caller, however the phone number is written, as one customer and sees the repeat', async () => {
    const spellings = ['13711112222', '137 1111 2222', '+86 13711112222', ' 137-1111-2222', '0086 137 1111 2222'];
    const cases: CaseView[] = [];
    for (const phone of spellings) cases.push(await create('agent', complaint(phone)));
    expect(new Set(cases.map((c) => c.customerId)).size).toBe(1);
    expect(cases.map((c) => c.contact.phone)).toEqual(spellings.map(() => '13711112222'));
    expect(cases.map((c) => c.isRepeat)).toEqual([false, true, true, true, true]);
    const customer = (await t.as('agent', 'GET', `/api/v1/customers/${cases[0]!.customerId}`)).json() as CustomerView;
    expect(customer.phone).toBe('13711112222');
    const found = (await t.as('agent', 'GET', `/api/v1/customers?q=${encodeURIComponent('+86 137-1111-2222')}`)).json() as CustomerView[];
    expect(found.map((c) => c.id)).toEqual([customer.id]);
  });

  it('locks a new number by one key, so a burst of its spellings makes one customer', async () => {
    const spellings = ['13822223333', '138 2222 3333', '+86 138 2222 3333', '138-2222 3333', '+8613822223333', '0086-138-2222-3333'];
    const cases = await Promise.all(spellings.map((phone) => create('agent', { ...complaint(phone), type: 'inquiry', subject: '咨询保修' })));
    expect(new Set(cases.map((c) => c.customerId)).size).toBe(1);
    expect(await t.ctx.db.selectFrom('customers').select('id').where('phone', '=', '13822223333').execute()).toHaveLength(1);
  });

  it('stores a customer phone normalised and refuses one that is not a number', async () => {
    const post = (phone: string) => t.as('agent', 'POST', '/api/v1/customers', { name: 'p', phone });
    const ok = await post('+86 (139) 3333.4444');
    expect(ok.statusCode, ok.body).toBe(201);
    const c = ok.json() as CustomerView;
    expect(c.phone).toBe('13933334444');
    const intl = await post('+44 20 7946-0958');
    expect((intl.json() as CustomerView).phone).toBe('+442079460958');
    for (const bad of ['abc', '137-1111-222x', '---', '+86']) {
      const r = await post(bad);
      expect({ bad, status: r.statusCode, code: err(r).code }).toEqual({ bad, status: 422, code: 'phone_invalid' });
    }
    const patched = await t.as('agent', 'PATCH', `/api/v1/customers/${c.id}`, { phone: '0086 139-3333-5555' });
    expect((patched.json() as CustomerView).phone).toBe('13933335555');
    expect((await t.as('agent', 'PATCH', `/api/v1/customers/${c.id}`, { phone: 'call me' })).statusCode).toBe(422);
  });

  it('shows the remedies of a restricted case only to those who may open the case', async () => {
    const open = await create('supervisor', { channel: 'email', contact: { name: '甲', email: 'remedy-open@example.com' }, subject: '送货延误', description: '快递延误了三天' });
    const restricted = await create('supervisor', { ...complaint('13944445555'), type: 'inquiry', subject: '账户问题', description: '想修改账户', sensitive: true });
    expect(restricted.sensitive).toBe(true);
    const remedyOf = async (caseId: string) => {
      const id = newId();
      const proposal = JSON.stringify({ kind: 'apology', text: '致歉', textEn: 'Apology' });
      await t.ctx.db.insertInto('remedies').values({ id, case_id: caseId, target_id: null, rule_id: null, status: 'proposed', proposal, final: null, decided_by: null, decided_at: null, note: null, created_at: Date.now() }).execute();
      return id;
    };
    const openRemedy = await remedyOf(open.id);
    const restrictedRemedy = await remedyOf(restricted.id);
    const list = async (who: string, query = '') => {
      const r = await t.as(who, 'GET', `/api/v1/remedies?limit=200${query}`);
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as RemedyView[]).map((x) => x.id);
    };

    expect(err(await t.as('agent', 'GET', `/api/v1/cases/${restricted.id}`)).code).toBe('case_restricted');
    const byCase = await t.as('agent', 'GET', `/api/v1/remedies?caseId=${restricted.id}`);
    expect({ status: byCase.statusCode, code: err(byCase).code }).toEqual({ status: 403, code: 'case_restricted' });
    const all = await list('agent');
    expect(all).toContain(openRemedy);
    expect(all).not.toContain(restrictedRemedy);
    expect(await list('agent', '&status=proposed')).not.toContain(restrictedRemedy);
    expect(await list('agent', `&caseId=${open.id}`)).toEqual([openRemedy]);
    expect((await t.as('agent', 'GET', '/api/v1/remedies?caseId=no-such-case')).statusCode).toBe(404);

    // a lead sees it; so does the agent once the case is theirs
    expect(await list('supervisor', `&caseId=${restricted.id}`)).toEqual([restrictedRemedy]);
    expect(await list('supervisor')).toEqual(expect.arrayContaining([openRemedy, restrictedRemedy]));
    const assigned = await t.as('supervisor', 'POST', `/api/v1/cases/${restricted.id}/assign`, { assigneeId: t.seed.users.agent!.id });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(await list('agent', `&caseId=${restricted.id}`)).toEqual([restrictedRemedy]);
    expect(await list('agent')).toContain(restrictedRemedy);
  });

  it('refuses a handling limit on a calendar that does not exist', async () => {
    const url = `/api/v1/teams/${t.seed.teams.frontline}/handling-limit`;
    const r = await t.as('admin', 'PUT', url, { limit: { minutes: 60, calendarId: 'nope' } });
    expect({ status: r.statusCode, code: err(r).code }).toEqual({ status: 404, code: 'calendar_not_found' });
    const limits = (await t.as('admin', 'GET', '/api/v1/commitments/handling-limits')).json() as Array<{ teamId: string }>;
    expect(limits.map((l) => l.teamId)).not.toContain(t.seed.teams.frontline);
    expect((await t.as('admin', 'PUT', url, { limit: { minutes: 60, calendarId: 'standard' } })).statusCode).toBe(204);
    expect((await t.as('admin', 'PUT', url, { limit: null })).statusCode).toBe(204);
  });
});
