import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Badge } from '../../../ui/Badge.tsx';
import { ErrorMessage } from '../../../ui/feedback.tsx';
import { createWorkOrder, listEngineers, WORK_ORDER_TYPES, type ProductView } from '../api.ts';

/**
 * 创建服务单: a service order on a case for one of its customer's registered products, with the
 * problem as the customer reports it. The service kind shown is the API's own (the product's
 * warranty and contract today: free under warranty, contract, paid with a quote first); the
 * server decides it again when the order is made. Afterwards the new order's page opens.
 */
export function NewWorkOrderForm({ caseId, products, onCancel }: { caseId: string; products: ProductView[]; onCancel?: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState({ productId: products[0]?.id ?? '', type: 'repair', area: '', skill: '', problem: '' });
  // the areas engineers cover, offered as suggestions (dispatch matches on them)
  const engineers = useQuery({ queryKey: ['engineers'], queryFn: listEngineers, staleTime: 60_000 });
  const areas = [...new Set((engineers.data ?? []).filter((e) => e.active).flatMap((e) => e.areas))].sort();
  const make = useMutation({
    mutationFn: () =>
      createWorkOrder({
        caseId,
        productId: form.productId,
        type: form.type,
        area: form.area.trim(),
        ...(form.skill.trim() ? { skill: form.skill.trim() } : {}),
        ...(form.problem.trim() ? { problem: form.problem.trim() } : {}),
      }),
    onSuccess: async (w) => {
      qc.setQueryData(['work-order', w.id], w);
      await qc.invalidateQueries({ queryKey: ['work-orders'] });
      void navigate(`/service/${encodeURIComponent(w.id)}`);
    },
  });
  const chosen = products.find((p) => p.id === form.productId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    make.mutate();
  };
  return (
    <form className="action new-work-order" onSubmit={submit}>
      <label>
        {t('fieldservice.product')}
        <select name="woProduct" required value={form.productId} onChange={(e) => setForm({ ...form, productId: e.target.value })}>
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.model} · {p.serial}
            </option>
          ))}
        </select>
      </label>
      {chosen && (
        <p className="kind-preview small" data-kind={chosen.serviceKind}>
          {t('fieldservice.create.kindPreview')} <Badge kind={chosen.serviceKind}>{t(`fieldservice.kind.${chosen.serviceKind}`)}</Badge>
          <br />
          <span className="muted">{t(`fieldservice.create.kindHint.${chosen.serviceKind}`, { date: chosen.warrantyEndsOn, contract: chosen.contract?.number ?? '', until: chosen.contract?.endsOn ?? '' })}</span>
        </p>
      )}
      <label>
        {t('fieldservice.typeLabel')}
        <select name="woType" value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value })}>
          {WORK_ORDER_TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`fieldservice.type.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('fieldservice.create.problem')}
        <textarea name="woProblem" rows={3} maxLength={2000} value={form.problem} placeholder={t('fieldservice.create.problemHint')} onChange={(e) => setForm({ ...form, problem: e.target.value })} />
      </label>
      <label>
        {t('fieldservice.area')}
        <input name="woArea" required maxLength={50} list={`wo-areas-${caseId}`} value={form.area} onChange={(e) => setForm({ ...form, area: e.target.value })} />
        <datalist id={`wo-areas-${caseId}`}>
          {areas.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </label>
      <label>
        {t('fieldservice.create.skill')}
        <input name="woSkill" maxLength={50} value={form.skill} onChange={(e) => setForm({ ...form, skill: e.target.value })} />
      </label>
      <ErrorMessage error={make.error} />
      <div className="row-buttons">
        <button type="submit" disabled={make.isPending || !form.productId || !form.area.trim()}>
          {make.isPending ? t('actions.working') : t('fieldservice.create.submit')}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('fieldservice.create.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
