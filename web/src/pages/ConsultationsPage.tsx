import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan, useMe } from '../modules/auth/hooks.ts';
import { useNow } from '../modules/cases/components/CaseTable.tsx';
import { CONSULTATION_FILTERS, listConsultations, teamAndAbove, type ConsultationFilters } from '../modules/collaboration/api.ts';
import { ConsultationItem, useTeams } from '../modules/collaboration/components/Consultations.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';

/**
 * The consultations inbox (SPEC 3): those asked of my team(s) first, then the others, each soonest
 * due first (as the API orders them); filters by state and "asked by me" in the address.
 */
export function ConsultationsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useMe().data;
  const now = useNow();
  const teams = useTeams();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'open';
  const mine = params.get('mine') === 'true';
  const allowed = can('consultation.read');
  const filters: ConsultationFilters = { ...(status === 'all' ? {} : { status }), ...(mine ? { mine: 'true' } : {}) };
  const list = useInfiniteQuery({
    queryKey: ['consultations', 'list', filters],
    queryFn: ({ pageParam }) => listConsultations(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
    enabled: allowed,
  });
  if (!allowed) return <Forbidden title={t('consultations.forbiddenTitle')} message={t('consultations.forbidden')} />;
  const set = (key: string, value: string) =>
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      return p;
    });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  // those asked of my team (or a unit I belong to) first; the API's order (soonest due) within each
  const myTeams = teamAndAbove(teams.data ?? [], me?.user.teamId);
  const forMe = items.filter((x) => myTeams.includes(x.teamId));
  const others = items.filter((x) => !myTeams.includes(x.teamId));
  const group = (title: string, xs: typeof items, kind: string) =>
    xs.length > 0 && (
      <section className="card" data-group={kind} aria-label={title}>
        <h2>{title}</h2>
        <ul className="consultation-list">
          {xs.map((x) => (
            <ConsultationItem key={x.id} c={x} withCase now={now} />
          ))}
        </ul>
      </section>
    );
  return (
    <section className="consultations-page">
      <div className="page-head">
        <h1>{t('consultations.inboxTitle')}</h1>
      </div>
      <p className="muted">{t('consultations.inboxIntro')}</p>
      <form className="filters card" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('consultations.filterState')}
          <select name="consultationStatus" value={status} onChange={(e) => set('status', e.target.value === 'open' ? '' : e.target.value)}>
            {CONSULTATION_FILTERS.map((s) => (
              <option key={s} value={s}>
                {t(`consultations.filter.${s}`)}
              </option>
            ))}
            <option value="all">{t('consultations.filter.all')}</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="mine" checked={mine} onChange={(e) => set('mine', e.target.checked ? 'true' : '')} />
          {t('consultations.mineOnly')}
        </label>
      </form>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted card">{t('consultations.inboxEmpty')}</p>
      ) : (
        <>
          {group(t('consultations.forMyTeam'), forMe, 'team')}
          {group(t('consultations.others'), others, 'others')}
          {list.hasNextPage && (
            <button type="button" className="secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t('queue.loadMore')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
