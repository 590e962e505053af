import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../../web/src/i18n/zh-CN.json' with { type: 'json' };
import { errorText } from '../../web/src/i18n/api-errors.ts';
import { API_ERROR_CODES } from '../../web/src/i18n/error-codes.ts';
import { notMonotonicCells } from '../../web/src/modules/settings/api.ts';
import { ApiError } from '../../web/src/api.ts';

type Tree = { [k: string]: string | Tree };
/** Every key of a translation file, dotted, with its text. */
const flatten = (t: Tree, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
};
const ZH = flatten(zhCN as Tree);
const EN = flatten(en as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

/** The web app's two languages (web/src/i18n): complete, alike, and every API error code it lists translated. */
describe('staff web app translations', () => {
  it('has the same keys in Chinese and English, none empty, each naming the same values', () => {
    expect([...ZH.keys()].filter((k) => !EN.has(k))).toEqual([]);
    expect([...EN.keys()].filter((k) => !ZH.has(k))).toEqual([]);
    for (const [k, v] of ZH) {
      expect(v.trim(), `zh-CN ${k}`).not.toBe('');
      expect(EN.get(k)!.trim(), `en ${k}`).not.toBe('');
      expect(placeholders(EN.get(k)!), k).toEqual(placeholders(v));
    }
  });

  it('translates every error code of its list in both languages, and keeps no translation of a code not listed', () => {
    for (const code of API_ERROR_CODES) {
      expect(ZH.has(`errors.${code}`), `zh-CN errors.${code}`).toBe(true);
      expect(EN.has(`errors.${code}`), `en errors.${code}`).toBe(true);
    }
    const listed = new Set<string>(API_ERROR_CODES);
    expect([...ZH.keys()].filter((k) => k.startsWith('errors.') && !listed.has(k.slice(7)))).toEqual([]);
    expect(new Set(API_ERROR_CODES).size).toBe(API_ERROR_CODES.length);
  });

  it('lists only codes the API (or the app itself) really gives', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
      });
    const source = [...files('src'), 'web/src/api.ts'].map((f) => readFileSync(f, 'utf8')).join('\n');
    const given = (code: string) => {
      const notFound = /^(\w+)_not_found$/.exec(code);
      return source.includes(`'${code}'`) || (notFound !== null && source.includes(`notFound('${notFound[1]}'`));
    };
    expect(API_ERROR_CODES.filter((c) => !given(c))).toEqual([]);
  });
});

describe('API errors as the user reads them', () => {
  const t: Record<'zh-CN' | 'en', TFunction> = {} as never;
  beforeAll(async () => {
    for (const lng of ['zh-CN', 'en'] as const) {
      const i = i18next.createInstance();
      await i.init({ resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, lng, fallbackLng: 'zh-CN', interpolation: { escapeValue: false } });
      t[lng] = i.t;
    }
  });
  const err = (code: string, message: string, details?: unknown) => new ApiError(409, code, message, details);

  it("says a known code in the UI's language, the server's message for a code it does not know", () => {
    const owned = err('case_owned', 'Another agent owns this case (首问负责): its owner or a lead resolves, closes or moves it; hand it over first.', { ownerId: 'u1' });
    expect(errorText(owned, t['zh-CN'])).toBe(ZH.get('errors.case_owned'));
    expect(errorText(owned, t['zh-CN'])).toContain('首问负责');
    expect(errorText(owned, t.en)).toBe(EN.get('errors.case_owned'));
    expect(errorText(err('consultation_closed', 'The consultation is closed.'), t['zh-CN'])).toBe('The consultation is closed.');
    expect(errorText(new Error('boom'), t['zh-CN'])).toBe('boom');
  });

  it('names what the details give: statuses, the field, the cell', () => {
    expect(errorText(err('illegal_transition', 'A case cannot go from closed to open.', { from: 'closed', to: 'open' }), t['zh-CN'])).toBe('工单不能从“已关闭”变为“处理中”。');
    expect(errorText(err('illegal_transition', 'A case cannot go from closed to open.', { from: 'closed', to: 'open' }), t.en)).toBe('A case cannot go from “Closed” to “Open”.');
    const validation = new ApiError(400, 'validation_failed', 'body.subject: Too small', [{ path: 'body.subject', message: 'Too small', code: 'too_small' }]);
    expect(errorText(validation, t['zh-CN'])).toBe('提交的内容不符合要求（subject），请检查后重试。');
    expect(errorText(new ApiError(400, 'validation_failed', 'The request is not valid.'), t.en)).toBe('Something in the form is not valid (—); check it and try again.');
    expect(errorText(err('staff_only_fields', 'Only staff set teamId on a case.', { fields: ['teamId', 'priority'] }), t['zh-CN'])).toBe('以下字段只能由员工填写：teamId, priority。');
    expect(errorText(err('matrix_not_monotonic', '…', { impact: 2, urgency: 3 }), t['zh-CN'])).toContain('影响程度“中” × 紧急程度“低”');
    expect(errorText(err('consultations_open', '2 consultations on this case are still open (…)', { consultationIds: ['q1', 'q2'] }), t['zh-CN'])).toBe('该工单还有 2 项会商未答复：请等待答复或撤回会商后，再办结或关闭工单。');
  });

  it("finds the cell the API's matrix_not_monotonic refusal is about", () => {
    // low × low is P3 under medium × low's P4 (details name the more serious cell: medium × low)
    const m = [['P1', 'P2', 'P3'], ['P2', 'P3', 'P4'], ['P3', 'P4', 'P3']];
    expect(notMonotonicCells(m, { impact: 2, urgency: 3 })).toEqual({ cell: [2, 2], more: [1, 2] });
    // high × medium is P1 beside high × high's P2: the cell to the right
    expect(notMonotonicCells([['P2', 'P1', 'P3'], ['P2', 'P3', 'P4'], ['P3', 'P4', 'P4']], { impact: 1, urgency: 1 })).toEqual({ cell: [0, 1], more: [0, 0] });
    expect(notMonotonicCells(m, null)).toBeNull();
  });
});
