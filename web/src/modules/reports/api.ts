import { api, post, withQuery } from '../../api.ts';

/** Service reports (SPEC 8): reports.routes.ts. */
export const REPORT_KINDS = ['monthly', 'weekly', 'daily'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export type Lang = 'zh' | 'en';
export interface Label {
  zh: string;
  en: string;
}
export type Unit = 'count' | 'share' | 'minutes' | 'score' | 'per10k' | 'nps';
export interface Figure {
  key: string;
  label: Label;
  unit: Unit;
  value: number | null;
  prior: number | null;
  delta: number | null;
  target?: number;
}
export type Cell = string | number | null | Label;
export interface ReportTable {
  key: string;
  title: Label;
  columns: Array<{ label: Label; unit?: Unit }>;
  rows: Cell[][];
}
export interface ReportSection {
  key: string;
  title: Label;
  figures: Figure[];
  tables: ReportTable[];
}
export interface ReportSummary {
  id: string;
  kind: ReportKind;
  periodKey: string;
  from: number;
  to: number;
  version: number;
  title: Label;
  source: 'manual' | 'digest';
  generatedAt: number;
  generatedBy: { id: string; name: string } | null;
  superseded: boolean;
}
export interface ReportView extends ReportSummary {
  content: { kind: ReportKind; title: Label; timeZone: string; period: { key: string; from: number; to: number }; prior: { key: string; from: number; to: number }; asOf: number; sections: ReportSection[] };
}
export interface DigestSubscription {
  daily: boolean;
  weekly: boolean;
}

export const listReports = (kind?: string) => api<ReportSummary[]>(withQuery('/api/v1/reports', kind ? { kind } : {}));
export const getReport = (id: string) => api<ReportView>(`/api/v1/reports/${encodeURIComponent(id)}`);
export const generateReport = (body: { kind: ReportKind; period?: string }) => post<ReportView>('/api/v1/reports', body);
export const reportFileUrl = (id: string, what: 'export.xlsx' | 'export.pdf' | 'print', lang: Lang) => `/api/v1/reports/${encodeURIComponent(id)}/${what}?lang=${lang}`;
export const getSubscription = () => api<DigestSubscription>('/api/v1/report-subscription');
export const putSubscription = (body: DigestSubscription) => api<DigestSubscription>('/api/v1/report-subscription', { method: 'PUT', body });

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
/** As the server's exports show them (modules/reports/format.ts). */
export function formatFigure(unit: Unit | undefined, v: number | null, lang: Lang): string {
  if (v === null) return '—';
  if (unit === 'share') return `${round(v * 100, 1)}%`;
  if (unit === 'minutes') return `${round(v, 1)}${lang === 'zh' ? ' 分钟' : ' min'}`;
  return String(round(v, 2));
}
export function formatChange(unit: Unit, d: number | null, lang: Lang): string {
  if (d === null) return '—';
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const a = Math.abs(d);
  if (unit === 'share') return `${sign}${round(a * 100, 1)}${lang === 'zh' ? ' 个百分点' : ' pts'}`;
  if (unit === 'minutes') return `${sign}${round(a, 1)}${lang === 'zh' ? ' 分钟' : ' min'}`;
  return `${sign}${round(a, 2)}`;
}
export const cellText = (c: Cell, unit: Unit | undefined, lang: Lang) => (c === null ? '—' : typeof c === 'number' ? formatFigure(unit, c, lang) : typeof c === 'string' ? c : c[lang]);
