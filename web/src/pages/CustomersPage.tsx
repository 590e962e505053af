import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { listAtRisk, listCustomers, recompute, TIERS } from '../modules/customers/api.ts';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';

/** 客户档案: the customer list (search, tier), the at-risk list for leads, and the recompute. */
export function CustomersPage() {
  const { t } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'risk' && can('customer.risk.read') ? 'risk' : 'all';
  const tier = params.get('tier') ?? '';
  const [q, setQ] = useState(params.get('q') ?? '');
  const allowed = can('customer.read');
  const customers = useQuery({ queryKey: ['customers', 'list', tier, params.get('q') ?? ''], queryFn: () => listCustomers({ tier, q: params.get('q') ?? '' }), enabled: allowed && view === 'all' });
  const risk = useQuery({ queryKey: ['customers', 'at-risk'], queryFn: listAtRisk, enabled: view === 'risk' });
  const run = useMutation({ mutationFn: recompute, onSuccess: () => void qc.invalidateQueries({ queryKey: ['customers'] }) });
  if (!allowed) return <Forbidden title={t('customerProfiles.forbiddenTitle')} message={t('customerProfiles.forbidden')} />;
  const set = (key: string, value: string) =>
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      return p;
    });
  return (
    <section className="customers-page">
      <div className="page-head">
        <h1>{t('customerProfiles.title')}</h1>
        {can('customer.profile.write') && (
          <button type="button" name="recompute" disabled={run.isPending} onClick={() => run.mutate()}>
            {t('customerProfiles.recompute')}
          </button>
        )}
      </div>
      <p className="muted">{t('customerProfiles.intro')}</p>
      {run.data && (
        <p className="ok-line" data-testid="recompute-result">
          {t('customerProfiles.recomputed', { customers: run.data.customers, vip: run.data.byTier.vip, key: run.data.byTier.key, changed: run.data.tierChanges.length, atRisk: run.data.atRisk })}
        </p>
      )}
      <ErrorMessage error={run.error} />
      {can('customer.risk.read') && (
        <div className="segmented">
          <button type="button" className={view === 'all' ? '' : 'secondary'} onClick={() => set('view', '')}>
            {t('customerProfiles.all')}
          </button>
          <button type="button" name="atRisk" className={view === 'risk' ? '' : 'secondary'} onClick={() => set('view', 'risk')}>
            {t('customerProfiles.atRisk')}
          </button>
        </div>
      )}
      {view === 'all' ? (
        <>
          <form
            className="filters card"
            onSubmit={(e) => {
              e.preventDefault();
              set('q', q.trim());
            }}
          >
            <label>
              {t('customerProfiles.search')}
              <input name="q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('customerProfiles.searchHint')} />
            </label>
            <label>
              {t('customerProfiles.tier')}
              <select name="tier" value={tier} onChange={(e) => set('tier', e.target.value)}>
                <option value="">{t('customerProfiles.any')}</option>
                {TIERS.map((x) => (
                  <option key={x} value={x}>
                    {t(`customerProfiles.tiers.${x}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit">{t('customerProfiles.find')}</button>
          </form>
          {customers.isLoading && <Loading />}
          <ErrorMessage error={customers.error} />
          {customers.data && (
            <table className="table" data-testid="customer-list">
              <thead>
                <tr>
                  <th>{t('customerProfiles.name')}</th>
                  <th>{t('customerProfiles.company')}</th>
                  <th>{t('customerProfiles.tier')}</th>
                  <th>{t('customerProfiles.region')}</th>
                  <th>{t('customerProfiles.contact')}</th>
                </tr>
              </thead>
              <tbody>
                {customers.data.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/customers/${c.id}`}>{c.name}</Link>
                    </td>
                    <td>{c.company ?? '—'}</td>
                    <td>
                      <Badge kind={`tier-${c.tier}`}>{t(`customerProfiles.tiers.${c.tier}`)}</Badge>
                    </td>
                    <td>{c.region ?? '—'}</td>
                    <td>{c.phone ?? c.email ?? '—'}</td>
                  </tr>
                ))}
                {customers.data.length === 0 && (
                  <tr>
                    <td colSpan={5} className="empty">
                      {t('customerProfiles.none')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
        </>
      ) : (
        <>
          {risk.isLoading && <Loading />}
          <ErrorMessage error={risk.error} />
          {risk.data && (
            <table className="table" data-testid="at-risk-list">
              <thead>
                <tr>
                  <th>{t('customerProfiles.name')}</th>
                  <th>{t('customerProfiles.tier')}</th>
                  <th>{t('customerProfiles.stage')}</th>
                  <th>{t('customerProfiles.riskReasons')}</th>
                  <th>{t('customerProfiles.annualValue')}</th>
                  <th>{t('customerProfiles.manager')}</th>
                </tr>
              </thead>
              <tbody>
                {risk.data.map((c) => (
                  <tr key={c.customerId}>
                    <td>
                      <Link to={`/customers/${c.customerId}`}>{c.name}</Link>
                    </td>
                    <td>{t(`customerProfiles.tiers.${c.tier}`)}</td>
                    <td>{c.stage ? t(`customerProfiles.stages.${c.stage}`) : '—'}</td>
                    <td>{c.riskReasons.map((r) => t(`customerProfiles.risk.${r}`)).join('；')}</td>
                    <td>{c.annualValue.toLocaleString()}</td>
                    <td>{c.accountManager?.name ?? t('customerProfiles.noManager')}</td>
                  </tr>
                ))}
                {risk.data.length === 0 && (
                  <tr>
                    <td colSpan={6} className="empty">
                      {t('customerProfiles.noneAtRisk')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
