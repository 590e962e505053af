import { describe, expect, it } from 'vitest';
import { DIGEST_LIST_MAX, formatTime, langOf, renderDigest, renderTemplate, TEMPLATE_NAMES } from './templates.ts';

const T0 = Date.UTC(2026, 10, 23, 2, 0, 0); // 10:00 in Shanghai

describe('mail templates', () => {
  it('choose Chinese for zh locales and English otherwise', () => {
    expect(['zh', 'zh-CN', 'ZH-hans', ' zh_TW'].map(langOf)).toEqual(['zh', 'zh', 'zh', 'zh']);
    expect(['en', 'en-GB', 'fr', '', undefined, 3].map(langOf)).toEqual(['en', 'en', 'en', 'en', 'en', 'en']);
  });

  it('show times in the centre zone', () => {
    expect(formatTime(T0 + 3600_000, 'zh')).toBe('2026年11月23日 11:00（北京时间）');
    expect(formatTime(T0 + 3600_000, 'en')).toBe('23 Nov 2026, 11:00 (Beijing time, UTC+8)');
    expect(formatTime(T0, 'en', 'Europe/London')).toBe('23 Nov 2026, 02:00 (UTC+0)');
  });

  it('show the minute and the offset on both sides of an offset change, asked twice', () => {
    // 2026-03-29 01:00 UTC: London goes from UTC+0 to UTC+1
    const change = Date.UTC(2026, 2, 29, 1, 0, 0);
    for (let round = 0; round < 2; round++) {
      expect(formatTime(change - 1, 'en', 'Europe/London')).toBe('29 Mar 2026, 00:59 (UTC+0)');
      expect(formatTime(change, 'en', 'Europe/London')).toBe('29 Mar 2026, 02:00 (UTC+1)');
      expect(formatTime(change + 59_999, 'en', 'Europe/London')).toBe('29 Mar 2026, 02:00 (UTC+1)');
      expect(formatTime(change + 60_000, 'en', 'Europe/London')).toBe('29 Mar 2026, 02:01 (UTC+1)');
      expect(formatTime(change, 'zh')).toBe('2026年3月29日 09:00（北京时间）');
    }
  });

  it('acknowledge with the case number and the committed response time', () => {
    const vars = { number: 'SL-20261123-0001', subject: '空调不制冷', name: '李华', firstResponseDueAt: T0 + 3600_000, resolutionDueAt: T0 + 86_400_000 };
    const zh = renderTemplate('case_acknowledged', 'zh', vars);
    expect(zh.subject).toBe('[SL-20261123-0001] 您的诉求已受理：空调不制冷');
    expect(zh.text).toContain('尊敬的李华');
    expect(zh.text).toContain('已收到并受理，工单号为 SL-20261123-0001');
    expect(zh.text).toContain('我们将在 2026年11月23日 11:00（北京时间） 前给您首次答复');
    expect(zh.text).toContain('预计处理完成时限：2026年11月24日 10:00（北京时间）');
    const en = renderTemplate('case_acknowledged', 'en', { ...vars, subject: 'No cooling' });
    expect(en.subject).toBe('[SL-20261123-0001] We have received your request: No cooling');
    expect(en.text).toContain('we will respond to you by 23 Nov 2026, 11:00 (Beijing time, UTC+8)');
    const noPromise = renderTemplate('case_acknowledged', 'en', { number: 'SL-1', subject: 'x' });
    expect(noPromise.text).not.toContain('respond to you by');
  });

  it('tell the customer the result, cause and measures', () => {
    const m = renderTemplate('case_resolved', 'zh-CN', {
      number: 'SL-1',
      subject: '账单错误',
      cause: '计费系统重复扣费',
      solution: '已退还多收的 58 元',
      compensation: '赠送一个月会员',
      correctiveAction: '修复计费系统并增加对账检查',
    });
    for (const s of ['问题原因：计费系统重复扣费', '处理结果：已退还多收的 58 元', '补偿措施：赠送一个月会员', '改进措施：修复计费系统并增加对账检查'])
      expect(m.text).toContain(s);
    const en = renderTemplate('case_resolved', 'en', { number: 'SL-1', subject: 'Bill', cause: 'c', solution: 's' });
    expect(en.text).toContain('Cause: c\nSolution: s');
    expect(en.text).not.toContain('Compensation');
  });

  it('escape vars in the HTML body and keep the subject on one line', () => {
    const m = renderTemplate('case_reply', 'en', { number: 'SL-1', subject: 'a\r\nBcc: x@evil.test', name: '<b>Bob</b>', body: '<script>alert(1)</script>\nline 2 & "q"' });
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<b>Bob');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;<br>line 2 &amp; &quot;q&quot;');
    expect(m.text).toContain('<script>alert(1)</script>');
  });

  it('word the staff notifications', () => {
    const base = { number: 'SL-9', subject: '投诉', target: 'resolution', dueAt: T0 };
    expect(renderTemplate('sla_warning', 'zh', { ...base, level: 0.75 }).text).toContain(
      '工单 SL-9（投诉） 的处理完成时限将于 2026年11月23日 10:00（北京时间） 到期（已用时 75%）',
    );
    expect(renderTemplate('sla_breach', 'en', base).subject).toBe('[SLA breach] [SL-9] resolution overdue');
    expect(renderTemplate('escalation', 'zh', { ...base, level: 'manager' }).subject).toBe('【工单升级】[SL-9] 已升级至经理');
    // As the commitments module sends it: a numeric level with its role, and a reason code.
    const e = renderTemplate('escalation', 'zh', { number: 'SL-9', subject: '投诉', level: 3, role: 'manager', reason: 'urgent_complaint' });
    expect(e.text).toContain('已升级至经理，原因：紧急投诉');
    expect(renderTemplate('escalation', 'en', { number: 'SL-9', level: 4 }).subject).toBe('[Escalation] [SL-9] escalated to service director');
  });

  it('list many cases in one digest, each as its own mail words it, and count what is not listed', () => {
    const items = [1, 2, 3].map((i) => ({ number: `SL-${i}`, subject: `投诉${i}`, target: 'first_response', dueAt: T0, level: 0.75 }));
    const zh = renderDigest('sla_warning', 'zh', items, 3);
    expect(zh.subject).toBe('【超时预警】3 个工单时限即将到期');
    expect(zh.text).toContain('以下 3 个工单的服务承诺时限即将到期，请尽快处理：');
    for (const i of [1, 2, 3]) expect(zh.text).toContain(`- 工单 SL-${i}（投诉${i}） 的首次响应时限将于 2026年11月23日 10:00（北京时间） 到期（已用时 75%）`);
    expect(zh.html).toContain('<li style="margin:0 0 0.5em">工单 SL-1（投诉1）');
    expect(zh.text).not.toContain('未列出');
    const en = renderDigest('escalation', 'en', items.map((v) => ({ ...v, level: 2, role: 'supervisor' })), 3);
    expect(en.subject).toBe('[Escalation] 3 cases escalated');
    expect(en.text).toContain('- Case SL-2 (投诉2) has been escalated to the supervisor');

    const many = Array.from({ length: DIGEST_LIST_MAX + 5 }, (_, i) => ({ number: `SL-${i}`, subject: 's', target: 'resolution', dueAt: T0 }));
    const big = renderDigest('sla_breach', 'zh', many, 250);
    expect(big.subject).toBe('【已超时】250 个工单超过承诺时限');
    expect(big.text.match(/^- /gm)).toHaveLength(DIGEST_LIST_MAX);
    expect(big.text).toContain(`另有 ${250 - DIGEST_LIST_MAX} 个工单未列出，请在工单队列中查看。`);
    expect(renderDigest('sla_breach', 'en', many, 250).text).toContain(`${250 - DIGEST_LIST_MAX} more are not listed here; see the case queue.`);
    expect(() => renderDigest('case_reply', 'zh', items, 3)).toThrow(/no digest/);
  });

  it('render every template in both languages', () => {
    for (const name of TEMPLATE_NAMES)
      for (const locale of ['zh', 'en']) {
        const m = renderTemplate(name, locale, { number: 'SL-1', subject: 's', reason: 'withdrawn', target: 'first_response', dueAt: T0, level: 2 });
        if (name !== 'security_alert' && name !== 'capa_action_overdue' && name !== 'service_digest' && name !== 'customer_campaign' && name !== 'survey_wave_invitation') expect(m.subject).toContain('SL-1'); // the templates not about a case
        expect(m.text.length).toBeGreaterThan(20);
        expect(m.html).toMatch(/^<!doctype html>/);
      }
    expect(() => renderTemplate('nope', 'en', {})).toThrow(/unknown mail template/);
  });

  it('tell the director and admins who accessed what, in each language', () => {
    const vars = { alertId: 'a1', rule: 'bulk_read', at: T0 + 12 * 3600_000, actorName: '张晓', actorRole: 'agent', count: 201, threshold: 200, windowMinutes: 10 };
    const zh = renderTemplate('security_alert', 'zh-CN', vars);
    expect(zh.subject).toBe('【安全告警】异常访问：批量读取个人数据（张晓）');
    expect(zh.text).toContain('张晓（客服专员）在 10 分钟内读取了 201 次客户或工单的个人数据（阈值 200 次）。');
    expect(zh.text).toContain('告警时间：2026年11月23日 22:00（北京时间）');
    const en = renderTemplate('security_alert', 'en', { ...vars, rule: 'off_hours_audit', actorName: 'Zhou', actorRole: 'director' });
    expect(en.subject).toBe('[Security alert] Unusual access: audit log read outside working hours (Zhou)');
    expect(en.text).toContain('Zhou (service director) read the audit log outside working hours.');
  });
});
