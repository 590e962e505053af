import { formatInstant, periodRange, t, WORDS, type Lang } from './format.ts';
import type { ReportView, Unit } from './reports.schemas.ts';

const NUM_FMT: Record<Unit, string> = { count: '0', share: '0.0%', minutes: '0.0', score: '0.00', per10k: '0.00', nps: '0.0' };
/** For a share's change: the difference of two shares, shown in points. */
const DELTA_FMT: Record<Unit, string> = { ...NUM_FMT, share: '+0.0%;-0.0%;0.0%', count: '+0;-0;0' };

/** Excel's rules for a sheet name: at most 31 characters, none of []:*?/\ */
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

/**
 * The report as a workbook: one sheet per section, its figures (this period, the prior one, the
 * change, the target) as numbers with a number format (shares as fractions shown as %), then its
 * tables. Column F holds each figure's key, for whoever reads the file by program.
 */
export async function reportXlsx(r: ReportView, lang: Lang): Promise<Buffer> {
  // loaded on the first export only: exceljs is heavy, and the CLI and the server load this module at start
  const { default: ExcelJS } = await import('exceljs');
  const c = r.content;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ServiceLoop';
  wb.created = new Date(r.generatedAt);
  for (const s of c.sections) {
    const ws = wb.addWorksheet(sheetName(t(s.title, lang)));
    ws.columns = [{ width: 44 }, { width: 16 }, { width: 16 }, { width: 16 }, { width: 12 }, { width: 26 }];
    ws.addRow([t(c.title, lang)]).font = { bold: true, size: 14 };
    ws.addRow([t(WORDS.period, lang), periodRange(c.period, c.timeZone), t(WORDS.priorPeriod, lang), periodRange(c.prior, c.timeZone)]);
    ws.addRow([t(WORDS.asOf, lang), `${formatInstant(c.asOf, c.timeZone)} (${c.timeZone})`, t(WORDS.version, lang), r.version]);
    ws.addRow([]);
    ws.addRow([t(s.title, lang)]).font = { bold: true };
    ws.addRow([t(WORDS.indicator, lang), t(WORDS.current, lang), t(WORDS.prior, lang), t(WORDS.delta, lang), t(WORDS.target, lang), 'key']).font = { bold: true };
    for (const f of s.figures) {
      const row = ws.addRow([t(f.label, lang), f.value, f.prior, f.delta, f.target ?? null, f.key]);
      for (const col of [2, 3, 5]) row.getCell(col).numFmt = NUM_FMT[f.unit];
      row.getCell(4).numFmt = DELTA_FMT[f.unit];
    }
    for (const tb of s.tables) {
      ws.addRow([]);
      ws.addRow([t(tb.title, lang)]).font = { bold: true };
      ws.addRow(tb.columns.map((col) => t(col.label, lang))).font = { bold: true };
      if (tb.rows.length === 0) ws.addRow([t(WORDS.none, lang)]);
      for (const cells of tb.rows) {
        const row = ws.addRow(cells.map((x) => (x === null ? null : typeof x === 'object' ? x[lang] : x)));
        tb.columns.forEach((col, i) => {
          if (col.unit) row.getCell(i + 1).numFmt = NUM_FMT[col.unit];
        });
      }
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
