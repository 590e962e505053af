import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { appealInspection, decideAppeal, getInspection, listAppeals, listInspections, type AppealView, type InspectionView } from '../modules/quality/api.ts';
import { CriteriaInputs, fromScores, toScores } from '../modules/quality/components/ScoreForm.tsx';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

/** 我的质检 (SPEC 7): my submitted inspections with an appeal; for leads, the appeals to arbitrate. */
export function MyQualityPage() {
  const { t } = useTranslation();
  const can = useCan();
  if (!can('quality.read')) return <Forbidden title={t('quality.forbiddenTitle')} message={t('quality.forbidden')} />;
  return (
    <section className="quality-page">
      <div className="page-head">
        <h1>{t('quality.mine.title')}</h1>
      </div>
      {can('quality.arbitrate') && <Arbitration />}
      {can('quality.appeal') && <Mine />}
    </section>
  );
}

function Mine() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['quality', 'mine'], queryFn: () => listInspections({ mine: 'true', status: 'submitted' }) });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  return (
    <section className="card">
      <h2>{t('quality.mine.list')}</h2>
      {q.data.items.length === 0 ? <p className="muted">{t('quality.mine.none')}</p> : q.data.items.map((i) => <InspectionItem key={i.id} i={i} />)}
    </section>
  );
}

function InspectionItem({ i }: { i: InspectionView }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [open, setOpen] = useState(false);
  const m = useMutation({ mutationFn: () => appealInspection(i.id, reason), onSuccess: () => qc.invalidateQueries({ queryKey: ['quality'] }) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  return (
    <article className="quality-item" data-inspection={i.id}>
      <h3>
        <Link to={`/cases/${i.caseId}`}>{i.caseNumber}</Link> {i.caseSubject}
      </h3>
      <p>
        {t('quality.card.score')}: <strong>{i.finalScore}</strong> <Badge kind={i.finalResult ?? 'pending'}>{t(`quality.result.${i.finalResult ?? 'pending'}`)}</Badge>
        {i.finalScore !== i.score && <span className="muted small"> ({t('quality.card.original', { score: i.score })})</span>}
        <span className="muted small">
          {' '}
          · {i.inspectorName} · {formatTime(i.submittedAt, i18n.language)}
        </span>
      </p>
      <ul className="muted small">
        {i.rubric.criteria.map((c) => {
          const s = i.scores.find((x) => x.criterionId === c.id);
          return (
            <li key={c.id}>
              {c.name}: {s?.points ?? '—'} / {c.points}
              {s?.comment && ` · ${s.comment}`}
            </li>
          );
        })}
      </ul>
      {i.comment && <p className="muted">{i.comment}</p>}
      {i.appeal ? (
        <p data-appeal={i.appeal.status}>
          {t('quality.appeal.label')}: {t(`quality.appealStatus.${i.appeal.status}`)}
          {i.appeal.decisionNote && ` · ${i.appeal.decisionNote}`}
        </p>
      ) : i.mayAppeal ? (
        open ? (
          <form onSubmit={submit}>
            <label>
              {t('quality.appeal.reason')}
              <textarea name="reason" required value={reason} onChange={(e) => setReason(e.target.value)} rows={3} />
            </label>
            <div className="row-buttons">
              <button type="submit" disabled={m.isPending}>
                {t('quality.appeal.send')}
              </button>
              <button type="button" className="secondary" onClick={() => setOpen(false)}>
                {t('quality.appeal.cancel')}
              </button>
            </div>
            {m.error && <ErrorMessage error={m.error} />}
          </form>
        ) : (
          <button type="button" className="secondary" onClick={() => setOpen(true)}>
            {t('quality.appeal.open', { due: formatTime(i.appealDueAt, i18n.language) })}
          </button>
        )
      ) : null}
    </article>
  );
}

function Arbitration() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['quality', 'appeals', 'open'], queryFn: () => listAppeals('open') });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  const mine = q.data.filter((a) => a.mayDecide);
  return (
    <section className="card">
      <h2>{t('quality.arbitrate.title')}</h2>
      {mine.length === 0 ? <p className="muted">{t('quality.arbitrate.none')}</p> : mine.map((a) => <Decide key={a.id} a={a} />)}
    </section>
  );
}

function Decide({ a }: { a: AppealView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const insp = useQuery({ queryKey: ['quality', 'inspection', a.inspectionId], queryFn: () => getInspection(a.inspectionId) });
  const [note, setNote] = useState('');
  const [adjust, setAdjust] = useState(false);
  const [points, setPoints] = useState<ReturnType<typeof fromScores> | null>(null);
  const m = useMutation({
    mutationFn: () => decideAppeal(a.id, adjust ? { decision: 'adjust', note, scores: toScores(points ?? fromScores(insp.data?.scores ?? [])) } : { decision: 'uphold', note }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['quality'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  if (insp.isPending) return <Loading />;
  if (insp.error) return <ErrorMessage error={insp.error} />;
  const i = insp.data;
  return (
    <form className="quality-item" data-appeal={a.id} onSubmit={submit}>
      <h3>
        <Link to={`/cases/${a.caseId}`}>{a.caseNumber}</Link> · {a.agentName} · {t('quality.card.score')} {i.score}
      </h3>
      <p>
        {t('quality.appeal.reason')}: {a.reason}
      </p>
      <label className="check">
        <input type="checkbox" name="adjust" checked={adjust} onChange={(e) => setAdjust(e.target.checked)} />
        {t('quality.arbitrate.adjust')}
      </label>
      {adjust && <CriteriaInputs rubric={i.rubric} value={points ?? fromScores(i.scores)} onChange={setPoints} />}
      <label>
        {t('quality.arbitrate.note')}
        <textarea name="note" required value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
      </label>
      <button type="submit" disabled={m.isPending}>
        {adjust ? t('quality.arbitrate.doAdjust') : t('quality.arbitrate.uphold')}
      </button>
      {m.error && <ErrorMessage error={m.error} />}
    </form>
  );
}
