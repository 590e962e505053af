import { existsSync } from 'node:fs';
import { DomainError } from '../../shared/errors.ts';
import { formatCell, formatDelta, formatInstant, formatValue, headerLines, t, WORDS, type Lang } from './format.ts';
import type { ReportView } from './reports.schemas.ts';

export interface PdfFont {
  path: string;
  /** the face of a TrueType collection (.ttc), by its PostScript name */
  face?: string;
}

/** Fonts with Chinese glyphs found on common systems (Debian/Ubuntu fonts-noto-cjk, fonts-wqy-microhei). */
export const KNOWN_CJK_FONTS: PdfFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
];

const unavailable = (detail: string) =>
  new DomainError(
    'pdf_font_unavailable',
    `No font with Chinese characters for the PDF (${detail}). Set SL_PDF_FONT to a .ttf/.otf/.ttc file (and SL_PDF_FONT_FACE to the face of a .ttc), or install fonts-noto-cjk; the spreadsheet and the printable page work without it.`,
    503,
  );

/**
 * The font for PDFs: SL_PDF_FONT (with SL_PDF_FONT_FACE for a collection) when set, which must
 * exist; else the first known system CJK font present.
 */
export function pdfFont(env: { SL_PDF_FONT?: string | undefined; SL_PDF_FONT_FACE?: string | undefined } = process.env, known = KNOWN_CJK_FONTS): PdfFont {
  const configured = env.SL_PDF_FONT?.trim();
  if (configured) {
    if (!existsSync(configured)) throw unavailable(`SL_PDF_FONT=${configured} does not exist`);
    const face = env.SL_PDF_FONT_FACE?.trim() || (configured.toLowerCase().endsWith('.ttc') ? 'NotoSansCJKsc-Regular' : undefined);
    return { path: configured, ...(face ? { face } : {}) };
  }
  const found = known.find((f) => existsSync(f.path));
  if (!found) throw unavailable('SL_PDF_FONT is not set and none of the usual system fonts is installed');
  return found;
}

const A4_MARGIN = 50;

/** The report as an A4 PDF: its header, then each section's figures with the prior period and the change, and its tables. */
export async function reportPdf(r: ReportView, lang: Lang, opts: { font?: PdfFont; compress?: boolean } = {}): Promise<Buffer> {
  const font = opts.font ?? pdfFont();
  // loaded on the first PDF only (heavy; the CLI and the server load this module at start)
  const { default: PDFDocument } = await import('pdfkit');
  const c = r.content;
  const doc = new PDFDocument({ size: 'A4', margin: A4_MARGIN, compress: opts.compress ?? true, info: { Title: t(c.title, lang), Creator: 'ServiceLoop' } });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  try {
    if (font.face) doc.font(font.path, font.face);
    else doc.font(font.path);
  } catch (err) {
    throw unavailable(`${font.path}${font.face ? ` (${font.face})` : ''} could not be read: ${(err as Error).message}`);
  }
  const width = doc.page.width - 2 * A4_MARGIN;
  const bottom = doc.page.height - A4_MARGIN;
  const row = (cells: string[], widths: number[], size = 9) => {
    doc.fontSize(size);
    const heights = cells.map((s, i) => doc.heightOfString(s, { width: widths[i]! - 6 }));
    const h = Math.max(...heights, size + 2) + 4;
    if (doc.y + h > bottom) doc.addPage();
    const y = doc.y;
    let x = A4_MARGIN;
    cells.forEach((s, i) => {
      doc.text(s, x, y, { width: widths[i]! - 6 });
      x += widths[i]!;
    });
    doc.x = A4_MARGIN;
    doc.y = y + h;
  };

  doc.fontSize(16).text(t(c.title, lang), { align: 'center' });
  doc.moveDown(0.5);
  for (const [k, v] of headerLines(c, lang, [
    [WORDS.version, `${r.version}`],
    [WORDS.generated, formatInstant(r.generatedAt, c.timeZone)],
  ]))
    row([k, v], [width * 0.25, width * 0.75], 9);
  for (const s of c.sections) {
    doc.moveDown(0.8);
    if (doc.y + 60 > bottom) doc.addPage();
    doc.fontSize(12).text(t(s.title, lang), A4_MARGIN);
    doc.moveDown(0.3);
    const w = [width * 0.46, width * 0.18, width * 0.18, width * 0.18];
    row([t(WORDS.indicator, lang), t(WORDS.current, lang), t(WORDS.prior, lang), t(WORDS.delta, lang)], w);
    for (const f of s.figures) row([t(f.label, lang), formatValue(f.unit, f.value, lang), formatValue(f.unit, f.prior, lang), formatDelta(f.unit, f.delta, lang)], w);
    for (const tb of s.tables) {
      doc.moveDown(0.4);
      doc.fontSize(10).text(t(tb.title, lang), A4_MARGIN);
      const cw = tb.columns.map(() => width / tb.columns.length);
      row(tb.columns.map((col) => t(col.label, lang)), cw);
      if (tb.rows.length === 0) row([t(WORDS.none, lang)], [width]);
      for (const cells of tb.rows) row(cells.map((x, i) => formatCell(x, tb.columns[i]?.unit, lang)), cw);
    }
  }
  doc.end();
  return done;
}
