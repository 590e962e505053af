import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useCan, useMe } from '../modules/auth/hooks.ts';
import {
  acceptQuote,
  addPart,
  bookVisit,
  completeWorkOrder,
  fenOf,
  getWorkOrder,
  moveWorkOrder,
  QUOTE_KINDS,
  remoteSupport,
  setQuote,
  signOff,
  suggestions,
  tickChecklist,
  yuan,
  type WorkOrderView,
} from '../modules/fieldservice/api.ts';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

/** One service order (服务单): remote support, quote, dispatch, the visit (checklist, parts, report) and the customer's sign-off. */
export function WorkOrderPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const can = useCan();
  const q = useQuery({ queryKey: ['work-order', id], queryFn: () => getWorkOrder(id), enabled: can('fieldservice.read') });
  if (!can('fieldservice.read')) return <Forbidden title={t('fieldservice.forbiddenTitle')} message={t('fieldservice.forbidden')} />;
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  const w = q.data;
  return (
    <section className="work-order-page">
      <div className="page-head">
        <h1>
          {t('fieldservice.order')} · {t(`fieldservice.type.${w.type}`)}
        </h1>
        <div className="badges">
          <Badge kind={w.status}>{t(`fieldservice.status.${w.status}`)}</Badge> <Badge kind={w.serviceKind}>{t(`fieldservice.kind.${w.serviceKind}`)}</Badge>
        </div>
      </div>
      <dl className="card fields">
        <dt>{t('fieldservice.case')}</dt>
        <dd>
          <Link to={`/cases/${encodeURIComponent(w.caseId)}`}>{w.caseNumber}</Link>
        </dd>
        <dt>{t('fieldservice.product')}</dt>
        <dd>
          {w.model} · {w.serial}
        </dd>
        <dt>{t('fieldservice.customer')}</dt>
        <dd>{w.customerName}</dd>
        {w.problem && (
          <>
            <dt>{t('fieldservice.create.problem')}</dt>
            <dd className="work-order-problem">{w.problem}</dd>
          </>
        )}
        <dt>{t('fieldservice.area')}</dt>
        <dd>
          {w.area}
          {w.skill ? ` · ${w.skill}` : ''}
        </dd>
        <dt>{t('fieldservice.appointment')}</dt>
        <dd>{w.visitDate ? `${w.visitDate} ${w.windowStart}-${w.windowEnd} · ${w.engineerName ?? ''}` : '—'}</dd>
        <dt>{t('fieldservice.visits')}</dt>
        <dd>{w.visits}</dd>
      </dl>
      <Remote w={w} />
      {w.serviceKind === 'paid' && <Quote w={w} />}
      {can('fieldservice.dispatch') && ['new', 'remote_support', 'scheduled', 'on_site'].includes(w.status) && <Dispatch w={w} />}
      <Visit w={w} />
    </section>
  );
}

/** A mutation of the work order that refreshes it. */
function useWoAction<A>(w: WorkOrderView, fn: (a: A) => Promise<WorkOrderView>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: (next) => qc.setQueryData(['work-order', w.id], next) });
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function Remote({ w }: { w: WorkOrderView }) {
  const { t } = useTranslation();
  const can = useCan();
  const [notes, setNotes] = useState('');
  const m = useWoAction(w, (outcome: string) => remoteSupport(w.id, { outcome, ...(notes ? { notes } : {}) }));
  return (
    <Card title={t('fieldservice.remote.title')}>
      {w.remote ? (
        <p className="remote-outcome">
          {t(`fieldservice.remote.${w.remote.outcome}`)} {w.remote.notes ? `· ${w.remote.notes}` : ''}
        </p>
      ) : (
        <p className="muted">{t('fieldservice.remote.hint')}</p>
      )}
      {w.overrideReason && <p>{t('fieldservice.overrideReason')}: {w.overrideReason}</p>}
      {can('fieldservice.write') && ['new', 'remote_support'].includes(w.status) && (
        <div className="row">
          <input name="remoteNotes" placeholder={t('fieldservice.notes')} value={notes} onChange={(e) => setNotes(e.target.value)} />
          <button type="button" name="remoteResolved" onClick={() => m.mutate('resolved')}>
            {t('fieldservice.remote.resolved')}
          </button>
          <button type="button" name="remoteNotResolved" className="secondary" onClick={() => m.mutate('not_resolved')}>
            {t('fieldservice.remote.not_resolved')}
          </button>
        </div>
      )}
      {m.error && <ErrorMessage error={m.error} />}
    </Card>
  );
}

function Quote({ w }: { w: WorkOrderView }) {
  const { t } = useTranslation();
  const can = useCan();
  const [amounts, setAmounts] = useState<Record<string, string>>({ labour: '', parts: '', callout: '' });
  const [acceptedBy, setAcceptedBy] = useState('');
  const save = useWoAction(w, () =>
    setQuote(
      w.id,
      QUOTE_KINDS.filter((k) => amounts[k]).map((k) => ({ kind: k, description: t(`fieldservice.quote.${k}`), amountFen: fenOf(amounts[k]!) })),
    ),
  );
  const accept = useWoAction(w, () => acceptQuote(w.id, acceptedBy));
  const editable = can('fieldservice.write') && ['new', 'remote_support'].includes(w.status);
  return (
    <Card title={t('fieldservice.quote.title')}>
      {w.quote && (
        <table className="table quote-table">
          <tbody>
            {w.quote.items.map((i, n) => (
              <tr key={n}>
                <td>{t(`fieldservice.quote.${i.kind}`)}</td>
                <td>{i.description}</td>
                <td>{yuan(i.amountFen)}</td>
              </tr>
            ))}
            <tr>
              <th colSpan={2}>{t('fieldservice.quote.total')}</th>
              <th className="quote-total">{yuan(w.quote.totalFen)}</th>
            </tr>
          </tbody>
        </table>
      )}
      {w.quote?.acceptedAt ? <p className="quote-accepted">{t('fieldservice.quote.acceptedBy', { name: w.quote.acceptedBy })}</p> : null}
      {editable && (
        <div className="row">
          {QUOTE_KINDS.map((k) => (
            <label key={k}>
              {t(`fieldservice.quote.${k}`)} (¥)
              <input name={`quote-${k}`} inputMode="decimal" value={amounts[k]} onChange={(e) => setAmounts({ ...amounts, [k]: e.target.value })} />
            </label>
          ))}
          <button type="button" name="saveQuote" onClick={() => save.mutate(undefined)}>
            {t('fieldservice.quote.save')}
          </button>
        </div>
      )}
      {editable && w.quote && !w.quote.acceptedAt && (
        <div className="row">
          <input name="acceptedBy" placeholder={t('fieldservice.quote.acceptedByLabel')} value={acceptedBy} onChange={(e) => setAcceptedBy(e.target.value)} />
          <button type="button" name="acceptQuote" disabled={!acceptedBy.trim()} onClick={() => accept.mutate(undefined)}>
            {t('fieldservice.quote.accept')}
          </button>
        </div>
      )}
      {(save.error || accept.error) && <ErrorMessage error={save.error ?? accept.error} />}
    </Card>
  );
}

function Dispatch({ w }: { w: WorkOrderView }) {
  const { t } = useTranslation();
  const [date, setDate] = useState(w.visitDate ?? '');
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('12:00');
  const [override, setOverride] = useState('');
  const [reason, setReason] = useState('');
  const rescheduling = w.status === 'scheduled';
  const s = useQuery({ queryKey: ['suggestions', w.id, date], queryFn: () => suggestions(w.id, date), enabled: /^\d{4}-\d{2}-\d{2}$/.test(date) });
  const book = useWoAction(w, (engineerId: string) => bookVisit(w.id, { engineerId, date, windowStart: start, windowEnd: end, ...(override.trim() ? { overrideReason: override.trim() } : {}), ...(rescheduling ? { reason: reason.trim() } : {}) }));
  return (
    <Card title={t('fieldservice.dispatch.title')}>
      <div className="row">
        <label>
          {t('fieldservice.dispatch.date')}
          <input name="visitDate" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <label>
          {t('fieldservice.dispatch.from')}
          <input name="windowStart" type="time" value={start} onChange={(e) => setStart(e.target.value)} />
        </label>
        <label>
          {t('fieldservice.dispatch.to')}
          <input name="windowEnd" type="time" value={end} onChange={(e) => setEnd(e.target.value)} />
        </label>
        {rescheduling && (
          <label>
            {t('fieldservice.rescheduleReason')}
            <input name="rescheduleReason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
        )}
        {w.type === 'repair' && !w.remote && !rescheduling && (
          <label>
            {t('fieldservice.overrideReason')}
            <input name="overrideReason" value={override} onChange={(e) => setOverride(e.target.value)} />
          </label>
        )}
      </div>
      {s.data && (
        <table className="table suggestion-table">
          <thead>
            <tr>
              <th>{t('fieldservice.engineer')}</th>
              <th>{t('fieldservice.dispatch.score')}</th>
              <th>{t('fieldservice.dispatch.area')}</th>
              <th>{t('fieldservice.dispatch.skill')}</th>
              <th>{t('fieldservice.dispatch.load')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {s.data.map((e) => (
              <tr key={e.userId} className="suggestion-row">
                <td>{e.name}</td>
                <td>{e.score}</td>
                <td>{e.areaMatch ? '✓' : '—'}</td>
                <td>{e.skillMatch ? '✓' : '—'}</td>
                <td>
                  {e.booked}/{e.maxDailyVisits}
                </td>
                <td>
                  <button type="button" name="book" onClick={() => book.mutate(e.userId)}>
                    {t('fieldservice.dispatch.book')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(s.error || book.error) && <ErrorMessage error={s.error ?? book.error} />}
    </Card>
  );
}

function Visit({ w }: { w: WorkOrderView }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const me = useMe();
  const mayWork = can('fieldservice.visit') && (w.engineerId === me.data?.user.id || can('fieldservice.dispatch'));
  const move = useWoAction(w, (to: string) => moveWorkOrder(w.id, to));
  const tick = useWoAction(w, (item: { key: string; done: boolean; note: string | null }) => tickChecklist(w.id, [item]));
  const [part, setPart] = useState({ partNo: '', name: '', qty: '1', price: '', serial: '', months: '12' });
  const addP = useWoAction(w, () =>
    addPart(w.id, { partNo: part.partNo, name: part.name, qty: Number(part.qty), unitPriceFen: fenOf(part.price || '0'), warrantyMonths: Number(part.months), ...(part.serial ? { partSerial: part.serial } : {}) }),
  );
  const [report, setReport] = useState({ workDone: '', findings: '', minutes: '' });
  const complete = useWoAction(w, () => completeWorkOrder(w.id, { workDone: report.workDone, findings: report.findings, minutesOnSite: Number(report.minutes || '0') }));
  const [signer, setSigner] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const sign = useWoAction(w, () => signOff(w.id, { signerName: signer, ...(confirmation ? { confirmation } : {}) }));
  const open = mayWork && (w.status === 'on_site' || w.status === 'completed');
  const err = move.error ?? tick.error ?? addP.error ?? complete.error ?? sign.error;
  return (
    <Card title={t('fieldservice.visit.title')}>
      {mayWork && w.status === 'scheduled' && (
        <button type="button" name="enRoute" onClick={() => move.mutate('en_route')}>
          {t('fieldservice.visit.enRoute')}
        </button>
      )}
      {mayWork && w.status === 'en_route' && (
        <button type="button" name="onSite" onClick={() => move.mutate('on_site')}>
          {t('fieldservice.visit.onSite')}
        </button>
      )}
      <h3>{t('fieldservice.visit.checklist')}</h3>
      <ul className="checklist" style={{ listStyle: 'none', padding: 0 }}>
        {w.checklist.map((i) => (
          <li key={i.key}>
            <label className="check">
              <input type="checkbox" name={`check-${i.key}`} checked={i.done} disabled={!open} onChange={(e) => tick.mutate({ key: i.key, done: e.target.checked, note: i.note })} />
              {t(`fieldservice.check.${i.key}`)}
            </label>
          </li>
        ))}
      </ul>
      <h3>{t('fieldservice.visit.parts')}</h3>
      {w.parts.length > 0 && (
        <table className="table part-table">
          <tbody>
            {w.parts.map((p) => (
              <tr key={p.id}>
                <td>{p.partNo}</td>
                <td>{p.name}</td>
                <td>×{p.qty}</td>
                <td>{yuan(p.unitPriceFen)}</td>
                <td>{p.partSerial ?? ''}</td>
                <td className="part-warranty">{t('fieldservice.visit.partWarranty', { date: p.warrantyEndsOn })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && (
        <div className="row">
          {(['partNo', 'name', 'qty', 'price', 'serial', 'months'] as const).map((k) => (
            <label key={k}>
              {t(`fieldservice.part.${k}`)}
              <input name={`part-${k}`} value={part[k]} onChange={(e) => setPart({ ...part, [k]: e.target.value })} />
            </label>
          ))}
          <button type="button" name="addPart" onClick={() => addP.mutate(undefined)}>
            {t('fieldservice.visit.addPart')}
          </button>
        </div>
      )}
      <h3>{t('fieldservice.visit.report')}</h3>
      {w.report ? (
        <div className="field-report">
          <p>{w.report.workDone}</p>
          {w.report.findings && <p className="muted">{w.report.findings}</p>}
          <p>{t('fieldservice.visit.minutes', { count: w.report.minutesOnSite })}</p>
        </div>
      ) : (
        mayWork &&
        w.status === 'on_site' && (
          <div className="row">
            <textarea name="workDone" placeholder={t('fieldservice.visit.workDone')} value={report.workDone} onChange={(e) => setReport({ ...report, workDone: e.target.value })} />
            <textarea name="findings" placeholder={t('fieldservice.visit.findings')} value={report.findings} onChange={(e) => setReport({ ...report, findings: e.target.value })} />
            <input name="minutesOnSite" inputMode="numeric" placeholder={t('fieldservice.visit.minutesLabel')} value={report.minutes} onChange={(e) => setReport({ ...report, minutes: e.target.value })} />
            <button type="button" name="complete" disabled={!report.workDone.trim()} onClick={() => complete.mutate(undefined)}>
              {t('fieldservice.visit.complete')}
            </button>
          </div>
        )
      )}
      <h3>{t('fieldservice.visit.signoff')}</h3>
      {w.signoff ? (
        <p className="signoff">
          {t('fieldservice.visit.signedBy', { name: w.signoff.signerName, time: formatTime(w.signoff.at, i18n.language) })}
          {w.signoff.confirmation ? ` · “${w.signoff.confirmation}”` : ''}
        </p>
      ) : (
        mayWork &&
        w.status === 'completed' &&
        w.visits > 0 && (
          <div className="row">
            <input name="signerName" placeholder={t('fieldservice.visit.signerName')} value={signer} onChange={(e) => setSigner(e.target.value)} />
            <input name="confirmation" placeholder={t('fieldservice.visit.confirmation')} value={confirmation} onChange={(e) => setConfirmation(e.target.value)} />
            <button type="button" name="signOff" disabled={!signer.trim()} onClick={() => sign.mutate(undefined)}>
              {t('fieldservice.visit.signOff')}
            </button>
          </div>
        )
      )}
      {err && <ErrorMessage error={err} />}
    </Card>
  );
}
