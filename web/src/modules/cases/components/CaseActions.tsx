import { createContext, isValidElement, useContext, useEffect, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '../../../types.ts';
// the API's own rules (pure modules: no server code comes with them into the bundle)
import { authorityOf } from '../../../../../src/core/modules/users/roles.ts';
import { minimumAuthorityForGrade } from '../../../../../src/core/modules/cases/case.ts';
import { useCan, useMe } from '../../auth/hooks.ts';
import { EnumOptions } from '../../../ui/EnumOptions.tsx';
import { useDraft } from '../../../ui/drafts.ts';
import { ErrorMessage } from '../../../ui/feedback.tsx';
import { CASE_TYPES, CLOSE_REASONS, COMPLAINT_GRADES, type CaseAction } from '../api.ts';
import { useCaseAction, useCategories } from '../hooks.ts';

const CaseVersion = createContext(0);

/** One action: its fields, its button, and the API's message next to it when it fails. */
function ActionForm({
  id,
  action,
  label,
  submit,
  body,
  children,
  collapsible,
  onDone,
  danger,
  kept,
}: {
  id: string;
  action: CaseAction;
  label: string;
  submit: string;
  body: () => unknown;
  children?: ReactNode;
  collapsible?: boolean;
  onDone?: () => void;
  danger?: boolean;
  /** a draft of it was restored: a collapsible form starts open, so the user sees it */
  kept?: boolean;
}) {
  const { t } = useTranslation();
  const m = useCaseAction(id, action);
  // an error belongs to the case as it was: once the case changes, it is no longer news
  const version = useContext(CaseVersion);
  const { reset } = m;
  useEffect(() => reset(), [version, reset]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // the promise, not mutate()'s per-call onSuccess: that one is dropped when the case reloads and re-renders this form first
    m.mutateAsync(body()).then(() => onDone?.(), () => undefined); // a failure shows as m.error
  };
  const form = (
    <form className={`action action-${action}`} onSubmit={onSubmit} data-action={action}>
      {children}
      <button type="submit" className={danger ? 'danger' : undefined} disabled={m.isPending}>
        {m.isPending ? t('actions.working') : submit}
      </button>
      <ErrorMessage error={m.error} />
    </form>
  );
  if (!collapsible) return children ? <div className="action-block"><h3>{label}</h3>{form}</div> : form;
  return (
    <details className="action-block" data-action={action} open={kept || undefined}>
      <summary>{label}</summary>
      {form}
    </details>
  );
}

const OPENISH = ['new', 'open', 'pending_customer', 'pending_internal', 'reopened'];

/** What the user may do with the case now: by their permissions and the case's state. */
export function CaseActions({ c }: { c: CaseView }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const me = useMe().data;
  const categories = useCategories();
  // each form's text is a draft of this case (kept through a session that ends mid-way: ui/drafts.ts)
  const draft = (form: string) => `case:${c.id}:${form}`;
  const [reply, setReply, clearReply, replyKept] = useDraft(draft('reply'), '');
  const [note, setNote, clearNote, noteKept] = useDraft(draft('note'), '');
  const [cls, setCls, clearCls, clsKept] = useDraft(draft('classify'), { type: '', categoryId: '', impact: '', urgency: '', complaintGrade: '', reason: '' });
  const [res, setRes, clearRes, resKept] = useDraft(draft('resolve'), { cause: '', solution: '', compensation: '', correctiveAction: '' });
  const [close, setClose, clearClose, closeKept] = useDraft(draft('close'), { reason: '', note: '', cause: '', correctiveAction: '' });
  const [reopen, setReopen, clearReopen, reopenKept] = useDraft(draft('reopen'), '');
  const kept = replyKept || noteKept || clsKept || resKept || closeKept || reopenKept;

  const closed = c.status === 'closed';
  const openish = OPENISH.includes(c.status);
  // as the API decides (case.service.ts): a lead (supervisor and up) may take over and decide any
  // case; an agent decides only one nobody or they own (首问负责); an important complaint needs a
  // supervisor or above, an urgent one a manager or above (SPEC 2)
  const authority = authorityOf(me?.user.role ?? '');
  const lead = authority >= 2;
  const gradeOk = authority >= minimumAuthorityForGrade(c.complaintGrade);
  const ownedByOther = c.ownerId !== null && c.ownerId !== me?.user.id && !lead;
  const mayDecide = gradeOk && !ownedByOther;
  const decides = can('case.status') || can('case.resolve') || can('case.close') || can('case.reopen');
  const mayTake = can('case.take') && gradeOk && !closed && c.ownerId !== me?.user.id && (c.ownerId === null || lead);
  const reasons = c.status === 'resolved' ? CLOSE_REASONS : CLOSE_REASONS.filter((r) => r !== 'solved' && r !== 'unsolved');
  const closeReason = close.reason || reasons[0]!;
  // a withdrawn repeat complaint closes with its root cause and corrective action (SPEC 2): asked
  // for here unless the case has them already (from an earlier resolution)
  const withdrawnRepeat = c.isRepeat && closeReason === 'withdrawn';
  const needCause = withdrawnRepeat && !c.resolution.cause;
  const needCorrective = withdrawnRepeat && !c.resolution.correctiveAction;
  const items: ReactNode[] = [];

  if (mayTake) items.push(<ActionForm key="take" id={c.id} action="take" label={t('actions.take')} submit={t('actions.take')} body={() => ({})} />);
  // the first reply to a case nobody owns takes it: at its grade's authority, as take
  if (can('case.reply') && !closed && (c.ownerId !== null || gradeOk))
    items.push(
      <ActionForm key="reply" id={c.id} action="replies" label={t('actions.reply')} submit={t('actions.sendReply')} body={() => ({ body: reply })} onDone={clearReply}>
        <textarea name="reply" required rows={4} placeholder={t('actions.replyPlaceholder')} value={reply} onChange={(e) => setReply(e.target.value)} />
      </ActionForm>,
    );
  if (can('case.note'))
    items.push(
      <ActionForm key="note" id={c.id} action="notes" label={t('actions.note')} submit={t('actions.addNote')} body={() => ({ body: note })} onDone={clearNote}>
        <textarea name="note" className="internal" required rows={2} placeholder={t('actions.notePlaceholder')} value={note} onChange={(e) => setNote(e.target.value)} />
      </ActionForm>,
    );
  if (can('case.status') && mayDecide && ['new', 'open', 'pending_internal', 'reopened'].includes(c.status))
    items.push(<ActionForm key="wait" id={c.id} action="status" label={t('actions.waiting')} submit={t('actions.waiting')} body={() => ({ status: 'pending_customer' })} />);
  if (can('case.status') && mayDecide && (c.status === 'pending_customer' || c.status === 'pending_internal'))
    items.push(<ActionForm key="resume" id={c.id} action="status" label={t('actions.resume')} submit={t('actions.resume')} body={() => ({ status: 'open' })} />);
  if (can('case.resolve') && mayDecide && openish)
    items.push(
      <ActionForm
        key="resolve"
        collapsible
        id={c.id}
        action="resolve"
        onDone={clearRes}
        kept={resKept}
        label={t('actions.resolve')}
        submit={t('actions.doResolve')}
        body={() => ({ cause: res.cause, solution: res.solution, ...(res.compensation.trim() ? { compensation: res.compensation } : {}), ...(res.correctiveAction.trim() ? { correctiveAction: res.correctiveAction } : {}) })}
      >
        <label>
          {t('case.cause')} *
          <input name="cause" required value={res.cause} onChange={(e) => setRes({ ...res, cause: e.target.value })} />
        </label>
        <label>
          {t('case.solution')} *
          <textarea name="solution" required rows={3} value={res.solution} onChange={(e) => setRes({ ...res, solution: e.target.value })} />
        </label>
        <label>
          {t('case.compensation')}
          <input name="compensation" value={res.compensation} onChange={(e) => setRes({ ...res, compensation: e.target.value })} />
        </label>
        <label>
          {t('case.correctiveAction')}
          {c.isRepeat && ' *'}
          <input name="correctiveAction" required={c.isRepeat} value={res.correctiveAction} onChange={(e) => setRes({ ...res, correctiveAction: e.target.value })} />
        </label>
      </ActionForm>,
    );
  if (can('case.classify') && !closed)
    items.push(
      <ActionForm
        key="classify"
        collapsible
        id={c.id}
        action="classify"
        label={t('actions.classify')}
        submit={t('actions.saveClassification')}
        body={() => ({
          reason: cls.reason,
          ...(cls.type ? { type: cls.type } : {}),
          ...(cls.categoryId ? { categoryId: cls.categoryId } : {}),
          ...(cls.impact ? { impact: Number(cls.impact) } : {}),
          ...(cls.urgency ? { urgency: Number(cls.urgency) } : {}),
          ...(cls.complaintGrade ? { complaintGrade: cls.complaintGrade } : {}),
        })}
        onDone={clearCls}
        kept={clsKept}
      >
        <div className="grid2">
          <label>
            {t('case.type')}
            <select name="type" value={cls.type} onChange={(e) => setCls({ ...cls, type: e.target.value })}>
              <option value="">{t('actions.unchanged')}</option>
              <EnumOptions values={CASE_TYPES} prefix="type" />
            </select>
          </label>
          <label>
            {t('case.category')}
            <select name="categoryId" value={cls.categoryId} onChange={(e) => setCls({ ...cls, categoryId: e.target.value })}>
              <option value="">{t('actions.unchanged')}</option>
              {(categories.data ?? []).map((x) => (
                <option key={x.id} value={x.id}>
                  {i18n.language === 'en' ? x.nameEn : x.name}
                </option>
              ))}
            </select>
          </label>
          {(['impact', 'urgency'] as const).map((k) => (
            <label key={k}>
              {t(`case.${k}`)}
              <select name={k} value={cls[k]} onChange={(e) => setCls({ ...cls, [k]: e.target.value })}>
                <option value="">{t('actions.unchanged')}</option>
                <EnumOptions values={[1, 2, 3]} prefix="case.levels" />
              </select>
            </label>
          ))}
          {(cls.type || c.type) === 'complaint' && (
            <label>
              {t('case.complaintGrade')}
              <select name="complaintGrade" value={cls.complaintGrade} onChange={(e) => setCls({ ...cls, complaintGrade: e.target.value })}>
                <option value="">{t('actions.unchanged')}</option>
                <EnumOptions values={COMPLAINT_GRADES} prefix="grade" />
              </select>
            </label>
          )}
        </div>
        <label>
          {t('actions.reason')} *
          <input name="reason" required value={cls.reason} onChange={(e) => setCls({ ...cls, reason: e.target.value })} />
        </label>
      </ActionForm>,
    );
  if (can('case.close') && mayDecide && !closed)
    items.push(
      <ActionForm
        key="close"
        collapsible
        danger
        id={c.id}
        action="close"
        onDone={clearClose}
        kept={closeKept}
        label={t('actions.close')}
        submit={t('actions.doClose')}
        body={() => ({
          reason: closeReason,
          ...(close.note.trim() ? { note: close.note } : {}),
          ...(withdrawnRepeat && close.cause.trim() ? { cause: close.cause } : {}),
          ...(withdrawnRepeat && close.correctiveAction.trim() ? { correctiveAction: close.correctiveAction } : {}),
        })}
      >
        <label>
          {t('case.closeReason')}
          <select name="closeReason" value={closeReason} onChange={(e) => setClose({ ...close, reason: e.target.value })}>
            <EnumOptions values={reasons} prefix="closeReason" />
          </select>
        </label>
        {withdrawnRepeat && (
          <>
            <p className="muted">{t('actions.withdrawnRepeat')}</p>
            <label>
              {t('case.cause')}
              {needCause && ' *'}
              <input name="closeCause" required={needCause} value={close.cause} onChange={(e) => setClose({ ...close, cause: e.target.value })} />
            </label>
            <label>
              {t('case.correctiveAction')}
              {needCorrective && ' *'}
              <input name="closeCorrectiveAction" required={needCorrective} value={close.correctiveAction} onChange={(e) => setClose({ ...close, correctiveAction: e.target.value })} />
            </label>
          </>
        )}
        <label>
          {t('actions.note2')}
          <input name="closeNote" value={close.note} onChange={(e) => setClose({ ...close, note: e.target.value })} />
        </label>
      </ActionForm>,
    );
  if (can('case.reopen') && mayDecide && (c.status === 'resolved' || closed))
    items.push(
      <ActionForm key="reopen" collapsible id={c.id} action="reopen" label={t('actions.reopen')} submit={t('actions.doReopen')} body={() => ({ reason: reopen })} onDone={clearReopen} kept={reopenKept}>
        <label>
          {t('actions.reason')} *
          <input name="reopenReason" required value={reopen} onChange={(e) => setReopen(e.target.value)} />
        </label>
      </ActionForm>,
    );

  // a case whose customer was erased takes nothing but an internal note (the API: 409 customer_erased)
  const erased = (c.erasedAt ?? null) !== null;
  const shown = erased ? items.filter((x) => isValidElement(x) && x.key === 'note') : items;

  return (
    <section className="card actions">
      <h2>{t('actions.title')}</h2>
      {kept && (
        <p className="muted small draft-kept" role="status">
          {t('actions.draftKept')}
        </p>
      )}
      {!erased && decides && !gradeOk && c.complaintGrade !== null && authority > 0 && (
        <p className="muted held" data-held="grade">
          {t('actions.needsAuthority', { grade: t(`grade.${c.complaintGrade}`) })}
        </p>
      )}
      {!erased && decides && gradeOk && ownedByOther && (
        <p className="muted held" data-held="owned">
          {t('actions.ownedByOther')}
        </p>
      )}
      <CaseVersion.Provider value={c.version}>{shown.length ? shown : <p className="muted">{t('actions.noneAllowed')}</p>}</CaseVersion.Provider>
    </section>
  );
}
