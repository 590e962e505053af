import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { errorReportUrl, listImports, rowsCsv, templateUrl, uploadImport, type ImportRowResult, type ImportSummary } from '../modules/import/api.ts';
import { ApiError } from '../api.ts';
import { errorText } from '../i18n/api-errors.ts';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

/**
 * Bulk import of offline records (SPEC 1): the template, the upload with a dry run showing every
 * row's errors, the commit, and the history with each import's error report. Leads and admins.
 */
export function ImportPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<{ dryRun: boolean; summary: ImportSummary } | null>(null);
  const allowed = can('case.import');
  const history = useQuery({ queryKey: ['imports'], queryFn: listImports, enabled: allowed });
  const run = useMutation({
    mutationFn: ({ f, dryRun }: { f: File; dryRun: boolean }) => uploadImport(f, dryRun),
    onSuccess: (summary, { dryRun }) => {
      setResult({ dryRun, summary });
      if (!dryRun) void qc.invalidateQueries({ queryKey: ['imports'] });
    },
    onError: () => setResult(null),
  });
  if (!allowed) return <Forbidden title={t('import.forbiddenTitle')} message={t('import.forbidden')} />;

  const columnName = (c: string | null) => (c ? t(`import.columns.${c}`, { defaultValue: c }) : '');
  const outcome = (r: ImportRowResult) => t(`import.status.${r.status}`);
  const message = (e: { code: string; message: string }) => errorText(new ApiError(422, e.code, e.message), t);
  const download = () => {
    if (!result) return;
    const head = [t('import.row'), t('import.column'), t('import.outcome'), t('import.code'), t('import.message'), t('import.existingCase')];
    const url = URL.createObjectURL(rowsCsv(result.summary.rows, head, outcome, columnName));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${result.summary.fileName.replace(/\.[^.]+$/, '')}-errors.csv`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const s = result?.summary;
  return (
    <section className="import-page">
      <div className="page-head">
        <h1>{t('import.title')}</h1>
      </div>
      <p className="muted">{t('import.intro')}</p>

      <section className="card" aria-label={t('import.template')}>
        <h2>{t('import.template')}</h2>
        <p className="actions">
          <a href={templateUrl('xlsx', 'zh')} download>{t('import.templateXlsxZh')}</a> · <a href={templateUrl('xlsx', 'en')} download>{t('import.templateXlsxEn')}</a> ·{' '}
          <a href={templateUrl('csv', 'zh')} download>{t('import.templateCsvZh')}</a> · <a href={templateUrl('csv', 'en')} download>{t('import.templateCsvEn')}</a>
        </p>
      </section>

      <section className="card" aria-label={t('import.file')}>
        <label>
          {t('import.file')}
          <input
            type="file"
            name="file"
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setResult(null);
              run.reset();
            }}
          />
        </label>
        <p className="actions">
          <button type="button" className="secondary" disabled={!file || run.isPending} onClick={() => file && run.mutate({ f: file, dryRun: true })}>
            {run.isPending && run.variables?.dryRun ? t('import.checking') : t('import.dryRun')}
          </button>
          <button type="button" disabled={!file || run.isPending || !result?.dryRun || result.summary.created === 0} onClick={() => file && run.mutate({ f: file, dryRun: false })}>
            {run.isPending && !run.variables?.dryRun ? t('import.importing') : t('import.commit')}
          </button>
        </p>
        {run.error && <ErrorMessage error={run.error} />}
        {s && (
          <div className="import-result" data-testid="import-result">
            <p role="status">
              {t(result!.dryRun ? 'import.summary' : 'import.committed', { total: s.totalRows, created: s.created, skipped: s.skipped, failed: s.failed })}
            </p>
            {s.ignoredColumns.length > 0 && <p className="muted">{t('import.ignored', { columns: s.ignoredColumns.join(', ') })}</p>}
            {s.rows.length === 0 ? (
              <p>{t('import.allValid')}</p>
            ) : (
              <>
                <p>
                  {result!.dryRun || !s.jobId ? (
                    <button type="button" className="link" onClick={download}>
                      {t('import.downloadErrors')}
                    </button>
                  ) : (
                    <a href={errorReportUrl(s.jobId, lang)} download>
                      {t('import.downloadErrors')}
                    </a>
                  )}
                </p>
                <table className="table import-errors">
                  <thead>
                    <tr>
                      <th>{t('import.row')}</th>
                      <th>{t('import.outcome')}</th>
                      <th>{t('import.column')}</th>
                      <th>{t('import.message')}</th>
                      <th>{t('import.existingCase')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.rows.flatMap((r) =>
                      r.errors.map((e, i) => (
                        <tr key={`${r.row}-${i}`} data-row={r.row}>
                          <td>{r.row}</td>
                          <td>{outcome(r)}</td>
                          <td>{columnName(e.column)}</td>
                          <td title={e.code}>{message(e)}</td>
                          <td>{r.caseId ? <Link to={`/cases/${r.caseId}`}>{r.caseNumber}</Link> : null}</td>
                        </tr>
                      )),
                    )}
                  </tbody>
                </table>
              </>
            )}
          </div>
        )}
      </section>

      <section className="card" aria-label={t('import.history')}>
        <h2>{t('import.history')}</h2>
        {history.isPending ? (
          <Loading />
        ) : history.error ? (
          <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
        ) : history.data.length === 0 ? (
          <p className="muted">{t('import.noHistory')}</p>
        ) : (
          <table className="table import-history">
            <thead>
              <tr>
                <th>{t('import.when')}</th>
                <th>{t('import.who')}</th>
                <th>{t('import.fileName')}</th>
                <th>{t('import.jobStatus')}</th>
                <th>{t('import.counts')}</th>
                <th>{t('import.report')}</th>
              </tr>
            </thead>
            <tbody>
              {history.data.map((j) => (
                <tr key={j.id}>
                  <td>{formatTime(j.createdAt, i18n.language)}</td>
                  <td>{j.createdByName ?? j.createdBy}</td>
                  <td>{j.fileName}</td>
                  <td>{t(`import.jobStatuses.${j.status}`, { defaultValue: j.status })}</td>
                  <td>
                    {j.created} / {j.skipped} / {j.failed}
                  </td>
                  <td>{j.skipped + j.failed > 0 ? <a href={errorReportUrl(j.id, lang)} download>{t('import.downloadErrors')}</a> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
