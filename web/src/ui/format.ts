import type { TFunction } from 'i18next';

/** A moment in the reader's time zone: 2026-11-23 10:05. */
export function formatTime(ms: number | null | undefined, lang: string): string {
  if (ms === null || ms === undefined) return '—';
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);
}

/** A span of (business) minutes: 45 分钟, 2 小时 5 分, 3 天. */
export function formatMinutes(minutes: number | null | undefined, t: TFunction): string {
  if (minutes === null || minutes === undefined) return '—';
  const m = Math.round(Math.abs(minutes));
  if (m < 60) return t('duration.m', { n: m });
  if (m >= 48 * 60) return t('duration.d', { n: Math.round((m / 1440) * 10) / 10 });
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? t('duration.h', { n: h }) : t('duration.hm', { h, m: m % 60 });
}

export const percent = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

/** A label of the API given in both languages ({zh, en}). */
export const pick = (label: { zh: string; en: string } | null | undefined, lang: string): string | null => (label ? (lang === 'en' ? label.en : label.zh) : null);
