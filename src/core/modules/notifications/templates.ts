import { DateTime } from 'luxon';
import { pad2, wallClock } from '../../shared/wall-clock.ts';

/**
 * The messages the outbox sends, in Chinese (zh-CN) and English. A template turns its vars into
 * blocks; the plain-text and HTML bodies are both built from the same blocks, and every var is
 * HTML-escaped on the way into the HTML body.
 */

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderOptions {
  /** Zone the times are shown in (the service centre's; default Asia/Shanghai). */
  timeZone?: string | undefined;
  /** Who signs the message; default 客户服务中心 / Customer Service Centre. */
  orgName?: string | undefined;
}

type Lang = 'zh' | 'en';
type Vars = Record<string, unknown>;

/** A paragraph, a list of labelled fields, a quoted multi-line text (a reply, a solution), or a bulleted list. */
type Block = { p: string } | { fields: Array<[string, string]> } | { quote: string } | { list: string[] };

interface Draft {
  subject: string;
  blocks: Block[];
}

/** 'zh', 'zh-CN', 'zh-Hans'... are Chinese; everything else (and no locale) is English. */
export const langOf = (locale: unknown): Lang => (typeof locale === 'string' && locale.trim().toLowerCase().startsWith('zh') ? 'zh' : 'en');

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v.trim() : String(v));

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A time var (epoch ms, or an ISO string) in the centre's zone, with the zone named. */
export function formatTime(v: unknown, lang: Lang, timeZone = 'Asia/Shanghai'): string {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? DateTime.fromISO(v, { zone: timeZone }).toMillis() : NaN;
  if (!Number.isFinite(ms)) return str(v);
  const w = wallClock(ms, timeZone);
  const hm = `${pad2(w.hour)}:${pad2(w.minute)}`;
  const offset = `UTC${w.offset}`;
  if (lang === 'zh') {
    const zone = timeZone === 'Asia/Shanghai' ? '北京时间' : offset;
    return `${w.year}年${w.month}月${w.day}日 ${hm}（${zone}）`;
  }
  const zone = timeZone === 'Asia/Shanghai' ? `Beijing time, ${offset}` : offset;
  return `${w.day} ${EN_MONTHS[w.month - 1]} ${w.year}, ${hm} (${zone})`;
}

const TARGETS: Record<string, [string, string]> = {
  reception: ['受理', 'reception (an agent takes the case)'],
  first_response: ['首次响应', 'first response'],
  next_response: ['进度反馈', 'progress update'],
  progress: ['进度反馈', 'progress update'],
  resolution: ['处理完成', 'resolution'],
  initial_review: ['初步审核', 'initial review'],
  result_notice: ['书面处理结果通知', 'written result notice'],
  satisfaction_followup: ['满意度回访', 'satisfaction follow-up'],
  followup: ['回访', 'follow-up'],
  handling: ['处理环节', 'handling step'],
};

const LEVELS: Record<string, [string, string]> = {
  agent: ['客服专员', 'agent'],
  supervisor: ['主管', 'supervisor'],
  manager: ['经理', 'manager'],
  director: ['客服总监', 'service director'],
};

const LEVEL_ROLES = ['', 'agent', 'supervisor', 'manager', 'director'];

/** security_alert's rule (audit/access-alerts.ts). */
const ALERT_RULES: Record<string, [string, string]> = {
  bulk_read: ['批量读取个人数据', 'bulk reads of personal data'],
  bulk_list: ['批量列出个人数据', 'bulk listing of personal data'],
  off_hours_export: ['非工作时间导出数据', 'data export outside working hours'],
  off_hours_audit: ['非工作时间查看审计日志', 'audit log read outside working hours'],
};

const ROLE_NAMES: Record<string, [string, string]> = {
  ...LEVELS,
  inspector: ['质检员', 'inspector'],
  admin: ['系统管理员', 'administrator'],
};

/** escalation's level: a role name (vars.role or vars.level) or the number 1-4 of the path agent -> director. */
const levelLabel = (v: Vars, lang: Lang): string => {
  const byNumber = typeof v.level === 'number' || /^\d+$/.test(str(v.level)) ? LEVEL_ROLES[Number(v.level)] : undefined;
  const role = str(v.role) || byNumber || str(v.level);
  return label(LEVELS, role, lang);
};

const REASONS: Record<string, [string, string]> = {
  urgent_complaint: ['紧急投诉', 'urgent complaint'],
  repeat_complaint: ['重复投诉', 'repeat complaint'],
  breach: ['超过服务承诺时限', 'a commitment was breached'],
  sla_breach: ['超过服务承诺时限', 'a commitment was breached'],
  handling_limit: ['处理环节超过时限', 'a handling step exceeded its limit'],
  dissatisfied: ['客户回访不满意', 'the customer was dissatisfied at follow-up'],
  manual: ['人工升级', 'raised by staff'],
};

const CLOSE_REASONS: Record<string, [string, string]> = {
  solved: ['问题已解决', 'the matter was resolved'],
  unsolved: ['问题未能解决', 'the matter could not be resolved'],
  duplicate: ['与您的另一张工单重复，将在该工单中继续处理', 'it duplicates another case of yours, which we continue to handle'],
  withdrawn: ['您已撤回该诉求', 'you withdrew the request'],
  spam: ['未包含可处理的诉求', 'it contained no request we could act on'],
};

const label = (table: Record<string, [string, string]>, key: unknown, lang: Lang): string => {
  const k = str(key);
  const hit = table[k];
  return hit ? hit[lang === 'zh' ? 0 : 1] : k;
};

/** sla_warning's level: 0.75 or 75 -> "75%". */
const percent = (v: unknown): string => {
  const n = typeof v === 'number' ? v : Number(str(v));
  if (!Number.isFinite(n) || n <= 0) return '';
  return `${Math.round(n <= 1 ? n * 100 : n)}%`;
};

interface T {
  lang: Lang;
  v: Vars;
  time: (x: unknown) => string;
  org: string;
}

const greeting = ({ lang, v }: T): Block => {
  const name = str(v.name);
  return { p: lang === 'zh' ? `尊敬的${name || '客户'}：\n您好！` : `Dear ${name || 'customer'},` };
};

const signature = ({ lang, org }: T): Block => ({ p: lang === 'zh' ? `感谢您的理解与支持！\n${org}` : `Kind regards,\n${org}` });

const replyHint = ({ lang }: T): Block => ({
  p:
    lang === 'zh'
      ? '如需补充情况或查询进度，请直接回复本邮件（请保留标题中的工单号），或在联系我们时提供工单号。'
      : 'To add details or ask about progress, simply reply to this email (please keep the case number in the subject), or quote the case number when you contact us.',
});

const caseRef = ({ lang, v }: T): string => {
  const subject = str(v.subject);
  if (lang === 'zh') return subject ? `${str(v.number)}（${subject}）` : str(v.number);
  return subject ? `${str(v.number)} (${subject})` : str(v.number);
};

const subjectLine = (t: T, zh: string, en: string): string => {
  const s = str(t.v.subject);
  const head = `[${str(t.v.number)}] ${t.lang === 'zh' ? zh : en}`;
  return s ? `${head}${t.lang === 'zh' ? '：' : ': '}${s}` : head;
};

const TEMPLATES: Record<string, (t: T) => Draft> = {
  case_acknowledged(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const blocks: Block[] = [greeting(t)];
    blocks.push({
      p: zh
        ? `您反映的“${str(v.subject)}”我们已收到并受理，工单号为 ${str(v.number)}。`
        : `Thank you for contacting us. We have received your request "${str(v.subject)}" and registered it as case ${str(v.number)}.`,
    });
    const promises: string[] = [];
    if (v.firstResponseDueAt !== undefined && v.firstResponseDueAt !== null)
      promises.push(
        zh
          ? `按照我们的服务承诺，我们将在 ${t.time(v.firstResponseDueAt)} 前给您首次答复。`
          : `Under our service commitment, we will respond to you by ${t.time(v.firstResponseDueAt)}.`,
      );
    if (v.resolutionDueAt !== undefined && v.resolutionDueAt !== null)
      promises.push(zh ? `预计处理完成时限：${t.time(v.resolutionDueAt)}。` : `We aim to resolve it by ${t.time(v.resolutionDueAt)}.`);
    if (promises.length) blocks.push({ p: promises.join('\n') });
    blocks.push(replyHint(t), signature(t));
    return { subject: subjectLine(t, '您的诉求已受理', 'We have received your request'), blocks };
  },

  case_reply(t) {
    const { lang } = t;
    const zh = lang === 'zh';
    return {
      subject: subjectLine(t, '工单回复', 'Reply to your case'),
      blocks: [
        greeting(t),
        { p: zh ? `关于您的工单 ${caseRef(t)}，我们的回复如下：` : `There is a new reply on your case ${caseRef(t)}:` },
        { quote: str(t.v.body) },
        { p: zh ? '如有疑问或需补充，请直接回复本邮件。' : 'If you have questions or more to add, just reply to this email.' },
        signature(t),
      ],
    };
  },

  case_resolved(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const fields: Array<[string, string]> = [];
    if (str(v.cause)) fields.push([zh ? '问题原因' : 'Cause', str(v.cause)]);
    if (str(v.solution)) fields.push([zh ? '处理结果' : 'Solution', str(v.solution)]);
    if (str(v.compensation)) fields.push([zh ? '补偿措施' : 'Compensation', str(v.compensation)]);
    if (str(v.correctiveAction)) fields.push([zh ? '改进措施' : 'Corrective action', str(v.correctiveAction)]);
    return {
      subject: subjectLine(t, '处理结果通知', 'Your case has been resolved'),
      blocks: [
        greeting(t),
        { p: zh ? `您的工单 ${caseRef(t)} 已处理完毕，处理结果如下：` : `Your case ${caseRef(t)} has been resolved. Here is what we found and did:` },
        { fields },
        {
          p: zh
            ? '如问题已解决，无需回复；如问题仍未解决或您对处理结果有异议，请直接回复本邮件，我们将重新打开工单继续为您处理。'
            : 'If the problem is solved, no reply is needed. If it is not, or you disagree with the outcome, reply to this email and we will reopen the case.',
        },
        signature(t),
      ],
    };
  },

  case_closed(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const reason = label(CLOSE_REASONS, v.reason, lang);
    return {
      subject: subjectLine(t, '工单已关闭', 'Your case has been closed'),
      blocks: [
        greeting(t),
        {
          p: zh
            ? `您的工单 ${caseRef(t)} 已关闭${reason ? `，原因：${reason}` : ''}。`
            : `Your case ${caseRef(t)} has been closed${reason ? ` because ${reason}` : ''}.`,
        },
        { p: zh ? '如您仍需帮助，请直接回复本邮件，我们将重新打开工单为您处理。' : 'If you still need help, reply to this email and we will reopen the case.' },
        signature(t),
      ],
    };
  },

  sla_warning(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const target = label(TARGETS, v.target, lang);
    const used = percent(v.level);
    return {
      subject: zh ? `【超时预警】[${str(v.number)}] ${target}时限即将到期` : `[SLA warning] [${str(v.number)}] ${target} due soon`,
      blocks: [
        {
          p: zh
            ? `工单 ${caseRef(t)} 的${target}时限将于 ${t.time(v.dueAt)} 到期${used ? `（已用时 ${used}）` : ''}，请尽快处理。`
            : `The ${target} target of case ${caseRef(t)} runs out at ${t.time(v.dueAt)}${used ? ` (${used} of the time used)` : ''}. Please act on it soon.`,
        },
      ],
    };
  },

  sla_breach(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const target = label(TARGETS, v.target, lang);
    return {
      subject: zh ? `【已超时】[${str(v.number)}] ${target}超过承诺时限` : `[SLA breach] [${str(v.number)}] ${target} overdue`,
      blocks: [
        {
          p: zh
            ? `工单 ${caseRef(t)} 的${target}已于 ${t.time(v.dueAt)} 超过服务承诺时限，请立即处理，并评估是否需要对客户进行服务补救。`
            : `Case ${caseRef(t)} missed its ${target} commitment at ${t.time(v.dueAt)}. Please act on it now and consider whether a service remedy is due to the customer.`,
        },
      ],
    };
  },

  escalation(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const level = levelLabel(v, lang);
    const due = v.dueAt !== undefined && v.dueAt !== null ? t.time(v.dueAt) : '';
    let why = '';
    if (str(v.target)) {
      const target = label(TARGETS, v.target, lang);
      why = zh ? `${target}超过处理时限${due ? `（${due}）` : ''}` : `its ${target} limit ran out${due ? ` at ${due}` : ''}`;
    } else if (str(v.reason)) why = label(REASONS, v.reason, lang);
    return {
      subject: zh ? `【工单升级】[${str(v.number)}] 已升级至${level}` : `[Escalation] [${str(v.number)}] escalated to ${level}`,
      blocks: [
        {
          p: zh
            ? `工单 ${caseRef(t)} 已升级至${level}${why ? `，原因：${why}` : ''}，请及时跟进处理。`
            : `Case ${caseRef(t)} has been escalated to the ${level}${why ? ` (${why})` : ''}. Please follow it up.`,
        },
      ],
    };
  },

  /** 内部协作超时: a consultation to another team (modules/collaboration) not answered within that team's limit; to the team's lead and the asker. */
  consultation_overdue(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const team = str(v.team);
    const question = str(v.question);
    return {
      subject: zh ? `【协作超时】[${str(v.number)}] ${team}未在时限内答复` : `[Consultation overdue] [${str(v.number)}] ${team} has not answered in time`,
      blocks: [
        {
          p: zh
            ? `工单 ${caseRef(t)} 向${team}发起的内部协作请求已于 ${t.time(v.dueAt)} 超过该部门的答复时限，请尽快答复或说明无法答复的原因。`
            : `The consultation on case ${caseRef(t)} sent to ${team} passed that team's time limit at ${t.time(v.dueAt)}. Please answer it, or decline it with the reason, as soon as possible.`,
        },
        ...(question ? [{ quote: question.length > 500 ? `${question.slice(0, 499)}…` : question }] : []),
      ],
    };
  },

  /** 满意度调查: the survey of a resolution (modules/surveys), a one-time link to the public answer page. */
  survey_invitation(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    return {
      subject: subjectLine(t, '满意度调查：请评价本次服务', 'How did we do? A short survey'),
      blocks: [
        greeting(t),
        {
          p: zh
            ? `您的工单 ${caseRef(t)} 已处理完毕。为持续改进服务质量，诚邀您花一分钟对本次服务进行评价（1–${str(v.scale) || '5'} 分）：`
            : `Your case ${caseRef(t)} has been resolved. Please take a minute to rate our service (1–${str(v.scale) || '5'}) so we can keep improving:`,
        },
        { p: str(v.link) },
        { p: zh ? `该链接仅可使用一次，有效期至 ${t.time(v.expiresAt)}。` : `The link can be used once, until ${t.time(v.expiresAt)}.` },
        signature(t),
      ],
    };
  },

  /** 定期满意度调查: a periodic survey wave's invitation (modules/surveys), about the service in general, no case. */
  survey_wave_invitation(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    return {
      subject: zh ? '客户满意度调查：请评价我们近期的服务' : 'How are we doing? A short survey',
      blocks: [
        greeting(t),
        {
          p: zh
            ? `感谢您一直以来的信任与支持。为持续改进服务质量，诚邀您花一分钟对我们近期的服务进行整体评价（1–${str(v.scale) || '5'} 分）：`
            : `Thank you for being our customer. Please take a minute to rate the service we have given you lately (1–${str(v.scale) || '5'}) so we can keep improving:`,
        },
        { p: str(v.link) },
        { p: zh ? `该链接仅可使用一次，有效期至 ${t.time(v.expiresAt)}。如不希望再收到满意度调查，请直接回复本邮件。` : `The link can be used once, until ${t.time(v.expiresAt)}. If you would rather not receive surveys, reply to this email.` },
        signature(t),
      ],
    };
  },

  /** 满意度补救: a dissatisfied survey answer (modules/surveys) to the supervisor who recovers it within a working day. */
  survey_recovery(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const score = `${str(v.csat)}/${str(v.scale)}`;
    if (v.periodic)
      return {
        subject: zh ? `【满意度补救】客户 ${str(v.number)} 定期调查评分 ${score}` : `[Service recovery] ${str(v.number)} rated us ${score} in a periodic survey`,
        blocks: [
          {
            p: zh
              ? `客户 ${str(v.number)} 在定期满意度调查中的评分为 ${score}（不满意），请于 ${t.time(v.dueAt)} 前联系客户、了解原因并进行补救，然后在“满意度”中记录处理结果。`
              : `${str(v.number)} rated our service ${score} (dissatisfied) in a periodic survey. Please contact them by ${t.time(v.dueAt)}, find out why and put it right, then record the outcome under Satisfaction.`,
          },
        ],
      };
    return {
      subject: zh ? `【满意度补救】[${str(v.number)}] 客户评分 ${score}` : `[Service recovery] [${str(v.number)}] customer rated ${score}`,
      blocks: [
        {
          p: zh
            ? `工单 ${caseRef(t)} 的客户满意度评分为 ${score}（不满意），请于 ${t.time(v.dueAt)} 前联系客户、了解原因并进行补救，然后在“满意度”中记录处理结果。`
            : `The customer of case ${caseRef(t)} rated our service ${score} (dissatisfied). Please contact them by ${t.time(v.dueAt)}, find out why and put it right, then record the outcome under Satisfaction.`,
        },
      ],
    };
  },

  /** 改进措施逾期: a CAPA action (modules/improvement) open past its due date; to its owner and the problem record's owner. */
  capa_action_overdue(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    // (not `title`: a notification's own title var, which the notify transport sets)
    const title = str(v.problemTitle);
    const kind = str(v.kind) === 'preventive' ? (zh ? '预防措施' : 'preventive action') : zh ? '纠正措施' : 'corrective action';
    const description = str(v.description);
    return {
      subject: zh ? `【改进措施逾期】问题单“${title}”` : `[Action overdue] Problem record "${title}"`,
      blocks: [
        {
          p: zh
            ? `问题单“${title}”的${kind}已于 ${t.time(v.dueAt)} 到期仍未完成，请尽快完成并填写完成说明，或与问题单负责人商定调整。`
            : `A ${kind} of the problem record "${title}" was due at ${t.time(v.dueAt)} and is not done. Please complete it and record what was done, or agree a change with the record's owner.`,
        },
        ...(description ? [{ quote: description.length > 500 ? `${description.slice(0, 499)}…` : description }] : []),
      ],
    };
  },

  /** 回访超时: a follow-up (modules/followups) still pending past its due time; to the assignee's lead and the assignee. */
  followup_overdue(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const number = str(v.number);
    return {
      subject: zh ? `【回访超时】${number ? `[${number}] ` : ''}回访未在时限内完成` : `[Follow-up overdue] ${number ? `[${number}] ` : ''}A follow-up was not done in time`,
      blocks: [
        {
          p: number
            ? zh
              ? `工单 ${caseRef(t)} 的回访已于 ${t.time(v.dueAt)} 超过时限，请尽快联系客户并记录回访结果。`
              : `The follow-up of case ${caseRef(t)} passed its due time at ${t.time(v.dueAt)}. Please contact the customer and record the outcome as soon as possible.`
            : zh
              ? `一项定期回访已于 ${t.time(v.dueAt)} 超过时限，请尽快联系客户并记录回访结果。`
              : `A periodic follow-up passed its due time at ${t.time(v.dueAt)}. Please contact the customer and record the outcome as soon as possible.`,
        },
      ],
    };
  },

  /** 回访不满意升级: a dissatisfied follow-up escalated to the lead (the case already at the top level, or a plan's follow-up without a case). */
  followup_escalated(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const number = str(v.number);
    const by = str(v.by);
    return {
      subject: zh ? `【回访不满意】${number ? `[${number}] ` : ''}客户对回访结果不满意` : `[Dissatisfied at follow-up] ${number ? `[${number}] ` : ''}The customer was dissatisfied`,
      blocks: [
        {
          p: zh
            ? `${number ? `工单 ${caseRef(t)} 的` : '一项定期'}回访中客户表示不满意${by ? `（${by} 记录）` : ''}，已升级给您，请跟进处理。`
            : `The customer was dissatisfied at the follow-up${number ? ` of case ${caseRef(t)}` : ' (periodic follow-up)'}${by ? `, recorded by ${by}` : ''}; it has been escalated to you. Please follow it up.`,
        },
      ],
    };
  },

  /** 安全告警: unusual access to personal data (audit/access-alerts.ts), to the director and admins. */
  security_alert(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const rule = label(ALERT_RULES, v.rule, lang);
    const who = `${str(v.actorName)}${zh ? `（${label(ROLE_NAMES, v.actorRole, lang)}）` : ` (${label(ROLE_NAMES, v.actorRole, lang)})`}`;
    const minutes = str(v.windowMinutes);
    let what: string;
    if (str(v.rule) === 'bulk_read')
      what = zh
        ? `在 ${minutes} 分钟内读取了 ${str(v.count)} 次客户或工单的个人数据（阈值 ${str(v.threshold)} 次）`
        : `read personal data of customers or cases ${str(v.count)} times within ${minutes} minutes (threshold ${str(v.threshold)})`;
    else if (str(v.rule) === 'bulk_list')
      what = zh
        ? `在 ${minutes} 分钟内通过列表或搜索读取了 ${str(v.count)} 条客户或工单记录（阈值 ${str(v.threshold)} 条）`
        : `listed ${str(v.count)} customer or case records within ${minutes} minutes (threshold ${str(v.threshold)})`;
    else if (str(v.rule) === 'off_hours_export') what = zh ? '在非工作时间导出了客户数据' : 'exported customer data outside working hours';
    else if (str(v.rule) === 'off_hours_audit') what = zh ? '在非工作时间查看了审计日志' : 'read the audit log outside working hours';
    else what = rule;
    return {
      subject: zh ? `【安全告警】异常访问：${rule}（${str(v.actorName)}）` : `[Security alert] Unusual access: ${rule} (${str(v.actorName)})`,
      blocks: [
        { p: zh ? `${who}${what}。` : `${who} ${what}.` },
        { fields: [[zh ? '告警时间' : 'Raised at', t.time(v.at)], [zh ? '告警编号' : 'Alert id', str(v.alertId)]] },
        {
          p: zh
            ? '请核实该访问是否属于正常工作需要，并在“安全告警”中确认该告警。'
            : 'Please check whether this access was needed for their work, and acknowledge the alert under Security alerts.',
        },
      ],
    };
  },

  /** 服务日报 / 服务周报: a digest of the key figures of the day or week before (modules/reports), to the leads who subscribed. */
  service_digest(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const title = str(zh ? v.reportTitleZh : v.reportTitleEn) || (zh ? '服务报表' : 'Service report');
    const lines = (Array.isArray(zh ? v.linesZh : v.linesEn) ? ((zh ? v.linesZh : v.linesEn) as unknown[]) : []).map(str).filter(Boolean);
    const link = str(v.link);
    return {
      subject: zh ? `【${title}】主要指标` : `[${title}] Key figures`,
      blocks: [
        { p: zh ? `${title}的主要指标如下（括号内为上一周期及变化）：` : `${title}: the key figures (in brackets: the period before and the change).` },
        { list: lines },
        ...(link ? [{ p: zh ? `完整报表（含各项明细）请在系统中查看：${link}` : `The full report, with its details: ${link}` }] : []),
      ],
    };
  },

  /** 服务补救: what we offer because a commitment was broken (text as approved by a supervisor). */
  remedy(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const amount = typeof v.amount === 'number' ? `${v.amount} ${str(v.currency) || 'CNY'}` : '';
    return {
      subject: subjectLine(t, '服务补救说明', 'Our apology and remedy'),
      blocks: [
        greeting(t),
        {
          p: zh
            ? `很抱歉，我们未能按公开承诺的时限处理您的工单 ${caseRef(t)}。`
            : `We are sorry: we did not handle your case ${caseRef(t)} within the time we committed to.`,
        },
        { p: str(v.text) },
        ...(amount ? [{ p: zh ? `补偿金额：${amount}` : `Compensation: ${amount}` }] : []),
        signature(t),
      ],
    };
  },

  /** 关怀活动 / 主动通知 (customers/campaigns.ts): the campaign's text, already personalised; marketing ones say how to opt out. */
  customer_campaign(t) {
    const { lang, v } = t;
    const zh = lang === 'zh';
    const optOut: Block[] =
      str(v.kind) === 'notice'
        ? []
        : [{ p: zh ? '如您不希望再收到此类关怀信息，请直接回复本邮件或致电客服，我们将为您撤回相关授权。' : 'If you would rather not receive messages like this, reply to this email or call us and we will withdraw your consent.' }];
    return { subject: str(v.subject), blocks: [{ p: str(v.body) }, ...optOut, signature(t)] };
  },
};

/**
 * Digests: one staff mail for many cases of one kind (the timer sweep sends one per recipient and
 * batch instead of hundreds of mails in a flood). Each listed case reads as the paragraph of its
 * own mail; past DIGEST_LIST_MAX the rest are counted, not listed.
 */
const DIGESTS: Record<string, Record<Lang, { subject: (n: number) => string; intro: (n: number) => string }>> = {
  sla_warning: {
    zh: { subject: (n) => `【超时预警】${n} 个工单时限即将到期`, intro: (n) => `以下 ${n} 个工单的服务承诺时限即将到期，请尽快处理：` },
    en: { subject: (n) => `[SLA warning] ${n} cases due soon`, intro: (n) => `${n} cases are close to their commitment deadlines. Please act on them soon:` },
  },
  sla_breach: {
    zh: { subject: (n) => `【已超时】${n} 个工单超过承诺时限`, intro: (n) => `以下 ${n} 个工单已超过服务承诺时限，请立即处理，并评估是否需要对客户进行服务补救：` },
    en: { subject: (n) => `[SLA breach] ${n} cases overdue`, intro: (n) => `${n} cases missed their commitments. Please act on them now and consider whether a service remedy is due:` },
  },
  escalation: {
    zh: { subject: (n) => `【工单升级】${n} 个工单已升级`, intro: (n) => `以下 ${n} 个工单已升级，请及时跟进处理：` },
    en: { subject: (n) => `[Escalation] ${n} cases escalated`, intro: (n) => `${n} cases have been escalated. Please follow them up:` },
  },
};

export const DIGEST_LIST_MAX = 100;
export const hasDigest = (name: string): boolean => Object.hasOwn(DIGESTS, name);

/** A digest of `total` cases of template `name`, listing `items` (each a case's vars; at most DIGEST_LIST_MAX are shown). */
export function renderDigest(name: string, locale: unknown, items: Vars[], total: number, opts: RenderOptions = {}): RenderedMail {
  const digest = hasDigest(name) ? DIGESTS[name] : undefined;
  if (!digest) throw new Error(`no digest for mail template "${name}"`);
  const lang = langOf(locale);
  const text = digest[lang];
  const listed = items.slice(0, DIGEST_LIST_MAX);
  const count = Math.max(total, listed.length);
  const lines = listed.map((v) => {
    const first = TEMPLATES[name]!(context(lang, v, opts)).blocks.find((b): b is { p: string } => 'p' in b);
    return first?.p ?? '';
  });
  const rest = count - listed.length;
  const more: Block[] = rest > 0 ? [{ p: lang === 'zh' ? `另有 ${rest} 个工单未列出，请在工单队列中查看。` : `${rest} more are not listed here; see the case queue.` }] : [];
  return build({ subject: text.subject(count), blocks: [{ p: text.intro(count) }, { list: lines }, ...more] }, lang);
}

const context = (lang: Lang, vars: Vars, opts: RenderOptions): T => ({
  lang,
  v: vars,
  time: (x) => formatTime(x, lang, opts.timeZone),
  org: opts.orgName ?? (lang === 'zh' ? '客户服务中心' : 'Customer Service Centre'),
});

export const TEMPLATE_NAMES = Object.keys(TEMPLATES);
export const hasTemplate = (name: string): boolean => Object.hasOwn(TEMPLATES, name);

/** Free-form notification (no template): a title and a body, as given. */
export function renderPlain(title: string, body: string, locale: unknown): RenderedMail {
  const lang = langOf(locale);
  return build({ subject: title, blocks: [{ p: body }] }, lang);
}

export function renderTemplate(name: string, locale: unknown, vars: Vars, opts: RenderOptions = {}): RenderedMail {
  const tpl = hasTemplate(name) ? TEMPLATES[name] : undefined;
  if (!tpl) throw new Error(`unknown mail template "${name}"`);
  const lang = langOf(locale);
  return build(tpl(context(lang, vars, opts)), lang);
}

function build(d: Draft, lang: Lang): RenderedMail {
  const text: string[] = [];
  const html: string[] = [];
  const lines = (s: string) => s.split('\n').map(escapeHtml).join('<br>');
  for (const b of d.blocks) {
    if ('p' in b) {
      text.push(b.p);
      html.push(`<p>${lines(b.p)}</p>`);
    } else if ('quote' in b) {
      text.push(b.quote.split('\n').map((l) => `  ${l}`).join('\n'));
      html.push(`<blockquote style="margin:0 0 1em;padding:0.5em 1em;border-left:3px solid #1677ff;background:#f5f7fa">${lines(b.quote)}</blockquote>`);
    } else if ('list' in b) {
      if (!b.list.length) continue;
      text.push(b.list.map((l) => `- ${l}`).join('\n'));
      html.push(`<ul style="margin:0 0 1em;padding-left:1.5em">${b.list.map((l) => `<li style="margin:0 0 0.5em">${lines(l)}</li>`).join('')}</ul>`);
    } else if (b.fields.length) {
      const sep = lang === 'zh' ? '：' : ': ';
      text.push(b.fields.map(([k, v]) => `${k}${sep}${v}`).join('\n'));
      html.push(
        `<table style="border-collapse:collapse;margin:0 0 1em">${b.fields
          .map(([k, v]) => `<tr><th style="text-align:left;vertical-align:top;padding:4px 12px 4px 0;white-space:nowrap">${escapeHtml(k)}</th><td style="padding:4px 0">${lines(v)}</td></tr>`)
          .join('')}</table>`,
      );
    }
  }
  const subject = d.subject.replace(/[\r\n]+/g, ' ').trim();
  return {
    subject,
    text: `${text.join('\n\n')}\n`,
    html: `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:-apple-system,'PingFang SC','Microsoft YaHei',Arial,sans-serif;font-size:14px;line-height:1.6;color:#1f1f1f">${html.join('')}</body></html>`,
  };
}
