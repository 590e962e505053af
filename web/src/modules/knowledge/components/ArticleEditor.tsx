import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useCategories } from '../../cases/hooks.ts';
import { useDraft } from '../../../ui/drafts.ts';
import { ErrorMessage } from '../../../ui/feedback.tsx';
import { ARTICLE_AUDIENCES, ARTICLE_LANGUAGES, createArticle, updateArticle, type ArticleView } from '../api.ts';

interface Form {
  title: string;
  body: string;
  language: string;
  categoryId: string;
  tags: string;
  audience: string;
}

const formOf = (a: ArticleView | null): Form =>
  a
    ? { title: a.title, body: a.body, language: a.language, categoryId: a.categoryId ?? '', tags: a.tags.join(', '), audience: a.audience }
    : { title: '', body: '', language: 'zh-CN', categoryId: '', tags: '', audience: 'internal' };

/** A new article (a draft) or a save of one (a new version: the previous stays in its revisions). */
export function ArticleEditor({ article, onSaved, onCancel }: { article: ArticleView | null; onSaved: (a: ArticleView) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const categories = useCategories().data ?? [];
  // kept as a draft of the form, per article and version (a save from another version would be refused anyway)
  const [f, setF, clear] = useDraft<Form>(`knowledge:${article ? `${article.id}:${article.version}` : 'new'}`, formOf(article));
  const set = (k: keyof Form, v: string) => setF({ ...f, [k]: v });
  const save = useMutation({
    mutationFn: () => {
      const body = {
        title: f.title,
        body: f.body,
        language: f.language as ArticleView['language'],
        categoryId: f.categoryId || null,
        tags: f.tags.split(/[,，]/).map((x) => x.trim()).filter(Boolean),
        audience: f.audience as ArticleView['audience'],
      };
      return article ? updateArticle(article.id, { ...body, baseVersion: article.version }) : createArticle(body);
    },
    onSuccess: async (a) => {
      clear();
      await qc.invalidateQueries({ queryKey: ['knowledge'] });
      onSaved(a);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="card settings-form article-editor" onSubmit={submit}>
      <h2>{article ? t('knowledge.editTitle', { version: article.version }) : t('knowledge.newTitle')}</h2>
      <label>
        {t('knowledge.field.title')} *
        <input name="title" required maxLength={200} value={f.title} onChange={(e) => set('title', e.target.value)} />
      </label>
      <label>
        {t('knowledge.field.body')} *
        <textarea name="body" required rows={12} value={f.body} onChange={(e) => set('body', e.target.value)} />
      </label>
      <p className="muted small">{t('knowledge.bodyHint')}</p>
      <div className="filters">
        <label>
          {t('knowledge.field.language')}
          <select name="language" value={f.language} onChange={(e) => set('language', e.target.value)}>
            {ARTICLE_LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`knowledge.language.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('knowledge.field.audience')}
          <select name="audience" value={f.audience} onChange={(e) => set('audience', e.target.value)}>
            {ARTICLE_AUDIENCES.map((a) => (
              <option key={a} value={a}>
                {t(`knowledge.audience.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('knowledge.field.category')}
          <select name="categoryId" value={f.categoryId} onChange={(e) => set('categoryId', e.target.value)}>
            <option value="">{t('knowledge.noCategory')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {i18n.language === 'en' ? c.nameEn : c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          {t('knowledge.field.tags')}
          <input name="tags" value={f.tags} placeholder={t('knowledge.tagsHint')} onChange={(e) => set('tags', e.target.value)} />
        </label>
      </div>
      <div className="row-buttons">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? t('actions.working') : article ? t('knowledge.saveVersion') : t('knowledge.saveDraft')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('knowledge.cancel')}
        </button>
      </div>
      <ErrorMessage error={save.error} />
    </form>
  );
}
