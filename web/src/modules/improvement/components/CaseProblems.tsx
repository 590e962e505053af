import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseView } from '../../../types.ts';
import { useCan } from '../../auth/hooks.ts';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { caseProblems, linkCase, listProblems } from '../api.ts';
import { CauseCategory, ProblemStatus } from './ProblemBits.tsx';

/**
 * The case page's card: the problem records the case is linked to (or proposed for), each a link
 * to its record; and, for those who handle cases, linking it to an active record (a proposal
 * unless they own that record: the API decides).
 */
export function CaseProblems({ c, erased }: { c: CaseView; erased: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const allowed = can('problem.read');
  const q = useQuery({ queryKey: ['problems', 'case', c.id], queryFn: () => caseProblems(c.id), enabled: allowed });
  const [choosing, setChoosing] = useState(false);
  const [problemId, setProblemId] = useState('');
  const active = useQuery({ queryKey: ['problems', 'list', { status: 'active' }], queryFn: () => listProblems({ status: 'active' }, null), enabled: allowed && choosing });
  const link = useMutation({
    mutationFn: () => linkCase(problemId, c.id),
    onSuccess: async () => {
      setChoosing(false);
      setProblemId('');
      await Promise.all([qc.invalidateQueries({ queryKey: ['problems'] }), qc.invalidateQueries({ queryKey: ['case', c.id] })]);
    },
  });
  if (!allowed) return null;
  const items = q.data ?? [];
  const linked = new Set(items.map((p) => p.id));
  const choices = (active.data?.items ?? []).filter((p) => !linked.has(p.id));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    link.mutate();
  };
  return (
    <section className="card case-problems" aria-labelledby="case-problems-title">
      <h2 id="case-problems-title">{t('problems.caseCard')}</h2>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">{t('problems.caseNone')}</p>
      ) : (
        <ul className="problem-list">
          {items.map((p) => (
            <li key={p.id} className="case-problem" data-id={p.id} data-link={p.linkStatus}>
              <Link to={`/problems/${encodeURIComponent(p.id)}`}>{p.title}</Link> <ProblemStatus status={p.status} /> <CauseCategory category={p.rootCauseCategory} />
              {p.linkStatus === 'proposed' && <span className="muted small"> · {t('problems.proposed')}</span>}
            </li>
          ))}
        </ul>
      )}
      {can('problem.propose') && !erased &&
        (choosing ? (
          <form className="action problem-link" onSubmit={submit}>
            <label>
              {t('problems.chooseProblem')}
              <select name="problemId" required value={problemId} onChange={(e) => setProblemId(e.target.value)}>
                <option value="">—</option>
                {choices.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
              </select>
            </label>
            <div className="row-buttons">
              <button type="submit" disabled={link.isPending || !problemId}>
                {link.isPending ? t('actions.working') : t('problems.linkThis')}
              </button>
              <button type="button" className="secondary" onClick={() => setChoosing(false)}>
                {t('problems.cancel')}
              </button>
            </div>
            <ErrorMessage error={active.error ?? link.error} />
          </form>
        ) : (
          <button type="button" className="secondary" onClick={() => setChoosing(true)}>
            {t('problems.linkToProblem')}
          </button>
        ))}
    </section>
  );
}
