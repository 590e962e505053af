import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan, useMe } from '../modules/auth/hooks.ts';
import { CASE_TYPES, OPEN_STATUSES, PRIORITIES, STATUSES, type CaseFilters } from '../modules/cases/api.ts';
import { CaseTable } from '../modules/cases/components/CaseTable.tsx';
import { useCaseList, useUserNames } from '../modules/cases/hooks.ts';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { EnumOptions } from '../ui/EnumOptions.tsx';

/** The agent's queue: filters and search in the address (so back and reload keep them), pages loaded on demand. */
export function QueuePage() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? 'open';
  const assign = params.get('assign') ?? '';
  const priority = params.get('priority') ?? '';
  const type = params.get('type') ?? '';
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);

  const filters: CaseFilters = {
    ...(status === 'open' ? { status: OPEN_STATUSES.join(',') } : status === 'all' ? {} : { status }),
    ...(assign === 'me' || assign === 'none' ? { assigneeId: assign } : {}),
    ...(assign === 'team' && me?.user.teamId ? { teamId: me.user.teamId } : {}),
    ...(priority ? { priority } : {}),
    ...(type ? { type } : {}),
    ...(q ? { q } : {}),
  };
  const list = useCaseList(filters);
  const userName = useUserNames();
  const cases = list.data?.pages.flatMap((p) => p.items) ?? [];

  const set = (key: string, value: string) =>
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      return p;
    });
  const search = (e: FormEvent) => {
    e.preventDefault();
    set('q', text.trim());
  };

  return (
    <section>
      <div className="page-head">
        <h1>{t('queue.title')}</h1>
        {can('case.create') && (
          <Link className="button" to="/cases/new">
            {t('nav.newCase')}
          </Link>
        )}
      </div>
      <form className="filters card" onSubmit={search} role="search">
        <input className="grow" type="search" name="q" aria-label={t('queue.search')} placeholder={t('queue.searchPlaceholder')} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">{t('queue.search')}</button>
        <label>
          {t('queue.status')}
          <select name="status" value={status} onChange={(e) => set('status', e.target.value === 'open' ? '' : e.target.value)}>
            <option value="open">{t('queue.openWork')}</option>
            <option value="all">{t('queue.allStatuses')}</option>
            <EnumOptions values={STATUSES} prefix="status" />
          </select>
        </label>
        <label>
          {t('queue.assignment')}
          <select name="assign" value={assign} onChange={(e) => set('assign', e.target.value)}>
            <option value="">{t('queue.everyone')}</option>
            <option value="me">{t('queue.mine')}</option>
            <option value="none">{t('queue.unassigned')}</option>
            {me?.user.teamId && <option value="team">{t('queue.myTeam')}</option>}
          </select>
        </label>
        <label>
          {t('queue.priority')}
          <select name="priority" value={priority} onChange={(e) => set('priority', e.target.value)}>
            <option value="">{t('queue.any')}</option>
            <EnumOptions values={PRIORITIES} prefix="priority" />
          </select>
        </label>
        <label>
          {t('queue.type')}
          <select name="type" value={type} onChange={(e) => set('type', e.target.value)}>
            <option value="">{t('queue.any')}</option>
            <EnumOptions values={CASE_TYPES} prefix="type" />
          </select>
        </label>
      </form>
      {list.isPending ? (
        <Loading />
      ) : list.error && !list.data ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : cases.length === 0 ? (
        <p className="card muted empty">{t('queue.empty')}</p>
      ) : (
        <div className="card flush">
          <CaseTable cases={cases} userName={userName} />
          <div className="table-foot">
            <span className="muted">{t('queue.shown', { count: cases.length })}</span>
            {list.hasNextPage ? (
              <button type="button" className="secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                {list.isFetchingNextPage ? t('app.loading') : t('queue.loadMore')}
              </button>
            ) : (
              <span className="muted">{t('queue.end')}</span>
            )}
          </div>
          {list.isFetchNextPageError && <ErrorMessage error={list.error} />}
        </div>
      )}
    </section>
  );
}
