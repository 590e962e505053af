import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, CaseView } from '../../src/core/modules/cases/index.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

describe.each(DIALECTS)('case rules on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [] });
  });
  afterAll(async () => t?.close());

  const create = async (who: string, over: Record<string, unknown>): Promise<CaseView> => {
    const r = await t.as(who, 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '周先生', phone: '13911112222' }, subject: '投诉', description: '产品问题', ...over });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as CaseView;
  };

  it('does not let an agent downgrade an urgent complaint to take it', async () => {
    const c = await create('manager', { type: 'complaint', complaintGrade: 'urgent' });
    const down = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/classify`, { complaintGrade: 'general', reason: '降级处理' });
    expect(down.statusCode).toBe(403);
    expect((down.json() as { error: { code: string } }).error.code).toBe('insufficient_authority');
    const toInquiry = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/classify`, { type: 'inquiry', reason: '改为咨询' });
    expect(toInquiry.statusCode).toBe(403);
    // a manager may
    expect((await t.as('manager', 'POST', `/api/v1/cases/${c.id}/classify`, { complaintGrade: 'general', reason: '经核实为一般投诉' })).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/take`, {})).statusCode).toBe(200);
  });

  it('takes two uncategorised complaints of one customer for a repeat only when they are about the same thing', async () => {
    const contact = { name: '孙女士', phone: '13722223333' };
    const first = await create('agent', { type: 'complaint', contact, subject: '投诉：发票重复扣款', description: '上月发票被扣了两次款' });
    const other = await create('agent', { type: 'complaint', contact, subject: '投诉：上门师傅态度差', description: '师傅上门时态度很差' });
    expect(other.isRepeat).toBe(false);
    const again = await create('agent', { type: 'complaint', contact, subject: '再次投诉：发票重复扣款', description: '扣款问题还没解决' });
    expect(again.isRepeat).toBe(true);
    expect(again.repeatOfId).toBe(first.id);
  });

  it('leaves the course of a case to its owner or a lead (首问负责); other agents may reply', async () => {
    const c = await create('agent', { type: 'inquiry', contact: { name: '赵先生', phone: '13744445555' }, subject: '会员积分', description: '积分怎么兑换' });
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/take`, {})).statusCode).toBe(200);
    expect((await t.as('agent2', 'POST', `/api/v1/cases/${c.id}/replies`, { body: '补充：积分可在会员中心兑换' })).statusCode).toBe(200);
    for (const [action, body] of [
      ['resolve', { cause: '咨询', solution: '已告知兑换方式' }],
      ['status', { status: 'pending_internal' }],
      ['close', { reason: 'withdrawn' }],
      ['replies', { body: '我来结束', setStatus: 'pending_customer' }],
    ] as const) {
      const r = await t.as('agent2', 'POST', `/api/v1/cases/${c.id}/${action}`, body);
      expect(r.statusCode, `${action}: ${r.body}`).toBe(409);
      expect((r.json() as { error: { code: string } }).error.code).toBe('case_owned');
    }
    expect((await t.as('supervisor', 'POST', `/api/v1/cases/${c.id}/status`, { status: 'pending_internal' })).statusCode).toBe(200);
    expect((await t.as('agent', 'POST', `/api/v1/cases/${c.id}/resolve`, { cause: '咨询', solution: '已告知兑换方式' })).statusCode).toBe(200);
    expect((await t.as('agent2', 'POST', `/api/v1/cases/${c.id}/reopen`, { reason: '客户还有疑问' })).statusCode).toBe(409);
  });

  it('lets the agent who logged a sensitive case open it, and no other agent', async () => {
    const c = await create('agent', { subject: '涉及隐私的投诉', description: '客户身份证信息被泄露', sensitive: true });
    expect(c.sensitive).toBe(true);
    expect((await t.as('agent', 'GET', `/api/v1/cases/${c.id}`)).statusCode).toBe(200);
    expect((await t.as('agent2', 'GET', `/api/v1/cases/${c.id}`)).statusCode).toBe(403);
    const list = (await t.as('agent2', 'GET', '/api/v1/cases?limit=200')).json() as { items: CaseView[] };
    expect(list.items.map((x) => x.id)).not.toContain(c.id);
    const mine = (await t.as('agent', 'GET', '/api/v1/cases?limit=200')).json() as { items: CaseView[] };
    expect(mine.items.map((x) => x.id)).toContain(c.id);
    // the agent who logged it cannot open it to everyone; a supervisor can
    const lift = { sensitive: false, reason: '经核实不涉及隐私' };
    const byAgent = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/classify`, lift);
    expect(byAgent.statusCode, byAgent.body).toBe(403);
    expect((byAgent.json() as { error: { code: string } }).error.code).toBe('insufficient_authority');
    expect((await t.as('agent2', 'GET', `/api/v1/cases/${c.id}`)).statusCode).toBe(403);
    expect((await t.as('supervisor', 'POST', `/api/v1/cases/${c.id}/classify`, lift)).statusCode).toBe(200);
    expect((await t.as('agent2', 'GET', `/api/v1/cases/${c.id}`)).statusCode).toBe(200);
  });

  it('counts the result notice as the first response when a case is resolved without a reply', async () => {
    const c = await create('agent', { type: 'inquiry', subject: '营业时间', description: '周末营业吗' });
    const r = await t.as('agent', 'POST', `/api/v1/cases/${c.id}/resolve`, { cause: '咨询', solution: '周末正常营业' });
    expect(r.statusCode, r.body).toBe(200);
    const d = (await t.as('agent', 'GET', `/api/v1/cases/${c.id}`)).json() as CaseDetail;
    expect(d.case.firstResponseAt).toBe(d.case.resolvedAt);
    expect(d.case.firstResponseAt).not.toBeNull();
  });
});
