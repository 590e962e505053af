import { DateTime } from 'luxon';
import type { Cell, Figure, Label, ReportContent, Unit } from './reports.schemas.ts';

export type Lang = 'zh' | 'en';

export const t = (l: Label, lang: Lang): string => l[lang];

const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** A figure's value as the reports show it: shares as %, minutes, scores with 2 decimals, "—" for none. */
export function formatValue(unit: Unit | undefined, v: number | null, lang: Lang): string {
  if (v === null) return '—';
  switch (unit) {
    case 'share':
      return `${round(v * 100, 1)}%`;
    case 'minutes':
      return lang === 'zh' ? `${round(v, 1)} 分钟` : `${round(v, 1)} min`;
    case 'score':
    case 'per10k':
    case 'nps':
      return String(round(v, 2));
    default:
      return String(round(v, 2));
  }
}

/** The change from the prior period: "+5", "-2.5 个百分点" / "+2.5 pts" for shares. */
export function formatDelta(unit: Unit, d: number | null, lang: Lang): string {
  if (d === null) return '—';
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const abs = Math.abs(d);
  if (unit === 'share') return `${sign}${round(abs * 100, 1)}${lang === 'zh' ? ' 个百分点' : ' pts'}`;
  if (unit === 'minutes') return `${sign}${round(abs, 1)}${lang === 'zh' ? ' 分钟' : ' min'}`;
  return `${sign}${round(abs, 2)}`;
}

export const formatCell = (c: Cell, unit: Unit | undefined, lang: Lang): string =>
  c === null ? '—' : typeof c === 'number' ? formatValue(unit, c, lang) : typeof c === 'string' ? c : c[lang];

/** "2026-11-01 – 2026-11-30" (the last day included), in the report's zone. */
export function periodRange(p: { from: number; to: number }, timeZone: string): string {
  const a = DateTime.fromMillis(p.from, { zone: timeZone }).toISODate();
  const b = DateTime.fromMillis(p.to, { zone: timeZone }).minus({ days: 1 }).toISODate();
  return a === b ? a! : `${a} – ${b}`;
}

export const formatInstant = (ms: number, timeZone: string): string => DateTime.fromMillis(ms, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm');

/** One line of a figure: "受理量：120（上期 100，+20）". */
export function figureLine(f: Figure, lang: Lang): string {
  const v = formatValue(f.unit, f.value, lang);
  const p = formatValue(f.unit, f.prior, lang);
  const d = formatDelta(f.unit, f.delta, lang);
  return lang === 'zh' ? `${f.label.zh}：${v}（上期 ${p}，${d}）` : `${f.label.en}: ${v} (prior ${p}, ${d})`;
}

/** The words of the header rows and columns, zh and en. */
export const WORDS = {
  indicator: { zh: '指标', en: 'Indicator' },
  current: { zh: '本期', en: 'This period' },
  prior: { zh: '上期', en: 'Prior period' },
  delta: { zh: '变化', en: 'Change' },
  target: { zh: '目标', en: 'Target' },
  period: { zh: '统计周期', en: 'Period' },
  priorPeriod: { zh: '对比周期', en: 'Compared with' },
  asOf: { zh: '数据截至', en: 'Figures as of' },
  generated: { zh: '生成时间', en: 'Generated' },
  version: { zh: '版本', en: 'Version' },
  none: { zh: '无', en: 'None' },
  timeZone: { zh: '时区', en: 'Time zone' },
} satisfies Record<string, Label>;

export const headerLines = (c: ReportContent, lang: Lang, extra: Array<[Label, string]> = []): Array<[string, string]> => [
  [t(WORDS.period, lang), periodRange(c.period, c.timeZone)],
  [t(WORDS.priorPeriod, lang), periodRange(c.prior, c.timeZone)],
  [t(WORDS.asOf, lang), `${formatInstant(c.asOf, c.timeZone)} (${c.timeZone})`],
  ...extra.map(([l, v]): [string, string] => [t(l, lang), v]),
];
