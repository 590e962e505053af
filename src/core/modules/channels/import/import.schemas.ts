import { z } from 'zod';

/** The API contract of the import (SPEC 1, bulk import of offline records). */
export const importLang = z.enum(['zh', 'en']);
/** format has no default: a client names what it will receive (a workbook or CSV text, never JSON). */
export const templateQuery = z.strictObject({ format: z.enum(['xlsx', 'csv']), lang: importLang.default('zh') });
export const importUploadQuery = z.strictObject({ dryRun: z.enum(['true', 'false']).transform((v) => v === 'true').default(false) });
export const importListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const importParams = z.strictObject({ id: z.string().min(1).max(64) });
export const importReportQuery = z.strictObject({ lang: importLang.default('zh') });

const rowError = z.object({ column: z.string().nullable(), code: z.string(), message: z.string() });
export const rowResult = z.object({
  row: z.number().int(),
  status: z.enum(['ok', 'created', 'duplicate', 'invalid']),
  errors: z.array(rowError),
  caseId: z.string().nullable(),
  caseNumber: z.string().nullable(),
});
export const importSummary = z.object({
  fileName: z.string(),
  format: z.enum(['xlsx', 'csv']),
  encoding: z.string().nullable(),
  ignoredColumns: z.array(z.string()),
  totalRows: z.number().int(),
  created: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  rows: z.array(rowResult),
  jobId: z.string().optional(),
});
export const importJob = z.object({
  id: z.string(),
  fileName: z.string(),
  format: z.string(),
  status: z.string(),
  totalRows: z.number().int(),
  created: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  createdBy: z.string(),
  createdByName: z.string().nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
});
export const importJobDetail = importJob.extend({ rows: z.array(rowResult) });
