import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CaseActions } from '../modules/cases/components/CaseActions.tsx';
import { CaseFields } from '../modules/cases/components/CaseFields.tsx';
import { Commitments } from '../modules/cases/components/Commitments.tsx';
import { Timeline } from '../modules/cases/components/Timeline.tsx';
import { useCase, useUserNames } from '../modules/cases/hooks.ts';
import { CaseConsultations } from '../modules/collaboration/components/Consultations.tsx';
import { SuggestedArticles } from '../modules/knowledge/components/SuggestedArticles.tsx';
import { CaseQualityCard } from '../modules/quality/components/QualityCard.tsx';
import { CaseProblems } from '../modules/improvement/components/CaseProblems.tsx';
import { CaseFollowups } from '../modules/followups/components/Followups.tsx';
import { CaseFieldService } from '../modules/fieldservice/components/CaseFieldService.tsx';
import { CaseSurveys } from '../modules/surveys/components/SurveyCard.tsx';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { formatTime } from '../ui/format.ts';

/** One case: its record and timeline on the left; what can be done and its commitments on the right. */
export function CasePage() {
  const { t, i18n } = useTranslation();
  const id = useParams().id!;
  const q = useCase(id);
  const userName = useUserNames();
  if (q.isPending) return <Loading />;
  if (q.error)
    return (
      <div className="card notice">
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
        <Link to="/">{t('app.backToQueue')}</Link>
      </div>
    );
  const c = q.data.case;
  // the customer's personal data was erased (SPEC privacy): read-only but for internal notes (absent from an older API: not erased)
  const erasedAt = c.erasedAt ?? null;
  return (
    <article className="case">
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/">{t('nav.queue')}</Link> / <span className="case-number">{c.number}</span>
          </div>
          <h1 className="case-subject">{c.subject}</h1>
        </div>
        <div className="badges">
          <Badge kind={c.status}>
            <span className="case-status" data-status={c.status}>
              {t(`status.${c.status}`, { defaultValue: c.status })}
            </span>
          </Badge>
          <Badge kind={c.priority}>{c.priority}</Badge>
          <Badge kind="type">{t(`type.${c.type}`, { defaultValue: c.type })}</Badge>
        </div>
      </div>
      {erasedAt !== null && (
        <p className="card erased-banner" role="note" data-erased-at={erasedAt}>
          {t('case.erasedBanner', { time: formatTime(erasedAt, i18n.language) })}
        </p>
      )}
      <div className="case-grid">
        <div className="case-main">
          <CaseFields c={c} userName={userName} />
          <section className="card">
            <h2>{t('case.timeline')}</h2>
            <Timeline caseId={q.data.case.id} events={q.data.timeline} userName={userName} />
          </section>
        </div>
        <aside className="case-side">
          <CaseActions key={c.id} c={c} />
          <SuggestedArticles key={`knowledge-${c.id}`} c={c} erased={erasedAt !== null} />
          <CaseConsultations key={`consultations-${c.id}`} c={c} erased={erasedAt !== null} />
          <CaseFieldService key={`fieldservice-${c.id}`} c={c} erased={erasedAt !== null} />
          <CaseProblems key={`problems-${c.id}`} c={c} erased={erasedAt !== null} />
          <CaseSurveys key={`surveys-${c.id}`} c={c} />
          <CaseFollowups key={`followups-${c.id}`} c={c} />
          <Commitments caseId={c.id} />
          <CaseQualityCard key={`quality-${c.id}`} caseId={c.id} />
        </aside>
      </div>
    </article>
  );
}
