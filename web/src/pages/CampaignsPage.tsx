import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { CAMPAIGN_KINDS, createCampaign, getCampaign, listCampaigns, previewCampaign, sendCampaign, STAGES, TIERS, type CampaignAudience, type CampaignKind } from '../modules/customers/api.ts';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

const STATUSES = ['queued', 'skipped_no_consent', 'skipped_no_email'] as const;
/** A mailed recipient's message as the outbox has it: waiting for the worker, sent, or given up. */
const DELIVERIES = ['pending', 'sent', 'failed'] as const;
const DELIVERY_BADGE = { pending: 'pending', sent: 'resolved', failed: 'breached' } as const;

/** One campaign: its text, the send button while a draft, and whom it reached once sent. */
function CampaignDetail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['campaigns', id], queryFn: () => getCampaign(id) });
  const send = useMutation({ mutationFn: () => sendCampaign(id), onSuccess: () => void qc.invalidateQueries({ queryKey: ['campaigns'] }) });
  if (q.isLoading) return <Loading />;
  if (!q.data) return <ErrorMessage error={q.error} />;
  const c = q.data;
  return (
    <div className="card" data-testid="campaign-detail">
      <h2>
        {c.title} <Badge kind={c.status === 'sent' ? 'closed' : 'pending'}>{t(`campaigns.status.${c.status}`)}</Badge>
      </h2>
      <p className="muted small">
        {t(`campaigns.kinds.${c.kind}`)} · {c.subject}
      </p>
      <p className="prewrap">{i18n.language === 'en' ? c.body.en : c.body.zh}</p>
      {c.status === 'draft' && can('campaign.write') && (
        <button type="button" name="send" disabled={send.isPending} onClick={() => window.confirm(t('campaigns.confirmSend')) && send.mutate()}>
          {t('campaigns.send')}
        </button>
      )}
      <ErrorMessage error={send.error} />
      {c.counts && (
        <p data-testid="campaign-counts">
          {STATUSES.map((s) => `${t(`campaigns.recipient.${s}`)} ${c.counts![s]}`).join(' · ')} {c.sentAt ? <span className="muted">({formatTime(c.sentAt, i18n.language)})</span> : null}
        </p>
      )}
      {c.counts && c.counts.queued > 0 && (
        <p data-testid="campaign-delivery" className="small">
          {DELIVERIES.map((d) => `${t(`campaigns.delivery.${d}`)} ${c.recipients.filter((r) => r.delivery === d).length}`).join(' · ')}
        </p>
      )}
      {c.recipients.length > 0 && (
        <table className="table" data-testid="recipients">
          <tbody>
            {c.recipients.map((r) => (
              <tr key={r.customerId}>
                <td>
                  <Link to={`/customers/${r.customerId}`}>{r.name}</Link>
                </td>
                <td>
                  {r.delivery ? (
                    <Badge kind={DELIVERY_BADGE[r.delivery]} title={r.deliveryError ?? undefined}>
                      {t(`campaigns.delivery.${r.delivery}`)}
                    </Badge>
                  ) : (
                    <Badge kind="pending">{t(`campaigns.recipient.${r.status}`)}</Badge>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The audience form's fields as the API's audience. */
const audienceOf = (f: { tier: string; stage: string; region: string; atRisk: boolean; ids: string }): CampaignAudience => {
  const ids = f.ids.split(/[\s,，]+/).filter(Boolean);
  return {
    ...(f.tier ? { tier: f.tier as 'vip' } : {}),
    ...(f.stage ? { stage: f.stage as 'new' } : {}),
    ...(f.region.trim() ? { region: f.region.trim() } : {}),
    ...(f.atRisk ? { atRisk: true } : {}),
    ...(ids.length ? { customerIds: ids } : {}),
  };
};

/** 关怀活动: create a campaign with its audience, preview how many it reaches, send it once, see its recipients. */
export function CampaignsPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const allowed = can('campaign.read');
  const list = useQuery({ queryKey: ['campaigns'], queryFn: listCampaigns, enabled: allowed });
  const [selected, setSelected] = useState<string | null>(null);
  const [form, setForm] = useState({ kind: 'holiday' as CampaignKind, title: '', subject: '', zh: '', en: '', tier: '', stage: '', region: '', atRisk: false, ids: '' });
  const preview = useMutation({ mutationFn: () => previewCampaign(form.kind, audienceOf(form)) });
  const create = useMutation({
    mutationFn: () => createCampaign({ kind: form.kind, title: form.title, subject: form.subject, body: { zh: form.zh, en: form.en || form.zh }, audience: audienceOf(form) }),
    onSuccess: (c) => {
      setSelected(c.id);
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
    },
  });
  if (!allowed) return <Forbidden title={t('campaigns.forbiddenTitle')} message={t('campaigns.forbidden')} />;
  const field = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="campaigns-page">
      <div className="page-head">
        <h1>{t('campaigns.title')}</h1>
      </div>
      <p className="muted">{t('campaigns.intro')}</p>
      <div className="grid2">
        <div>
          {can('campaign.write') && (
            <form className="card settings-form" onSubmit={submit} data-testid="campaign-form">
              <h2>{t('campaigns.new')}</h2>
              <label>
                {t('campaigns.kind')}
                <select name="kind" value={form.kind} onChange={field('kind')}>
                  {CAMPAIGN_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`campaigns.kinds.${k}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('campaigns.titleField')}
                <input name="title" required maxLength={200} value={form.title} onChange={field('title')} />
              </label>
              <label>
                {t('campaigns.subject')}
                <input name="subject" required maxLength={200} value={form.subject} onChange={field('subject')} />
              </label>
              <label>
                {t('campaigns.bodyZh')}
                <textarea name="bodyZh" required rows={3} value={form.zh} onChange={field('zh')} placeholder={t('campaigns.bodyHint')} />
              </label>
              <label>
                {t('campaigns.bodyEn')}
                <textarea name="bodyEn" rows={3} value={form.en} onChange={field('en')} placeholder={t('campaigns.bodyHint')} />
              </label>
              <fieldset>
                <legend>{t('campaigns.audience')}</legend>
                <label>
                  {t('customerProfiles.tier')}
                  <select name="tier" value={form.tier} onChange={field('tier')}>
                    <option value="">{t('customerProfiles.any')}</option>
                    {TIERS.map((x) => (
                      <option key={x} value={x}>
                        {t(`customerProfiles.tiers.${x}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('customerProfiles.stage')}
                  <select name="stage" value={form.stage} onChange={field('stage')}>
                    <option value="">{t('customerProfiles.any')}</option>
                    {STAGES.map((x) => (
                      <option key={x} value={x}>
                        {t(`customerProfiles.stages.${x}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('customerProfiles.region')}
                  <input name="region" value={form.region} onChange={field('region')} />
                </label>
                <label className="check">
                  <input name="atRisk" type="checkbox" checked={form.atRisk} onChange={(e) => setForm((f) => ({ ...f, atRisk: e.target.checked }))} /> {t('campaigns.onlyAtRisk')}
                </label>
                <label>
                  {t('campaigns.customerIds')}
                  <textarea name="customerIds" rows={2} value={form.ids} onChange={field('ids')} />
                </label>
              </fieldset>
              <div className="row-buttons">
                <button type="button" className="secondary" name="preview" disabled={preview.isPending} onClick={() => preview.mutate()}>
                  {t('campaigns.preview')}
                </button>
                <button type="submit" disabled={create.isPending}>
                  {t('campaigns.create')}
                </button>
              </div>
              {preview.data && (
                <p data-testid="preview-result">
                  {t('campaigns.previewResult', { total: preview.data.total, queued: preview.data.counts.queued, noConsent: preview.data.counts.skipped_no_consent, noEmail: preview.data.counts.skipped_no_email })}
                </p>
              )}
              <ErrorMessage error={preview.error ?? create.error} />
            </form>
          )}
          <div className="card">
            <h2>{t('campaigns.list')}</h2>
            {list.isLoading && <Loading />}
            <ErrorMessage error={list.error} />
            <table className="table" data-testid="campaign-list">
              <tbody>
                {(list.data ?? []).map((c) => (
                  <tr key={c.id} className={c.id === selected ? 'selected' : ''}>
                    <td>
                      <button type="button" className="link" onClick={() => setSelected(c.id)}>
                        {c.title}
                      </button>
                    </td>
                    <td>{t(`campaigns.kinds.${c.kind}`)}</td>
                    <td>{t(`campaigns.status.${c.status}`)}</td>
                    <td className="muted">{formatTime(c.sentAt ?? c.createdAt, i18n.language)}</td>
                  </tr>
                ))}
                {list.data?.length === 0 && (
                  <tr>
                    <td className="empty">{t('campaigns.none')}</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
        <div>{selected ? <CampaignDetail id={selected} /> : <p className="muted">{t('campaigns.pick')}</p>}</div>
      </div>
    </section>
  );
}
