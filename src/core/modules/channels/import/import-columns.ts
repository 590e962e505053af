import ExcelJS from 'exceljs';

/** The columns of the import template (SPEC 1: what every case records), with the headers accepted for each. */
export const IMPORT_COLUMNS = [
  { key: 'receivedAt', zh: '接收时间', en: 'Received at', required: true, aliases: ['receivedat', 'received', '受理时间', '来电时间', '时间'] },
  { key: 'channel', zh: '渠道', en: 'Channel', required: false, aliases: ['来源', '来源渠道'] },
  { key: 'name', zh: '客户姓名', en: 'Customer name', required: true, aliases: ['name', 'customer', '姓名', '客户'] },
  { key: 'phone', zh: '电话', en: 'Phone', required: false, aliases: ['mobile', 'tel', '手机', '联系电话', '手机号'] },
  { key: 'email', zh: '邮箱', en: 'Email', required: false, aliases: ['e-mail', 'mail', '电子邮件', '电子邮箱'] },
  { key: 'type', zh: '类型', en: 'Type', required: false, aliases: ['case type', '工单类型'] },
  { key: 'category', zh: '分类', en: 'Category', required: false, aliases: ['类别', '问题分类'] },
  { key: 'subject', zh: '主题', en: 'Subject', required: true, aliases: ['title', '标题'] },
  { key: 'description', zh: '描述', en: 'Description', required: true, aliases: ['details', 'content', '内容', '问题描述'] },
  { key: 'request', zh: '诉求', en: 'Request', required: false, aliases: ["customer's request", 'customer request', '客户诉求'] },
  { key: 'receivedBy', zh: '受理人', en: 'Received by', required: false, aliases: ['receivedby', 'staff', 'staff email', '受理人邮箱', '接待人'] },
  { key: 'externalRef', zh: '外部编号', en: 'External reference', required: false, aliases: ['external ref', 'externalref', 'reference', 'ref', '编号', '原编号'] },
] as const;

export type ImportColumn = (typeof IMPORT_COLUMNS)[number]['key'];

const norm = (h: string) => h.replace(/^\uFEFF/, '').replace(/[\s_*（）()]/g, '').toLowerCase();

const HEADER_INDEX = new Map<string, ImportColumn>();
for (const c of IMPORT_COLUMNS) for (const h of [c.key, c.zh, c.en, ...c.aliases]) HEADER_INDEX.set(norm(h), c.key);

/** The column a header names (zh or en, any case and spacing), or undefined. */
export const columnOfHeader = (header: string): ImportColumn | undefined => HEADER_INDEX.get(norm(header));

export const columnLabel = (key: ImportColumn, lang: 'zh' | 'en') => IMPORT_COLUMNS.find((c) => c.key === key)![lang];

/** Channel words of a paper record and the product's channel each maps to; anything offline without its own channel is `import`. */
const CHANNEL_WORDS: Array<[string[], 'phone' | 'walk_in' | 'email' | 'web' | 'chat' | 'social' | 'import']> = [
  [['phone', 'call', 'telephone', 'hotline', '电话', '来电', '热线', '400'], 'phone'],
  [['walk_in', 'walk-in', 'walkin', 'counter', 'visit', '上门', '来访', '柜台', '窗口', '现场'], 'walk_in'],
  [['email', 'e-mail', 'mail', '邮件', '电子邮件'], 'email'],
  [['web', 'website', 'portal', '网站', '网页', '门户'], 'web'],
  [['chat', 'im', 'wechat', 'online', '在线', '微信', '在线客服'], 'chat'],
  [['social', 'weibo', 'review', '社交', '微博', '点评', '第三方'], 'social'],
  [['letter', 'post', 'fax', 'paper', 'offline', 'import', 'other', '信函', '来信', '书面', '传真', '纸质', '线下', '其他'], 'import'],
];
const CHANNEL_INDEX = new Map<string, (typeof CHANNEL_WORDS)[number][1]>();
for (const [words, ch] of CHANNEL_WORDS) for (const w of words) CHANNEL_INDEX.set(norm(w), ch);
export const channelOf = (v: string) => CHANNEL_INDEX.get(norm(v));

const TYPE_WORDS: Array<[string[], 'inquiry' | 'complaint' | 'dissatisfaction' | 'suggestion' | 'praise' | 'service_request']> = [
  [['inquiry', 'consultation', '咨询'], 'inquiry'],
  [['complaint', '投诉'], 'complaint'],
  [['dissatisfaction', '抱怨'], 'dissatisfaction'],
  [['suggestion', '建议'], 'suggestion'],
  [['praise', '表扬'], 'praise'],
  [['service_request', 'service request', 'repair', '服务请求', '报修', '维修'], 'service_request'],
];
const TYPE_INDEX = new Map<string, (typeof TYPE_WORDS)[number][1]>();
for (const [words, t] of TYPE_WORDS) for (const w of words) TYPE_INDEX.set(norm(w), t);
export const typeOf = (v: string) => TYPE_INDEX.get(norm(v));

const EXAMPLE: Record<ImportColumn, string> = {
  receivedAt: '2026-11-02 10:30',
  channel: '电话',
  name: '王芳',
  phone: '13800138000',
  email: 'wang.fang@example.com',
  type: '投诉',
  category: '产品质量',
  subject: '热水器不加热',
  description: '上周购买的热水器无法加热，已重启无效。',
  request: '上门维修或更换',
  receivedBy: 'agent@serviceloop.local',
  externalRef: 'PAPER-2026-0001',
};

/** The template: headers in the language asked, one example row, and a sheet of notes. */
export async function templateFile(format: 'xlsx' | 'csv', lang: 'zh' | 'en'): Promise<Buffer> {
  const headers = IMPORT_COLUMNS.map((c) => c[lang]);
  const example = IMPORT_COLUMNS.map((c) => EXAMPLE[c.key]);
  if (format === 'csv') {
    const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    // with a BOM, so that Excel opens the UTF-8 text as UTF-8
    return Buffer.from(`\uFEFF${[headers, example].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`, 'utf8');
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(lang === 'zh' ? '导入' : 'Import');
  ws.addRow(headers).font = { bold: true };
  ws.addRow(example);
  IMPORT_COLUMNS.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = Math.max(14, c[lang].length * 2 + 4);
    col.numFmt = '@'; // text: phone numbers keep their leading zero
  });
  const notes = wb.addWorksheet(lang === 'zh' ? '说明' : 'Notes');
  const NOTES_ZH = [
    '每行一条线下记录，第一行为表头（中文或英文表头均可）。',
    '必填：接收时间（服务中心时区，如 2026-11-02 10:30）、客户姓名、主题、描述，以及电话或邮箱之一。',
    '渠道：电话、上门/来访/柜台、信函、传真、邮件、网站、在线、社交；信函、传真等无对应渠道的记为“导入”。',
    '类型：咨询、投诉、抱怨、建议、表扬、报修；留空由规则自动分类。分类：名称或代码。受理人：员工邮箱，留空为导入人。',
    '外部编号：纸质单据编号；同一编号只导入一次（无编号时按整行内容判断）。',
    '导入的记录不发送受理确认邮件；已过期限的服务承诺记为已超时，不再升级或通知。',
  ];
  const NOTES_EN = [
    'One offline record a row; the first row holds the headers (Chinese or English).',
    'Required: received at (in the centre’s time zone, e.g. 2026-11-02 10:30), customer name, subject, description, and a phone or an email.',
    'Channel: phone, walk-in/counter, letter, fax, email, web, chat, social; a letter, fax or other offline record is marked "import".',
    'Type: inquiry, complaint, dissatisfaction, suggestion, praise, service request; empty: classified by the rules. Category: its name or code. Received by: a staff email; empty: you.',
    'External reference: the paper record’s number; a reference is imported once (without one, the whole row decides).',
    'Imported records get no acknowledgement mail; commitments whose deadline has already passed are recorded as breached, without escalation or notices.',
  ];
  for (const n of lang === 'zh' ? NOTES_ZH : NOTES_EN) notes.addRow([n]);
  notes.getColumn(1).width = 120;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
