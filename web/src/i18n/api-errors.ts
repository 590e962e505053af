import type { TFunction } from 'i18next';
import { isTranslatedCode } from './error-codes.ts';

type Details = Record<string, unknown>;
const isObject = (x: unknown): x is Details => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The values a code's translation names, from the error's details (each code as its thrower gives them). */
function paramsOf(code: string, details: unknown, t: TFunction): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (isObject(details)) for (const [k, v] of Object.entries(details)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  switch (code) {
    case 'illegal_transition':
      // {from, to}: statuses, in the reader's words
      for (const k of ['from', 'to'] as const) out[k] = t(`status.${String(out[k] ?? '')}`, { defaultValue: String(out[k] ?? '—') });
      break;
    case 'validation_failed': {
      // [{path: 'body.subject', message, code}, ...]: the first field named
      const first = Array.isArray(details) && isObject(details[0]) ? details[0].path : null;
      out.field = typeof first === 'string' ? first.replace(/^(body|querystring|params)\./, '') : '—';
      break;
    }
    case 'consultations_open':
      // {consultationIds}: how many are still open
      out.count = isObject(details) && Array.isArray(details.consultationIds) ? details.consultationIds.length : 1;
      break;
    case 'staff_only_fields':
      out.fields = isObject(details) && Array.isArray(details.fields) ? details.fields.join(', ') : '—';
      break;
    case 'matrix_not_monotonic': {
      // {impact, urgency}: the more serious cell (1 high .. 3 low)
      const level = (x: unknown) => t(`settings.levels.${String(x)}`, { defaultValue: String(x ?? '—') });
      out.more = isObject(details) ? t('settings.cell', { impact: level(details.impact), urgency: level(details.urgency) }) : '—';
      break;
    }
  }
  return out;
}

/**
 * What the user reads of an API error: its code's translation in the UI's language, with the
 * details it names; the server's message for a code not translated (or no code at all).
 */
export function errorText(error: unknown, t: TFunction): string {
  const message = error instanceof Error ? error.message : String(error);
  const e = error as { code?: unknown; details?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : null;
  if (!code || !isTranslatedCode(code)) return message;
  return t(`errors.${code}`, { ...paramsOf(code, e?.details, t), defaultValue: message });
}
