import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../../ui/feedback.tsx';
import type { CriterionScore, InspectionView } from '../api.ts';

type Points = Record<string, { points: string; comment: string }>;

/** The points of every criterion (0..its most) with a comment: the inspector's form, and the arbitrator's adjustment. */
export function CriteriaInputs({ rubric, value, onChange }: { rubric: InspectionView['rubric']; value: Points; onChange: (v: Points) => void }) {
  const { t } = useTranslation();
  return (
    <table className="quality-criteria">
      <thead>
        <tr>
          <th>{t('quality.form.criterion')}</th>
          <th>{t('quality.form.points')}</th>
          <th>{t('quality.form.comment')}</th>
        </tr>
      </thead>
      <tbody>
        {rubric.criteria.map((c) => (
          <tr key={c.id} data-criterion={c.id}>
            <td>
              {c.name} {c.critical && <strong className="danger-text">({t('quality.form.critical')})</strong>}
              {c.description && <div className="muted small">{c.description}</div>}
            </td>
            <td>
              <input
                type="number"
                name={`points-${c.id}`}
                min={0}
                max={c.points}
                step={0.5}
                required
                value={value[c.id]?.points ?? ''}
                onChange={(e) => onChange({ ...value, [c.id]: { points: e.target.value, comment: value[c.id]?.comment ?? '' } })}
              />{' '}
              / {c.points}
            </td>
            <td>
              <input type="text" name={`comment-${c.id}`} value={value[c.id]?.comment ?? ''} onChange={(e) => onChange({ ...value, [c.id]: { points: value[c.id]?.points ?? '', comment: e.target.value } })} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const toScores = (v: Points): CriterionScore[] =>
  Object.entries(v)
    .filter(([, x]) => x.points !== '')
    .map(([criterionId, x]) => ({ criterionId, points: Number(x.points), ...(x.comment.trim() ? { comment: x.comment.trim() } : {}) }));

export const fromScores = (scores: InspectionView['scores']): Points => Object.fromEntries(scores.map((s) => [s.criterionId, { points: String(s.points), comment: s.comment ?? '' }]));

/** Scoring a task: save a draft or submit (final). */
export function ScoreForm({ inspection, save }: { inspection: InspectionView; save: (body: { scores: CriterionScore[]; comment?: string; submit: boolean }) => Promise<InspectionView> }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [points, setPoints] = useState<Points>(() => fromScores(inspection.scores));
  const [comment, setComment] = useState(inspection.comment ?? '');
  const m = useMutation({
    mutationFn: (submit: boolean) => save({ scores: toScores(points), ...(comment.trim() ? { comment } : {}), submit }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['quality'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate(true);
  };
  return (
    <form className="quality-score-form" onSubmit={submit}>
      <CriteriaInputs rubric={inspection.rubric} value={points} onChange={setPoints} />
      <label>
        {t('quality.form.overall')}
        <textarea name="overall" value={comment} onChange={(e) => setComment(e.target.value)} rows={3} />
      </label>
      <div className="row-buttons">
        <button type="submit" disabled={m.isPending}>
          {t('quality.form.submit')}
        </button>
        <button type="button" className="secondary" disabled={m.isPending} onClick={() => m.mutate(false)}>
          {t('quality.form.saveDraft')}
        </button>
      </div>
      {m.error && <ErrorMessage error={m.error} />}
      {m.data && <p className="muted" role="status">{m.data.status === 'submitted' ? t('quality.form.submitted', { score: m.data.score }) : t('quality.form.saved')}</p>}
    </form>
  );
}
