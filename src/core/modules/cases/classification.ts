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

/**
 * A keyword rule from its terms. Chinese terms match anywhere (Chinese has no spaces between
 * words); English terms only as whole words ("press" not in "express", "down" not in "download"),
 * or as a word's beginning when marked with a trailing * ("injur*": injury, injured).
 */
export function keywords(...terms: string[]): RegExp {
  const parts = terms.map((t) => {
    if (!/^[a-z]/i.test(t)) return escape(t);
    const stem = t.endsWith('*');
    const word = escape(stem ? t.slice(0, -1) : t).replace(/ /g, '\\s+');
    return `\\b${word}${stem ? '' : '\\b'}`;
  });
  return new RegExp(parts.join('|'), 'i');
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const TYPE_RULES: Array<[RegExp, CaseType]> = [
  [keywords('投诉', '举报', 'complain*'), 'complaint'],
  [keywords('报修', '维修', '故障', '坏了', '上门', '安装', 'repair*', 'broken', 'not working', 'install*'), 'service_request'],
  [keywords('不满', '失望', '太差', '抱怨', 'unhappy', 'disappointed', 'dissatisf*'), 'dissatisfaction'],
  [keywords('建议', '希望增加', 'suggest*', 'feature request', 'would be nice'), 'suggestion'],
  [keywords('表扬', '感谢', '点赞', 'praise*', 'thank you', 'great service'), 'praise'],
];

// Signs that a complaint may reach the press, a regulator or a court: graded urgent at once.
const URGENT_COMPLAINT = keywords(
  '媒体', '曝光', '记者', '起诉', '律师', '12315', '消协', '监管', '人身', '安全事故',
  'lawsuit*', 'lawyer*', 'press', 'reporter*', 'journalist*', 'regulator*', 'injur*',
);
const IMPORTANT_COMPLAINT = keywords('多次', '再次', '又一次', '一直没', '赔偿', '退款', '退货', 'again', 'refund*', 'compensat*');
const URGENT_WORDS = keywords('紧急', '马上', '立即', '尽快', '停产', '停机', 'urgent*', 'asap', 'immediately', 'outage*', 'down');
const SENSITIVE = keywords('隐私', '病历', '身份证', '银行卡', '性骚扰', 'privacy', 'medical', 'harass*');

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
