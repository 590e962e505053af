import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { CategoryView } from '../types.ts';
import { useMe } from '../modules/auth/hooks.ts';
import { useDraft } from '../ui/drafts.ts';
import { ErrorMessage } from '../ui/feedback.tsx';
import { CONTACT_PREFERENCES, listCategories, readFile, REQUEST_TYPES, submitRequest } from './api.ts';

/** A random key (crypto.randomUUID needs a secure context: not there over plain http to a LAN address). */
const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

const EMPTY = { type: 'inquiry', categoryId: '', subject: '', description: '', request: '', contactPreference: 'email' };
const MAX_FILES = 10;
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** The category tree as options, each under its parent (indented), active ones only. */
function categoryOptions(all: CategoryView[], lang: string): Array<{ id: string; label: string }> {
  const active = all.filter((c) => c.active);
  const ids = new Set(active.map((c) => c.id));
  const children = new Map<string | null, CategoryView[]>();
  for (const c of active) {
    const parent = c.parentId && ids.has(c.parentId) ? c.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), c]);
  }
  const out: Array<{ id: string; label: string }> = [];
  const walk = (parent: string | null, depth: number) => {
    for (const c of children.get(parent) ?? []) {
      out.push({ id: c.id, label: `${'\u3000'.repeat(depth)}${lang === 'en' ? c.nameEn : c.name}` });
      walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/**
 * The web portal form (SPEC 1): what it is about, in the customer's words. The API takes no type
 * from a customer (staff_only_fields: the rules classify, an agent corrects), so the type and the
 * contact preference the customer chose head the description, in words the classifier's keywords
 * know (投诉, 报修, 建议...). One idempotency key per form: a double click or a retry makes one case.
 */
export function NewRequestPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe().data;
  const [draft, setDraft, clearDraft, kept] = useDraft('portal:new-request', { ...EMPTY, key: '' });
  const [fresh] = useState(newKey);
  const key = draft.key || fresh;
  const set = (patch: Partial<typeof EMPTY>) => setDraft({ ...draft, ...patch, key });
  const [files, setFiles] = useState<File[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const categories = useQuery({ queryKey: ['categories'], queryFn: listCategories, staleTime: 10 * 60_000 });
  const options = useMemo(() => categoryOptions(categories.data ?? [], i18n.language), [categories.data, i18n.language]);

  const submit = useMutation({
    mutationFn: async () => {
      const header = [`${t('portal.form.typeLine')}: ${t(`portal.typeWord.${draft.type}`)}`, `${t('portal.form.contactLine')}: ${t(`portal.contact.${draft.contactPreference}`)}`];
      return submitRequest(
        {
          channel: 'web',
          contact: { name: me?.user.name ?? '—' },
          subject: draft.subject,
          description: `${header.join('\n')}\n\n${draft.description}`,
          ...(draft.request.trim() ? { request: draft.request } : {}),
          ...(draft.categoryId ? { categoryId: draft.categoryId } : {}),
          language: i18n.language === 'en' ? 'en' : 'zh',
          ...(files.length ? { attachments: await Promise.all(files.map(readFile)) } : {}),
        },
        key,
      );
    },
    onSuccess: async (c) => {
      clearDraft();
      await qc.invalidateQueries({ queryKey: ['portal', 'requests'] });
      void navigate(`/portal/requests/${c.id}`, { state: { submitted: true } });
    },
  });
  const pick = (list: FileList | null) => {
    const chosen = Array.from(list ?? []);
    const big = chosen.find((f) => f.size > MAX_FILE_BYTES);
    if (big) return setFileError(t('portal.form.fileTooBig', { name: big.name }));
    if (chosen.length > MAX_FILES) return setFileError(t('portal.form.tooManyFiles', { max: MAX_FILES }));
    setFileError(null);
    setFiles(chosen);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!submit.isPending) submit.mutate();
  };
  return (
    <section className="narrow">
      <h1>{t('portal.form.title')}</h1>
      <form className="card portal-form" onSubmit={onSubmit}>
        {kept && (
          <p className="muted small draft-kept" role="status">
            {t('actions.draftKept')}
          </p>
        )}
        <fieldset className="portal-types">
          <legend>{t('portal.form.type')}</legend>
          {REQUEST_TYPES.map((ty) => (
            <label key={ty} className="choice">
              <input type="radio" name="type" value={ty} checked={draft.type === ty} onChange={() => set({ type: ty })} />
              {t(`portal.type.${ty}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('portal.form.category')}
          <select name="categoryId" value={draft.categoryId} onChange={(e) => set({ categoryId: e.target.value })}>
            <option value="">{t('portal.form.categoryNone')}</option>
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('portal.form.subject')} *
          <input name="subject" required maxLength={300} value={draft.subject} onChange={(e) => set({ subject: e.target.value })} />
        </label>
        <label>
          {t('portal.form.description')} *
          <textarea name="description" required rows={6} maxLength={19_000} value={draft.description} onChange={(e) => set({ description: e.target.value })} />
        </label>
        <label>
          {t('portal.form.request')}
          <textarea name="request" rows={2} maxLength={5_000} placeholder={t('portal.form.requestHint')} value={draft.request} onChange={(e) => set({ request: e.target.value })} />
        </label>
        <fieldset className="portal-contact">
          <legend>{t('portal.form.contact')}</legend>
          {CONTACT_PREFERENCES.map((p) => (
            <label key={p} className="choice">
              <input type="radio" name="contactPreference" value={p} checked={draft.contactPreference === p} onChange={() => set({ contactPreference: p })} />
              {t(`portal.contact.${p}`)}
            </label>
          ))}
          <p className="muted small">{t('portal.form.contactHint', { email: me?.user.email ?? '' })}</p>
        </fieldset>
        <label>
          {t('portal.form.files')}
          <input name="files" type="file" multiple onChange={(e) => pick(e.target.files)} />
          <span className="muted small">{t('portal.form.filesHint', { max: MAX_FILES })}</span>
        </label>
        {fileError && (
          <div className="error" role="alert">
            {fileError}
          </div>
        )}
        <ErrorMessage error={submit.error} />
        <div>
          <button type="submit" disabled={submit.isPending}>
            {submit.isPending ? t('portal.form.submitting') : t('portal.form.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
