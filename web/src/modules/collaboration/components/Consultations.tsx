import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseView, ConsultationView, TeamView } from '../../../types.ts';
// the API's own rules (pure modules: no server code comes with them into the bundle)
import { authorityOf } from '../../../../../src/core/modules/users/roles.ts';
import { useCan, useMe } from '../../auth/hooks.ts';
import { OPEN_STATUSES } from '../../cases/api.ts';
import { useNow } from '../../cases/components/CaseTable.tsx';
import { Badge } from '../../../ui/Badge.tsx';
import { useDraft } from '../../../ui/drafts.ts';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { formatMinutes, formatTime } from '../../../ui/format.ts';
import { caseConsultations, consultationStep, listTeams, mayAnswerFor, requestConsultation, shownConsultationState, teamAndAbove, type ConsultationStep } from '../api.ts';

export const useTeams = () => {
  const can = useCan();
  return useQuery({ queryKey: ['teams'], queryFn: listTeams, enabled: can('team.read'), staleTime: 10 * 60_000 });
};

/** A team's name in the reader's language. */
export const teamName = (teams: TeamView[] | undefined, id: string, fallback: string, lang: string): string => {
  const t = teams?.find((x) => x.id === id);
  return t ? (lang === 'en' && t.nameEn ? t.nameEn : t.name) : fallback;
};

/** After a consultation changes: the case (its timeline), its consultations and the inbox are read again. */
function useRefresh() {
  const qc = useQueryClient();
  return (caseId: string) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['consultations'] }),
      qc.invalidateQueries({ queryKey: ['case', caseId] }),
      qc.invalidateQueries({ queryKey: ['cases'] }),
    ]);
}

/** Its state as a badge: open, overdue, answered (in time or late), declined, withdrawn. */
export function ConsultationState({ c, now }: { c: ConsultationView; now: number }) {
  const { t } = useTranslation();
  const s = shownConsultationState(c, now);
  return (
    <Badge kind={`consultation-${s}`}>
      <span className="consultation-state" data-state={s}>
        {t(`consultations.state.${s}`)}
      </span>
    </Badge>
  );
}

/** Time left to answer (or how long overdue), as the queue shows a case's. */
export function ConsultationDue({ c, now }: { c: ConsultationView; now: number }) {
  const { t, i18n } = useTranslation();
  const due = formatTime(c.dueAt, i18n.language);
  if (c.status !== 'open')
    return (
      <span className="muted">
        {t('consultations.dueAt', { time: due })}
      </span>
    );
  const overdue = c.dueAt <= now;
  return (
    <span className={`time-left time-left-${overdue ? 'breached' : 'running'}`} data-state={overdue ? 'breached' : 'running'} title={t('consultations.dueAt', { time: due })}>
      {overdue ? t('queue.deadline.overdue', { time: formatMinutes((now - c.dueAt) / 60_000, t) }) : t('queue.deadline.left', { time: formatMinutes((c.dueAt - now) / 60_000, t) })}
      <span className="muted"> · {due}</span>
    </span>
  );
}

/** Answer, decline or withdraw: a text and a button, the API's refusal beside it. */
function StepForm({ c, step, onDone }: { c: ConsultationView; step: ConsultationStep; onDone: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  const [text, setText, clear] = useDraft(`consultation:${c.id}:${step}`, '');
  const m = useMutation({
    mutationFn: () => consultationStep(c.id, step, step === 'answer' ? { answer: text } : step === 'decline' ? { reason: text } : text.trim() ? { reason: text } : {}),
    onSuccess: async () => {
      clear();
      onDone();
      await refresh(c.caseId);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  const fieldId = `consultation-${c.id}-${step}`;
  return (
    <form className={`action consultation-${step}`} data-step={step} onSubmit={submit}>
      <label htmlFor={fieldId}>{t(`consultations.${step}Label`)}</label>
      <textarea id={fieldId} autoFocus name={step} rows={step === 'answer' ? 3 : 2} required={step !== 'withdraw'} value={text} onChange={(e) => setText(e.target.value)} />
      <div className="row-buttons">
        <button type="submit" className={step === 'answer' ? undefined : 'danger'} disabled={m.isPending}>
          {m.isPending ? t('actions.working') : t(`consultations.do.${step}`)}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t('consultations.cancel')}
        </button>
      </div>
      <ErrorMessage error={m.error} />
    </form>
  );
}

/**
 * One consultation: who asked which team what, by when, its state and answer; the steps the user
 * may take on it (as the API decides: answer or decline for the team asked, withdraw for the
 * asking side). `withCase`: the inbox's line, linking to its case.
 */
export function ConsultationItem({ c, caseView, withCase, now }: { c: ConsultationView; caseView?: CaseView; withCase?: boolean; now: number }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const me = useMe().data;
  const teams = useTeams().data;
  const [open, setOpen] = useState<ConsultationStep | null>(null);
  const authority = authorityOf(me?.user.role ?? '');
  const isOpen = c.status === 'open';
  const mayAnswer = isOpen && !!me && can('consultation.answer') && !!teams && mayAnswerFor(teams, me.user, authority, c.teamId);
  const asking = [c.requestedBy, caseView?.ownerId ?? null, caseView?.assigneeId ?? null];
  const mayWithdraw = isOpen && !!me && can('consultation.request') && (asking.includes(me.user.id) || authority >= 2);
  const steps: ConsultationStep[] = [...(mayAnswer ? (['answer', 'decline'] as const) : []), ...(mayWithdraw ? (['withdraw'] as const) : [])];
  const team = teamName(teams, c.teamId, c.teamName, i18n.language);
  return (
    <li className={`consultation consultation-${shownConsultationState(c, now)}`} data-id={c.id} data-status={c.status}>
      <div className="consultation-head">
        <strong className="consultation-team">{t('consultations.asked', { team })}</strong>
        <ConsultationState c={c} now={now} />
      </div>
      {withCase && (
        <div className="small">
          <Link to={`/cases/${encodeURIComponent(c.caseId)}`} className="consultation-case">
            <span className="case-number">{c.caseNumber}</span> {c.caseSubject}
          </Link>
        </div>
      )}
      <div className="muted small">
        {t('consultations.by', { name: c.requestedByName, time: formatTime(c.requestedAt, i18n.language) })} · <ConsultationDue c={c} now={now} />
      </div>
      <p className="consultation-question">{c.question}</p>
      {c.status === 'answered' && c.answer && (
        <div className="consultation-answer">
          <span className="muted small">
            {t('consultations.answeredBy', { name: c.closedByName ?? '—', time: formatTime(c.closedAt, i18n.language) })}
          </span>
          <p>{c.answer}</p>
        </div>
      )}
      {(c.status === 'declined' || c.status === 'withdrawn') && (
        <p className="muted small consultation-reason">
          {t(`consultations.${c.status}By`, { name: c.closedByName ?? '—', time: formatTime(c.closedAt, i18n.language) })}
          {c.reason ? `${i18n.language === 'en' ? ': ' : '：'}${c.reason}` : ''}
        </p>
      )}
      {steps.length > 0 &&
        (open ? (
          <StepForm c={c} step={open} onDone={() => setOpen(null)} />
        ) : (
          <div className="row-buttons">
            {steps.map((s) => (
              <button key={s} type="button" className={s === 'answer' ? undefined : 'secondary'} data-step={s} onClick={() => setOpen(s)}>
                {t(`consultations.step.${s}`)}
              </button>
            ))}
          </div>
        ))}
    </li>
  );
}

/** The case page's card: its consultations, oldest first, and a form to ask another team when the API would allow it. */
export function CaseConsultations({ c, erased }: { c: CaseView; erased: boolean }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const me = useMe().data;
  const now = useNow();
  const q = useQuery({ queryKey: ['consultations', 'case', c.id], queryFn: () => caseConsultations(c.id), enabled: can('consultation.read') });
  const teams = useTeams();
  const refresh = useRefresh();
  const [form, setForm, clearForm] = useDraft(`case:${c.id}:consultation`, { teamId: '', question: '' });
  const ask = useMutation({
    mutationFn: () => requestConsultation(c.id, form),
    onSuccess: async () => {
      clearForm();
      await refresh(c.id);
    },
  });
  if (!can('consultation.read')) return null;
  // as the API decides (consultation.service.ts): the case's owner or a lead (nobody owns it: any
  // handler), while the case is open; never about a case whose customer was erased (read-only)
  const authority = authorityOf(me?.user.role ?? '');
  const mayAsk = can('consultation.request') && !erased && (OPEN_STATUSES as readonly string[]).includes(c.status) && (c.ownerId === null || c.ownerId === me?.user.id || authority >= 2);
  // another team: not the asker's own nor a unit above it
  const mine = teamAndAbove(teams.data ?? [], me?.user.teamId);
  const choices = (teams.data ?? []).filter((x) => !mine.includes(x.id));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    ask.mutate();
  };
  const items = q.data ?? [];
  return (
    <section className="card consultations" aria-labelledby="consultations-title">
      <h2 id="consultations-title">{t('consultations.title')}</h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">{t('consultations.none')}</p>
      ) : (
        <ul className="consultation-list">
          {items.map((x) => (
            <ConsultationItem key={x.id} c={x} caseView={c} now={now} />
          ))}
        </ul>
      )}
      {mayAsk && (
        <form className="action consultation-request" onSubmit={submit}>
          <h3>{t('consultations.ask')}</h3>
          <label>
            {t('consultations.team')} *
            <select name="consultationTeam" required value={form.teamId} onChange={(e) => setForm({ ...form, teamId: e.target.value })}>
              <option value="">{t('consultations.chooseTeam')}</option>
              {choices.map((x) => (
                <option key={x.id} value={x.id}>
                  {i18n.language === 'en' && x.nameEn ? x.nameEn : x.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('consultations.question')} *
            <textarea name="consultationQuestion" required rows={3} placeholder={t('consultations.questionPlaceholder')} value={form.question} onChange={(e) => setForm({ ...form, question: e.target.value })} />
          </label>
          <button type="submit" disabled={ask.isPending}>
            {ask.isPending ? t('actions.working') : t('consultations.send')}
          </button>
          <ErrorMessage error={ask.error} />
        </form>
      )}
    </section>
  );
}
