import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { WaveBody, WaveView } from '../../../../../src/core/modules/surveys/wave.schemas.ts';
import { useCan } from '../../auth/hooks.ts';
import { ErrorMessage, Loading } from '../../../ui/feedback.tsx';
import { formatTime, percent } from '../../../ui/format.ts';
import { cancelWave, createWave, launchWave, listWaves, waveResults } from '../api.ts';

const SCHEDULES = ['once', 'monthly', 'quarterly'] as const;
const AUDIENCES = ['all', 'tier', 'stage', 'recent', 'list'] as const;
const TIERS = ['vip', 'key', 'normal'] as const;
const STAGES = ['new', 'growing', 'mature', 'declining'] as const;
const DIMENSIONS = ['attitude', 'speed', 'solution', 'completeness'] as const;
const mean = (x: number | null) => (x === null ? '—' : x.toFixed(2));

type Form = { name: string; schedule: (typeof SCHEDULES)[number]; audience: (typeof AUDIENCES)[number]; tier: string; stage: string; days: string; ids: string; quietDays: string; start: string };

function audienceOf(f: Form): WaveBody['audience'] {
  if (f.audience === 'tier') return { tier: f.tier as (typeof TIERS)[number] };
  if (f.audience === 'stage') return { stage: f.stage as (typeof STAGES)[number] };
  if (f.audience === 'recent') return { caseWithinDays: Number(f.days) };
  if (f.audience === 'list') return { customerIds: f.ids.split(/[\s,，]+/).filter(Boolean) };
  return { all: true };
}

/** A wave's results: sent, answered, rate, CSAT, NPS, each dimension, who was not sent one and why. */
function WaveResultsPanel({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const q = useQuery({ queryKey: ['surveys', 'waves', id], queryFn: () => waveResults(id) });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  const { report: r, notSentBy, runs } = q.data;
  return (
    <div className="wave-results" data-testid="wave-results">
      <div className="tiles">
        {(
          [
            ['sent', t('surveys.report.sent'), String(r.sent)],
            ['answered', t('surveys.report.answered'), String(r.answered)],
            ['rate', t('surveys.report.responseRate'), percent(r.responseRate)],
            ['csat', t('surveys.report.csat'), mean(r.csatMean)],
            ['nps', 'NPS', r.nps === null ? '—' : r.nps.toFixed(1)],
            ...DIMENSIONS.map((d) => [d, t(`surveys.dimension.${d}`), mean(r.dimensions[d])]),
          ] as Array<[string, string, string]>
        ).map(([k, label, value]) => (
          <div key={k} className="tile" data-figure={k}>
            <div className="tile-label">{label}</div>
            <div className="tile-value">{value}</div>
          </div>
        ))}
      </div>
      {Object.keys(notSentBy).length > 0 && (
        <p className="muted small" data-testid="wave-not-sent">
          {t('surveys.waves.notSentBy')}{' '}
          {Object.entries(notSentBy)
            .map(([k, n]) => `${t(`surveys.waves.reasons.${k}`, { defaultValue: k })} ${n}`)
            .join(' · ')}
        </p>
      )}
      <ul className="small">
        {runs.map((u) => (
          <li key={u.runAt}>{t('surveys.waves.run', { time: formatTime(u.runAt, i18n.language), sent: u.sent, answered: u.answered })}</li>
        ))}
      </ul>
    </div>
  );
}

function WaveRow({ w, mayWrite }: { w: WaveView; mayWrite: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: ['surveys'] });
  const launch = useMutation({ mutationFn: () => launchWave(w.id), onSuccess: refresh });
  const cancel = useMutation({ mutationFn: () => cancelWave(w.id), onSuccess: refresh });
  return (
    <>
      <tr data-wave={w.id} data-status={w.status}>
        <td>{w.name}</td>
        <td>{t(`surveys.waves.schedules.${w.schedule}`)}</td>
        <td>{t(`surveys.waves.statuses.${w.status}`)}</td>
        <td>{w.nextRunAt === null ? '—' : formatTime(w.nextRunAt, i18n.language)}</td>
        <td data-figure="sent">{w.sent}</td>
        <td data-figure="answered">{w.answered}</td>
        <td>{percent(w.responseRate)}</td>
        <td className="row-buttons">
          <button type="button" className="secondary" name="results" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {t('surveys.waves.results')}
          </button>
          {mayWrite && w.status === 'scheduled' && w.runs === 0 && (
            <button type="button" name="launch" disabled={launch.isPending} onClick={() => launch.mutate()}>
              {t('surveys.waves.launch')}
            </button>
          )}
          {mayWrite && w.status === 'scheduled' && (
            <button type="button" className="secondary" name="cancelWave" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
              {t('surveys.waves.cancel')}
            </button>
          )}
          <ErrorMessage error={launch.error ?? cancel.error} />
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={8}>
            <WaveResultsPanel id={w.id} />
          </td>
        </tr>
      )}
    </>
  );
}

/** 定期满意度调查: the waves, a new one (managers and the director), launch now, results. */
export function SurveyWaves() {
  const { t } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const mayWrite = can('survey.wave.write');
  const list = useQuery({ queryKey: ['surveys', 'waves'], queryFn: listWaves });
  const [form, setForm] = useState<Form>({ name: '', schedule: 'quarterly', audience: 'all', tier: 'vip', stage: 'mature', days: '90', ids: '', quietDays: '30', start: '' });
  const create = useMutation({
    mutationFn: () =>
      createWave({
        name: form.name,
        schedule: form.schedule,
        audience: audienceOf(form),
        quietDays: Number(form.quietDays),
        ...(form.start ? { startAt: Date.parse(`${form.start}:00+08:00`) } : {}),
      }),
    onSuccess: () => {
      setForm((f) => ({ ...f, name: '' }));
      void qc.invalidateQueries({ queryKey: ['surveys', 'waves'] });
    },
  });
  const field = (k: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card" aria-label={t('surveys.waves.title')} data-testid="survey-waves">
      <h2>{t('surveys.waves.title')}</h2>
      <p className="muted small">{t('surveys.waves.intro')}</p>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <p className="muted">{t('surveys.waves.none')}</p>
      ) : (
        <table className="table" data-testid="wave-list">
          <thead>
            <tr>
              <th>{t('surveys.waves.name')}</th>
              <th>{t('surveys.waves.schedule')}</th>
              <th>{t('surveys.statusFilter')}</th>
              <th>{t('surveys.waves.nextRun')}</th>
              <th>{t('surveys.report.sent')}</th>
              <th>{t('surveys.report.answered')}</th>
              <th>{t('surveys.report.responseRate')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((w) => (
              <WaveRow key={w.id} w={w} mayWrite={mayWrite} />
            ))}
          </tbody>
        </table>
      )}
      {mayWrite && (
        <form className="settings-form" onSubmit={submit} data-testid="wave-form">
          <h3>{t('surveys.waves.new')}</h3>
          <label>
            {t('surveys.waves.name')}
            <input name="waveName" required maxLength={200} value={form.name} onChange={field('name')} />
          </label>
          <label>
            {t('surveys.waves.schedule')}
            <select name="schedule" value={form.schedule} onChange={field('schedule')}>
              {SCHEDULES.map((s) => (
                <option key={s} value={s}>
                  {t(`surveys.waves.schedules.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('surveys.waves.audience')}
            <select name="audience" value={form.audience} onChange={field('audience')}>
              {AUDIENCES.map((a) => (
                <option key={a} value={a}>
                  {t(`surveys.waves.audiences.${a}`)}
                </option>
              ))}
            </select>
          </label>
          {form.audience === 'tier' && (
            <label>
              {t('customerProfiles.tier')}
              <select name="tier" value={form.tier} onChange={field('tier')}>
                {TIERS.map((x) => (
                  <option key={x} value={x}>
                    {t(`customerProfiles.tiers.${x}`)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {form.audience === 'stage' && (
            <label>
              {t('customerProfiles.stage')}
              <select name="stage" value={form.stage} onChange={field('stage')}>
                {STAGES.map((x) => (
                  <option key={x} value={x}>
                    {t(`customerProfiles.stages.${x}`)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {form.audience === 'recent' && (
            <label>
              {t('surveys.waves.caseWithinDays')}
              <input name="caseWithinDays" type="number" min={1} max={3650} required value={form.days} onChange={field('days')} />
            </label>
          )}
          {form.audience === 'list' && (
            <label>
              {t('surveys.waves.customerIds')}
              <textarea name="customerIds" rows={2} required value={form.ids} onChange={field('ids')} />
            </label>
          )}
          <label>
            {t('surveys.waves.quietDays')}
            <input name="quietDays" type="number" min={0} max={365} required value={form.quietDays} onChange={field('quietDays')} />
          </label>
          <label>
            {t('surveys.waves.start')}
            <input name="start" type="datetime-local" value={form.start} onChange={field('start')} />
          </label>
          <div className="row-buttons">
            <button type="submit" name="createWave" disabled={create.isPending}>
              {t('surveys.waves.create')}
            </button>
          </div>
          <ErrorMessage error={create.error} />
        </form>
      )}
    </section>
  );
}
