import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { ProblemView } from '../types.ts';
import { useCan, useMe } from '../modules/auth/hooks.ts';
import { listUsers } from '../modules/cases/api.ts';
import {
  addAction,
  cancelAction,
  checkProblem,
  completeAction,
  getProblem,
  isActive,
  linkCase,
  manualMoves,
  moveProblem,
  ROOT_CAUSE_CATEGORIES,
  unlinkCase,
  updateProblem,
} from '../modules/improvement/api.ts';
import { CauseCategory, ProblemStatus } from '../modules/improvement/components/ProblemBits.tsx';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

type Run = (fn: () => Promise<ProblemView>) => void;

/** One problem record: its cases, root cause, actions, effectiveness check and its evidence. */
export function ProblemPage() {
  const { t, i18n } = useTranslation();
  const id = useParams().id!;
  const qc = useQueryClient();
  const can = useCan();
  const allowed = can('problem.read');
  const q = useQuery({ queryKey: ['problems', 'one', id], queryFn: () => getProblem(id), enabled: allowed });
  const m = useMutation({
    mutationFn: (fn: () => Promise<ProblemView>) => fn(),
    onSuccess: async (p) => {
      qc.setQueryData(['problems', 'one', id], p);
      await qc.invalidateQueries({ queryKey: ['problems'] });
    },
  });
  if (!allowed) return <Forbidden title={t('problems.forbiddenTitle')} message={t('problems.forbidden')} />;
  if (q.isPending) return <Loading />;
  if (q.error)
    return (
      <div className="card notice">
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
        <Link to="/problems">{t('problems.back')}</Link>
      </div>
    );
  const p = q.data;
  const run: Run = (fn) => m.mutate(fn);
  const editable = p.canManage && isActive(p.status);
  return (
    <article className="problem" data-id={p.id} data-status={p.status}>
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/problems">{t('problems.title')}</Link>
          </div>
          <h1 className="problem-title">{p.title}</h1>
        </div>
        <div className="badges">
          <ProblemStatus status={p.status} />
          <CauseCategory category={p.rootCauseCategory} />
        </div>
      </div>
      <ErrorMessage error={m.error} />
      <div className="case-grid">
        <div className="case-main">
          <section className="card">
            <p className="muted small">
              {t('problems.ownedBy', { name: p.ownerName })} · {t('problems.createdAt', { time: formatTime(p.createdAt, i18n.language) })}
            </p>
            <p className="problem-description">{p.description}</p>
            {p.cancelReason && <p className="muted">{t('problems.cancelledBecause', { reason: p.cancelReason })}</p>}
          </section>
          <RootCause p={p} editable={editable} run={run} busy={m.isPending} />
          <Actions p={p} editable={editable} run={run} busy={m.isPending} />
          <Check p={p} run={run} busy={m.isPending} />
        </div>
        <aside className="case-side">
          <Moves p={p} run={run} busy={m.isPending} />
          <LinkedCases p={p} run={run} busy={m.isPending} />
        </aside>
      </div>
    </article>
  );
}

function Moves({ p, run, busy }: { p: ProblemView; run: Run; busy: boolean }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const moves = p.canManage ? manualMoves(p.status) : [];
  if (moves.length === 0) return null;
  return (
    <section className="card problem-moves">
      <h2>{t('problems.next')}</h2>
      {moves.includes('cancelled') && (
        <label>
          {t('problems.cancelReason')}
          <input name="cancelReason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      )}
      <div className="row-buttons">
        {moves.map((to) => (
          <button key={to} type="button" data-move={to} className={to === 'cancelled' ? 'danger' : undefined} disabled={busy || (to === 'cancelled' && !reason.trim())} onClick={() => run(() => moveProblem(p.id, to, to === 'cancelled' ? reason : undefined))}>
            {t(`problems.move.${to}`)}
          </button>
        ))}
      </div>
    </section>
  );
}

function RootCause({ p, editable, run, busy }: { p: ProblemView; editable: boolean; run: Run; busy: boolean }) {
  const { t } = useTranslation();
  const [category, setCategory] = useState(p.rootCauseCategory ?? '');
  const [text, setText] = useState(p.rootCause ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(() => updateProblem(p.id, { rootCauseCategory: category, rootCause: text }));
  };
  return (
    <section className="card problem-root-cause">
      <h2>{t('problems.rootCause')}</h2>
      {editable ? (
        <form className="action" onSubmit={submit}>
          <label>
            {t('problems.rootCauseCategory')} *
            <select name="rootCauseCategory" required value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">—</option>
              {ROOT_CAUSE_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`problems.cause.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('problems.analysis')} *
            <textarea name="rootCause" required rows={3} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <button type="submit" disabled={busy}>
            {t('problems.save')}
          </button>
        </form>
      ) : p.rootCause ? (
        <p className="root-cause-text">{p.rootCause}</p>
      ) : (
        <p className="muted">{t('problems.noCause')}</p>
      )}
    </section>
  );
}

function Actions({ p, editable, run, busy }: { p: ProblemView; editable: boolean; run: Run; busy: boolean }) {
  const { t, i18n } = useTranslation();
  const me = useMe().data;
  const can = useCan();
  const users = useQuery({ queryKey: ['users'], queryFn: listUsers, enabled: editable && can('user.read'), staleTime: 10 * 60_000 });
  const [form, setForm] = useState({ kind: 'corrective', description: '', ownerId: '', dueDate: '' });
  const [noteFor, setNoteFor] = useState<{ id: string; step: 'done' | 'cancel' } | null>(null);
  const [note, setNote] = useState('');
  const owners = (users.data ?? []).filter((u) => u.active && ['agent', 'supervisor', 'manager', 'director'].includes(u.role));
  const mayAdd = editable && p.status !== 'checking';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(() => addAction(p.id, form));
    setForm({ ...form, description: '' });
  };
  return (
    <section className="card problem-actions">
      <h2>{t('problems.actions')}</h2>
      {p.actions.length === 0 ? (
        <p className="muted">{t('problems.noActions')}</p>
      ) : (
        <ul className="action-list">
          {p.actions.map((a) => {
            const mayFinish = a.status === 'open' && isActive(p.status) && (p.canManage || (a.ownerId === me?.user.id && can('problem.action')));
            return (
              <li key={a.id} className={`problem-action action-${a.status}`} data-id={a.id} data-status={a.status} data-overdue={a.overdue}>
                <div>
                  <Badge kind="type">{t(`problems.kind.${a.kind}`)}</Badge> <Badge kind={`action-${a.status}`}>{t(`problems.actionStatus.${a.status}`)}</Badge>
                  {a.overdue && a.status === 'open' && <span className="time-left time-left-breached"> {t('problems.overdue')}</span>}
                </div>
                <p>{a.description}</p>
                <div className="muted small">
                  {t('problems.actionOwner', { name: a.ownerName })} · {t('problems.dueOn', { date: a.dueDate, time: formatTime(a.dueAt, i18n.language) })}
                </div>
                {a.completionNote && (
                  <p className="muted small">
                    {t(a.status === 'done' ? 'problems.doneNote' : 'problems.cancelNote', { time: formatTime(a.doneAt, i18n.language) })}
                    {i18n.language === 'en' ? ': ' : '：'}
                    {a.completionNote}
                  </p>
                )}
                {mayFinish &&
                  (noteFor?.id === a.id ? (
                    <form
                      className="action"
                      onSubmit={(e) => {
                        e.preventDefault();
                        run(() => (noteFor.step === 'done' ? completeAction(p.id, a.id, note) : cancelAction(p.id, a.id, note)));
                        setNoteFor(null);
                        setNote('');
                      }}
                    >
                      <label>
                        {t(noteFor.step === 'done' ? 'problems.completionNote' : 'problems.cancelReason')} *
                        <textarea name="actionNote" required rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
                      </label>
                      <div className="row-buttons">
                        <button type="submit" disabled={busy}>
                          {t(noteFor.step === 'done' ? 'problems.markDone' : 'problems.cancelAction')}
                        </button>
                        <button type="button" className="secondary" onClick={() => setNoteFor(null)}>
                          {t('problems.cancel')}
                        </button>
                      </div>
                    </form>
                  ) : (
                    <div className="row-buttons">
                      <button type="button" data-step="done" onClick={() => setNoteFor({ id: a.id, step: 'done' })}>
                        {t('problems.markDone')}
                      </button>
                      {p.canManage && (
                        <button type="button" className="secondary" data-step="cancel" onClick={() => setNoteFor({ id: a.id, step: 'cancel' })}>
                          {t('problems.cancelAction')}
                        </button>
                      )}
                    </div>
                  ))}
              </li>
            );
          })}
        </ul>
      )}
      {mayAdd && (
        <form className="action new-action" onSubmit={submit}>
          <h3>{t('problems.addAction')}</h3>
          <label>
            {t('problems.kindLabel')}
            <select name="kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
              <option value="corrective">{t('problems.kind.corrective')}</option>
              <option value="preventive">{t('problems.kind.preventive')}</option>
            </select>
          </label>
          <label>
            {t('problems.description')} *
            <textarea name="actionDescription" required rows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
          </label>
          <label>
            {t('problems.actionOwnerLabel')} *
            <select name="actionOwner" required value={form.ownerId} onChange={(e) => setForm({ ...form, ownerId: e.target.value })}>
              <option value="">—</option>
              {owners.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('problems.dueDate')} *
            <input name="dueDate" type="date" required value={form.dueDate} onChange={(e) => setForm({ ...form, dueDate: e.target.value })} />
          </label>
          <p className="muted small">{t('problems.dueHint')}</p>
          <button type="submit" disabled={busy}>
            {t('problems.addAction')}
          </button>
        </form>
      )}
    </section>
  );
}

function Check({ p, run, busy }: { p: ProblemView; run: Run; busy: boolean }) {
  const { t, i18n } = useTranslation();
  const [evidence, setEvidence] = useState('');
  const e = p.effectiveness;
  const days = e ? Math.round(e.windowMs / 86_400_000) : 0;
  const cats = e ? e.categories.map((k) => (i18n.language === 'en' && k.nameEn ? k.nameEn : k.name)).join(i18n.language === 'en' ? ', ' : '、') : '';
  return (
    <section className="card problem-check">
      <h2>{t('problems.check')}</h2>
      {p.status === 'checking' && p.checkDate && <p>{t('problems.checkOn', { date: p.checkDate, time: formatTime(p.checkDueAt, i18n.language) })}</p>}
      {e ? (
        <div className="evidence" data-before={e.before.count} data-after={e.after.count}>
          <p className="muted small">{t('problems.evidenceIntro', { categories: cats, days, time: formatTime(e.actionsDoneAt, i18n.language) })}</p>
          <table>
            <tbody>
              <tr>
                <th>{t('problems.before')}</th>
                <td className="evidence-before">{e.before.count}</td>
              </tr>
              <tr>
                <th>{t('problems.after')}</th>
                <td className="evidence-after">{e.after.count}</td>
              </tr>
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('problems.evidenceLater')}</p>
      )}
      {p.checks.length > 0 && (
        <ul className="check-list">
          {p.checks.map((k) => (
            <li key={k.id} data-result={k.result}>
              <Badge kind={k.result === 'worked' ? 'resolved' : 'P1'}>{t(`problems.result.${k.result}`)}</Badge>{' '}
              <span className="muted small">{t('problems.checkedBy', { name: k.checkedByName ?? '—', time: formatTime(k.checkedAt, i18n.language) })}</span>
              {k.casesBefore !== null && <span className="muted small"> · {t('problems.checkCounts', { before: k.casesBefore, after: k.casesAfter ?? 0, days: k.windowDays ?? 0 })}</span>}
              <p>{k.evidence}</p>
            </li>
          ))}
        </ul>
      )}
      {p.status === 'checking' && p.canManage && (
        <form className="action" onSubmit={(ev) => ev.preventDefault()}>
          <label>
            {t('problems.evidence')} *
            <textarea name="evidence" required rows={3} value={evidence} onChange={(ev) => setEvidence(ev.target.value)} />
          </label>
          <div className="row-buttons">
            <button type="button" data-result="worked" disabled={busy || !evidence.trim()} onClick={() => run(() => checkProblem(p.id, 'worked', evidence))}>
              {t('problems.recordWorked')}
            </button>
            <button type="button" className="danger" data-result="not_worked" disabled={busy || !evidence.trim()} onClick={() => run(() => checkProblem(p.id, 'not_worked', evidence))}>
              {t('problems.recordNotWorked')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function LinkedCases({ p, run, busy }: { p: ProblemView; run: Run; busy: boolean }) {
  const { t, i18n } = useTranslation();
  const me = useMe().data;
  return (
    <section className="card problem-cases">
      <h2>{t('problems.linkedCases', { count: p.caseCount })}</h2>
      {p.cases.length === 0 ? (
        <p className="muted">{t('problems.noCases')}</p>
      ) : (
        <ul className="linked-cases">
          {p.cases.map((c) => (
            <li key={c.caseId} data-case={c.caseId} data-link={c.linkStatus}>
              <Link to={`/cases/${encodeURIComponent(c.caseId)}`}>
                <span className="case-number">{c.number}</span> {c.subject}
              </Link>
              <div className="muted small">
                {t(`status.${c.status}`, { defaultValue: c.status })} · {formatTime(c.receivedAt, i18n.language)}
                {c.isRepeat && ` · ${t('problems.repeat')}`}
                {c.linkStatus === 'proposed' && ` · ${t('problems.proposedBy', { name: c.linkedByName ?? '—' })}`}
              </div>
              {isActive(p.status) && (
                <div className="row-buttons">
                  {p.canManage && c.linkStatus === 'proposed' && (
                    <button type="button" disabled={busy} onClick={() => run(() => linkCase(p.id, c.caseId))}>
                      {t('problems.accept')}
                    </button>
                  )}
                  {(p.canManage || (c.linkStatus === 'proposed' && c.linkedBy === me?.user.id)) && (
                    <button type="button" className="secondary" disabled={busy} onClick={() => run(() => unlinkCase(p.id, c.caseId))}>
                      {t('problems.unlink')}
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {p.hiddenCases > 0 && <p className="muted small">{t('problems.hiddenCases', { count: p.hiddenCases })}</p>}
    </section>
  );
}
