import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseView } from '../../../types.ts';
import { useCan } from '../../auth/hooks.ts';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { insertIntoReply, recordUse, suggestedArticles, type SuggestedArticle } from '../api.ts';

/**
 * The case page's card of suggested articles (SPEC 9, suggested while answering): the published
 * articles that best fit the case, each with a button that puts its text into the reply box (or
 * copies it when there is none) and records it as used on the case.
 */
export function SuggestedArticles({ c, erased }: { c: CaseView; erased: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  const allowed = can('knowledge.read');
  const q = useQuery({ queryKey: ['knowledge', 'suggested', c.id], queryFn: () => suggestedArticles(c.id), enabled: allowed });
  if (!allowed) return null;
  return (
    <section className="card suggested-articles" aria-label={t('knowledge.suggestedTitle')}>
      <h2>{t('knowledge.suggestedTitle')}</h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <p className="muted">{t('knowledge.suggestedNone')}</p>
      ) : (
        <ul className="consultation-list">
          {q.data.map((a) => (
            <Suggestion key={a.id} a={a} caseId={c.id} mayUse={can('knowledge.use') && !erased} />
          ))}
        </ul>
      )}
    </section>
  );
}

function Suggestion({ a, caseId, mayUse }: { a: SuggestedArticle; caseId: string; mayUse: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<'inserted' | 'copied' | 'failed' | null>(null);
  const use = useMutation({
    mutationFn: async () => {
      const text = `${a.title}\n\n${a.body}`;
      let how: 'inserted' | 'copied' | 'failed' = 'inserted';
      if (!insertIntoReply(text)) how = await navigator.clipboard?.writeText(text).then(() => 'copied' as const, () => 'failed' as const) ?? 'failed';
      setDone(how);
      // recorded only when the text reached the reply (or the clipboard)
      if (how !== 'failed') await recordUse(caseId, a.id);
    },
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: ['knowledge'] }), qc.invalidateQueries({ queryKey: ['case', caseId] })]),
  });
  return (
    <li className="consultation" data-article-id={a.id}>
      <div className="consultation-head">
        <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
          {a.title}
        </button>
        {a.audience === 'internal' && <span className="tag tag-internal">{t('knowledge.audience.internal')}</span>}
      </div>
      <div className="muted small">
        {t('knowledge.usedCount', { count: a.useCount })}
        {a.usedOnCase && <> · <span className="used-on-case">{t('knowledge.usedOnCase')}</span></>}
        {' · '}
        <Link to={`/knowledge/${encodeURIComponent(a.id)}`}>{t('knowledge.open')}</Link>
      </div>
      {open && <p className="prewrap small">{a.body}</p>}
      {mayUse && (
        <div className="row-buttons">
          <button type="button" className="secondary use-article" disabled={use.isPending} onClick={() => use.mutate()}>
            {t('knowledge.useInReply')}
          </button>
          {done && <span className="muted small use-result" data-result={done}>{t(`knowledge.useResult.${done}`)}</span>}
        </div>
      )}
      <ErrorMessage error={use.error} />
    </li>
  );
}
