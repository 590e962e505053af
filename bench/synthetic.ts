/**
 * Synthetic, deterministic and realistic service-centre data for the benchmarks: Chinese and
 * English case texts (so full-text search has real selectivity), customers, statuses and
 * timelines. Used by the bulk loader (rows), the baseline (a row of the cases table's shape) and
 * the intake load (POST bodies).
 */
import { v7 as uuidv7 } from 'uuid';
import type { CaseEventsTable, CasesTable } from '../src/core/modules/cases/index.ts';
import { newCaseRow, OPEN_STATUSES, priorityOf, type Level } from '../src/core/modules/cases/case.ts';
import type { CustomersTable } from '../src/core/modules/customers/customers.table.ts';

/** mulberry32: small, fast, seeded. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '建华', '晓东'];
const FIRST_EN = ['James', 'Mary', 'John', 'Linda', 'David', 'Susan', 'Michael', 'Karen', 'Emily', 'Daniel', 'Laura', 'Kevin', 'Grace', 'Peter', 'Anna'];
const LAST_EN = ['Smith', 'Brown', 'Wilson', 'Taylor', 'Clark', 'Walker', 'Young', 'King', 'Wright', 'Green', 'Baker', 'Hill'];
const CITIES = ['北京', '上海', '广州', '深圳', '杭州', '成都', '武汉', '南京', '西安', '重庆', '苏州', '天津', '长沙', '郑州', '青岛'];
const CITIES_EN = ['Beijing', 'Shanghai', 'Guangzhou', 'Shenzhen', 'Hangzhou', 'Chengdu', 'Wuhan', 'Nanjing', "Xi'an", 'Chongqing'];
const APPLIANCES = ['洗衣机', '冰箱', '空调', '热水器', '洗碗机', '电视', '净水器', '油烟机', '燃气灶', '扫地机器人'];
const APPLIANCES_EN = ['washing machine', 'fridge', 'air conditioner', 'water heater', 'dishwasher', 'TV', 'water purifier', 'range hood'];

interface Topic {
  key: string;
  weight: number;
  category: string;
  zh: { subject: string[]; detail: string[]; request: string };
  en: { subject: string[]; detail: string[]; request: string };
}

// {a} appliance, {o} order number, {d} days, {c} city, {n} person name, {m} model
const TOPICS: Topic[] = [
  { key: 'refund', weight: 7, category: 'billing',
    zh: { subject: ['申请退款：订单{o}', '退款一直没有到账', '要求退款，订单{o}已取消'], detail: ['订单{o}已经取消{d}天了，退款还没有到账。', '客服说三个工作日内退款，现在还没有收到。'], request: '尽快退款到原支付账户' },
    en: { subject: ['Refund request for order {o}', 'Refund not received yet', 'Where is my refund?'], detail: ['I cancelled order {o} {d} days ago and the refund has not arrived.', 'I was promised a refund within three working days.'], request: 'Refund to my original payment method' } },
  { key: 'leak', weight: 5, category: 'repair',
    zh: { subject: ['{a}漏水，需要上门维修', '{a}底部漏水', '报修：{a}漏水严重'], detail: ['{a}从昨天开始漏水，地板都湿了，请安排师傅上门维修。', '型号{m}，漏水越来越严重。'], request: '安排师傅上门维修' },
    en: { subject: ['{A} leaking, need a repair visit', 'Water leaking from my {A}'], detail: ['My {A} has been leaking since yesterday, please send a technician.', 'Model {m}, the leak is getting worse.'], request: 'Send a technician to repair it' } },
  { key: 'delivery', weight: 7, category: 'delivery',
    zh: { subject: ['快递延迟{d}天仍未送达', '物流一直没有更新', '配送太慢，订单{o}'], detail: ['订单{o}显示已发货，但是{d}天了还没有送到{c}。', '物流信息三天没有更新了。'], request: '尽快送货或者给个明确时间' },
    en: { subject: ['Delivery late by {d} days', 'Late delivery of order {o}', 'My delivery is late'], detail: ['Order {o} shipped but the delivery is {d} days late.', 'Tracking has not updated for three days, the delivery is late.'], request: 'Deliver as soon as possible' } },
  { key: 'attitude', weight: 4, category: 'staff',
    zh: { subject: ['投诉：客服态度差', '{c}门店员工态度恶劣', '投诉安装师傅态度不好'], detail: ['电话里客服很不耐烦，直接挂断了电话。', '工作人员态度很差，希望公司严肃处理。'], request: '道歉并处理相关人员' },
    en: { subject: ['Complaint: rude staff at the {C} store', 'Unhappy with the agent on the phone'], detail: ['The agent was rude and hung up on me.', 'The staff were impolite, I want a formal apology.'], request: 'An apology' } },
  { key: 'double_charge', weight: 4, category: 'billing',
    zh: { subject: ['重复扣费，要求退款', '同一订单被扣了两次钱'], detail: ['订单{o}被重复扣费，银行流水显示两笔。', '请核实后退还多扣的费用。'], request: '退还重复扣除的费用' },
    en: { subject: ['Charged twice for order {o}', 'Double charge on my card'], detail: ['I was charged twice for order {o}, please refund one charge.', 'My bank statement shows two payments.'], request: 'Refund the duplicate charge' } },
  { key: 'login', weight: 5, category: 'account',
    zh: { subject: ['账户无法登录', '收不到验证码', '会员账号被锁定'], detail: ['输入密码后一直提示错误，重置密码也收不到短信。', '手机号已经换了，无法登录账户。'], request: '帮忙恢复账户' },
    en: { subject: ['Cannot log in to my account', 'No verification code received'], detail: ['The app says my password is wrong even after a reset.', 'I changed my phone number and cannot log in.'], request: 'Restore access to my account' } },
  { key: 'install', weight: 6, category: 'repair',
    zh: { subject: ['预约安装{a}', '新买的{a}什么时候上门安装'], detail: ['{a}已经送到，请安排周末上门安装。', '地址在{c}，希望上午安装。'], request: '预约安装时间' },
    en: { subject: ['Book installation of my {A}', 'When will the {A} be installed?'], detail: ['The {A} has arrived, please schedule an installation at the weekend.', 'I live in {C}, mornings are best.'], request: 'Schedule the installation' } },
  { key: 'quality', weight: 6, category: 'product',
    zh: { subject: ['{a}质量问题，用了一周就坏了', '{a}无法启动', '{a}故障'], detail: ['{a}买了不到一个月就出现故障，型号{m}。', '开机后没有反应，指示灯一直闪烁。'], request: '更换新机' },
    en: { subject: ['{A} broke after a week', '{A} not working', 'Faulty {A}'], detail: ['My {A} stopped working within a month, model {m}.', 'It does not turn on, the light keeps flashing.'], request: 'Replace the unit' } },
  { key: 'warranty', weight: 8, category: 'product',
    zh: { subject: ['咨询{a}保修期限', '保修范围咨询', '延保服务怎么购买'], detail: ['请问{a}的保修期是多久，包括哪些部件？', '发票丢了还能保修吗？'], request: '告知保修政策' },
    en: { subject: ['Question about the warranty of my {A}', 'How long is the warranty?'], detail: ['How long is the warranty on the {A} and what does it cover?', 'Can I still claim warranty without the receipt?'], request: 'Explain the warranty policy' } },
  { key: 'praise', weight: 3, category: 'staff',
    zh: { subject: ['表扬{n}师傅服务周到', '感谢客服耐心解答'], detail: ['{n}师傅上门很准时，服务非常专业，点赞！', '客服耐心解答了我的问题，非常感谢。'], request: '' },
    en: { subject: ['Thank you for great service', 'Praise for the technician'], detail: ['The technician was on time and very professional. Thank you!', 'Great service from your team.'], request: '' } },
  { key: 'suggestion', weight: 3, category: 'process',
    zh: { subject: ['建议增加周末服务时间', '建议App增加进度查询'], detail: ['工作日没有时间，希望周末也能上门服务。', '希望能在App里查看维修进度。'], request: '' },
    en: { subject: ['Suggest weekend service hours', 'Feature request: repair tracking in the app'], detail: ['I suggest adding weekend appointments.', 'It would be nice to track the repair status in the app.'], request: '' } },
  { key: 'points', weight: 4, category: 'account',
    zh: { subject: ['会员积分没有到账', '积分兑换失败'], detail: ['订单{o}完成后积分没有增加。', '兑换礼品时提示积分不足。'], request: '补发积分' },
    en: { subject: ['Membership points missing', 'Cannot redeem my points'], detail: ['I did not receive points for order {o}.', 'Redeeming a gift says I do not have enough points.'], request: 'Credit the missing points' } },
  { key: 'invoice', weight: 5, category: 'billing',
    zh: { subject: ['申请开具发票', '发票抬头填错了'], detail: ['订单{o}需要开具增值税专用发票。', '发票抬头写错了，需要重新开具。'], request: '开具正确的发票' },
    en: { subject: ['Need an invoice for order {o}', 'Wrong company name on the invoice'], detail: ['Please issue a VAT invoice for order {o}.', 'The invoice has the wrong company name.'], request: 'Issue a corrected invoice' } },
  { key: 'noise', weight: 4, category: 'product',
    zh: { subject: ['{a}运行噪音很大', '{a}有异响'], detail: ['晚上{a}噪音很大，影响休息。', '运行时有咔咔的异响。'], request: '上门检查' },
    en: { subject: ['{A} makes a loud noise', 'Strange noise from the {A}'], detail: ['The {A} is very noisy at night.', 'It makes a clicking noise while running.'], request: 'Inspect the unit' } },
  { key: 'return', weight: 5, category: 'process',
    zh: { subject: ['申请退货', '七天无理由退货', '退货退款进度'], detail: ['{a}不合适，想办理退货退款。', '退货已经寄回{d}天了，还没有处理。'], request: '办理退货' },
    en: { subject: ['Return request', 'How do I return the {A}?'], detail: ['The {A} does not fit, I want to return it for a refund.', 'I sent the return {d} days ago and nothing happened.'], request: 'Process the return' } },
  { key: 'price', weight: 5, category: 'other',
    zh: { subject: ['价格咨询', '{a}有没有优惠活动'], detail: ['请问{a}最近有没有促销活动？', '以旧换新怎么计算价格？'], request: '告知价格' },
    en: { subject: ['Price inquiry', 'Any discount on the {A}?'], detail: ['Is there a promotion on the {A} this month?', 'How does the trade-in price work?'], request: 'Tell me the price' } },
  { key: 'urgent', weight: 2, category: 'product',
    zh: { subject: ['紧急：{a}冒烟，存在安全隐患', '再次投诉，要向媒体曝光'], detail: ['{a}使用时冒烟，家里有老人小孩，非常危险，请立即处理。', '已经多次反映没有结果，再不处理就向消协投诉。'], request: '立即上门处理并赔偿' },
    en: { subject: ['URGENT: smoke coming from the {A}', 'Complaint again, I will contact the press'], detail: ['The {A} started smoking, this is a safety issue, please act immediately.', 'I have complained several times, next step is my lawyer.'], request: 'Immediate visit and compensation' } },
];
const TOPIC_TOTAL = TOPICS.reduce((s, t) => s + t.weight, 0);

const FILLER_ZH = ['我是在{c}购买的。', '上周已经打过电话了。', '请尽快处理，谢谢。', '希望能给个说法。', '购买日期是去年{d}月。', '家里有老人和小孩，比较着急。', '商品型号是{m}。', '已经等了很久了。', '之前的工单号是{o}。', '周末都在家，可以随时上门。'];
const FILLER_EN = ['I bought it in {C}.', 'I already called last week.', 'Please handle this quickly.', 'My order number is {o}.', 'The model is {m}.', 'I have been waiting a long time.', 'I am at home at weekends.'];
const REPLIES_ZH = ['您好，已收到您的反馈，我们正在核实处理。', '您好，已为您安排师傅上门，请保持电话畅通。', '非常抱歉给您带来不便，我们会尽快处理。'];
const REPLIES_EN = ['Hello, we have received your request and are looking into it.', 'A technician has been scheduled, we will call you before the visit.', 'We are sorry for the inconvenience and will resolve this quickly.'];
const SOLUTIONS_ZH = ['已上门维修，更换密封圈，测试正常。', '退款已原路退回，预计1-3个工作日到账。', '已补发积分并致歉。', '已重新开具发票并邮寄。', '已安排换货。'];
const SOLUTIONS_EN = ['Technician replaced the seal, tested OK.', 'Refund issued to the original payment method.', 'Points credited with an apology.', 'Corrected invoice sent.', 'Replacement unit shipped.'];
const CAUSES = ['product', 'process', 'people', 'system', 'policy'];

function topicOf(r: Rng): Topic {
  let x = r.next() * TOPIC_TOTAL;
  for (const t of TOPICS) if ((x -= t.weight) < 0) return t;
  return TOPICS[0]!;
}

function fill(r: Rng, tpl: string): string {
  return tpl.replace(/\{(\w)\}/g, (_, k: string) => {
    switch (k) {
      case 'a': return r.pick(APPLIANCES);
      case 'A': return r.pick(APPLIANCES_EN);
      case 'o': return `${r.int(100000, 999999)}${r.int(1000, 9999)}`;
      case 'd': return String(r.int(2, 12));
      case 'c': return r.pick(CITIES);
      case 'C': return r.pick(CITIES_EN);
      case 'n': return r.pick(SURNAMES);
      case 'm': return `${String.fromCharCode(65 + r.int(0, 25))}${String.fromCharCode(65 + r.int(0, 25))}-${r.int(100, 9999)}`;
      default: return k;
    }
  });
}

export interface CaseText {
  topic: string;
  language: 'zh' | 'en';
  category: string;
  subject: string;
  description: string;
  request: string | null;
}

/** A case text: ~75% Chinese, ~25% English, one topic with its details and some filler. */
export function caseText(r: Rng): CaseText {
  const t = topicOf(r);
  const language = r.chance(0.75) ? 'zh' : 'en';
  const v = t[language];
  const parts = [fill(r, r.pick(v.detail))];
  const fillers = language === 'zh' ? FILLER_ZH : FILLER_EN;
  for (let i = r.int(0, 3); i > 0; i--) parts.push(fill(r, r.pick(fillers)));
  if (r.chance(0.4)) parts.push(fill(r, r.pick(v.detail)));
  return {
    topic: t.key,
    language,
    category: t.category,
    subject: fill(r, r.pick(v.subject)),
    description: parts.join(language === 'zh' ? '' : ' '),
    request: v.request || null,
  };
}

export const personName = (r: Rng, language: 'zh' | 'en'): string =>
  language === 'zh' ? r.pick(SURNAMES) + r.pick(GIVEN) : `${r.pick(FIRST_EN)} ${r.pick(LAST_EN)}`;

export const phoneNumber = (r: Rng): string => `1${r.int(3, 9)}${String(r.int(0, 999_999_999)).padStart(9, '0')}`;

// ---------------------------------------------------------------------------------------------
// Intake request bodies (POST /api/v1/cases)

const INTAKE_CHANNELS = ['web', 'email', 'phone', 'chat', 'api', 'social', 'walk_in'] as const;

/** A realistic intake body; contacts come from a pool so some customers exist and some are new. */
export function intakeBody(r: Rng, contactPool = 5000): Record<string, unknown> {
  const t = caseText(r);
  const k = r.int(1, contactPool);
  const contact: Record<string, string> = { name: personName(r, t.language) };
  const form = r.next();
  if (form < 0.7) contact.email = `bench.customer${k}@example.com`;
  else if (form < 0.95) contact.phone = `139${String(k).padStart(8, '0')}`;
  else {
    contact.email = `bench.customer${k}@example.com`;
    contact.phone = `139${String(k).padStart(8, '0')}`;
  }
  return {
    channel: r.pick(INTAKE_CHANNELS),
    contact,
    subject: t.subject,
    description: t.description,
    ...(t.request ? { request: t.request } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Bulk rows for the loader

export const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3600_000; // Asia/Shanghai has no DST

/** yyyyLLdd in Asia/Shanghai (the case-number day), without luxon in the hot loop. */
export function shanghaiDay(ms: number): string {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

export interface Org {
  /** category code -> id */
  categories: Record<string, string>;
  frontlineTeamId: string;
  aftersalesTeamId: string;
  frontlineAgents: string[];
  aftersalesAgents: string[];
}

export interface SyntheticCase {
  row: CasesTable;
  events: CaseEventsTable[];
  /** the same text the app indexes (see searchText in case.service.ts) */
  searchText: string;
}

/** The app's search text of a case: keep in step with `searchText` in src/core/modules/cases/case.service.ts. */
export const searchTextOf = (c: Pick<CasesTable, 'number' | 'subject' | 'description' | 'request' | 'contact_name' | 'contact_email' | 'contact_phone'>): string =>
  [c.number, c.subject, c.description, c.request ?? '', c.contact_name, c.contact_email ?? '', c.contact_phone ?? ''].join('\n');

const TYPE_OF_TOPIC: Record<string, string> = {
  refund: 'complaint', leak: 'service_request', delivery: 'complaint', attitude: 'complaint', double_charge: 'complaint',
  login: 'inquiry', install: 'service_request', quality: 'service_request', warranty: 'inquiry', praise: 'praise',
  suggestion: 'suggestion', points: 'inquiry', invoice: 'inquiry', noise: 'service_request', return: 'dissatisfaction',
  price: 'inquiry', urgent: 'complaint',
};
const CHANNEL_WEIGHTS: Array<[string, number]> = [['phone', 35], ['web', 20], ['email', 15], ['chat', 20], ['social', 4], ['walk_in', 3], ['api', 2], ['import', 1]];
const OPEN_WEIGHTS: Array<[string, number]> = [['new', 15], ['open', 45], ['pending_customer', 20], ['pending_internal', 10], ['reopened', 10]];

function weighted(r: Rng, ws: Array<[string, number]>): string {
  const total = ws.reduce((s, w) => s + w[1], 0);
  let x = r.next() * total;
  for (const [k, w] of ws) if ((x -= w) < 0) return k;
  return ws[0]![0];
}

export interface CustomerPoolEntry {
  id: string;
  name: string;
  email: string;
  phone: string;
  tier: string;
  language: 'zh' | 'en';
}

export function syntheticCustomer(r: Rng, i: number, createdAt: number): { row: CustomersTable; entry: CustomerPoolEntry } {
  const language = r.chance(0.8) ? 'zh' : 'en';
  const tierRoll = r.next();
  const tier = tierRoll < 0.02 ? 'vip' : tierRoll < 0.12 ? 'key' : 'normal';
  const row: CustomersTable = {
    id: uuidv7({ msecs: createdAt }),
    name: personName(r, language),
    email: `c${i}@example.com`,
    phone: `13${String(i).padStart(9, '0')}`,
    company: r.chance(0.2) ? `${r.pick(CITIES)}${r.pick(['科技', '贸易', '实业', '物业'])}有限公司` : null,
    tier: tier as CustomersTable['tier'],
    region: r.pick(CITIES),
    branch: null,
    locale: language === 'zh' ? 'zh-CN' : 'en',
    status: 'active',
    created_at: createdAt,
    updated_at: createdAt,
    erased_at: null,
  };
  return { row, entry: { id: row.id, name: row.name, email: row.email!, phone: row.phone!, tier, language } };
}

/**
 * One synthetic case received at `receivedAt`, `now` being the load time. Older cases are
 * almost all closed; the last two weeks hold most of the open work (about 5% open overall).
 */
export function syntheticCase(r: Rng, org: Org, customers: CustomerPoolEntry[], receivedAt: number, now: number, seqOfDay: number): SyntheticCase {
  const text = caseText(r);
  const cust = r.chance(0.85) ? r.pick(customers) : undefined;
  const language = cust?.language ?? text.language;
  const contactName = cust?.name ?? personName(r, language);
  const hasEmail = cust ? r.chance(0.8) : r.chance(0.5);
  const contactEmail = hasEmail ? (cust?.email ?? `walkin${r.int(1, 10_000_000)}@example.net`) : null;
  const contactPhone = !hasEmail || r.chance(0.3) ? (cust?.phone ?? phoneNumber(r)) : null;
  const type = TYPE_OF_TOPIC[text.topic] ?? 'inquiry';
  const urgent = text.topic === 'urgent';
  const impact = (cust?.tier === 'vip' ? 1 : cust?.tier === 'key' ? 2 : r.chance(0.1) ? 2 : 3) as Level;
  const urgency = (urgent ? 1 : r.chance(0.15) ? 1 : 2) as Level;
  const grade = type === 'complaint' ? (urgent ? 'urgent' : text.topic === 'refund' || text.topic === 'double_charge' ? 'important' : 'general') : null;
  const aftersales = type === 'service_request';
  const teamId = aftersales ? org.aftersalesTeamId : org.frontlineTeamId;
  const age = now - receivedAt;
  const open = r.chance(age < 14 * DAY_MS ? 0.6 : 0.04);
  let status = open ? weighted(r, OPEN_WEIGHTS) : age < 3 * DAY_MS && r.chance(0.3) ? 'resolved' : 'closed';
  const assigned = status !== 'new' && !(status === 'reopened' && r.chance(0.5));
  const assignee = assigned ? r.pick(aftersales ? org.aftersalesAgents : org.frontlineAgents) : null;
  const clampNow = (t: number) => Math.min(t, now - 60_000);
  const createdAt = receivedAt + (r.chance(0.8) ? 0 : r.int(1, 600) * 1000);
  const takenAt = assigned ? clampNow(createdAt + r.int(1, 60) * 60_000) : null;
  const firstResponseAt = assigned && (status !== 'open' || r.chance(0.5)) ? clampNow(takenAt! + r.int(1, 240) * 60_000) : null;
  const resolved = status === 'resolved' || status === 'closed';
  const resolvedAt = resolved ? clampNow((firstResponseAt ?? takenAt!) + r.int(10, 5 * 24 * 60) * 60_000) : null;
  const closedAt = status === 'closed' ? clampNow(resolvedAt! + r.int(10, 3 * 24 * 60) * 60_000) : null;
  const reopened = status === 'reopened';
  const closeReason = status === 'closed' ? (r.chance(0.93) ? 'solved' : r.pick(['unsolved', 'duplicate', 'spam', 'withdrawn'])) : null;
  const solutionZh = language === 'zh';
  const number = `SL-${shanghaiDay(receivedAt)}-${String(seqOfDay).padStart(4, '0')}`;
  const id = uuidv7({ msecs: createdAt });
  const channel = weighted(r, CHANNEL_WEIGHTS);
  const lastAt = closedAt ?? resolvedAt ?? firstResponseAt ?? takenAt ?? createdAt;
  const row: CasesTable = {
    id,
    number,
    customer_id: cust?.id ?? null,
    contact_name: contactName,
    contact_email: contactEmail,
    contact_phone: contactPhone,
    channel,
    received_at: receivedAt,
    received_by: channel === 'phone' || channel === 'walk_in' ? assignee : null,
    subject: text.subject,
    description: text.description,
    request: text.request,
    language,
    type,
    category_id: org.categories[text.category] ?? null,
    impact,
    urgency,
    priority: priorityOf(impact, urgency),
    complaint_grade: grade,
    is_repeat: type === 'complaint' && r.chance(0.05) ? 1 : 0,
    repeat_of_id: null,
    sensitive: r.chance(0.01) ? 1 : 0,
    service_kind: aftersales ? r.pick(['paid', 'warranty', 'contract']) : null,
    status,
    close_reason: closeReason,
    team_id: teamId,
    assignee_id: assignee,
    owner_id: assignee,
    first_response_at: firstResponseAt,
    first_resolved_at: resolvedAt,
    resolved_at: resolvedAt,
    closed_at: closedAt,
    resolution_cause: resolved ? r.pick(CAUSES) : null,
    resolution_solution: resolved ? r.pick(solutionZh ? SOLUTIONS_ZH : SOLUTIONS_EN) : null,
    compensation: resolved && r.chance(0.05) ? (solutionZh ? '赠送优惠券50元' : 'Voucher 50 CNY') : null,
    corrective_action: null,
    reopen_count: reopened ? 1 : 0,
    transfer_count: r.chance(0.05) ? 1 : 0,
    external_ref: null,
    created_at: createdAt,
    updated_at: lastAt,
    version: 1,
    erased_at: null,
  };
  const events: CaseEventsTable[] = [];
  const ev = (type: string, at: number, visibility: 'public' | 'internal', actorKind: 'staff' | 'customer' | 'system', actorId: string | null, body: string | null, data: string | null) =>
    events.push({ id: uuidv7({ msecs: at }), case_id: id, type, actor_id: actorId, actor_kind: actorKind, visibility, body, data, created_at: at });
  ev('created', createdAt, 'public', row.received_by ? 'staff' : 'system', row.received_by, row.description,
    JSON.stringify({ channel, subject: row.subject, request: row.request, receivedAt }));
  ev('classified', createdAt, 'internal', 'system', null, null,
    JSON.stringify({ type, impact, urgency, priority: row.priority, complaintGrade: grade, sensitive: row.sensitive === 1, rule: 'default' }));
  ev('acknowledged', createdAt, 'public', 'system', null, null, '{}');
  if (takenAt !== null) ev('assigned', takenAt, 'internal', 'staff', assignee, null, JSON.stringify({ fromOwnerId: null, toOwnerId: assignee, fromTeamId: teamId, toTeamId: teamId }));
  if (firstResponseAt !== null && !resolved) ev('replied', firstResponseAt, 'public', 'staff', assignee, r.pick(solutionZh ? REPLIES_ZH : REPLIES_EN), null);
  if (resolvedAt !== null) ev('resolved', resolvedAt, 'public', 'staff', assignee, row.resolution_solution, JSON.stringify({ cause: row.resolution_cause, compensation: row.compensation, correctiveAction: null }));
  if (closedAt !== null) ev(closeReason === 'solved' ? 'confirmed' : 'closed', closedAt, 'public', closeReason === 'solved' ? 'customer' : 'staff', closeReason === 'solved' ? null : assignee, null, JSON.stringify({ reason: closeReason }));
  if (reopened) ev('reopened', clampNow(lastAt + 3600_000), 'public', 'customer', null, solutionZh ? '问题没有解决，又出现了。' : 'The problem is back.', JSON.stringify({ from: 'closed', by: 'customer' }));
  return { row, events, searchText: searchTextOf(row) };
}

export const isOpenStatus = (s: string): boolean => (OPEN_STATUSES as string[]).includes(s);

/** The cases table's columns, in the migration's order (for raw INSERTs). */
export const CASE_COLUMNS = [
  'id', 'number', 'customer_id', 'contact_name', 'contact_email', 'contact_phone', 'channel', 'received_at', 'received_by', 'subject',
  'description', 'request', 'language', 'type', 'category_id', 'impact', 'urgency', 'priority', 'complaint_grade', 'is_repeat',
  'repeat_of_id', 'sensitive', 'service_kind', 'status', 'close_reason', 'team_id', 'assignee_id', 'owner_id', 'first_response_at',
  'first_resolved_at', 'resolved_at', 'closed_at', 'resolution_cause', 'resolution_solution', 'compensation', 'corrective_action',
  'reopen_count', 'transfer_count', 'external_ref', 'created_at', 'updated_at', 'version', 'erased_at',
] as const satisfies ReadonlyArray<keyof CasesTable>;

// Compile-time: every column of the table is listed (a new column must be added here too).
type Missing<T, L extends ReadonlyArray<keyof T>> = Exclude<keyof T, L[number]>;
const _allCaseColumns: [Missing<CasesTable, typeof CASE_COLUMNS>] extends [never] ? true : never = true;
void _allCaseColumns;

export const EVENT_COLUMNS = ['id', 'case_id', 'type', 'actor_id', 'actor_kind', 'visibility', 'body', 'data', 'created_at'] as const satisfies ReadonlyArray<keyof CaseEventsTable>;

export const CUSTOMER_COLUMNS = ['id', 'name', 'email', 'phone', 'company', 'tier', 'region', 'branch', 'locale', 'status', 'created_at', 'updated_at'] as const satisfies ReadonlyArray<keyof CustomersTable>;

/** A stand-alone row of the cases table's shape (for the commit baseline): a new case as intake makes it. */
export function intakeLikeRow(r: Rng, n: number, now: number): CasesTable {
  const t = caseText(r);
  return newCaseRow({
    id: uuidv7(),
    number: `SL-${shanghaiDay(now)}-B${String(n).padStart(7, '0')}`,
    contact_name: personName(r, t.language),
    contact_email: `bench.customer${r.int(1, 5000)}@example.com`,
    channel: 'web',
    received_at: now,
    subject: t.subject,
    description: t.description,
    request: t.request,
    language: t.language,
    type: TYPE_OF_TOPIC[t.topic] ?? 'inquiry',
    impact: 3,
    urgency: 2,
    created_at: now,
  });
}
