import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { formatTime } from '../ui/format.ts';
import { listMyProducts, type PortalProduct, type PortalWorkOrder } from './api.ts';

/**
 * 我的产品 (SPEC 9 after-sales, SPEC 11 portal): the customer's registered products with their
 * warranty today, and each product's service orders: status, appointment, the engineer's name,
 * the field report once the visit is completed, the sign-off. Read-only; only their own (the API
 * scopes it to the logged-in customer).
 */
export function MyProductsPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['portal', 'products'], queryFn: listMyProducts });
  return (
    <section className="portal-products">
      <div className="page-head">
        <h1>{t('portal.products.title')}</h1>
      </div>
      <p className="muted">{t('portal.products.intro')}</p>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <div className="card empty">
          <p>{t('portal.products.empty')}</p>
          <Link to="/portal/new">{t('portal.nav.new')}</Link>
        </div>
      ) : (
        q.data.map((p) => <ProductCard key={p.id} p={p} />)
      )}
    </section>
  );
}

function ProductCard({ p }: { p: PortalProduct }) {
  const { t } = useTranslation();
  return (
    <article className="card portal-product" data-id={p.id}>
      <h2>
        {p.model} <span className="muted small">{t('portal.products.serial', { serial: p.serial })}</span>{' '}
        <Badge kind={p.inWarranty ? 'warranty' : 'expired'}>{t(p.inWarranty ? 'portal.products.inWarranty' : 'portal.products.outOfWarranty')}</Badge>
      </h2>
      <dl className="fields">
        <dt>{t('portal.products.purchasedOn')}</dt>
        <dd>{p.purchasedOn}</dd>
        <dt>{t('portal.products.warrantyEndsOn')}</dt>
        <dd>{p.warrantyEndsOn}</dd>
        <dt>{t('portal.products.contract')}</dt>
        <dd>{p.contract ? t('portal.products.contractWindow', { number: p.contract.number, from: p.contract.startsOn, to: p.contract.endsOn }) : t('portal.products.noContract')}</dd>
        <dt>{t('portal.products.kindToday')}</dt>
        <dd>{t(`portal.products.kind.${p.serviceKind}`)}</dd>
      </dl>
      <h3>{t('portal.products.orders')}</h3>
      {p.workOrders.length === 0 ? <p className="muted small">{t('portal.products.noOrders')}</p> : p.workOrders.map((w) => <OrderItem key={w.id} w={w} />)}
    </article>
  );
}

function OrderItem({ w }: { w: PortalWorkOrder }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="portal-work-order" data-id={w.id} data-status={w.status}>
      <p>
        <strong>{t(`fieldservice.type.${w.type}`)}</strong> <Badge kind={w.status}>{t(`fieldservice.status.${w.status}`)}</Badge>{' '}
        <span className="muted small">
          {t('portal.products.request')} <Link to={`/portal/requests/${encodeURIComponent(w.caseId)}`}>{w.caseNumber}</Link>
        </span>
      </p>
      <dl className="fields">
        {w.problem && (
          <>
            <dt>{t('portal.products.problem')}</dt>
            <dd>{w.problem}</dd>
          </>
        )}
        <dt>{t('portal.products.appointment')}</dt>
        <dd className="appointment">{w.visitDate ? `${w.visitDate} ${w.windowStart}-${w.windowEnd}` : t('portal.products.notScheduled')}</dd>
        <dt>{t('portal.products.engineer')}</dt>
        <dd className="engineer">{w.engineerName ?? '—'}</dd>
        {w.quote && (
          <>
            <dt>{t('portal.products.quote')}</dt>
            <dd>
              ¥{(w.quote.totalFen / 100).toFixed(2)} {w.quote.acceptedAt !== null ? `· ${t('portal.products.quoteAccepted')}` : ''}
            </dd>
          </>
        )}
        {w.report && (
          <>
            <dt>{t('portal.products.report')}</dt>
            <dd className="report">
              {w.report.workDone}
              {w.report.findings ? ` · ${w.report.findings}` : ''} <span className="muted small">{t('portal.products.minutes', { count: w.report.minutesOnSite })}</span>
            </dd>
          </>
        )}
        {w.parts.length > 0 && (
          <>
            <dt>{t('portal.products.parts')}</dt>
            <dd>{w.parts.map((x) => t('portal.products.part', { name: x.name, qty: x.qty, date: x.warrantyEndsOn })).join('；')}</dd>
          </>
        )}
        {w.signoff && (
          <>
            <dt>{t('portal.products.signoff')}</dt>
            <dd className="signoff">{t('portal.products.signedBy', { name: w.signoff.signerName, time: formatTime(w.signoff.at, i18n.language) })}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
