export { IMPORT_COLUMNS, columnOfHeader, templateFile, type ImportColumn } from './import-columns.ts';
export { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, readSheet, type ImportFormat } from './import-read.ts';
export { parseReceivedAt, type RowError } from './import-rows.ts';
export {
  commitImport,
  dryRunImport,
  errorReportCsv,
  getImport,
  importErrorReport,
  listImports,
  type ImportJobView,
  type ImportSummary,
  type RowResult,
  type UploadedFile,
} from './import.service.ts';
export * from './import.schemas.ts';
export type { ImportJobsTable, ImportRowsTable } from './import.table.ts';
