import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseView } from '../../../types.ts';
import { useCan } from '../../auth/hooks.ts';
import { Badge } from '../../../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { customerProducts, listWorkOrders, OPEN_WORK_ORDER_STATUSES, type ProductView } from '../api.ts';
import { NewWorkOrderForm } from './NewWorkOrderForm.tsx';

/**
 * The case page's product card (售后服务, SPEC 9): the case's customer's registered products
 * (model, serial, purchase day, warranty end and whether it holds today, contract) and the case's
 * service orders still open, each a link; for those who handle cases, 创建服务单 for one of those
 * products. Nothing for a case without a customer or a reader without field-service access.
 */
export function CaseFieldService({ c, erased }: { c: CaseView; erased: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  const customerId = c.customerId;
  const allowed = can('fieldservice.read') && customerId !== null;
  const products = useQuery({ queryKey: ['products', 'customer', customerId], queryFn: () => customerProducts(customerId!), enabled: allowed });
  const orders = useQuery({ queryKey: ['work-orders', 'case', c.id], queryFn: () => listWorkOrders({ caseId: c.id }), enabled: allowed });
  const [creating, setCreating] = useState(false);
  if (!allowed) return null;
  const open = (orders.data ?? []).filter((w) => OPEN_WORK_ORDER_STATUSES.includes(w.status));
  const list = products.data ?? [];
  return (
    <section className="card case-fieldservice" aria-labelledby="case-fieldservice-title">
      <h2 id="case-fieldservice-title">{t('fieldservice.card.title')}</h2>
      {products.isPending ? (
        <Loading />
      ) : products.error ? (
        <ErrorMessage error={products.error} onRetry={() => void products.refetch()} />
      ) : list.length === 0 ? (
        <p className="muted">{t('fieldservice.card.noProducts')}</p>
      ) : (
        <ul className="product-card-list">
          {list.map((p) => (
            <ProductItem key={p.id} p={p} />
          ))}
        </ul>
      )}
      <h3>{t('fieldservice.card.openOrders')}</h3>
      {orders.isPending ? (
        <Loading />
      ) : orders.error ? (
        <ErrorMessage error={orders.error} onRetry={() => void orders.refetch()} />
      ) : open.length === 0 ? (
        <p className="muted small">{t('fieldservice.card.noOpenOrders')}</p>
      ) : (
        <ul className="case-work-orders">
          {open.map((w) => (
            <li key={w.id} className="case-work-order" data-id={w.id}>
              <Link to={`/service/${encodeURIComponent(w.id)}`}>
                {t(`fieldservice.type.${w.type}`)} · {w.model}
              </Link>{' '}
              <Badge kind={w.status}>{t(`fieldservice.status.${w.status}`)}</Badge>
              {w.visitDate && <span className="muted small"> · {`${w.visitDate} ${w.windowStart}-${w.windowEnd}`}</span>}
            </li>
          ))}
        </ul>
      )}
      {can('fieldservice.write') &&
        !erased &&
        list.length > 0 &&
        (creating ? (
          <NewWorkOrderForm caseId={c.id} products={list} onCancel={() => setCreating(false)} />
        ) : (
          <button type="button" className="secondary" name="new-work-order" onClick={() => setCreating(true)}>
            {t('fieldservice.create.open')}
          </button>
        ))}
    </section>
  );
}

function ProductItem({ p }: { p: ProductView }) {
  const { t } = useTranslation();
  const inWarranty = p.serviceKind === 'warranty'; // the API's rule: under warranty comes first, its last day inclusive
  return (
    <li className="product-card" data-id={p.id}>
      <strong>
        {p.model} · <span className="serial">{p.serial}</span>
      </strong>{' '}
      <Badge kind={inWarranty ? 'warranty' : 'expired'}>{t(inWarranty ? 'fieldservice.card.inWarranty' : 'fieldservice.card.outOfWarranty')}</Badge>
      <div className="muted small">
        {t('fieldservice.card.purchased', { date: p.purchasedOn })} · {t('fieldservice.card.warrantyUntil', { date: p.warrantyEndsOn })}
      </div>
      <div className="muted small">
        {p.contract ? t('fieldservice.card.contract', { number: p.contract.number, from: p.contract.startsOn, to: p.contract.endsOn }) : t('fieldservice.card.noContract')} ·{' '}
        {t('fieldservice.kindToday')}: {t(`fieldservice.kind.${p.serviceKind}`)}
      </div>
    </li>
  );
}
