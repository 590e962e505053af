import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../modules/auth/hooks.ts';
import { listTeams } from '../modules/collaboration/api.ts';
import { correctAssessment, createAssessment, currentMonth, listAssessments, previousMonth, publishAssessment, supervisionItems, type AssessmentInput } from '../modules/scorecards/api.ts';
import type { AssessmentView, SupervisionItem } from '../types.ts';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

type Entry = NonNullable<AssessmentInput['entries']>[number];

/** The scores by item, the comment and one reward or discipline: a new assessment, or a correction of one (with its reason). */
function AssessmentForm({ items, start, onSubmit, pending, correcting }: { items: SupervisionItem[]; start?: AssessmentView; onSubmit: (input: AssessmentInput & { reason: string }) => void; pending: boolean; correcting: boolean }) {
  const { t, i18n } = useTranslation();
  const [scores, setScores] = useState<Record<string, string>>(Object.fromEntries(items.map((i) => [i.key, String(start?.scores.find((s) => s.key === i.key)?.score ?? '')])));
  const [comment, setComment] = useState(start?.comment ?? '');
  const [reason, setReason] = useState('');
  const [entry, setEntry] = useState<{ kind: 'reward' | 'discipline'; reason: string; points: string }>({ kind: 'reward', reason: '', points: '' });
  const entries: Entry[] | undefined = entry.reason.trim() && start ? [{ kind: entry.kind, targetTeamId: start.departmentId, reason: entry.reason.trim(), points: entry.points === '' ? null : Number(entry.points) }] : undefined;
  return (
    <form
      className="assessment-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ scores: items.map((i) => ({ key: i.key, score: Number(scores[i.key] || 0) })), comment: comment.trim() || null, reason: reason.trim(), ...(entries ? { entries } : {}) });
      }}
    >
      <div className="filters">
        {items.map((i) => (
          <label key={i.key}>
            {i18n.language === 'en' ? i.en : i.zh} <small className="muted">/ {i.maxScore}</small>
            <input type="number" name={`score-${i.key}`} min={0} max={i.maxScore} step={0.5} required value={scores[i.key]} onChange={(e) => setScores({ ...scores, [i.key]: e.target.value })} />
          </label>
        ))}
      </div>
      <label>
        {t('supervision.comment')}
        <textarea name="comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      {start && (
        <fieldset className="filters">
          <legend>{t('supervision.entry.add')}</legend>
          <select name="entryKind" value={entry.kind} onChange={(e) => setEntry({ ...entry, kind: e.target.value as 'reward' | 'discipline' })}>
            <option value="reward">{t('supervision.kind.reward')}</option>
            <option value="discipline">{t('supervision.kind.discipline')}</option>
          </select>
          <input name="entryReason" placeholder={t('supervision.entry.reason')} value={entry.reason} onChange={(e) => setEntry({ ...entry, reason: e.target.value })} />
          <input name="entryPoints" type="number" placeholder={t('supervision.entry.points')} value={entry.points} onChange={(e) => setEntry({ ...entry, points: e.target.value })} />
        </fieldset>
      )}
      {correcting && (
        <label>
          {t('supervision.reason')}
          <input name="reason" required value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      )}
      <button type="submit" disabled={pending}>
        {correcting ? t('supervision.correct') : t('supervision.saveDraft')}
      </button>
    </form>
  );
}

function AssessmentCard({ a, items, mayWrite }: { a: AssessmentView; items: SupervisionItem[]; mayWrite: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [correcting, setCorrecting] = useState(false);
  const done = () => void qc.invalidateQueries({ queryKey: ['supervision'] });
  const publish = useMutation({ mutationFn: () => publishAssessment(a.id), onSuccess: done });
  const correct = useMutation({ mutationFn: (input: AssessmentInput & { reason: string }) => correctAssessment(a.id, input), onSuccess: () => (setCorrecting(false), done()) });
  return (
    <article className="card assessment" data-assessment={a.id} data-status={a.status} data-version={a.version}>
      <header className="page-head">
        <h3>
          {a.month} · {a.departmentName} · {t('supervision.version', { n: a.version })}
        </h3>
        <span className={`badge ${a.status}`}>{a.status === 'draft' ? t('supervision.status.draft') : a.current ? t('supervision.status.published') : t('supervision.status.superseded')}</span>
        <strong className="assessment-total">
          {a.total} / {a.maxTotal}
        </strong>
      </header>
      <table className="table">
        <tbody>
          {a.scores.map((s) => (
            <tr key={s.key}>
              <td>{i18n.language === 'en' ? s.en : s.zh}</td>
              <td>
                {s.score} / {s.maxScore}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {a.comment && <p>{a.comment}</p>}
      {a.correctionReason && <p className="muted">{t('supervision.correctionOf', { reason: a.correctionReason })}</p>}
      {a.entries.length > 0 && (
        <ul className="entries">
          {a.entries.map((e) => (
            <li key={e.id} data-kind={e.kind}>
              <span className={`badge ${e.kind}`}>{t(`supervision.kind.${e.kind}`)}</span> {e.targetUserName ?? e.targetTeamName} — {e.reason}
              {e.points !== null && ` (${t('supervision.entry.pointsValue', { points: e.points })})`}
              {e.amount !== null && ` ¥${e.amount}`}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{a.publishedAt ? t('supervision.publishedAt', { at: formatTime(a.publishedAt, i18n.language) }) : t('supervision.draftNote')}</p>
      {mayWrite && a.status === 'draft' && (
        <button type="button" disabled={publish.isPending} onClick={() => publish.mutate()}>
          {t('supervision.publish')}
        </button>
      )}
      {mayWrite && a.status === 'published' && a.current && !correcting && (
        <button type="button" className="secondary" onClick={() => setCorrecting(true)}>
          {t('supervision.correct')}
        </button>
      )}
      {correcting && <AssessmentForm items={items} start={a} correcting pending={correct.isPending} onSubmit={(input) => correct.mutate(input)} />}
      <ErrorMessage error={publish.error ?? correct.error} />
    </article>
  );
}

/** 监督考核: the supervising line's monthly assessment of each service department, with rewards and discipline. */
export function SupervisionPage() {
  const { t } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const mayRead = can('supervision.read');
  const mayWrite = can('supervision.write');
  const list = useQuery({ queryKey: ['supervision', 'list'], queryFn: () => listAssessments(), enabled: mayRead });
  const items = useQuery({ queryKey: ['supervision', 'items'], queryFn: supervisionItems, enabled: mayRead });
  const teams = useQuery({ queryKey: ['teams'], queryFn: listTeams, enabled: mayWrite, staleTime: 10 * 60_000 });
  const [month, setMonth] = useState(previousMonth(currentMonth()));
  const [departmentId, setDepartmentId] = useState('');
  const create = useMutation({
    mutationFn: (input: AssessmentInput) => createAssessment({ ...input, month, departmentId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['supervision'] }),
  });
  if (!mayRead) return <Forbidden title={t('supervision.forbiddenTitle')} message={t('supervision.forbidden')} />;
  const departments = (teams.data ?? []).filter((x) => x.kind === 'department');
  return (
    <section className="supervision-page">
      <div className="page-head">
        <h1>{t('supervision.title')}</h1>
      </div>
      <p className="muted">{t('supervision.intro')}</p>
      {mayWrite && items.data && (
        <section className="card" aria-label={t('supervision.new')}>
          <h2>{t('supervision.new')}</h2>
          <div className="filters">
            <label>
              {t('supervision.month')}
              <input type="month" name="assessmentMonth" value={month} onChange={(e) => setMonth(e.target.value)} />
            </label>
            <label>
              {t('supervision.department')}
              <select name="department" value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
                <option value="">—</option>
                {departments.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <AssessmentForm items={items.data} correcting={false} pending={create.isPending} onSubmit={(input) => create.mutate({ scores: input.scores, comment: input.comment ?? null })} />
          <ErrorMessage error={create.error} />
        </section>
      )}
      {list.isPending || items.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <p className="muted">{t('supervision.none')}</p>
      ) : (
        list.data.map((a) => <AssessmentCard key={a.id} a={a} items={items.data ?? []} mayWrite={mayWrite} />)
      )}
    </section>
  );
}
