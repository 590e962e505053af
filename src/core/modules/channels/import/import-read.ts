import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { DomainError, invalid } from '../../../shared/errors.ts';
import { columnOfHeader, type ImportColumn } from './import-columns.ts';

/** Records a file may hold (the header row aside). */
export const MAX_IMPORT_ROWS = 5000;
/** The largest file taken (the upload's limit too). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

export type ImportFormat = 'xlsx' | 'csv';

export interface SheetRow {
  /** The row's number in the sheet as a spreadsheet shows it (the header is row 1). */
  rowNo: number;
  cells: Partial<Record<ImportColumn, string>>;
}

export interface Sheet {
  format: ImportFormat;
  /** csv only: utf-8 or gbk */
  encoding: string | null;
  rows: SheetRow[];
  /** Headers that name no column: left out, and said so. */
  ignoredColumns: string[];
}

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Buffer) => b.length >= 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

const unsupported = (name: string) =>
  new DomainError('import_format_unsupported', `${name} is neither an XLSX workbook nor a CSV text file; save it as .xlsx or .csv (UTF-8) and upload it again.`, 415);

/** XLSX or CSV, from the content first (a zip is a workbook; text is CSV), the name only to refuse what says one thing and is another. */
export function detectFormat(content: Buffer, fileName: string): ImportFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (isZip(content)) {
    if (ext && ext !== 'xlsx') throw unsupported(fileName);
    return 'xlsx';
  }
  if (isOle(content) || ext === 'xlsx' || ext === 'xls') throw unsupported(fileName); // .xls (Excel 97-2003) or a broken workbook
  if (ext && !['csv', 'txt', 'tsv'].includes(ext)) throw unsupported(fileName);
  if (content.subarray(0, 8192).includes(0)) throw unsupported(fileName); // binary, or UTF-16 text
  return 'csv';
}

/**
 * The text of a CSV file: UTF-8 with or without a BOM; else GBK (what Chinese Excel saves as
 * "CSV"), taken only when the bytes are valid GBK and hold Chinese text, so that some other
 * single-byte encoding is refused rather than read as the wrong characters.
 */
export function decodeCsv(content: Buffer): { text: string; encoding: 'utf-8' | 'gbk' } {
  if (content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(content.subarray(3)), encoding: 'utf-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(content), encoding: 'utf-8' };
  } catch {
    /* not UTF-8 */
  }
  try {
    const text = new TextDecoder('gbk', { fatal: true }).decode(content);
    if (/[\u4e00-\u9fff]/.test(text)) return { text, encoding: 'gbk' };
  } catch {
    /* not GBK either */
  }
  throw invalid('import_encoding_unknown', 'The CSV file is neither UTF-8 nor GBK text; save it as "CSV UTF-8" (or as .xlsx) and upload it again.');
}

/** A cell as text; a date cell as its wall time (Excel keeps no zone: the centre's is meant). */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 19).replace('T', ' ');
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in v) return String((v as { text: unknown }).text);
    if ('error' in v) return '';
    return '';
  }
  return String(v);
}

const delimiterOf = (firstLine: string) => {
  const count = (c: string) => firstLine.split(c).length - 1;
  const [best] = [',', '\t', ';'].sort((a, b) => count(b) - count(a));
  return count(best!) > 0 ? best! : ',';
};

/** Reads the first worksheet (or the CSV) into rows of the template's columns. */
export async function readSheet(content: Buffer, fileName: string): Promise<Sheet> {
  if (content.length === 0) throw invalid('import_empty', 'The file is empty.');
  if (content.length > MAX_IMPORT_BYTES) throw new DomainError('import_file_too_large', `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it.`, 413);
  const format = detectFormat(content, fileName);
  const wb = new ExcelJS.Workbook();
  let ws: ExcelJS.Worksheet | undefined;
  let encoding: string | null = null;
  if (format === 'xlsx') {
    try {
      await wb.xlsx.load(content as unknown as ArrayBuffer);
    } catch {
      throw unsupported(fileName);
    }
    ws = wb.worksheets[0];
  } else {
    const { text, encoding: enc } = decodeCsv(content);
    encoding = enc;
    const firstLine = text.slice(0, text.search(/\r?\n|$/));
    ws = await wb.csv.read(Readable.from([text]), {
      map: (v: unknown) => v, // every cell as the text it is (a phone number keeps its leading zero)
      parserOptions: { delimiter: delimiterOf(firstLine), relaxColumnCountLess: true, relaxColumnCountMore: true },
    } as never);
  }
  if (!ws || ws.rowCount === 0) throw invalid('import_empty', 'The file holds no rows.');
  const header = ws.getRow(1);
  const columns = new Map<number, ImportColumn>();
  const ignoredColumns: string[] = [];
  const seen = new Set<ImportColumn>();
  header.eachCell({ includeEmpty: false }, (cell, col) => {
    const h = cellText(cell.value).trim();
    if (!h) return;
    const key = columnOfHeader(h);
    if (!key || seen.has(key)) ignoredColumns.push(h);
    else {
      columns.set(col, key);
      seen.add(key);
    }
  });
  const missing = (['receivedAt', 'name', 'subject', 'description'] as const).filter((k) => !seen.has(k));
  if (missing.length > 0)
    throw invalid('import_columns_missing', `The header row (row 1) lacks the column(s) ${missing.join(', ')}; download the template to see the headers.`, { missing, ignoredColumns });
  const rows: SheetRow[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: SheetRow['cells'] = {};
    let any = false;
    for (const [col, key] of columns) {
      const v = cellText(row.getCell(col).value).trim();
      if (v) {
        cells[key] = v;
        any = true;
      }
    }
    if (!any) continue; // blank lines between records
    rows.push({ rowNo: r, cells });
    if (rows.length > MAX_IMPORT_ROWS)
      throw new DomainError('import_too_many_rows', `The file holds more than ${MAX_IMPORT_ROWS} records; split it into files of at most ${MAX_IMPORT_ROWS}.`, 413, { max: MAX_IMPORT_ROWS });
  }
  if (rows.length === 0) throw invalid('import_empty', 'The file holds a header row and no records.');
  return { format, encoding, rows, ignoredColumns };
}
