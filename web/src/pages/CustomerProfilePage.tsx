import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { listUsers } from '../modules/cases/api.ts';
import { getProfile, TIERS, updateProfile, type CustomerProfile } from '../modules/customers/api.ts';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

/** A lead's form: annual value, a tier pinned by hand, the account manager. */
function ProfileForm({ p, customerId }: { p: CustomerProfile; customerId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: listUsers });
  const [value, setValue] = useState(String(p.profile.annualValue));
  const [tier, setTier] = useState(p.profile.tierPinned ? p.customer.tier : '');
  const [manager, setManager] = useState(p.profile.accountManager?.id ?? '');
  const save = useMutation({
    mutationFn: () => updateProfile(customerId, { annualValue: Number(value), tierOverride: tier ? (tier as 'vip') : null, accountManagerId: manager || null }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['customer-profile', customerId] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const staff = (users.data ?? []).filter((u) => u.active && u.role !== 'customer' && u.role !== 'integration');
  return (
    <form className="card settings-form" onSubmit={submit} data-testid="profile-form">
      <h2>{t('customerProfiles.edit')}</h2>
      <label>
        {t('customerProfiles.annualValue')}
        <input name="annualValue" type="number" min={0} step={1} value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <label>
        {t('customerProfiles.tierOverride')}
        <select name="tierOverride" value={tier} onChange={(e) => setTier(e.target.value)}>
          <option value="">{t('customerProfiles.byValue')}</option>
          {TIERS.map((x) => (
            <option key={x} value={x}>
              {t(`customerProfiles.tiers.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('customerProfiles.manager')}
        <select name="accountManager" value={manager} onChange={(e) => setManager(e.target.value)}>
          <option value="">{t('customerProfiles.noManager')}</option>
          {staff.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={save.isPending}>
        {t('customerProfiles.save')}
      </button>
      {save.isSuccess && <span className="ok-line">{t('customerProfiles.saved')}</span>}
      <ErrorMessage error={save.error} />
    </form>
  );
}

/** 客户档案: one customer's figures, contacts, cases, satisfaction, consents and products. */
export function CustomerProfilePage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const { id = '' } = useParams();
  const allowed = can('customer.read');
  const q = useQuery({ queryKey: ['customer-profile', id], queryFn: () => getProfile(id), enabled: allowed });
  if (!allowed) return <Forbidden title={t('customerProfiles.forbiddenTitle')} message={t('customerProfiles.forbidden')} />;
  if (q.isLoading) return <Loading />;
  if (q.error || !q.data) return <ErrorMessage error={q.error} />;
  const p = q.data;
  const f = p.profile;
  const lang = i18n.language;
  return (
    <section className="customer-profile">
      <div className="page-head">
        <h1>
          {p.customer.name} <Badge kind={`tier-${p.customer.tier}`}>{t(`customerProfiles.tiers.${p.customer.tier}`)}</Badge>
          {f.tierPinned && <small className="muted"> {t('customerProfiles.pinned')}</small>}
        </h1>
        <Link to="/customers">{t('customerProfiles.back')}</Link>
      </div>
      {f.atRisk && (
        <div className="notice warn" role="status" data-testid="risk-flags">
          <strong>{t('customerProfiles.atRiskFlag')}</strong> {f.riskReasons.map((r) => t(`customerProfiles.risk.${r}`)).join('；')}
        </div>
      )}
      <div className="grid2">
        <div className="card">
          <h2>{t('customerProfiles.basics')}</h2>
          <dl className="fields">
            <dt>{t('customerProfiles.company')}</dt>
            <dd>{p.customer.company ?? '—'}</dd>
            <dt>{t('customerProfiles.email')}</dt>
            <dd>{p.customer.email ?? '—'}</dd>
            <dt>{t('customerProfiles.phone')}</dt>
            <dd>{p.customer.phone ?? '—'}</dd>
            <dt>{t('customerProfiles.region')}</dt>
            <dd>{[p.customer.region, p.customer.branch].filter(Boolean).join(' / ') || '—'}</dd>
            <dt>{t('customerProfiles.annualValue')}</dt>
            <dd data-testid="annual-value">{f.annualValue.toLocaleString()}</dd>
            <dt>{t('customerProfiles.stage')}</dt>
            <dd data-testid="stage">
              {f.stage ? t(`customerProfiles.stages.${f.stage}`) : t('customerProfiles.notComputed')}
              {f.stageReasons.length > 0 && <span className="muted"> （{f.stageReasons.map((r) => t(`customerProfiles.stageReasons.${r}`)).join('；')}）</span>}
            </dd>
            <dt>{t('customerProfiles.manager')}</dt>
            <dd data-testid="manager">{f.accountManager?.name ?? t('customerProfiles.noManager')}</dd>
            <dt>{t('customerProfiles.computedAt')}</dt>
            <dd>{f.computedAt ? formatTime(f.computedAt, lang) : '—'}</dd>
          </dl>
        </div>
        {can('customer.profile.write') && !p.customer.erasedAt && <ProfileForm p={p} customerId={id} />}
      </div>
      <div className="card">
        <h2>{t('customerProfiles.contacts')}</h2>
        <table className="table">
          <tbody>
            {p.contacts.map((c, i) => (
              <tr key={i}>
                <td>{c.name ?? '—'}</td>
                <td>{c.phone ?? '—'}</td>
                <td>{c.email ?? '—'}</td>
                <td className="muted">{formatTime(c.lastAt, lang)}</td>
              </tr>
            ))}
            {p.contacts.length === 0 && (
              <tr>
                <td className="empty">{t('customerProfiles.none')}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h2>{t('customerProfiles.cases', { total: p.caseCounts.total, open: p.caseCounts.open })}</h2>
        <table className="table" data-testid="profile-cases">
          <tbody>
            {p.cases.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/cases/${c.id}`}>{c.number}</Link>
                </td>
                <td>{c.subject}</td>
                <td>{t(`type.${c.type}`)}</td>
                <td>
                  <Badge kind={c.status}>{t(`status.${c.status}`)}</Badge>
                </td>
                <td className="muted">{formatTime(c.receivedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid2">
        <div className="card">
          <h2>{t('customerProfiles.surveys')}</h2>
          {p.surveys.length === 0 ? (
            <p className="muted">{t('customerProfiles.none')}</p>
          ) : (
            <ul>
              {p.surveys.map((s) => (
                <li key={s.caseId}>
                  {s.caseNumber}: {s.csat}/{s.scale} · {t(`surveys.band.${s.band}`)} <span className="muted">{formatTime(s.answeredAt, lang)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="card">
          <h2>{t('customerProfiles.consents')}</h2>
          {p.consents.current.length === 0 ? (
            <p className="muted">{t('customerProfiles.noConsents')}</p>
          ) : (
            <ul data-testid="consents">
              {p.consents.current.map((c) => (
                <li key={c.id}>
                  {t(`customerProfiles.purposes.${c.purpose}`)}
                  {c.scope ? `（${c.scope}）` : ''} <span className="muted">{formatTime(c.grantedAt, lang)}</span>
                </li>
              ))}
            </ul>
          )}
          {p.consents.serviceContactImplied && <p className="muted small">{t('customerProfiles.serviceContactImplied')}</p>}
        </div>
      </div>
      {p.products !== null && (
        <div className="card" data-testid="products">
          <h2>{t('customerProfiles.products')}</h2>
          {p.products.length === 0 ? (
            <p className="muted">{t('customerProfiles.noProducts')}</p>
          ) : (
            <table className="table">
              <tbody>
                {p.products.map((x) => (
                  <tr key={x.id}>
                    <td>{x.model}</td>
                    <td>{x.serial}</td>
                    <td>{t('customerProfiles.purchasedOn', { date: x.purchasedOn })}</td>
                    <td>{t('customerProfiles.warrantyEndsOn', { date: x.warrantyEndsOn })}</td>
                    <td>{x.contract ? t('customerProfiles.contract', { number: x.contract.number, endsOn: x.contract.endsOn }) : '—'}</td>
                    <td>{t(`serviceKind.${x.serviceKind}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
