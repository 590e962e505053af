import { api, ApiError, withQuery } from '../../api.ts';

/** Bulk import of offline records (SPEC 1): import.routes.ts. */
export interface ImportRowResult {
  row: number;
  status: 'ok' | 'created' | 'duplicate' | 'invalid';
  errors: Array<{ column: string | null; code: string; message: string }>;
  caseId: string | null;
  caseNumber: string | null;
}

export interface ImportSummary {
  fileName: string;
  format: 'xlsx' | 'csv';
  encoding: string | null;
  ignoredColumns: string[];
  totalRows: number;
  created: number;
  skipped: number;
  failed: number;
  rows: ImportRowResult[];
  jobId?: string;
}

export interface ImportJob {
  id: string;
  fileName: string;
  format: string;
  status: string;
  totalRows: number;
  created: number;
  skipped: number;
  failed: number;
  createdBy: string;
  createdByName: string | null;
  createdAt: number;
  finishedAt: number | null;
}

export const templateUrl = (format: 'xlsx' | 'csv', lang: 'zh' | 'en') => withQuery('/api/v1/imports/template', { format, lang });
export const errorReportUrl = (id: string, lang: 'zh' | 'en') => withQuery(`/api/v1/imports/${encodeURIComponent(id)}/errors.csv`, { lang });
export const listImports = () => api<ImportJob[]>('/api/v1/imports');

/** Uploads the file as multipart (the JSON client cannot): a dry run, or the commit. */
export async function uploadImport(file: File, dryRun: boolean): Promise<ImportSummary> {
  const body = new FormData();
  body.append('file', file, file.name);
  let res: Response;
  try {
    res = await fetch(withQuery('/api/v1/imports', { dryRun: dryRun ? 'true' : undefined }), { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' }, body });
  } catch (err) {
    throw new ApiError(0, 'network_error', (err as Error).message);
  }
  const data = (await res.json().catch(() => null)) as (ImportSummary & { error?: { code?: string; message?: string; details?: unknown } }) | null;
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? `http_${res.status}`, data?.error?.message ?? `HTTP ${res.status}`, data?.error?.details);
  return data!;
}

/** A dry run's problems as a CSV the user can keep (the same columns as the server's error report). */
export function rowsCsv(rows: ImportRowResult[], head: string[], outcome: (r: ImportRowResult) => string, column: (c: string | null) => string): Blob {
  const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [head];
  for (const r of rows) for (const e of r.errors) lines.push([String(r.row), column(e.column), outcome(r), e.code, e.message, r.caseNumber ?? '']);
  return new Blob([`\uFEFF${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
}
