import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { RecoveryTaskView } from '../../../types.ts';
import { authorityOf } from '../../../../../src/core/modules/users/roles.ts';
import { useCan, useMe } from '../../auth/hooks.ts';
import { Badge } from '../../../ui/Badge.tsx';
import { ErrorMessage } from '../../../ui/feedback.tsx';
import { formatTime } from '../../../ui/format.ts';
import { closeRecoveryTask } from '../api.ts';

/** Close with the outcome: as the API allows it (the assignee, a manager or the director). */
function CloseForm({ r, onDone }: { r: RecoveryTaskView; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [outcome, setOutcome] = useState('');
  const m = useMutation({
    mutationFn: () => closeRecoveryTask(r.id, outcome),
    onSuccess: async () => {
      onDone();
      await Promise.all([qc.invalidateQueries({ queryKey: ['surveys'] }), qc.invalidateQueries({ queryKey: ['case', r.caseId ?? ''] })]);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  const fieldId = `recovery-${r.id}-outcome`;
  return (
    <form className="action recovery-close" onSubmit={submit}>
      <label htmlFor={fieldId}>{t('surveys.outcomeLabel')}</label>
      <textarea id={fieldId} name="outcome" required rows={3} autoFocus value={outcome} onChange={(e) => setOutcome(e.target.value)} />
      <div className="row-buttons">
        <button type="submit" disabled={m.isPending}>
          {m.isPending ? t('surveys.working') : t('surveys.close')}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t('surveys.cancel')}
        </button>
      </div>
      <ErrorMessage error={m.error} />
    </form>
  );
}

/** One recovery task: the low score, whom it is for and by when, its outcome once closed. */
export function RecoveryTaskItem({ r, now, withCase }: { r: RecoveryTaskView; now: number; withCase?: boolean }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const me = useMe().data;
  const [closing, setClosing] = useState(false);
  const state = r.status === 'open' ? (r.dueAt <= now ? 'overdue' : 'open') : 'closed';
  const mayClose = r.status === 'open' && can('survey.recovery') && !!me && (r.assigneeId === me.user.id || authorityOf(me.user.role) >= 3);
  return (
    <li className={`recovery recovery-${state}`} data-id={r.id} data-status={r.status}>
      <div className="consultation-head">
        <strong>{t('surveys.csatOf', { score: r.csat, scale: r.scale })}</strong>
        <Badge kind={`recovery-${state}`}>
          <span className="recovery-state" data-state={state}>
            {t(`surveys.recoveryState.${state}`)}
          </span>
        </Badge>
      </div>
      {withCase && r.caseId && (
        <div className="small">
          <Link to={`/cases/${encodeURIComponent(r.caseId)}`}>
            <span className="case-number">{r.caseNumber}</span> {r.caseSubject}
          </Link>
        </div>
      )}
      {withCase && !r.caseId && (
        <div className="small recovery-periodic">
          {t('surveys.waves.recoveryOf', { name: r.customerName ?? '—' })}
        </div>
      )}
      <div className="muted small">{t('surveys.recoveryFor', { name: r.assigneeName ?? '—', time: formatTime(r.dueAt, i18n.language) })}</div>
      {r.comment && <blockquote className="survey-comment">{r.comment}</blockquote>}
      {r.status === 'closed' && (
        <p className="recovery-outcome">
          <span className="muted small">{t('surveys.closedAt', { time: formatTime(r.closedAt, i18n.language) })}</span>
          <br />
          {r.outcome}
        </p>
      )}
      {mayClose &&
        (closing ? (
          <CloseForm r={r} onDone={() => setClosing(false)} />
        ) : (
          <div className="row-buttons">
            <button type="button" data-step="close-recovery" onClick={() => setClosing(true)}>
              {t('surveys.closeTask')}
            </button>
          </div>
        ))}
    </li>
  );
}
