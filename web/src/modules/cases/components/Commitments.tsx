import { useTranslation } from 'react-i18next';
import { Badge } from '../../../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { formatMinutes, formatTime, pick } from '../../../ui/format.ts';
import { useCaseCommitments } from '../hooks.ts';

/** Each service commitment of the case: its deadline and time left, or when it was met or breached. */
export function Commitments({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useCaseCommitments(caseId);
  return (
    <section className="card commitments">
      <h2>{t('commitments.title')}</h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} />
      ) : q.data.targets.length === 0 ? (
        <p className="muted">{t('commitments.none')}</p>
      ) : (
        <ul className="targets">
          {q.data.targets.map((x) => {
            const time = formatMinutes(x.remainingMinutes, t);
            const line =
              x.state === 'met'
                ? t('commitments.metAt', { time: formatTime(x.metAt, lang) })
                : x.state === 'breached'
                  ? t('commitments.breachedAt', { time: formatTime(x.breachedAt, lang) })
                  : x.state === 'paused'
                    ? t('commitments.paused', { time })
                    : x.state === 'cancelled'
                      ? ''
                      : x.remainingMinutes < 0
                        ? t('commitments.overdue', { time })
                        : t('commitments.remaining', { time });
            return (
              <li key={x.id} className={`target target-${x.state}`}>
                <div className="target-head">
                  <strong>{pick(x.label, lang) ?? x.kind}</strong>
                  <Badge kind={x.state}>{t(`commitments.states.${x.state}`, { defaultValue: x.state })}</Badge>
                </div>
                {x.dueAt !== null && (
                  <div className="muted small">
                    {t('commitments.due')}: {formatTime(x.dueAt, lang)}
                  </div>
                )}
                {line && <div className="small">{line}</div>}
              </li>
            );
          })}
        </ul>
      )}
      {q.data && q.data.escalationLevel > 1 && <p className="warn small">{t('commitments.escalation', { level: q.data.escalationLevel })}</p>}
    </section>
  );
}
