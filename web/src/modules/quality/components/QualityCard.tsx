import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../auth/hooks.ts';
import { Badge } from '../../../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { formatTime } from '../../../ui/format.ts';
import { caseQuality, startInspection } from '../api.ts';

/** The QA card of a case (SPEC 7): its automatic checks, and its inspections where the viewer may see them. */
export function CaseQualityCard({ caseId }: { caseId: string }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const allowed = can('quality.checks.read');
  const q = useQuery({ queryKey: ['quality', 'case', caseId], queryFn: () => caseQuality(caseId), enabled: allowed });
  const start = useMutation({
    mutationFn: () => startInspection(caseId),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['quality'] });
      await qc.invalidateQueries({ queryKey: ['case', caseId] });
    },
  });
  if (!allowed) return null;
  return (
    <section className="card quality-card" aria-label={t('quality.card.title')}>
      <h2>{t('quality.card.title')}</h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          <ul className="quality-checks">
            {q.data.checks.map((c) => (
              <li key={c.check} data-check={c.check} data-flagged={c.flagged}>
                <Badge kind={c.flagged ? 'breached' : 'met'}>{c.flagged ? t('quality.card.flagged') : t('quality.card.ok')}</Badge> {t(`quality.check.${c.check}`)}
                {c.findings.length > 0 && <span className="muted small"> · {c.findings.map((f) => f.detail).filter(Boolean).join('、')}</span>}
              </li>
            ))}
          </ul>
          {q.data.inspections.length > 0 && (
            <ul className="quality-scores">
              {q.data.inspections.map((i) => (
                <li key={i.id} data-inspection={i.id}>
                  {t('quality.card.score')}: <strong>{i.finalScore ?? '—'}</strong>
                  {i.finalScore !== i.score && <span className="muted small"> ({t('quality.card.original', { score: i.score })})</span>} <Badge kind={i.finalResult ?? 'pending'}>{t(`quality.result.${i.finalResult ?? 'pending'}`)}</Badge>
                  <span className="muted small">
                    {' '}
                    · {i.inspectorName} · {formatTime(i.submittedAt, i18n.language)}
                    {i.appealStatus && ` · ${t(`quality.appealStatus.${i.appealStatus}`)}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {q.data.mayInspect && (
            <div className="row-buttons">
              {start.data ? (
                <Link to={`/quality?inspection=${start.data.id}`}>{t('quality.card.scoreNow')}</Link>
              ) : (
                <button type="button" className="secondary" disabled={start.isPending} onClick={() => start.mutate()}>
                  {t('quality.card.inspect')}
                </button>
              )}
            </div>
          )}
          {start.error && <ErrorMessage error={start.error} />}
        </>
      )}
    </section>
  );
}
