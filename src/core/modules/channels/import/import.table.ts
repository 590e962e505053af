/**
 * Bulk import of offline records (SPEC 1): one row a file committed, and one row a record of it
 * with its outcome. No personal data is kept here (the cases hold it; an error names the row,
 * column and rule, never the cell's value), so erasure has nothing to redact in these tables.
 */
export interface ImportJobsTable {
  id: string;
  file_name: string;
  /** 'xlsx' or 'csv' */
  format: string;
  file_sha256: string;
  /** running, completed (a job left running was cut short: importing the file again finishes it) */
  status: string;
  total_rows: number;
  created_count: number;
  skipped_count: number;
  failed_count: number;
  created_by: string;
  created_at: number;
  finished_at: number | null;
}

export interface ImportRowsTable {
  job_id: string;
  /** The row's number in the sheet (the header is row 1). */
  row_no: number;
  /** created, skipped (imported before: case_id is that case), failed */
  outcome: string;
  /** Only on a created row, unique: the external reference, or a hash of the row (a record is imported once). */
  idem_key: string | null;
  case_id: string | null;
  /** JSON [{column, code, message}] of a failed or skipped row. */
  errors: string | null;
  created_at: number;
}
