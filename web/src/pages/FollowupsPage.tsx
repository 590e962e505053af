import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { useNow } from '../modules/cases/components/CaseTable.tsx';
import { createPlan, FOLLOWUP_FILTERS, followupReport, listFollowups, listPlans, searchCustomers, updatePlan, type FollowupFilters } from '../modules/followups/api.ts';
import { FollowupItem } from '../modules/followups/components/Followups.tsx';
import type { PlanView } from '../types.ts';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { centreMonth, centreMonthRange } from '../ui/centre-month.ts';
import { formatTime, percent } from '../ui/format.ts';

/** 回访 (SPEC 5): the queue of follow-ups with filters and the outcome form, the report, and the periodic plans. */
export function FollowupsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'pending';
  const scope = (params.get('scope') ?? '') as '' | 'mine' | 'team';
  const kind = params.get('kind') ?? '';
  const allowed = can('followup.read');
  const filters: FollowupFilters = { ...(status === 'all' ? {} : { status }), ...(scope ? { scope } : {}), ...(kind ? { kind } : {}) };
  const list = useInfiniteQuery({
    queryKey: ['followups', 'list', filters],
    queryFn: ({ pageParam }) => listFollowups(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
    enabled: allowed,
  });
  if (!allowed) return <Forbidden title={t('followups.forbiddenTitle')} message={t('followups.forbidden')} />;
  const set = (key: string, value: string) =>
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      return p;
    });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="followups-page">
      <div className="page-head">
        <h1>{t('followups.title')}</h1>
      </div>
      <p className="muted">{t('followups.intro')}</p>
      <form className="filters card" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('followups.filterState')}
          <select name="followupStatus" value={status} onChange={(e) => set('status', e.target.value === 'pending' ? '' : e.target.value)}>
            {FOLLOWUP_FILTERS.map((s) => (
              <option key={s} value={s}>
                {t(`followups.state.${s}`)}
              </option>
            ))}
            <option value="all">{t('followups.all')}</option>
          </select>
        </label>
        <label>
          {t('followups.filterScope')}
          <select name="followupScope" value={scope} onChange={(e) => set('scope', e.target.value)}>
            <option value="">{t('followups.scopeAll')}</option>
            <option value="mine">{t('followups.scopeMine')}</option>
          </select>
        </label>
        <label>
          {t('followups.filterKind')}
          <select name="followupKind" value={kind} onChange={(e) => set('kind', e.target.value)}>
            <option value="">{t('followups.all')}</option>
            <option value="case">{t('followups.kinds.case')}</option>
            <option value="plan">{t('followups.kinds.plan')}</option>
          </select>
        </label>
      </form>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted card">{t('followups.empty')}</p>
      ) : (
        <section className="card">
          <ul className="followup-list">
            {items.map((f) => (
              <FollowupItem key={f.id} f={f} now={now} withCase />
            ))}
          </ul>
          {list.hasNextPage && (
            <button type="button" className="secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t('queue.loadMore')}
            </button>
          )}
        </section>
      )}
      {can('analytics.read') && <FollowupReportCard />}
      <Plans />
    </section>
  );
}

function FollowupReportCard() {
  const { t } = useTranslation();
  const [month, setMonth] = useState(() => centreMonth());
  const [from, to] = centreMonthRange(month);
  const q = useQuery({ queryKey: ['followups', 'report', from, to], queryFn: () => followupReport(from, to) });
  const r = q.data;
  return (
    <section className="card followup-report" aria-labelledby="followup-report-title">
      <h2 id="followup-report-title">{t('followups.reportTitle')}</h2>
      <label>
        {t('followups.month')}
        <input type="month" name="followupMonth" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} />
      </label>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        r && (
          <dl className="report-figures">
            {(
              [
                ['scheduled', String(r.scheduled)],
                ['done', String(r.done)],
                ['onTime', String(r.onTime)],
                ['onTimeRate', percent(r.onTimeRate)],
                ['satisfied', `${r.results.satisfied} (${percent(r.shares.satisfied)})`],
                ['neutral', `${r.results.neutral} (${percent(r.shares.neutral)})`],
                ['dissatisfied', `${r.results.dissatisfied} (${percent(r.shares.dissatisfied)})`],
                ['pendingOverdue', String(r.pendingOverdue)],
              ] as const
            ).map(([k, v]) => (
              <div key={k} data-figure={k}>
                <dt>{t(`followups.figures.${k}`)}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        )
      )}
    </section>
  );
}

function Plans() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const plans = useQuery({ queryKey: ['followups', 'plans'], queryFn: () => listPlans() });
  const [lookup, setLookup] = useState('');
  const [found, setFound] = useState<Array<{ id: string; name: string; company: string | null }> | null>(null);
  const [form, setForm] = useState({ customerId: '', title: '', deliveredOn: '', endsOn: '' });
  const refresh = () => qc.invalidateQueries({ queryKey: ['followups'] });
  const search = useMutation({ mutationFn: () => searchCustomers(lookup.trim()), onSuccess: (rows) => setFound(rows) });
  const create = useMutation({
    mutationFn: () => createPlan({ customerId: form.customerId, title: form.title, deliveredOn: form.deliveredOn, ...(form.endsOn ? { endsOn: form.endsOn } : {}) }),
    onSuccess: async () => {
      setForm({ customerId: '', title: '', deliveredOn: '', endsOn: '' });
      setFound(null);
      await refresh();
    },
  });
  const change = useMutation({ mutationFn: (v: { id: string; status: string }) => updatePlan(v.id, { status: v.status }), onSuccess: refresh });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const row = (p: PlanView) => (
    <li key={p.id} className="followup-plan" data-id={p.id} data-status={p.status}>
      <strong>{p.title}</strong> · {p.customerName} · <span className="muted">{t(`followups.planStatus.${p.status}`)}</span>
      <div className="muted small">
        {t('followups.deliveredOn', { date: p.deliveredOn })}
        {p.endsOn && ` · ${t('followups.endsOn', { date: p.endsOn })}`}
        {p.nextDueAt !== null && ` · ${t('followups.nextDue', { time: formatTime(p.nextDueAt, i18n.language) })}`}
      </div>
      {can('followup.plan.write') && p.status !== 'ended' && (
        <div className="row-buttons">
          {p.status === 'active' ? (
            <button type="button" className="secondary" data-step="pause" onClick={() => change.mutate({ id: p.id, status: 'paused' })}>
              {t('followups.pause')}
            </button>
          ) : (
            <button type="button" className="secondary" data-step="resume" onClick={() => change.mutate({ id: p.id, status: 'active' })}>
              {t('followups.resume')}
            </button>
          )}
          <button type="button" className="danger" data-step="end" onClick={() => change.mutate({ id: p.id, status: 'ended' })}>
            {t('followups.end')}
          </button>
        </div>
      )}
    </li>
  );
  return (
    <section className="card followup-plans" aria-labelledby="followup-plans-title">
      <h2 id="followup-plans-title">{t('followups.plansTitle')}</h2>
      <p className="muted small">{t('followups.plansIntro')}</p>
      {plans.isPending ? <Loading /> : plans.error ? <ErrorMessage error={plans.error} /> : plans.data.length === 0 ? <p className="muted">{t('followups.noPlans')}</p> : <ul className="plan-list">{plans.data.map(row)}</ul>}
      <ErrorMessage error={change.error} />
      {can('followup.plan.write') && (
        <form className="action followup-plan-create" onSubmit={submit}>
          <h3>{t('followups.newPlan')}</h3>
          <label>
            {t('followups.findCustomer')}
            <span className="row-buttons">
              <input name="customerLookup" value={lookup} placeholder={t('followups.findCustomerPlaceholder')} onChange={(e) => setLookup(e.target.value)} />
              <button type="button" className="secondary" disabled={!lookup.trim() || search.isPending} onClick={() => search.mutate()}>
                {t('followups.find')}
              </button>
            </span>
          </label>
          {found && (
            <label>
              {t('followups.customer')} *
              <select name="planCustomer" required value={form.customerId} onChange={(e) => setForm({ ...form, customerId: e.target.value })}>
                <option value="">{found.length ? t('followups.chooseCustomer') : t('followups.noCustomer')}</option>
                {found.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                    {c.company ? ` (${c.company})` : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {t('followups.planTitle')} *
            <input name="planTitle" required maxLength={200} value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
          </label>
          <label>
            {t('followups.deliveredOnLabel')} *
            <input type="date" name="planDelivered" required value={form.deliveredOn} onChange={(e) => setForm({ ...form, deliveredOn: e.target.value })} />
          </label>
          <label>
            {t('followups.endsOnLabel')}
            <input type="date" name="planEnds" value={form.endsOn} onChange={(e) => setForm({ ...form, endsOn: e.target.value })} />
          </label>
          <button type="submit" disabled={create.isPending || !form.customerId}>
            {create.isPending ? t('actions.working') : t('followups.createPlan')}
          </button>
          <ErrorMessage error={search.error ?? create.error} />
        </form>
      )}
    </section>
  );
}
