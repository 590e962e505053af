import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { createProduct, customerProducts, listProducts, listWorkOrders, WORK_ORDER_STATUSES, type WorkOrderView } from '../modules/fieldservice/api.ts';
import { NewWorkOrderForm } from '../modules/fieldservice/components/NewWorkOrderForm.tsx';
import { listCases } from '../modules/cases/api.ts';
import type { CaseListItem } from '../types.ts';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';

/**
 * 售后服务 (SPEC 9): the service orders (all, or my visits as an engineer), and the product
 * register searched by serial, with a form to register a product.
 */
export function FieldServicePage() {
  const { t } = useTranslation();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'orders';
  const [creating, setCreating] = useState(false);
  if (!can('fieldservice.read')) return <Forbidden title={t('fieldservice.forbiddenTitle')} message={t('fieldservice.forbidden')} />;
  const tabs = ['orders', 'mine', 'products'] as const;
  return (
    <section className="fieldservice-page">
      <div className="page-head">
        <h1>{t('fieldservice.title')}</h1>
        {can('fieldservice.write') && !creating && (
          <button type="button" name="new-order" onClick={() => setCreating(true)}>
            {t('fieldservice.create.open')}
          </button>
        )}
      </div>
      <p className="muted">{t('fieldservice.intro')}</p>
      {creating && <NewOrderForCase onClose={() => setCreating(false)} />}
      <div className="filters card">
        {tabs.map((k) => (
          <button key={k} type="button" name={`tab-${k}`} className={tab === k ? '' : 'secondary'} onClick={() => setParams({ tab: k })}>
            {t(`fieldservice.tab.${k}`)}
          </button>
        ))}
      </div>
      {tab === 'products' ? <ProductRegister /> : <WorkOrderList mine={tab === 'mine'} />}
    </section>
  );
}

/** 创建服务单 from here: find the case by its number or subject (the case list's search), then the order for one of its customer's products. */
function NewOrderForCase({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [term, setTerm] = useState('');
  const [searched, setSearched] = useState('');
  const [chosen, setChosen] = useState<CaseListItem | null>(null);
  const found = useQuery({ queryKey: ['cases', 'work-order-search', searched], queryFn: () => listCases({ q: searched }, null), enabled: searched !== '' && chosen === null });
  const products = useQuery({ queryKey: ['products', 'customer', chosen?.customerId], queryFn: () => customerProducts(chosen!.customerId!), enabled: !!chosen?.customerId });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setSearched(term.trim());
  };
  return (
    <section className="card new-order-for-case" aria-labelledby="new-order-title">
      <h2 id="new-order-title">{t('fieldservice.create.title')}</h2>
      {chosen === null ? (
        <>
          <form className="row-buttons" onSubmit={search}>
            <label>
              {t('fieldservice.create.findCase')}
              <input name="caseSearch" value={term} placeholder={t('fieldservice.create.findCaseHint')} onChange={(e) => setTerm(e.target.value)} />
            </label>
            <button type="submit" disabled={!term.trim()}>
              {t('fieldservice.create.search')}
            </button>
            <button type="button" className="secondary" onClick={onClose}>
              {t('fieldservice.create.cancel')}
            </button>
          </form>
          {searched !== '' &&
            (found.isPending ? (
              <Loading />
            ) : found.error ? (
              <ErrorMessage error={found.error} onRetry={() => void found.refetch()} />
            ) : found.data.items.length === 0 ? (
              <p className="muted">{t('fieldservice.create.noCases')}</p>
            ) : (
              <table className="table case-pick-table">
                <tbody>
                  {found.data.items.map((c) => (
                    <tr key={c.id} className="case-pick-row" data-id={c.id}>
                      <td>{c.number}</td>
                      <td>{c.subject}</td>
                      <td>{c.contact.name}</td>
                      <td>
                        <button type="button" className="secondary" name="pick-case" disabled={c.customerId === null} onClick={() => setChosen(c)}>
                          {t('fieldservice.create.pick')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
        </>
      ) : (
        <>
          <p>
            <Link to={`/cases/${encodeURIComponent(chosen.id)}`}>{chosen.number}</Link> {chosen.subject}{' '}
            <button type="button" className="link" onClick={() => setChosen(null)}>
              {t('fieldservice.create.otherCase')}
            </button>
          </p>
          {products.isPending ? (
            <Loading />
          ) : products.error ? (
            <ErrorMessage error={products.error} onRetry={() => void products.refetch()} />
          ) : products.data.length === 0 ? (
            <p className="muted">{t('fieldservice.card.noProducts')}</p>
          ) : (
            <NewWorkOrderForm caseId={chosen.id} products={products.data} onCancel={onClose} />
          )}
        </>
      )}
    </section>
  );
}

function WorkOrderList({ mine }: { mine: boolean }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState('');
  const list = useQuery({ queryKey: ['work-orders', mine, status], queryFn: () => listWorkOrders({ scope: mine ? 'mine' : 'all', ...(status ? { status } : {}) }) });
  return (
    <section className="card">
      <label>
        {t('fieldservice.statusLabel')}
        <select name="woStatus" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">{t('fieldservice.all')}</option>
          {WORK_ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`fieldservice.status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <p className="muted">{t(mine ? 'fieldservice.noVisits' : 'fieldservice.none')}</p>
      ) : (
        <table className="table work-order-table">
          <thead>
            <tr>
              <th>{t('fieldservice.case')}</th>
              <th>{t('fieldservice.typeLabel')}</th>
              <th>{t('fieldservice.product')}</th>
              <th>{t('fieldservice.customer')}</th>
              <th>{t('fieldservice.kindLabel')}</th>
              <th>{t('fieldservice.statusLabel')}</th>
              <th>{t('fieldservice.appointment')}</th>
              <th>{t('fieldservice.engineer')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((w) => (
              <WorkOrderRow key={w.id} w={w} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function WorkOrderRow({ w }: { w: WorkOrderView }) {
  const { t } = useTranslation();
  return (
    <tr className="work-order-row" data-id={w.id}>
      <td>
        <Link to={`/service/${encodeURIComponent(w.id)}`}>{w.caseNumber ?? w.caseId}</Link>
      </td>
      <td>{t(`fieldservice.type.${w.type}`)}</td>
      <td>
        {w.model} · {w.serial}
      </td>
      <td>{w.customerName}</td>
      <td>
        <Badge kind={w.serviceKind}>{t(`fieldservice.kind.${w.serviceKind}`)}</Badge>
      </td>
      <td>
        <Badge kind={w.status}>{t(`fieldservice.status.${w.status}`)}</Badge>
      </td>
      <td>{w.visitDate ? `${w.visitDate} ${w.windowStart}-${w.windowEnd}` : '—'}</td>
      <td>{w.engineerName ?? '—'}</td>
    </tr>
  );
}

function ProductRegister() {
  const { t } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const [serial, setSerial] = useState('');
  const list = useQuery({ queryKey: ['products', serial], queryFn: () => listProducts(serial) });
  const [form, setForm] = useState({ customerId: '', model: '', serial: '', purchasedOn: '', warrantyEndsOn: '' });
  const add = useMutation({
    mutationFn: () => createProduct(form),
    onSuccess: () => {
      setForm({ customerId: form.customerId, model: '', serial: '', purchasedOn: '', warrantyEndsOn: '' });
      void qc.invalidateQueries({ queryKey: ['products'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  const field = (k: keyof typeof form, type = 'text') => (
    <label key={k}>
      {t(`fieldservice.productForm.${k}`)}
      <input name={`product-${k}`} type={type} required value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
    </label>
  );
  return (
    <>
      <section className="card">
        <label>
          {t('fieldservice.searchSerial')}
          <input name="serialSearch" value={serial} onChange={(e) => setSerial(e.target.value.trim())} />
        </label>
        {list.isPending ? (
          <Loading />
        ) : list.error ? (
          <ErrorMessage error={list.error} />
        ) : list.data.length === 0 ? (
          <p className="muted">{t('fieldservice.noProducts')}</p>
        ) : (
          <table className="table product-table">
            <thead>
              <tr>
                <th>{t('fieldservice.productForm.model')}</th>
                <th>{t('fieldservice.productForm.serial')}</th>
                <th>{t('fieldservice.customer')}</th>
                <th>{t('fieldservice.productForm.purchasedOn')}</th>
                <th>{t('fieldservice.productForm.warrantyEndsOn')}</th>
                <th>{t('fieldservice.contract')}</th>
                <th>{t('fieldservice.kindToday')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((p) => (
                <tr key={p.id} className="product-row" data-id={p.id}>
                  <td>{p.model}</td>
                  <td>{p.serial}</td>
                  <td>{p.customerName}</td>
                  <td>{p.purchasedOn}</td>
                  <td>{p.warrantyEndsOn}</td>
                  <td>{p.contract ? `${p.contract.number} (${p.contract.startsOn} ~ ${p.contract.endsOn})` : '—'}</td>
                  <td>
                    <Badge kind={p.serviceKind}>{t(`fieldservice.kind.${p.serviceKind}`)}</Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {can('fieldservice.register') && (
        <form className="card" onSubmit={submit}>
          <h2>{t('fieldservice.registerProduct')}</h2>
          {field('customerId')}
          {field('model')}
          {field('serial')}
          {field('purchasedOn', 'date')}
          {field('warrantyEndsOn', 'date')}
          {add.error && <ErrorMessage error={add.error} />}
          <button type="submit" disabled={add.isPending}>
            {t('fieldservice.register')}
          </button>
        </form>
      )}
    </>
  );
}
