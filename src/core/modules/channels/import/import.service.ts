import type { Ctx } from '../../../context.ts';
import type { Database } from '../../../db/database.ts';
import { appendRow } from '../../../db/commit-buffer.ts';
import type { Actor } from '../../../shared/actor.ts';
import { DomainError, forbidden, notFound } from '../../../shared/errors.ts';
import { newId, sha256 } from '../../../shared/ids.ts';
import { recordAudit } from '../../audit/index.ts';
import { createCase, insertEvents } from '../../cases/index.ts';
import { settleHistoricalTargets } from '../../commitments/index.ts';
import { IMPORT_COLUMNS, columnLabel } from './import-columns.ts';
import { readSheet, type ImportFormat } from './import-read.ts';
import { prepareRow, type Lookups, type PreparedRow, type RowError } from './import-rows.ts';

export interface UploadedFile {
  name: string;
  content: Buffer;
}

export type RowStatus = 'ok' | 'created' | 'duplicate' | 'invalid';

/** One row's outcome; only rows that are not simply fine are listed (the counts cover the rest). */
export interface RowResult {
  row: number;
  status: RowStatus;
  errors: RowError[];
  /** duplicate: the case made when the record was imported before; created: the new case */
  caseId: string | null;
  caseNumber: string | null;
}

export interface ImportSummary {
  fileName: string;
  format: ImportFormat;
  encoding: string | null;
  ignoredColumns: string[];
  totalRows: number;
  /** dry run: rows that would be created; commit: rows created */
  created: number;
  /** imported before (by this or another file), or twice in this file */
  skipped: number;
  failed: number;
  rows: RowResult[];
}

export interface ImportJobView {
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

/** Intakes in flight at once: the intake batcher takes up to 64 into one transaction, so a few batches' worth keeps it busy. */
const IN_FLIGHT = 256;

/** Only staff with case.import reach here (the route's permission); the service checks it is staff all the same. */
function requireStaff(actor: Actor): void {
  if (actor.kind !== 'staff') throw forbidden('Only staff import records.');
}

async function lookups(ctx: Ctx): Promise<Lookups> {
  const cats = await ctx.db.selectFrom('categories').select(['id', 'parent_id', 'code', 'name', 'name_en']).execute();
  const byId = new Map(cats.map((c) => [c.id, c]));
  const categories = new Map<string, string>();
  const path = (c: (typeof cats)[number], lang: 'name' | 'name_en' | 'code'): string => {
    const p = c.parent_id ? byId.get(c.parent_id) : undefined;
    return (p ? `${path(p, lang)}/` : '') + c[lang].toLowerCase();
  };
  for (const c of cats)
    for (const k of ['code', 'name', 'name_en'] as const) {
      // a bare name may be ambiguous under two parents: the first keeps it, the path always works
      if (!categories.has(c[k].toLowerCase())) categories.set(c[k].toLowerCase(), c.id);
      categories.set(path(c, k), c.id);
    }
  const users = await ctx.db.selectFrom('users').select(['id', 'email', 'role']).where('active', '=', 1).execute();
  const staff = new Map(users.filter((u) => u.role !== 'customer' && u.role !== 'integration').map((u) => [u.email.toLowerCase(), u.id]));
  return { categories, staff, now: ctx.clock.now(), timeZone: ctx.config.timeZone };
}

/** The cases already made from these keys (by any earlier import). */
async function knownKeys(ctx: Ctx, keys: string[]): Promise<Map<string, { caseId: string; number: string }>> {
  const out = new Map<string, { caseId: string; number: string }>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('import_rows')
      .innerJoin('cases', 'cases.id', 'import_rows.case_id')
      .select(['import_rows.idem_key', 'cases.id', 'cases.number'])
      .where('import_rows.idem_key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.idem_key!, { caseId: r.id, number: r.number });
  }
  return out;
}

interface Checked {
  sheet: Awaited<ReturnType<typeof readSheet>>;
  results: RowResult[];
  /** rows to create, in file order */
  todo: PreparedRow[];
}

const duplicate = (row: number, code: string, message: string, known?: { caseId: string; number: string }): RowResult => ({
  row,
  status: 'duplicate',
  errors: [{ column: null, code, message }],
  caseId: known?.caseId ?? null,
  caseNumber: known?.number ?? null,
});

/** Reads and checks the whole file, without writing: each row fine, a duplicate, or invalid with its errors. */
async function check(ctx: Ctx, file: UploadedFile): Promise<Checked> {
  const sheet = await readSheet(file.content, file.name);
  const l = await lookups(ctx);
  const prepared = sheet.rows.map((r) => ({ rowNo: r.rowNo, p: prepareRow(r, l) }));
  const keys = prepared.flatMap(({ p }) => ('ok' in p ? [p.ok.key] : []));
  const known = await knownKeys(ctx, [...new Set(keys)]);
  const results: RowResult[] = [];
  const todo: PreparedRow[] = [];
  const firstInFile = new Map<string, number>();
  for (const { rowNo, p } of prepared) {
    if ('errors' in p) {
      results.push({ row: rowNo, status: 'invalid', errors: p.errors, caseId: null, caseNumber: null });
      continue;
    }
    const k = known.get(p.ok.key);
    if (k) {
      results.push(duplicate(rowNo, 'import_already_imported', `This record was imported before, as case ${k.number}.`, k));
      continue;
    }
    const first = firstInFile.get(p.ok.key);
    if (first !== undefined) {
      results.push(duplicate(rowNo, 'import_duplicate_in_file', `The same record (external reference or content) as row ${first}.`));
      continue;
    }
    firstInFile.set(p.ok.key, rowNo);
    results.push({ row: rowNo, status: 'ok', errors: [], caseId: null, caseNumber: null });
    todo.push(p.ok);
  }
  return { sheet, results, todo };
}

function summary(file: UploadedFile, c: Checked): ImportSummary {
  const count = (s: RowStatus) => c.results.filter((r) => r.status === s).length;
  return {
    fileName: file.name,
    format: c.sheet.format,
    encoding: c.sheet.encoding,
    ignoredColumns: c.sheet.ignoredColumns,
    totalRows: c.sheet.rows.length,
    created: count('ok') + count('created'),
    skipped: count('duplicate'),
    failed: count('invalid'),
    rows: c.results.filter((r) => r.status !== 'ok' && r.status !== 'created'),
  };
}

/** The dry run: every row checked as the commit would, nothing written. */
export async function dryRunImport(ctx: Ctx, file: UploadedFile, actor: Actor): Promise<ImportSummary> {
  requireStaff(actor);
  return summary(file, await check(ctx, file));
}

type Outcome = { row: number; status: 'created'; caseId: string; caseNumber: string } | RowResult;

async function importRow(ctx: Ctx, jobId: string, p: PreparedRow, actor: Actor): Promise<Outcome> {
  try {
    const r = await createCase(ctx, p.input, actor, undefined, {
      ...(p.receivedBy ? { receivedBy: p.receivedBy } : {}),
      inTransaction: async (trx, c) => {
        const now = ctx.clock.now();
        // appended: written after the case's row, with the batch's others (a key taken meanwhile fails this intake alone: see importRow's catch)
        await appendRow(trx, 'import_rows', { job_id: jobId, row_no: p.rowNo, outcome: 'created', idem_key: p.key, case_id: c.id, errors: null, created_at: now });
        await insertEvents(ctx, trx, c.id, actor, [
          {
            type: 'imported',
            visibility: 'internal',
            data: { importId: jobId, row: p.rowNo, sourceChannel: p.sourceChannel, externalRef: c.external_ref, receivedBy: c.received_by },
          },
        ]);
        // historical: deadlines already past are recorded as breached, without escalation or notice (commitments/historical.ts)
        await settleHistoricalTargets(ctx, trx, c.id, now);
      },
    });
    return { row: p.rowNo, status: 'created', caseId: r.case.id, caseNumber: r.case.number };
  } catch (err) {
    if (ctx.ops.isUniqueViolation(err)) {
      // the same record, imported at the same moment by another upload
      const k = (await knownKeys(ctx, [p.key])).get(p.key);
      if (k) return duplicate(p.rowNo, 'import_already_imported', `This record was imported before, as case ${k.number}.`, k);
    }
    if (err instanceof DomainError) return { row: p.rowNo, status: 'invalid', errors: [{ column: null, code: err.code, message: err.message }], caseId: null, caseNumber: null };
    throw err;
  }
}

/**
 * The commit: the rows checked as in the dry run, each valid new one made a case through intake
 * (createCase: customer found or made by phone/email, classification, priority, routing,
 * commitments from the original time, audit), many at once through the intake's group commit;
 * each case and its import row commit together, so a record is never imported twice and one
 * that failed takes nothing else with it. The job keeps the outcome of every row.
 */
export async function commitImport(ctx: Ctx, file: UploadedFile, actor: Actor): Promise<ImportSummary & { jobId: string }> {
  requireStaff(actor);
  const checked = await check(ctx, file);
  const jobId = newId();
  const startedAt = ctx.clock.now();
  await ctx.db
    .insertInto('import_jobs')
    .values({
      id: jobId,
      file_name: file.name,
      format: checked.sheet.format,
      file_sha256: sha256(file.content),
      status: 'running',
      total_rows: checked.sheet.rows.length,
      created_count: 0,
      skipped_count: 0,
      failed_count: 0,
      created_by: actor.id,
      created_at: startedAt,
      finished_at: null,
    })
    .execute();

  const byRow = new Map(checked.results.map((r) => [r.row, r]));
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async () => {
    // after a failure no row is started (the request answers with it; nothing goes on behind it)
    while (!failure && next < checked.todo.length) {
      const p = checked.todo[next++]!;
      try {
        const o = await importRow(ctx, jobId, p, actor);
        byRow.set(o.row, { errors: [], ...o } as RowResult);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, checked.todo.length) }, worker));
  if (failure) {
    // a failure of the database itself, once the rows in flight have settled: what was created stays (with its rows), counted; importing the file again does the rest
    const created = [...byRow.values()].filter((r) => r.status === 'created').length;
    await ctx.db.updateTable('import_jobs').set({ status: 'interrupted', created_count: created, finished_at: ctx.clock.now() }).where('id', '=', jobId).execute();
    throw (failure as { err: unknown }).err;
  }
  const results = [...byRow.values()].sort((a, b) => a.row - b.row);
  const out = summary(file, { ...checked, results });
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const rest = out.rows.map((r) => ({
      job_id: jobId,
      row_no: r.row,
      outcome: r.status === 'duplicate' ? 'skipped' : 'failed',
      idem_key: null,
      case_id: r.caseId,
      errors: JSON.stringify(r.errors),
      created_at: now,
    }));
    for (let i = 0; i < rest.length; i += 500) await trx.insertInto('import_rows').values(rest.slice(i, i + 500)).execute();
    await trx
      .updateTable('import_jobs')
      .set({ status: 'completed', created_count: out.created, skipped_count: out.skipped, failed_count: out.failed, finished_at: now })
      .where('id', '=', jobId)
      .execute();
    await recordAudit(ctx, trx, {
      actor,
      action: 'case.import',
      targetType: 'import_job',
      targetId: jobId,
      after: { fileName: file.name, format: out.format, totalRows: out.totalRows, created: out.created, skipped: out.skipped, failed: out.failed },
    });
  });
  return { ...out, jobId };
}

const jobView = (j: Database['import_jobs'] & { user_name: string | null }): ImportJobView => ({
  id: j.id,
  fileName: j.file_name,
  format: j.format,
  status: j.status,
  totalRows: j.total_rows,
  created: j.created_count,
  skipped: j.skipped_count,
  failed: j.failed_count,
  createdBy: j.created_by,
  createdByName: j.user_name,
  createdAt: j.created_at,
  finishedAt: j.finished_at,
});

const jobs = (ctx: Ctx) => ctx.db.selectFrom('import_jobs').leftJoin('users', 'users.id', 'import_jobs.created_by').selectAll('import_jobs').select('users.name as user_name');

/** The import history, newest first. */
export async function listImports(ctx: Ctx, q: { limit: number }): Promise<ImportJobView[]> {
  const rows = await jobs(ctx).orderBy('import_jobs.created_at', 'desc').orderBy('import_jobs.id', 'desc').limit(q.limit).execute();
  return rows.map(jobView);
}

/** One import with the rows that were skipped or failed (and the case of each skipped one). */
export async function getImport(ctx: Ctx, id: string): Promise<ImportJobView & { rows: RowResult[] }> {
  const j = await jobs(ctx).where('import_jobs.id', '=', id).executeTakeFirst();
  if (!j) throw notFound('import', id);
  const rows = await ctx.db
    .selectFrom('import_rows')
    .leftJoin('cases', 'cases.id', 'import_rows.case_id')
    .select(['import_rows.row_no', 'import_rows.outcome', 'import_rows.case_id', 'import_rows.errors', 'cases.number'])
    .where('import_rows.job_id', '=', id)
    .where('import_rows.outcome', '!=', 'created')
    .orderBy('import_rows.row_no')
    .execute();
  return {
    ...jobView(j),
    rows: rows.map((r) => ({
      row: r.row_no,
      status: r.outcome === 'skipped' ? 'duplicate' : 'invalid',
      errors: r.errors ? (JSON.parse(r.errors) as RowError[]) : [],
      caseId: r.case_id,
      caseNumber: r.number ?? null,
    })),
  };
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The error report of an import (or of a dry run's result): one line per error, CSV with a BOM (Excel opens it as UTF-8). */
export function errorReportCsv(rows: RowResult[], lang: 'zh' | 'en'): Buffer {
  const head = lang === 'zh' ? ['行号', '列', '结果', '代码', '说明', '已有工单'] : ['Row', 'Column', 'Outcome', 'Code', 'Message', 'Existing case'];
  const lines = [head];
  for (const r of rows)
    for (const e of r.errors.length ? r.errors : [{ column: null, code: '', message: '' }])
      lines.push([String(r.row), e.column ? columnLabel(e.column, lang) : '', r.status === 'duplicate' ? (lang === 'zh' ? '跳过' : 'skipped') : lang === 'zh' ? '失败' : 'failed', e.code, e.message, r.caseNumber ?? '']);
  return Buffer.from(`\uFEFF${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`, 'utf8');
}

export async function importErrorReport(ctx: Ctx, id: string, lang: 'zh' | 'en'): Promise<{ fileName: string; content: Buffer }> {
  const j = await getImport(ctx, id);
  return { fileName: `${j.fileName.replace(/\.[^.]+$/, '')}-errors.csv`, content: errorReportCsv(j.rows, lang) };
}

export { IMPORT_COLUMNS };
