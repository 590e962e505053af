import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { useCategories } from '../modules/cases/hooks.ts';
import { ARTICLE_AUDIENCES, ARTICLE_LANGUAGES, ARTICLE_STATUSES, listArticles, listTags, PAGE_SIZE, type ArticleFilters } from '../modules/knowledge/api.ts';
import { ArticleDetail } from '../modules/knowledge/components/ArticleDetail.tsx';
import { ArticleEditor } from '../modules/knowledge/components/ArticleEditor.tsx';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

const FILTER_KEYS = ['q', 'categoryId', 'tag', 'audience', 'status', 'language'] as const;

/**
 * The knowledge base (知识库, SPEC 9): search (Chinese and English, ranked) and filters in the
 * address, the list, and the article chosen beside it (/knowledge/:id) to read, edit, publish or
 * archive, with its revisions; /knowledge/new writes a new one.
 */
export function KnowledgePage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const id = useParams().id;
  const [params, setParams] = useSearchParams();
  const categories = useCategories().data ?? [];
  const allowed = can('knowledge.read');
  const writer = can('knowledge.write');
  const filters: ArticleFilters = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? '']).filter(([, v]) => v));
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [words, setWords] = useState(filters.q ?? '');
  const list = useQuery({ queryKey: ['knowledge', 'list', filters, offset], queryFn: () => listArticles(filters, offset), enabled: allowed });
  const tags = useQuery({ queryKey: ['knowledge', 'tags'], queryFn: listTags, enabled: allowed, staleTime: 60_000 });
  if (!allowed) return <Forbidden title={t('knowledge.forbiddenTitle')} message={t('knowledge.forbidden')} />;
  const set = (key: string, value: string) =>
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      p.delete('offset');
      return p;
    });
  const search = (e: FormEvent) => {
    e.preventDefault();
    set('q', words.trim());
  };
  const go = (to: string) => void navigate({ pathname: to, search: params.toString() ? `?${params.toString()}` : '' });
  const page = list.data;
  const catName = (cid: string | null) => {
    const c = categories.find((x) => x.id === cid);
    return c ? (i18n.language === 'en' ? c.nameEn : c.name) : null;
  };
  return (
    <section className="knowledge-page">
      <div className="page-head">
        <h1>{t('knowledge.title')}</h1>
        {writer && (
          <button type="button" className="new-article" onClick={() => go('/knowledge/new')}>
            {t('knowledge.new')}
          </button>
        )}
      </div>
      <form className="filters card" role="search" onSubmit={search}>
        <label className="grow">
          {t('knowledge.search')}
          <input type="search" name="q" value={words} placeholder={t('knowledge.searchPlaceholder')} onChange={(e) => setWords(e.target.value)} />
        </label>
        <button type="submit">{t('knowledge.searchButton')}</button>
        <label>
          {t('knowledge.field.category')}
          <select name="categoryId" value={filters.categoryId ?? ''} onChange={(e) => set('categoryId', e.target.value)}>
            <option value="">{t('knowledge.all')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {i18n.language === 'en' ? c.nameEn : c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('knowledge.field.tags')}
          <select name="tag" value={filters.tag ?? ''} onChange={(e) => set('tag', e.target.value)}>
            <option value="">{t('knowledge.all')}</option>
            {(tags.data ?? []).map((x) => (
              <option key={x.tag} value={x.tag}>
                {x.tag} ({x.count})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('knowledge.field.audience')}
          <select name="audience" value={filters.audience ?? ''} onChange={(e) => set('audience', e.target.value)}>
            <option value="">{t('knowledge.all')}</option>
            {ARTICLE_AUDIENCES.map((a) => (
              <option key={a} value={a}>
                {t(`knowledge.audience.${a}`)}
              </option>
            ))}
          </select>
        </label>
        {writer && (
          <label>
            {t('knowledge.field.status')}
            <select name="status" value={filters.status ?? ''} onChange={(e) => set('status', e.target.value)}>
              <option value="">{t('knowledge.statusDefault')}</option>
              {ARTICLE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`knowledge.status.${s}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('knowledge.field.language')}
          <select name="language" value={filters.language ?? ''} onChange={(e) => set('language', e.target.value)}>
            <option value="">{t('knowledge.all')}</option>
            {ARTICLE_LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`knowledge.language.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {/* the article beside the list gets the wider column (an editor needs the room) */}
      <div className="case-grid" style={{ gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1.4fr)' }}>
        <div>
          {list.isPending ? (
            <Loading />
          ) : list.error ? (
            <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
          ) : page!.items.length === 0 ? (
            <p className="muted card">{t('knowledge.empty')}</p>
          ) : (
            <>
              <p className="muted small article-count">{t('knowledge.count', { count: page!.total })}</p>
              <ul className="consultation-list article-list">
                {page!.items.map((a) => (
                  <li key={a.id} className={`card consultation${a.id === id ? ' selected' : ''}`} data-article-id={a.id}>
                    <div className="consultation-head">
                      <button type="button" className="link article-link" onClick={() => go(`/knowledge/${encodeURIComponent(a.id)}`)}>
                        <strong>{a.title}</strong>
                      </button>
                      {a.status !== 'published' && <Badge kind={a.status === 'draft' ? 'new' : 'closed'}>{t(`knowledge.status.${a.status}`)}</Badge>}
                      <span className={`tag tag-${a.audience}`}>{t(`knowledge.audience.${a.audience}`)}</span>
                    </div>
                    <p className="small">{a.excerpt}</p>
                    <div className="muted small">
                      {[catName(a.categoryId), ...a.tags.map((x) => `#${x}`), formatTime(a.updatedAt, i18n.language), t('knowledge.usedCount', { count: a.useCount })].filter(Boolean).join(' · ')}
                    </div>
                  </li>
                ))}
              </ul>
              <div className="row-buttons">
                {offset > 0 && (
                  <button type="button" className="secondary" onClick={() => setParams((p) => (p.set('offset', String(Math.max(0, offset - PAGE_SIZE))), p))}>
                    {t('knowledge.prev')}
                  </button>
                )}
                {offset + page!.items.length < page!.total && (
                  <button type="button" className="secondary" onClick={() => setParams((p) => (p.set('offset', String(offset + PAGE_SIZE)), p))}>
                    {t('knowledge.next')}
                  </button>
                )}
              </div>
            </>
          )}
        </div>
        <aside>
          {id === 'new' && writer ? (
            <ArticleEditor article={null} onSaved={(a) => go(`/knowledge/${encodeURIComponent(a.id)}`)} onCancel={() => go('/knowledge')} />
          ) : id && id !== 'new' ? (
            <ArticleDetail key={id} id={id} onClosed={() => go('/knowledge')} />
          ) : (
            <p className="muted card">{t('knowledge.pick')}</p>
          )}
        </aside>
      </div>
    </section>
  );
}
