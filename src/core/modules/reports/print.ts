import { escapeHtml } from '../notifications/index.ts';
import { formatCell, formatDelta, formatInstant, formatValue, headerLines, t, WORDS, type Lang } from './format.ts';
import type { ReportView } from './reports.schemas.ts';

const e = escapeHtml;

/** The report as a printable page (A4, @media print): what the PDF shows, for a browser's "print" or "save as PDF". */
export function reportPrintPage(r: ReportView, lang: Lang): string {
  const c = r.content;
  const header = headerLines(c, lang, [
    [WORDS.version, String(r.version)],
    [WORDS.generated, formatInstant(r.generatedAt, c.timeZone)],
  ])
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`)
    .join('');
  const sections = c.sections
    .map((s) => {
      const figures = s.figures
        .map(
          (f) =>
            `<tr data-key="${e(f.key)}"><td>${e(t(f.label, lang))}</td><td class="n">${e(formatValue(f.unit, f.value, lang))}</td><td class="n">${e(formatValue(f.unit, f.prior, lang))}</td><td class="n">${e(formatDelta(f.unit, f.delta, lang))}</td></tr>`,
        )
        .join('');
      const tables = s.tables
        .map((tb) => {
          const head = tb.columns.map((col) => `<th>${e(t(col.label, lang))}</th>`).join('');
          const body = tb.rows.length
            ? tb.rows.map((cells) => `<tr>${cells.map((x, i) => `<td${tb.columns[i]?.unit ? ' class="n"' : ''}>${e(formatCell(x, tb.columns[i]?.unit, lang))}</td>`).join('')}</tr>`).join('')
            : `<tr><td colspan="${tb.columns.length}">${e(t(WORDS.none, lang))}</td></tr>`;
          return `<h3>${e(t(tb.title, lang))}</h3><table class="grid"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
        })
        .join('');
      return `<section><h2>${e(t(s.title, lang))}</h2><table class="grid"><thead><tr><th>${e(t(WORDS.indicator, lang))}</th><th>${e(t(WORDS.current, lang))}</th><th>${e(t(WORDS.prior, lang))}</th><th>${e(t(WORDS.delta, lang))}</th></tr></thead><tbody>${figures}</tbody></table>${tables}</section>`;
    })
    .join('');
  const other = lang === 'zh' ? 'en' : 'zh';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${e(t(c.title, lang))}</title>
<style>
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: #1f2329; max-width: 180mm; margin: 24px auto; font-size: 13px; }
h1 { text-align: center; font-size: 20px; } h2 { font-size: 15px; margin: 20px 0 8px; border-bottom: 2px solid #1677ff; padding-bottom: 4px; } h3 { font-size: 13px; margin: 12px 0 6px; }
table { border-collapse: collapse; width: 100%; } .meta th { text-align: left; width: 25%; font-weight: normal; color: #646a73; padding: 2px 0; }
.grid th, .grid td { border: 1px solid #dee0e3; padding: 4px 6px; text-align: left; } .grid th { background: #f5f6f7; } .n { text-align: right; white-space: nowrap; }
section { break-inside: avoid-page; } .tools { text-align: right; } .tools a, .tools button { margin-left: 12px; }
@media print { .tools { display: none; } body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
</style></head><body>
<div class="tools"><button type="button" onclick="window.print()">${lang === 'zh' ? '打印' : 'Print'}</button><a href="?lang=${other}">${other === 'zh' ? '中文' : 'English'}</a></div>
<h1>${e(t(c.title, lang))}</h1>
<table class="meta">${header}</table>
${sections}
</body></html>`;
}
