import type { Label } from './reports.schemas.ts';

/** The web app's words for channels and case types (web/src/i18n), for the reports' tables. */
export const CHANNEL_LABELS: Record<string, Label> = {
  web: { zh: '网页', en: 'Web' },
  email: { zh: '邮件', en: 'Email' },
  phone: { zh: '电话', en: 'Phone' },
  chat: { zh: '在线客服', en: 'Chat' },
  social: { zh: '社交/第三方平台', en: 'Social / review sites' },
  walk_in: { zh: '柜台', en: 'Walk-in' },
  import: { zh: '批量导入', en: 'Import' },
  api: { zh: '接口', en: 'API' },
};

export const TYPE_LABELS: Record<string, Label> = {
  inquiry: { zh: '咨询', en: 'Inquiry' },
  complaint: { zh: '投诉', en: 'Complaint' },
  dissatisfaction: { zh: '抱怨', en: 'Dissatisfaction' },
  suggestion: { zh: '建议', en: 'Suggestion' },
  praise: { zh: '表扬', en: 'Praise' },
  service_request: { zh: '服务请求/报修', en: 'Service request / repair' },
};

export const ACTION_KIND_LABELS: Record<string, Label> = {
  corrective: { zh: '纠正措施', en: 'Corrective' },
  preventive: { zh: '预防措施', en: 'Preventive' },
};

export const labelOr = (table: Record<string, Label>, key: string | null): Label => (key !== null && table[key]) || { zh: key ?? '—', en: key ?? '—' };
