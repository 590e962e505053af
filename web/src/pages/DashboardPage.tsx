import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError } from '../api.ts';
import { useCan } from '../modules/auth/hooks.ts';
import { PERIODS, useSummary } from '../modules/dashboard/api.ts';
import { Figures } from '../modules/dashboard/components/Figures.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';

/** The supervisor dashboard (analytics.read): the last 30 or 90 days. */
export function DashboardPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const days = Number(params.get('days')) === 90 ? 90 : 30;
  const allowed = can('analytics.read');
  const q = useSummary(days, allowed);
  if (!allowed || (q.error instanceof ApiError && q.error.status === 403)) return <Forbidden title={t('dashboard.forbiddenTitle')} message={t('dashboard.forbidden')} />;
  return (
    <section>
      <div className="page-head">
        <h1>{t('dashboard.title')}</h1>
        <div className="segmented" role="group" aria-label={t('dashboard.period')}>
          {PERIODS.map((d) => (
            <button key={d} type="button" className={d === days ? 'active' : 'secondary'} aria-pressed={d === days} onClick={() => setParams(d === 30 ? {} : { days: String(d) })}>
              {t('dashboard.days', { days: d })}
            </button>
          ))}
        </div>
      </div>
      {q.isPending ? <Loading /> : q.error ? <ErrorMessage error={q.error} onRetry={() => void q.refetch()} /> : <Figures s={q.data} />}
    </section>
  );
}
