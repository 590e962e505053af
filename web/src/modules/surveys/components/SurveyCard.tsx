import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CaseView, SurveyView } from '../../../types.ts';
import { useCan } from '../../auth/hooks.ts';
import { useNow } from '../../cases/components/CaseTable.tsx';
import { Badge } from '../../../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { formatTime } from '../../../ui/format.ts';
import { caseSurveys, shownSurveyState } from '../api.ts';
import { RecoveryTaskItem } from './RecoveryTasks.tsx';

const DIMENSIONS = ['attitude', 'speed', 'solution', 'completeness'] as const;

function SurveyItem({ s, now }: { s: SurveyView; now: number }) {
  const { t, i18n } = useTranslation();
  const state = shownSurveyState(s, now);
  return (
    <li className="survey" data-id={s.id} data-status={state}>
      <div className="consultation-head">
        <strong>{t('surveys.issued', { time: formatTime(s.issuedAt, i18n.language) })}</strong>
        <Badge kind={`survey-${state}`}>
          <span className="survey-state" data-state={state}>
            {t(`surveys.state.${state}`)}
          </span>
        </Badge>
      </div>
      {s.status === 'not_sent' && <p className="muted small">{t(`surveys.notSent.${s.notSentReason ?? 'no_email'}`)}</p>}
      {s.status === 'pending' && state === 'pending' && <p className="muted small">{t('surveys.expiresAt', { time: formatTime(s.expiresAt, i18n.language) })}</p>}
      {s.status === 'answered' && (
        <>
          <p className="survey-score">
            <span className={`survey-band survey-band-${s.band}`} data-band={s.band}>
              {t('surveys.csatOf', { score: s.csat, scale: s.scale })} · {t(`surveys.band.${s.band}`)}
            </span>
            {s.nps !== null && <span className="muted"> · NPS {s.nps}</span>}
          </p>
          {DIMENSIONS.some((d) => s[d] !== null) && (
            <p className="muted small">{DIMENSIONS.filter((d) => s[d] !== null).map((d) => `${t(`surveys.dimension.${d}`)} ${s[d]}`).join(' · ')}</p>
          )}
          {s.comment && <blockquote className="survey-comment">{s.comment}</blockquote>}
          <p className="muted small">{t('surveys.answeredAt', { time: formatTime(s.answeredAt, i18n.language) })}</p>
        </>
      )}
    </li>
  );
}

/** The case page's card: the case's surveys (newest first), scores and comments, and the recovery of a low score. */
export function CaseSurveys({ c }: { c: CaseView }) {
  const { t } = useTranslation();
  const can = useCan();
  const now = useNow();
  const allowed = can('survey.read');
  const q = useQuery({ queryKey: ['surveys', 'case', c.id, c.status], queryFn: () => caseSurveys(c.id), enabled: allowed });
  if (!allowed) return null;
  return (
    <section className="card surveys" aria-labelledby="surveys-title">
      <h2 id="surveys-title">{t('surveys.cardTitle')}</h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.surveys.length === 0 ? (
        <p className="muted">{t('surveys.none')}</p>
      ) : (
        <ul className="consultation-list">
          {q.data.surveys.map((s) => (
            <SurveyItem key={s.id} s={s} now={now} />
          ))}
        </ul>
      )}
      {q.data && q.data.recoveryTasks.length > 0 && (
        <>
          <h3>{t('surveys.recoveryTitle')}</h3>
          <ul className="consultation-list">
            {q.data.recoveryTasks.map((r) => (
              <RecoveryTaskItem key={r.id} r={r} now={now} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
