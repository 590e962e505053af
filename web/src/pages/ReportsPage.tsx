import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import {
  cellText,
  formatChange,
  formatFigure,
  generateReport,
  getReport,
  getSubscription,
  listReports,
  putSubscription,
  REPORT_KINDS,
  reportFileUrl,
  type DigestSubscription,
  type Lang,
  type ReportKind,
  type ReportView,
} from '../modules/reports/api.ts';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

/** 报表 (SPEC 8): the reports generated, generating one for a period, a report's sections, its exports; the digest subscription. */
export function ReportsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const { id } = useParams();
  if (!can('report.read')) return <Forbidden title={t('reports.forbiddenTitle')} message={t('reports.forbidden')} />;
  return (
    <section className="reports-page">
      <div className="page-head">
        <h1>{t('reports.title')}</h1>
      </div>
      <p className="muted">{t('reports.intro')}</p>
      {id ? <ReportDetail id={id} /> : <ReportList />}
    </section>
  );
}

function ReportList() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [kind, setKind] = useState<ReportKind>('monthly');
  const [period, setPeriod] = useState('');
  const list = useQuery({ queryKey: ['reports', 'list'], queryFn: () => listReports() });
  const generate = useMutation({
    mutationFn: () => generateReport({ kind, ...(period.trim() ? { period: period.trim() } : {}) }),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: ['reports'] });
      void navigate(`/reports/${r.id}`);
    },
  });
  const lang: Lang = (i18n.resolvedLanguage ?? i18n.language).startsWith('en') ? 'en' : 'zh';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    generate.mutate();
  };
  return (
    <>
      {can('report.generate') && (
        <form className="card filters" onSubmit={submit} aria-label={t('reports.generate')}>
          <label>
            {t('reports.kind')}
            <select name="reportKind" value={kind} onChange={(e) => setKind(e.target.value as ReportKind)}>
              {REPORT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`reports.kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('reports.period')}
            <input name="reportPeriod" value={period} placeholder={t(`reports.periodHint.${kind}`)} onChange={(e) => setPeriod(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={generate.isPending}>
            {t('reports.generate')}
          </button>
          {generate.error && <ErrorMessage error={generate.error} />}
        </form>
      )}
      {can('report.subscribe') && <Subscription />}
      {list.isLoading && <Loading />}
      {list.error && <ErrorMessage error={list.error} />}
      {list.data && (
        <table className="table reports-list">
          <thead>
            <tr>
              <th>{t('reports.report')}</th>
              <th>{t('reports.version')}</th>
              <th>{t('reports.generatedAt')}</th>
              <th>{t('reports.generatedBy')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  {t('reports.none')}
                </td>
              </tr>
            )}
            {list.data.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/reports/${r.id}`}>{r.title[lang]}</Link>
                </td>
                <td>
                  v{r.version}
                  {r.superseded && <span className="muted"> ({t('reports.superseded')})</span>}
                </td>
                <td>{formatTime(r.generatedAt, i18n.language)}</td>
                <td>{r.generatedBy?.name ?? t(`reports.source.${r.source}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Subscription() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const sub = useQuery({ queryKey: ['reports', 'subscription'], queryFn: getSubscription });
  const save = useMutation({ mutationFn: (s: DigestSubscription) => putSubscription(s), onSuccess: (s) => qc.setQueryData(['reports', 'subscription'], s) });
  if (!sub.data) return sub.error ? <ErrorMessage error={sub.error} /> : null;
  const current = sub.data;
  return (
    <fieldset className="card digest-subscription">
      <legend>{t('reports.digests')}</legend>
      {(['daily', 'weekly'] as const).map((k) => (
        <label key={k} className="checkbox">
          <input type="checkbox" name={`digest-${k}`} checked={current[k]} disabled={save.isPending} onChange={(e) => save.mutate({ ...current, [k]: e.target.checked })} />
          {t(`reports.digest.${k}`)}
        </label>
      ))}
      {save.error && <ErrorMessage error={save.error} />}
    </fieldset>
  );
}

function ReportDetail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const q = useQuery({ queryKey: ['reports', 'one', id], queryFn: () => getReport(id) });
  const lang: Lang = (i18n.resolvedLanguage ?? i18n.language).startsWith('en') ? 'en' : 'zh';
  if (q.isLoading) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  const r = q.data as ReportView;
  const c = r.content;
  return (
    <article className="report">
      <p>
        <Link to="/reports">← {t('reports.back')}</Link>
      </p>
      <h2>{c.title[lang]}</h2>
      <p className="muted">
        {t('reports.meta', { version: r.version, at: formatTime(r.generatedAt, i18n.language), asOf: formatTime(c.asOf, i18n.language), prior: c.prior.key })}
      </p>
      <p className="actions">
        <a className="button" href={reportFileUrl(id, 'export.xlsx', lang)} download>
          {t('reports.xlsx')}
        </a>
        <a className="button" href={reportFileUrl(id, 'export.pdf', lang)} download>
          {t('reports.pdf')}
        </a>
        <a className="button" href={reportFileUrl(id, 'print', lang)} target="_blank" rel="noreferrer">
          {t('reports.print')}
        </a>
      </p>
      {c.sections.map((s) => (
        <section key={s.key} className="card report-section" data-section={s.key}>
          <h3>{s.title[lang]}</h3>
          <table className="table">
            <thead>
              <tr>
                <th>{t('reports.indicator')}</th>
                <th className="num">{t('reports.current')}</th>
                <th className="num">{t('reports.prior')}</th>
                <th className="num">{t('reports.change')}</th>
              </tr>
            </thead>
            <tbody>
              {s.figures.map((f) => (
                <tr key={f.key} data-key={f.key}>
                  <td>{f.label[lang]}</td>
                  <td className="num">{formatFigure(f.unit, f.value, lang)}</td>
                  <td className="num">{formatFigure(f.unit, f.prior, lang)}</td>
                  <td className="num">{formatChange(f.unit, f.delta, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.tables.map((tb) => (
            <div key={tb.key}>
              <h4>{tb.title[lang]}</h4>
              <table className="table">
                <thead>
                  <tr>
                    {tb.columns.map((col, i) => (
                      <th key={i} className={col.unit ? 'num' : undefined}>
                        {col.label[lang]}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {tb.rows.length === 0 && (
                    <tr>
                      <td colSpan={tb.columns.length} className="muted">
                        {t('reports.noRows')}
                      </td>
                    </tr>
                  )}
                  {tb.rows.map((row, i) => (
                    <tr key={i}>
                      {row.map((cell, j) => (
                        <td key={j} className={tb.columns[j]?.unit ? 'num' : undefined}>
                          {cellText(cell, tb.columns[j]?.unit, lang)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </section>
      ))}
    </article>
  );
}
