import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseView, FollowupView } from '../../../types.ts';
import { useCan, useMe } from '../../auth/hooks.ts';
import { useNow } from '../../cases/components/CaseTable.tsx';
import { Badge } from '../../../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { formatTime } from '../../../ui/format.ts';
import { caseFollowups, FOLLOWUP_METHODS, FOLLOWUP_RESULTS, recordOutcome, shownFollowupState, type OutcomeInput } from '../api.ts';

/** After an outcome: the follow-ups, the case (its timeline and status) and the queue are read again. */
function useRefresh() {
  const qc = useQueryClient();
  return (caseId: string | null) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['followups'] }),
      ...(caseId ? [qc.invalidateQueries({ queryKey: ['case', caseId] }), qc.invalidateQueries({ queryKey: ['cases'] })] : []),
    ]);
}

export function FollowupState({ f, now }: { f: FollowupView; now: number }) {
  const { t } = useTranslation();
  const s = shownFollowupState(f, now);
  return (
    <Badge kind={`followup-${s}`}>
      <span className="followup-state" data-state={s}>
        {t(`followups.state.${s}`)}
      </span>
    </Badge>
  );
}

/**
 * The outcome of a contact attempt: how, reached or not; reached, the customer's result; a
 * dissatisfied one, reopen or escalate (as the API requires).
 */
export function OutcomeForm({ f, onDone }: { f: FollowupView; onDone: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  const [v, setV] = useState<{ method: string; reached: boolean; result: string; action: string; notes: string }>({ method: 'phone', reached: true, result: 'satisfied', action: '', notes: '' });
  const m = useMutation({
    mutationFn: () => {
      const body: OutcomeInput = { method: v.method, reached: v.reached, ...(v.notes.trim() ? { notes: v.notes } : {}) };
      if (v.reached) Object.assign(body, { result: v.result }, v.result === 'dissatisfied' && v.action ? { action: v.action } : {});
      return recordOutcome(f.id, body);
    },
    onSuccess: async () => {
      onDone();
      await refresh(f.caseId);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <form className="action followup-outcome" data-id={f.id} onSubmit={submit}>
      <label>
        {t('followups.method')}
        <select name="followupMethod" value={v.method} onChange={(e) => setV({ ...v, method: e.target.value })}>
          {FOLLOWUP_METHODS.map((x) => (
            <option key={x} value={x}>
              {t(`followups.methods.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" name="followupReached" checked={v.reached} onChange={(e) => setV({ ...v, reached: e.target.checked })} />
        {t('followups.reached')}
      </label>
      {v.reached && (
        <label>
          {t('followups.result')}
          <select name="followupResult" value={v.result} onChange={(e) => setV({ ...v, result: e.target.value })}>
            {FOLLOWUP_RESULTS.map((x) => (
              <option key={x} value={x}>
                {t(`followups.results.${x}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      {v.reached && v.result === 'dissatisfied' && (
        <label>
          {t('followups.action')} *
          <select name="followupAction" required value={v.action} onChange={(e) => setV({ ...v, action: e.target.value })}>
            <option value="">{t('followups.chooseAction')}</option>
            {f.caseId && <option value="reopen">{t('followups.actions.reopen')}</option>}
            <option value="escalate">{t('followups.actions.escalate')}</option>
          </select>
        </label>
      )}
      <label>
        {t('followups.notes')}
        <textarea name="followupNotes" rows={2} value={v.notes} onChange={(e) => setV({ ...v, notes: e.target.value })} />
      </label>
      <div className="row-buttons">
        <button type="submit" disabled={m.isPending}>
          {m.isPending ? t('actions.working') : t('followups.save')}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t('followups.cancel')}
        </button>
      </div>
      <ErrorMessage error={m.error} />
    </form>
  );
}

/** One follow-up: what it is about, whose, by when, its state and outcome; the outcome form while pending. */
export function FollowupItem({ f, now, withCase }: { f: FollowupView; now: number; withCase?: boolean }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const [open, setOpen] = useState(false);
  const lang = i18n.language;
  return (
    <li className={`followup followup-${shownFollowupState(f, now)}`} data-id={f.id} data-status={f.status}>
      <div className="followup-head">
        <strong>{f.kind === 'plan' ? t('followups.planStep', { title: f.planTitle ?? '', step: f.planStep ?? 0 }) : t('followups.afterResolution')}</strong>
        <FollowupState f={f} now={now} />
      </div>
      {withCase && f.caseId && (
        <div className="small">
          <Link to={`/cases/${encodeURIComponent(f.caseId)}`} className="followup-case">
            <span className="case-number">{f.caseNumber}</span> {f.caseSubject}
          </Link>
        </div>
      )}
      <div className="muted small">
        {f.customerName ? `${f.customerName} · ` : ''}
        {t('followups.assignee', { name: f.assigneeName ?? f.teamName ?? '—' })} · {t('followups.dueAt', { time: formatTime(f.dueAt, lang) })}
        {f.attempts > 0 && ` · ${t('followups.attempts', { count: f.attempts })}`}
      </div>
      {f.status === 'done' && (
        <p className="small followup-result" data-result={f.result ?? ''}>
          {t(`followups.results.${f.result ?? 'neutral'}`)} · {t(`followups.methods.${f.method ?? 'phone'}`)} · {formatTime(f.closedAt, lang)}
          {f.onTime === false && ` · ${t('followups.late')}`}
          {f.action && ` · ${t(`followups.actions.${f.action}`)}`}
        </p>
      )}
      {f.notes && <p className="followup-notes">{f.notes}</p>}
      {f.status === 'cancelled' && f.cancelReason && <p className="muted small">{t(`followups.cancelReasons.${f.cancelReason}`, { defaultValue: f.cancelReason })}</p>}
      {f.status === 'pending' &&
        can('followup.record') &&
        (open ? (
          <OutcomeForm f={f} onDone={() => setOpen(false)} />
        ) : (
          <div className="row-buttons">
            <button type="button" data-step="record" onClick={() => setOpen(true)}>
              {t('followups.record')}
            </button>
          </div>
        ))}
    </li>
  );
}

/** The case page's card: the case's follow-ups, oldest first (those the API lets the user see). */
export function CaseFollowups({ c }: { c: CaseView }) {
  const { t } = useTranslation();
  const can = useCan();
  const me = useMe().data;
  const now = useNow();
  const q = useQuery({ queryKey: ['followups', 'case', c.id], queryFn: () => caseFollowups(c.id), enabled: can('followup.read') && !!me });
  if (!can('followup.read')) return null;
  const items = q.data ?? [];
  return (
    <section className="card followups" aria-labelledby="followups-title">
      <h2 id="followups-title">{t('followups.cardTitle')}</h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">{t('followups.noneForCase')}</p>
      ) : (
        <ul className="followup-list">
          {items.map((f) => (
            <FollowupItem key={f.id} f={f} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
