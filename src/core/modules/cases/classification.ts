import type { CaseType, ComplaintGrade, Level } from './case.ts';

/**
 * Rule-based first classification (SPEC 2): keywords, channel and customer tier. An agent can
 * always correct it; the correction is recorded with a reason.
 */
export interface ClassificationInput {
  subject: string;
  description: string;
  channel: string;
  customerTier: string | null;
}

export interface Suggestion {
  type: CaseType;
  impact: Level;
  urgency: Level;
  complaintGrade: ComplaintGrade | null;
  sensitive: boolean;
  rule: string;
}

const TYPE_RULES: Array<[RegExp, CaseType]> = [
  [/投诉|举报|complain|complaint/i, 'complaint'],
  [/报修|维修|故障|坏了|上门|安装|repair|broken|not working|install/i, 'service_request'],
  [/不满|失望|太差|抱怨|unhappy|disappointed|dissatisf/i, 'dissatisfaction'],
  [/建议|希望增加|suggest|feature request|would be nice/i, 'suggestion'],
  [/表扬|感谢|点赞|praise|thank you|great service/i, 'praise'],
];

// Signs that a complaint may reach the press, a regulator or a court: graded urgent at once.
const URGENT_COMPLAINT = /媒体|曝光|记者|起诉|律师|12315|消协|监管|人身|安全事故|lawsuit|lawyer|press|regulator|injur/i;
const IMPORTANT_COMPLAINT = /多次|再次|又一次|一直没|赔偿|退款|退货|again|refund|compensat/i;
const URGENT_WORDS = /紧急|马上|立即|尽快|停产|停机|urgent|asap|immediately|outage|down/i;
const SENSITIVE = /隐私|病历|身份证|银行卡|性骚扰|privacy|medical|harass/i;

export function suggestClassification(i: ClassificationInput): Suggestion {
  const text = `${i.subject}\n${i.description}`;
  const rule = TYPE_RULES.find(([re]) => re.test(text));
  const type: CaseType = rule?.[1] ?? 'inquiry';
  let urgency: Level = URGENT_WORDS.test(text) ? 1 : 2;
  let impact: Level = i.customerTier === 'vip' ? 1 : i.customerTier === 'key' ? 2 : 3;
  let complaintGrade: ComplaintGrade | null = null;
  if (type === 'complaint') {
    complaintGrade = URGENT_COMPLAINT.test(text) ? 'urgent' : IMPORTANT_COMPLAINT.test(text) ? 'important' : 'general';
    if (complaintGrade === 'urgent') urgency = 1;
    if (complaintGrade !== 'general' && impact === 3) impact = 2;
  }
  if (i.channel === 'social' && impact === 3) impact = 2; // public posts reach many readers
  return {
    type,
    impact,
    urgency,
    complaintGrade,
    sensitive: SENSITIVE.test(text),
    rule: rule ? `keyword:${rule[0].source.split('|')[0]}` : 'default',
  };
}
