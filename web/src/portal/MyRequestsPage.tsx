import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { formatTime } from '../ui/format.ts';
import { listRequests, PAGE_SIZE, type ListShow } from './api.ts';

const SHOWS: ListShow[] = ['all', 'open', 'done'];

/** My requests: the customer's own cases (number, subject, status, last update), open ones first, a page at a time. */
export function MyRequestsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const show = (SHOWS as string[]).includes(params.get('show') ?? '') ? (params.get('show') as ListShow) : 'all';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const q = useQuery({ queryKey: ['portal', 'requests', show, page], queryFn: () => listRequests(show, page), placeholderData: keepPreviousData });
  const go = (next: { show?: ListShow; page?: number }) => setParams({ show: next.show ?? show, page: String(next.page ?? 1) });
  const pages = q.data ? Math.max(1, Math.ceil(q.data.total / PAGE_SIZE)) : 1;
  return (
    <section className="portal-requests">
      <div className="page-head">
        <h1>{t('portal.list.title')}</h1>
        <Link className="button" to="/portal/new">
          {t('portal.nav.new')}
        </Link>
      </div>
      <div className="segmented" role="group" aria-label={t('portal.list.filter')}>
        {SHOWS.map((s) => (
          <button key={s} type="button" className={s === show ? 'active' : 'secondary'} aria-pressed={s === show} onClick={() => go({ show: s })}>
            {t(`portal.list.show.${s}`)}
          </button>
        ))}
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <div className="card empty">
          <p>{t('portal.list.empty')}</p>
          <Link to="/portal/new">{t('portal.list.emptyAction')}</Link>
        </div>
      ) : (
        <>
          <table className="table portal-table">
            <thead>
              <tr>
                <th>{t('portal.list.number')}</th>
                <th>{t('portal.list.subject')}</th>
                <th>{t('portal.list.status')}</th>
                <th>{t('portal.list.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((c) => (
                <tr key={c.id} data-id={c.id} data-status={c.status}>
                  <td>
                    <Link to={`/portal/requests/${c.id}`}>{c.number}</Link>
                  </td>
                  <td>
                    <Link to={`/portal/requests/${c.id}`}>{c.subject}</Link>
                  </td>
                  <td>
                    <Badge kind={c.status}>{t(`portal.status.${c.status}`)}</Badge>
                  </td>
                  <td>{formatTime(c.updatedAt, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="table-foot pager">
            <button type="button" className="secondary" disabled={page <= 1} onClick={() => go({ page: page - 1 })}>
              {t('portal.list.prev')}
            </button>
            <span className="muted">{t('portal.list.pageOf', { page, pages, total: q.data.total })}</span>
            <button type="button" className="secondary" disabled={page >= pages} onClick={() => go({ page: page + 1 })}>
              {t('portal.list.next')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
