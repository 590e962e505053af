import { describe, expect, it } from 'vitest';
import { sameIssue } from './same-issue.ts';

describe('two uncategorised complaints about the same issue', () => {
  it('are the same issue when their subjects share half the terms of the shorter', () => {
    expect(sameIssue('投诉：热水器安装师傅态度差', '投诉：热水器安装师傅态度差')).toBe(true);
    expect(sameIssue('积分未到账1', '积分未到账2')).toBe(true);
    expect(sameIssue('热水器漏水', '再次投诉：热水器还是漏水')).toBe(true);
    expect(sameIssue('Complaint: heater leaking', 'heater still leaking, second complaint')).toBe(true);
  });
  it('are not when they only share a word like "complaint"', () => {
    expect(sameIssue('Complaint: invoice charged twice', 'Complaint: technician was rude')).toBe(false);
    expect(sameIssue('投诉：安装师傅态度差', '投诉：发票开错了')).toBe(false);
    expect(sameIssue('', '投诉')).toBe(false);
  });
});
