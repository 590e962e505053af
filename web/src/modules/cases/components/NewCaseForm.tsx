import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useDraft } from '../../../ui/drafts.ts';
import { EnumOptions } from '../../../ui/EnumOptions.tsx';
import { ErrorMessage } from '../../../ui/feedback.tsx';
import { CASE_TYPES, CHANNELS, createCase } from '../api.ts';

/** A random key (crypto.randomUUID needs a secure context: not there over plain http to a LAN address). */
const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

const EMPTY = { channel: 'phone', name: '', phone: '', email: '', type: '', subject: '', description: '', request: '' };

/** Log a case (a call, a visit, a letter...): POST /api/v1/cases, then `onCreated` with its id. */
export function NewCaseForm({ onCreated }: { onCreated: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  // a draft (kept through a session that ends mid-way: ui/drafts.ts), with its idempotency key:
  // one key per form, so a double click, or a retry after a lost answer or a new login, creates one case, not two
  const [draft, setDraft, clearDraft, kept] = useDraft('new-case', { ...EMPTY, key: '' });
  const [fresh] = useState(newKey);
  const f = draft;
  const key = draft.key || fresh;
  const setF = (v: typeof EMPTY) => setDraft({ ...v, key });
  const create = useMutation({
    mutationFn: () =>
      createCase(
        {
          channel: f.channel,
          contact: { name: f.name, ...(f.phone.trim() ? { phone: f.phone.trim() } : {}), ...(f.email.trim() ? { email: f.email.trim() } : {}) },
          ...(f.type ? { type: f.type } : {}),
          subject: f.subject,
          description: f.description,
          ...(f.request.trim() ? { request: f.request } : {}),
          language: i18n.language === 'en' ? 'en' : 'zh',
        },
        key,
      ),
    onSuccess: async (c) => {
      clearDraft();
      await qc.invalidateQueries({ queryKey: ['cases'] });
      onCreated(c.id);
    },
  });
  const field = (k: keyof typeof EMPTY) => ({ name: k, value: f[k], onChange: (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value }) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="card new-case" onSubmit={submit}>
      {kept && (
        <p className="muted small draft-kept" role="status">
          {t('actions.draftKept')}
        </p>
      )}
      <div className="grid2">
        <label>
          {t('newCase.channel')}
          <select {...field('channel')}>
            <EnumOptions values={CHANNELS} prefix="channel" />
          </select>
        </label>
        <label>
          {t('newCase.type')}
          <select {...field('type')}>
            <option value="">{t('newCase.typeAuto')}</option>
            <EnumOptions values={CASE_TYPES} prefix="type" />
          </select>
        </label>
        <label>
          {t('newCase.contactName')} *
          <input required {...field('name')} />
        </label>
        <label>
          {t('newCase.phone')}
          <input type="tel" {...field('phone')} />
        </label>
        <label>
          {t('newCase.email')}
          <input type="email" {...field('email')} />
        </label>
      </div>
      <label>
        {t('newCase.subject')} *
        <input required {...field('subject')} />
      </label>
      <label>
        {t('newCase.description')} *
        <textarea required rows={5} {...field('description')} />
      </label>
      <label>
        {t('newCase.request')}
        <textarea rows={2} {...field('request')} />
      </label>
      <ErrorMessage error={create.error} />
      <div>
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? t('newCase.submitting') : t('newCase.submit')}
        </button>
      </div>
    </form>
  );
}
