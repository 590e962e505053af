import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan, useMe } from '../modules/auth/hooks.ts';
import { useNow } from '../modules/cases/components/CaseTable.tsx';
import { listRecoveryTasks, PERIOD_DAYS, surveyReport } from '../modules/surveys/api.ts';
import { RecoveryTaskItem } from '../modules/surveys/components/RecoveryTasks.tsx';
import { SurveyWaves } from '../modules/surveys/components/Waves.tsx';
import { authorityOf } from '../../../src/core/modules/users/roles.ts';
import type { SurveyReport } from '../types.ts';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { percent } from '../ui/format.ts';

const DAY = 86_400_000;
const DIMENSIONS = ['attitude', 'speed', 'solution', 'completeness'] as const;
const mean = (x: number | null) => (x === null ? '—' : x.toFixed(2));

function Tile({ name, label, value, sub }: { name: string; label: string; value: string | number; sub?: string }) {
  return (
    <div className="tile" data-figure={name}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      {sub && <div className="tile-sub muted">{sub}</div>}
    </div>
  );
}

/** SPEC 8's satisfaction figures over the surveys issued in the period. */
function ReportFigures({ r }: { r: SurveyReport }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="tiles">
        <Tile name="sent" label={t('surveys.report.sent')} value={r.sent} sub={t('surveys.report.notSent', { count: r.notSent })} />
        <Tile name="answered" label={t('surveys.report.answered')} value={r.answered} sub={`${t('surveys.report.responseRate')} ${percent(r.responseRate)}`} />
        <Tile name="csat" label={t('surveys.report.csat')} value={mean(r.csatMean)} sub={r.scale ? t('surveys.report.scale', { scale: r.scale }) : t('surveys.report.mixedScales')} />
        <Tile name="satisfied" label={t('surveys.band.satisfied')} value={percent(r.satisfiedShare)} sub={String(r.satisfied)} />
        <Tile name="neutral" label={t('surveys.band.neutral')} value={percent(r.neutralShare)} sub={String(r.neutral)} />
        <Tile name="dissatisfied" label={t('surveys.band.dissatisfied')} value={percent(r.dissatisfiedShare)} sub={String(r.dissatisfied)} />
        <Tile name="nps" label="NPS" value={r.nps === null ? '—' : r.nps.toFixed(1)} sub={t('surveys.report.npsAnswers', { count: r.npsAnswers })} />
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>{t('surveys.report.scaleCol')}</th>
            <th>{t('surveys.report.answered')}</th>
            <th>{t('surveys.report.csat')}</th>
            {DIMENSIONS.map((d) => (
              <th key={d}>{t(`surveys.dimension.${d}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {r.byScale.map((s) => (
            <tr key={s.scale} data-scale={s.scale}>
              <td>1–{s.scale}</td>
              <td>{s.answered}</td>
              <td>{mean(s.csatMean)}</td>
              {DIMENSIONS.map((d) => (
                <td key={d}>{mean(s.dimensions[d])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {r.periodic && (
        <p className="periodic-line" data-testid="periodic-line">
          {t('surveys.waves.reportLine', { sent: r.periodic.sent, answered: r.periodic.answered, rate: percent(r.periodic.responseRate), csat: mean(r.periodic.csatMean), nps: r.periodic.nps === null ? '—' : r.periodic.nps.toFixed(1) })}
        </p>
      )}
      <p className="muted small">{t('surveys.report.definition')}</p>
    </>
  );
}

/** 满意度: the report (leads, inspectors, admins) and the recovery tasks of low scores (supervisors and above). */
export function SurveysPage() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useMe().data;
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const days = (PERIOD_DAYS as readonly number[]).includes(Number(params.get('days'))) ? Number(params.get('days')) : 30;
  const [scope, setScope] = useState<'mine' | 'team' | 'all'>('mine');
  const [status, setStatus] = useState<'open' | 'closed' | 'all'>('open');
  const mayReport = can('survey.report');
  const mayRecover = can('survey.recovery');
  // the period's bounds on the minute, so the query key holds still between renders
  const to = Math.ceil(now / 60_000) * 60_000;
  const report = useQuery({ queryKey: ['surveys', 'report', days, Math.floor(to / 3_600_000)], queryFn: () => surveyReport({ from: to - days * DAY, to }), enabled: mayReport });
  const tasks = useQuery({ queryKey: ['surveys', 'recovery', scope, status], queryFn: () => listRecoveryTasks(scope, status), enabled: mayRecover });
  if (!mayReport && !mayRecover) return <Forbidden title={t('surveys.forbiddenTitle')} message={t('surveys.forbidden')} />;
  const scopes = authorityOf(me?.user.role ?? '') >= 3 ? (['mine', 'team', 'all'] as const) : (['mine', 'team'] as const);
  return (
    <section className="surveys-page">
      <div className="page-head">
        <h1>{t('surveys.pageTitle')}</h1>
        {mayReport && (
          <div className="segmented" role="group" aria-label={t('surveys.period')}>
            {PERIOD_DAYS.map((d) => (
              <button key={d} type="button" className={d === days ? 'active' : 'secondary'} aria-pressed={d === days} onClick={() => setParams(d === 30 ? {} : { days: String(d) })}>
                {t('surveys.days', { days: d })}
              </button>
            ))}
          </div>
        )}
      </div>
      {mayReport && (
        <section className="card" aria-label={t('surveys.reportTitle')}>
          <h2>{t('surveys.reportTitle')}</h2>
          {report.isPending ? <Loading /> : report.error ? <ErrorMessage error={report.error} onRetry={() => void report.refetch()} /> : <ReportFigures r={report.data} />}
        </section>
      )}
      {can('survey.wave.read') && <SurveyWaves />}
      {mayRecover && (
        <section className="card" aria-label={t('surveys.recoveryTitle')}>
          <h2>{t('surveys.recoveryTitle')}</h2>
          <form className="filters" onSubmit={(e) => e.preventDefault()}>
            <label>
              {t('surveys.scope')}
              <select name="recoveryScope" value={scope} onChange={(e) => setScope(e.target.value as typeof scope)}>
                {scopes.map((s) => (
                  <option key={s} value={s}>
                    {t(`surveys.scopes.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('surveys.statusFilter')}
              <select name="recoveryStatus" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
                {(['open', 'closed', 'all'] as const).map((s) => (
                  <option key={s} value={s}>
                    {t(`surveys.statuses.${s}`)}
                  </option>
                ))}
              </select>
            </label>
          </form>
          {tasks.isPending ? (
            <Loading />
          ) : tasks.error ? (
            <ErrorMessage error={tasks.error} onRetry={() => void tasks.refetch()} />
          ) : tasks.data.length === 0 ? (
            <p className="muted">{t('surveys.noRecovery')}</p>
          ) : (
            <ul className="consultation-list recovery-list">
              {tasks.data.map((r) => (
                <RecoveryTaskItem key={r.id} r={r} now={now} withCase />
              ))}
            </ul>
          )}
        </section>
      )}
    </section>
  );
}
