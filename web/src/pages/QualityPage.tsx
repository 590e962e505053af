import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan, useMe } from '../modules/auth/hooks.ts';
import { drawPlan, flaggedCases, getInspection, listInspections, listPlans, monthRange, QUALITY_CHECKS, qualityReport, scoreInspection } from '../modules/quality/api.ts';
import { ScoreForm } from '../modules/quality/components/ScoreForm.tsx';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { formatTime } from '../ui/format.ts';

const TABS = ['tasks', 'plans', 'flagged', 'report'] as const;

/** The inspector console 质检 (SPEC 7): tasks to score and the scoring form, sampling plans, flagged cases, the report. */
export function QualityPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const allowed = can('quality.inspect') || can('quality.plan.read') || can('quality.flags.read');
  if (!allowed) return <Forbidden title={t('quality.forbiddenTitle')} message={t('quality.forbidden')} />;
  const tabs = TABS.filter((x) => (x === 'tasks' ? can('quality.inspect') : x === 'plans' ? can('quality.plan.read') : x === 'flagged' ? can('quality.flags.read') : can('analytics.read')));
  const tab = (params.get('tab') as (typeof TABS)[number] | null) ?? tabs[0]!;
  return (
    <section className="quality-page">
      <div className="page-head">
        <h1>{t('quality.title')}</h1>
      </div>
      <nav className="tabs" aria-label={t('quality.title')}>
        {tabs.map((x) => (
          <button key={x} type="button" className={x === tab ? undefined : 'secondary'} data-tab={x} onClick={() => setParams({ tab: x })}>
            {t(`quality.tab.${x}`)}
          </button>
        ))}
      </nav>
      {tab === 'tasks' && <Tasks selected={params.get('inspection')} select={(id) => setParams({ tab: 'tasks', inspection: id })} />}
      {tab === 'plans' && <Plans />}
      {tab === 'flagged' && <Flagged />}
      {tab === 'report' && <Report />}
    </section>
  );
}

function Tasks({ selected, select }: { selected: string | null; select: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const list = useQuery({ queryKey: ['quality', 'tasks'], queryFn: () => listInspections({ mine: 'true', status: 'pending' }) });
  const one = useQuery({ queryKey: ['quality', 'inspection', selected], queryFn: () => getInspection(selected!), enabled: selected !== null });
  return (
    <div className="case-grid">
      <section className="card">
        <h2>{t('quality.tasks.title')}</h2>
        {list.isPending ? (
          <Loading />
        ) : list.error ? (
          <ErrorMessage error={list.error} />
        ) : list.data.items.length === 0 ? (
          <p className="muted">{t('quality.tasks.none')}</p>
        ) : (
          <ul className="quality-tasks">
            {list.data.items.map((i) => (
              <li key={i.id} data-inspection={i.id}>
                <button type="button" className="link" onClick={() => select(i.id)}>
                  {i.caseNumber}
                </button>{' '}
                {i.caseSubject} <span className="muted small">· {i.agentName} · {i.sampleReason ? t(`quality.reason.${i.sampleReason}`, { defaultValue: i.sampleReason }) : t('quality.reason.adhoc')} · {formatTime(i.createdAt, i18n.language)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {selected && (
        <section className="card" aria-label={t('quality.form.title')}>
          {one.isPending ? (
            <Loading />
          ) : one.error ? (
            <ErrorMessage error={one.error} />
          ) : (
            <>
              <h2>
                {t('quality.form.title')}: <Link to={`/cases/${one.data.caseId}`}>{one.data.caseNumber}</Link>
              </h2>
              <p className="muted">
                {one.data.rubric.name} v{one.data.rubric.version} · {t('quality.form.agent')}: {one.data.agentName}
              </p>
              {one.data.status === 'submitted' ? (
                <p>{t('quality.form.submitted', { score: one.data.score })}</p>
              ) : (
                <ScoreForm key={one.data.id} inspection={one.data} save={(body) => scoreInspection(one.data.id, body)} />
              )}
            </>
          )}
        </section>
      )}
    </div>
  );
}

function Plans() {
  const { t } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const plans = useQuery({ queryKey: ['quality', 'plans'], queryFn: listPlans });
  const [date, setDate] = useState('');
  const draw = useMutation({ mutationFn: (id: string) => drawPlan(id, date || undefined), onSuccess: () => qc.invalidateQueries({ queryKey: ['quality'] }) });
  if (plans.isPending) return <Loading />;
  if (plans.error) return <ErrorMessage error={plans.error} />;
  return (
    <section className="card">
      <h2>{t('quality.plans.title')}</h2>
      {can('quality.sample') && (
        <label>
          {t('quality.plans.date')} <input type="date" name="drawDate" value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
      )}
      <table className="quality-plans">
        <thead>
          <tr>
            <th>{t('quality.plans.name')}</th>
            <th>{t('quality.plans.period')}</th>
            <th>{t('quality.plans.amount')}</th>
            <th>{t('quality.plans.rubric')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {plans.data.map((p) => (
            <tr key={p.id} data-plan={p.id}>
              <td>{p.name}</td>
              <td>{t(`quality.plans.${p.period}`)}</td>
              <td>{p.mode === 'count' ? t('quality.plans.count', { n: p.amount }) : `${p.amount}%`}</td>
              <td>{p.rubricName}</td>
              <td>
                {can('quality.sample') && p.active && (
                  <button type="button" className="secondary" disabled={draw.isPending} onClick={() => draw.mutate(p.id)}>
                    {t('quality.plans.draw')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {draw.error && <ErrorMessage error={draw.error} />}
      {draw.data && <p role="status">{t('quality.plans.drawn', { period: draw.data.periodKey, n: draw.data.created })}</p>}
    </section>
  );
}

function Flagged() {
  const { t, i18n } = useTranslation();
  const [check, setCheck] = useState('');
  const range = monthRange(Date.now());
  const q = useQuery({ queryKey: ['quality', 'flagged', range.from, check], queryFn: () => flaggedCases({ ...range, ...(check ? { check } : {}) }) });
  return (
    <section className="card">
      <h2>{t('quality.flagged.title')}</h2>
      <label>
        {t('quality.flagged.check')}
        <select name="check" value={check} onChange={(e) => setCheck(e.target.value)}>
          <option value="">{t('quality.flagged.all')}</option>
          {QUALITY_CHECKS.map((c) => (
            <option key={c} value={c}>
              {t(`quality.check.${c}`)}
            </option>
          ))}
        </select>
      </label>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} />
      ) : q.data.items.length === 0 ? (
        <p className="muted">{t('quality.flagged.none')}</p>
      ) : (
        <ul className="quality-flagged">
          {q.data.items.map((i) => (
            <li key={i.caseId} data-case={i.caseId}>
              <Link to={`/cases/${i.caseId}`}>{i.number}</Link> {i.subject} <span className="muted small">· {i.agentName ?? '—'} · {formatTime(i.receivedAt, i18n.language)}</span>{' '}
              {i.flagged.map((f) => (
                <Badge key={f} kind="breached">
                  {t(`quality.check.${f}`)}
                </Badge>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Report() {
  const { t } = useTranslation();
  const me = useMe().data;
  const range = monthRange(Date.now());
  const q = useQuery({ queryKey: ['quality', 'report', range.from], queryFn: () => qualityReport(range.from, range.to), enabled: Boolean(me) });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  const rows = [...q.data.agents.map((a) => ({ key: a.agentId, name: a.agentName, ...a })), ...q.data.teams.map((x) => ({ key: `team-${x.teamId}`, name: `【${x.teamName ?? '—'}】`, ...x }))];
  return (
    <section className="card">
      <h2>{t('quality.report.title')}</h2>
      <table className="quality-report">
        <thead>
          <tr>
            <th />
            <th>{t('quality.report.inspections')}</th>
            <th>{t('quality.report.mean')}</th>
            <th>{t('quality.report.failed')}</th>
            <th>{t('quality.report.appeals')}</th>
            <th>{t('quality.report.upheld')}</th>
            <th>{t('quality.report.adjusted')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td>{r.name}</td>
              <td>{r.inspections}</td>
              <td>{r.meanScore ?? '—'}</td>
              <td>{r.failed}</td>
              <td>{r.appeals}</td>
              <td>{r.upheld}</td>
              <td>{r.adjusted}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
