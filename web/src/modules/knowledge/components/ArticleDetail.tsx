import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../auth/hooks.ts';
import { useCategories } from '../../cases/hooks.ts';
import { Badge } from '../../../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { formatTime } from '../../../ui/format.ts';
import { getArticle, listRevisions, paragraphsOf, restoreRevision, setArticleStatus, type ArticleView } from '../api.ts';
import { ArticleEditor } from './ArticleEditor.tsx';

/** An article's text as paragraphs (plain text: never rendered as HTML). */
export function ArticleBody({ body }: { body: string }) {
  return (
    <div className="article-body">
      {paragraphsOf(body).map((lines, i) => (
        <p key={i}>
          {lines.map((l, j) => (
            <span key={j}>
              {j > 0 && <br />}
              {l}
            </span>
          ))}
        </p>
      ))}
    </div>
  );
}

/** One article: its text and facts; edit, publish, archive, and its revisions, as the user's role allows. */
export function ArticleDetail({ id, onClosed }: { id: string; onClosed: () => void }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const categories = useCategories().data ?? [];
  const q = useQuery({ queryKey: ['knowledge', 'article', id], queryFn: () => getArticle(id) });
  const [mode, setMode] = useState<'view' | 'edit' | 'revisions'>('view');
  const status = useMutation({
    mutationFn: (to: 'publish' | 'archive') => setArticleStatus(id, to),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['knowledge'] }),
  });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  const a = q.data;
  const publisher = can('knowledge.publish');
  const mayEdit = can('knowledge.write') && (a.status === 'draft' || publisher);
  if (mode === 'edit') return <ArticleEditor key={`${a.id}:${a.version}`} article={a} onSaved={() => setMode('view')} onCancel={() => setMode('view')} />;
  const category = categories.find((c) => c.id === a.categoryId);
  return (
    <article className="card article-detail" data-article-id={a.id} data-status={a.status}>
      <div className="page-head">
        <h2 className="article-title">{a.title}</h2>
        <button type="button" className="link" onClick={onClosed} aria-label={t('knowledge.close')}>
          ×
        </button>
      </div>
      <div className="badges">
        <Badge kind={a.status === 'published' ? 'enabled' : a.status === 'draft' ? 'new' : 'closed'}>
          <span className="article-status" data-status={a.status}>
            {t(`knowledge.status.${a.status}`)}
          </span>
        </Badge>
        <span className={`tag tag-${a.audience}`}>{t(`knowledge.audience.${a.audience}`)}</span>
        <span className="tag">{t(`knowledge.language.${a.language}`)}</span>
        {category && <span className="tag">{i18n.language === 'en' ? category.nameEn : category.name}</span>}
        {a.tags.map((x) => (
          <span key={x} className="tag">
            #{x}
          </span>
        ))}
      </div>
      <ArticleBody body={a.body} />
      <p className="muted small">
        {t('knowledge.meta', { author: a.authorName, editor: a.updatedByName, time: formatTime(a.updatedAt, i18n.language), version: a.version })}
        <br />
        {t('knowledge.usedCount', { count: a.useCount })} · {t('knowledge.helpfulCounts', { yes: a.helpfulYes, no: a.helpfulNo })}
      </p>
      <div className="row-buttons">
        {mayEdit && (
          <button type="button" className="secondary" onClick={() => setMode('edit')}>
            {t('knowledge.edit')}
          </button>
        )}
        {publisher && a.status !== 'published' && (
          <button type="button" className="publish-article" disabled={status.isPending} onClick={() => status.mutate('publish')}>
            {t('knowledge.publish')}
          </button>
        )}
        {publisher && a.status !== 'archived' && (
          <button type="button" className="danger" disabled={status.isPending} onClick={() => status.mutate('archive')}>
            {t('knowledge.archive')}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => setMode(mode === 'revisions' ? 'view' : 'revisions')}>
          {mode === 'revisions' ? t('knowledge.hideRevisions') : t('knowledge.revisions')}
        </button>
      </div>
      <ErrorMessage error={status.error} />
      {mode === 'revisions' && <Revisions a={a} mayRestore={mayEdit} />}
    </article>
  );
}

function Revisions({ a, mayRestore }: { a: ArticleView; mayRestore: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['knowledge', 'revisions', a.id, a.version], queryFn: () => listRevisions(a.id) });
  const [shown, setShown] = useState<number | null>(null);
  const restore = useMutation({
    mutationFn: (version: number) => restoreRevision(a.id, version),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['knowledge'] }),
  });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  return (
    <section className="article-revisions">
      <h3>{t('knowledge.revisions')}</h3>
      <ul className="consultation-list">
        {q.data.map((r) => (
          <li key={r.version} className="consultation" data-version={r.version}>
            <div>
              <strong>v{r.version}</strong> {r.title} {r.current && <span className="tag">{t('knowledge.current')}</span>}
            </div>
            <div className="muted small">
              {r.savedByName} · {formatTime(r.savedAt, i18n.language)}
              {r.restoredFrom !== null && <> · {t('knowledge.restoredFrom', { version: r.restoredFrom })}</>}
            </div>
            <div className="row-buttons">
              <button type="button" className="link" onClick={() => setShown(shown === r.version ? null : r.version)}>
                {shown === r.version ? t('knowledge.hide') : t('knowledge.show')}
              </button>
              {mayRestore && !r.current && (
                <button type="button" className="secondary restore-revision" disabled={restore.isPending} onClick={() => restore.mutate(r.version)}>
                  {t('knowledge.restore')}
                </button>
              )}
            </div>
            {shown === r.version && <ArticleBody body={r.body} />}
          </li>
        ))}
      </ul>
      <ErrorMessage error={restore.error} />
    </section>
  );
}
