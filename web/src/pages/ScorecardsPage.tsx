import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { currentMonth, saveScorecardConfig, scorecardCases, scorecards } from '../modules/scorecards/api.ts';
import type { AgentCard, Rollup, ScorecardConfig, ScorecardReport } from '../types.ts';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatMinutes, percent } from '../ui/format.ts';

const INDICATORS = ['csat', 'resolutionRate', 'fcr', 'firstResponse', 'qa'] as const;
const BREAKDOWNS = ['agent', 'team', 'department', 'post'] as const;
type Breakdown = (typeof BREAKDOWNS)[number];
const pts = (x: number | null) => (x === null ? '—' : x.toFixed(1));

/** An indicator's raw figure as read: a mean, a rate, a duration. */
function Raw({ k, c }: { k: (typeof INDICATORS)[number]; c: AgentCard }) {
  const { t } = useTranslation();
  const f = c.indicators[k];
  if (f.value === null) return <span className="muted">—</span>;
  if (k === 'csat') return <>{f.value.toFixed(2)}</>;
  if (k === 'firstResponse') return <>{formatMinutes(f.value, t)}</>;
  if (k === 'qa') return <>{f.value.toFixed(1)}</>;
  return <>{percent(f.value)}</>;
}

/** The cases behind an agent's counts (resolved / FCR / closed / solved), as links to the cases. */
function Drill({ agent, month }: { agent: AgentCard; month: string }) {
  const { t } = useTranslation();
  const [figure, setFigure] = useState<'resolved' | 'fcr' | 'closed' | 'solved'>('fcr');
  const q = useQuery({ queryKey: ['scorecards', 'drill', agent.agentId, month, figure], queryFn: () => scorecardCases(agent.agentId, month, figure) });
  return (
    <div className="scorecard-drill" data-agent={agent.agentId}>
      <div className="segmented" role="group" aria-label={t('scorecards.drill.title')}>
        {(['resolved', 'fcr', 'closed', 'solved'] as const).map((f) => (
          <button key={f} type="button" className={f === figure ? 'active' : 'secondary'} aria-pressed={f === figure} onClick={() => setFigure(f)}>
            {t(`scorecards.drill.${f}`)} ({agent.counts[f === 'closed' ? 'closedCounted' : f]})
          </button>
        ))}
      </div>
      {q.isPending ? <Loading /> : q.error ? <ErrorMessage error={q.error} /> : q.data.caseIds.length === 0 ? (
        <p className="muted">{t('scorecards.drill.none')}</p>
      ) : (
        <ul className="inline-list drill-cases">
          {q.data.caseIds.map((id, i) => (
            <li key={id}>
              <Link to={`/cases/${id}`}>{t('scorecards.drill.case', { n: i + 1 })}</Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AgentTable({ r, month }: { r: ScorecardReport; month: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table className="table scorecards">
      <thead>
        <tr>
          <th>{t('scorecards.rank')}</th>
          <th>{t('scorecards.agent')}</th>
          <th>{t('scorecards.team')}</th>
          <th>{t('scorecards.post')}</th>
          <th>{t('scorecards.cases')}</th>
          {INDICATORS.map((k) => (
            <th key={k}>
              {t(`scorecards.indicator.${k}`)} <small className="muted">×{r.config.weights[k]}</small>
            </th>
          ))}
          <th>{t('scorecards.total')}</th>
        </tr>
      </thead>
      <tbody>
        {r.agents.map((c) => (
          <Fragment key={c.agentId}>
            <tr data-agent={c.agentId} data-agent-name={c.agentName}>
              <td>{c.rank ?? '—'}</td>
              <td>
                <button type="button" className="link" aria-expanded={open === c.agentId} onClick={() => setOpen(open === c.agentId ? null : c.agentId)}>
                  {c.agentName}
                </button>
              </td>
              <td>{c.teamName ?? '—'}</td>
              <td>{c.post ?? '—'}</td>
              <td>{c.cases}</td>
              {INDICATORS.map((k) => (
                <td key={k} data-indicator={k}>
                  <Raw k={k} c={c} />
                  <div className="muted small">{t('scorecards.points', { points: pts(c.indicators[k].points) })}</div>
                </td>
              ))}
              <td className="total" data-total={c.total ?? ''}>
                <strong>{pts(c.total)}</strong>
              </td>
            </tr>
            {open === c.agentId && (
              <tr>
                <td colSpan={6 + INDICATORS.length}>
                  <Drill agent={c} month={month} />
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function RollupTable({ rows, by }: { rows: Rollup[]; by: Breakdown }) {
  const { t } = useTranslation();
  return (
    <table className="table scorecard-rollup" data-by={by}>
      <thead>
        <tr>
          <th>{t(`scorecards.${by}`)}</th>
          <th>{t('scorecards.agents')}</th>
          <th>{t('scorecards.cases')}</th>
          <th>{t('scorecards.total')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((g) => (
          <tr key={g.key ?? ''} data-key={g.key ?? ''}>
            <td>{g.name ?? t('scorecards.unset')}</td>
            <td>{g.agents}</td>
            <td>{g.cases}</td>
            <td>
              <strong>{pts(g.total)}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The admin's weights (summing to 100) and first-response target. */
function ConfigForm({ config }: { config: ScorecardConfig }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [c, setC] = useState(config);
  const save = useMutation({ mutationFn: () => saveScorecardConfig(c), onSuccess: () => void qc.invalidateQueries({ queryKey: ['scorecards'] }) });
  const sum = INDICATORS.reduce((s, k) => s + (c.weights[k] ?? 0), 0);
  return (
    <details className="card scorecard-config">
      <summary>{t('scorecards.config.title')}</summary>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {INDICATORS.map((k) => (
          <label key={k}>
            {t(`scorecards.indicator.${k}`)}
            <input type="number" name={`weight-${k}`} min={0} max={100} value={c.weights[k]} onChange={(e) => setC({ ...c, weights: { ...c.weights, [k]: Number(e.target.value) } })} />
          </label>
        ))}
        <label>
          {t('scorecards.config.target')}
          <input type="number" name="target" min={1} value={c.firstResponseTargetMinutes} onChange={(e) => setC({ ...c, firstResponseTargetMinutes: Number(e.target.value) })} />
        </label>
        <label>
          {t('scorecards.config.zeroAt')}
          <input type="number" name="zeroAt" min={1.5} step={0.5} value={c.firstResponseZeroAt} onChange={(e) => setC({ ...c, firstResponseZeroAt: Number(e.target.value) })} />
        </label>
        <span className={sum === 100 ? 'muted' : 'error'}>{t('scorecards.config.sum', { sum })}</span>
        <button type="submit" disabled={save.isPending}>
          {t('scorecards.config.save')}
        </button>
      </form>
      <ErrorMessage error={save.error} />
      <p className="muted small">{t('scorecards.config.rules')}</p>
    </details>
  );
}

/** 考核: the agents' scorecards of a month with roll-ups by team, department and post; an agent sees their own card. */
export function ScorecardsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : currentMonth();
  const by = (BREAKDOWNS as readonly string[]).includes(params.get('by') ?? '') ? (params.get('by') as Breakdown) : 'agent';
  const q = useQuery({ queryKey: ['scorecards', month], queryFn: () => scorecards(month), enabled: can('scorecard.read') });
  if (!can('scorecard.read')) return <Forbidden title={t('scorecards.forbiddenTitle')} message={t('scorecards.forbidden')} />;
  const set = (k: string, v: string) => setParams({ month, by, [k]: v });
  const own = q.data?.scope === 'own';
  return (
    <section className="scorecards-page">
      <div className="page-head">
        <h1>{own ? t('scorecards.mine') : t('scorecards.title')}</h1>
        <label>
          {t('scorecards.month')}
          <input type="month" name="month" value={month} onChange={(e) => e.target.value && set('month', e.target.value)} />
        </label>
        {!own && (
          <div className="segmented" role="group" aria-label={t('scorecards.breakdownLabel')}>
            {BREAKDOWNS.map((b) => (
              <button key={b} type="button" className={b === by ? 'active' : 'secondary'} aria-pressed={b === by} onClick={() => set('by', b)}>
                {t(`scorecards.breakdown.${b}`)}
              </button>
            ))}
          </div>
        )}
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <section className="card">
          {by === 'agent' || own ? (
            <AgentTable r={q.data} month={month} />
          ) : (
            <RollupTable by={by} rows={by === 'team' ? q.data.byTeam : by === 'department' ? q.data.byDepartment : q.data.byPost} />
          )}
          <p className="muted small">{t('scorecards.definition')}</p>
        </section>
      )}
      {can('scorecard.config.write') && q.data && <ConfigForm key={JSON.stringify(q.data.config)} config={q.data.config} />}
    </section>
  );
}
