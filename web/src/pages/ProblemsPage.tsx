import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { createProblem, listProblems, problemCandidates, PROBLEM_STATUSES, ROOT_CAUSE_CATEGORIES, type ProblemFilters } from '../modules/improvement/api.ts';
import { CauseCategory, ProblemStatus } from '../modules/improvement/components/ProblemBits.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

/**
 * 问题改进 (SPEC 8, CAPA): the problem records with filters in the address; for leads, a new
 * record and the candidates (clusters of recent cases of one category not yet behind a record),
 * each of which starts a record with its cases.
 */
export function ProblemsPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const allowed = can('problem.read');
  const filters: ProblemFilters = {
    status: params.get('status') ?? 'active',
    ...(params.get('cause') ? { rootCauseCategory: params.get('cause')! } : {}),
    ...(params.get('q') ? { q: params.get('q')! } : {}),
  };
  if (filters.status === 'all') delete filters.status;
  const list = useInfiniteQuery({
    queryKey: ['problems', 'list', filters],
    queryFn: ({ pageParam }) => listProblems(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
    enabled: allowed,
  });
  if (!allowed) return <Forbidden title={t('problems.forbiddenTitle')} message={t('problems.forbidden')} />;
  const set = (key: string, value: string) =>
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      return p;
    });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="problems-page">
      <div className="page-head">
        <h1>{t('problems.title')}</h1>
      </div>
      <p className="muted">{t('problems.intro')}</p>
      <form className="filters card" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('problems.filterStatus')}
          <select name="problemStatus" value={params.get('status') ?? 'active'} onChange={(e) => set('status', e.target.value === 'active' ? '' : e.target.value)}>
            <option value="active">{t('problems.filter.active')}</option>
            {PROBLEM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`problems.status.${s}`)}
              </option>
            ))}
            <option value="all">{t('problems.filter.all')}</option>
          </select>
        </label>
        <label>
          {t('problems.rootCauseCategory')}
          <select name="cause" value={params.get('cause') ?? ''} onChange={(e) => set('cause', e.target.value)}>
            <option value="">{t('problems.filter.all')}</option>
            {ROOT_CAUSE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`problems.cause.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('problems.search')}
          <input name="q" defaultValue={params.get('q') ?? ''} onBlur={(e) => set('q', e.target.value.trim())} onKeyDown={(e) => e.key === 'Enter' && set('q', e.currentTarget.value.trim())} />
        </label>
      </form>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted card">{t('problems.none')}</p>
      ) : (
        <section className="card">
          <table className="problem-table">
            <thead>
              <tr>
                <th>{t('problems.problem')}</th>
                <th>{t('problems.statusLabel')}</th>
                <th>{t('problems.rootCauseCategory')}</th>
                <th>{t('problems.owner')}</th>
                <th>{t('problems.cases')}</th>
                <th>{t('problems.openActions')}</th>
                <th>{t('problems.checkDue')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id} data-id={p.id} className="problem-row">
                  <td>
                    <Link to={`/problems/${encodeURIComponent(p.id)}`}>{p.title}</Link>
                  </td>
                  <td>
                    <ProblemStatus status={p.status} />
                  </td>
                  <td>
                    <CauseCategory category={p.rootCauseCategory} />
                  </td>
                  <td>{p.ownerName}</td>
                  <td>{p.caseCount}</td>
                  <td>
                    {p.openActions}
                    {p.overdueActions > 0 && <span className="time-left time-left-breached"> · {t('problems.overdueCount', { count: p.overdueActions })}</span>}
                  </td>
                  <td>{p.checkDueAt ? formatTime(p.checkDueAt, i18n.language) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage && (
            <button type="button" className="secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t('queue.loadMore')}
            </button>
          )}
        </section>
      )}
      {can('problem.write') && <NewProblem />}
      {can('problem.write') && <CandidateList />}
    </section>
  );
}

/** A new record, owned by whoever opens it; from a candidate, with its cases. */
function NewProblem({ caseIds, title: initialTitle, onDone }: { caseIds?: string[]; title?: string; onDone?: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [title, setTitle] = useState(initialTitle ?? '');
  const [description, setDescription] = useState('');
  const [checkDays, setCheckDays] = useState(30);
  const m = useMutation({
    mutationFn: () => createProblem({ title, description, checkDays, ...(caseIds ? { caseIds } : {}) }),
    onSuccess: async (p) => {
      await qc.invalidateQueries({ queryKey: ['problems'] });
      onDone?.();
      void navigate(`/problems/${encodeURIComponent(p.id)}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <form className={caseIds ? 'action new-problem' : 'card action new-problem'} onSubmit={submit}>
      {!caseIds && <h2>{t('problems.new')}</h2>}
      {caseIds && <p className="muted small">{t('problems.fromCandidate', { count: caseIds.length })}</p>}
      <label>
        {t('problems.titleLabel')} *
        <input name="problemTitle" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        {t('problems.description')} *
        <textarea name="problemDescription" required rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        {t('problems.checkDays')}
        <input name="checkDays" type="number" min={1} max={365} value={checkDays} onChange={(e) => setCheckDays(Number(e.target.value))} />
      </label>
      <button type="submit" disabled={m.isPending}>
        {m.isPending ? t('actions.working') : t('problems.create')}
      </button>
      <ErrorMessage error={m.error} />
    </form>
  );
}

/** Clusters of recent cases of one category (and customer) not yet behind an active record. */
function CandidateList() {
  const { t, i18n } = useTranslation();
  const [days, setDays] = useState(30);
  const [minCases, setMinCases] = useState(3);
  const [types, setTypes] = useState('complaint');
  const [byCustomer, setByCustomer] = useState(false);
  const [starting, setStarting] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['problems', 'candidates', { days, minCases, types, byCustomer }], queryFn: () => problemCandidates({ days, minCases, types, byCustomer }) });
  const name = (zh: string, en: string | null) => (i18n.language === 'en' && en ? en : zh);
  return (
    <section className="card problem-candidates" aria-labelledby="candidates-title">
      <h2 id="candidates-title">{t('problems.candidates')}</h2>
      <p className="muted small">{t('problems.candidatesIntro')}</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('problems.days')}
          <input type="number" name="days" min={1} max={365} value={days} onChange={(e) => setDays(Number(e.target.value) || 30)} />
        </label>
        <label>
          {t('problems.minCases')}
          <input type="number" name="minCases" min={2} max={1000} value={minCases} onChange={(e) => setMinCases(Number(e.target.value) || 3)} />
        </label>
        <label>
          {t('problems.types')}
          <select name="types" value={types} onChange={(e) => setTypes(e.target.value)}>
            <option value="complaint">{t('problems.typesComplaint')}</option>
            <option value="all">{t('problems.typesAll')}</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="byCustomer" checked={byCustomer} onChange={(e) => setByCustomer(e.target.checked)} />
          {t('problems.byCustomer')}
        </label>
      </form>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <p className="muted">{t('problems.noCandidates')}</p>
      ) : (
        <ul className="candidate-list">
          {q.data.items.map((k) => {
            const key = `${k.categoryId}|${k.customerId ?? ''}`;
            const label = `${name(k.categoryName, k.categoryNameEn)}${k.customerName ? ` · ${k.customerName}` : ''}`;
            return (
              <li key={key} className="candidate" data-category={k.categoryId}>
                <strong>{label}</strong> <span className="candidate-count">{t('problems.caseCount', { count: k.count })}</span>
                <span className="muted small">
                  {' '}
                  · {formatTime(k.firstReceivedAt, i18n.language)} – {formatTime(k.lastReceivedAt, i18n.language)}
                </span>
                {starting === key ? (
                  <NewProblem caseIds={k.caseIds} title={label} onDone={() => setStarting(null)} />
                ) : (
                  <button type="button" className="secondary" onClick={() => setStarting(key)}>
                    {t('problems.startFromCandidate')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
