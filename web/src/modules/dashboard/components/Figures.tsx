import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AnalyticsSummary } from '../../../types.ts';
import { formatMinutes, formatTime, percent, pick } from '../../../ui/format.ts';

type Rate = { numerator: number; denominator: number; rate: number | null };
type VolumeRow = AnalyticsSummary['volumes']['byChannel'][number];

function Tile({ label, value, sub, tone, name }: { label: string; value: ReactNode; sub?: ReactNode; tone?: 'good' | 'bad'; name: string }) {
  return (
    <div className={`tile${tone ? ` tile-${tone}` : ''}`} data-figure={name}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      {sub && <div className="tile-sub muted">{sub}</div>}
    </div>
  );
}

const ratio = (r: Rate) => `${r.numerator}/${r.denominator}`;

/** The indicators of SPEC 8 as the API computes them: tiles for the headline figures, tables for SLA and volumes. */
export function Figures({ s }: { s: AnalyticsSummary }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const rr = s.resolutionRate;
  const label = (dim: 'channel' | 'type' | 'category', r: VolumeRow) =>
    pick(r.label, lang) ?? (r.key === null ? t('dashboard.unclassified') : dim === 'category' ? r.key : t(`${dim}.${r.key}`, { defaultValue: r.key }));
  const volumes: Array<['channel' | 'type' | 'category', string, VolumeRow[]]> = [
    ['channel', t('dashboard.byChannel'), s.volumes.byChannel],
    ['type', t('dashboard.byType'), s.volumes.byType],
    ['category', t('dashboard.byCategory'), s.volumes.byCategory],
  ];
  return (
    <>
      <p className="muted small">
        {formatTime(s.period.from, lang)} – {formatTime(s.period.to, lang)} · {t('dashboard.generatedAt', { time: formatTime(s.period.generatedAt, lang) })}
      </p>
      <div className="tiles">
        <Tile name="received" label={t('dashboard.received')} value={s.received.count} />
        <Tile name="backlog" label={t('dashboard.backlog')} value={s.backlog.count} sub={t('dashboard.backlogNow')} />
        <Tile
          name="firstResponse"
          label={t('dashboard.firstResponse')}
          value={formatMinutes(s.firstResponse.medianMinutes, t)}
          sub={`${t('dashboard.median')} · ${t('dashboard.p90')} ${formatMinutes(s.firstResponse.p90Minutes, t)} · ${t('dashboard.cases', { count: s.firstResponse.cases })}`}
        />
        <Tile
          name="resolution"
          label={t('dashboard.resolution')}
          value={formatMinutes(s.resolution.medianMinutes, t)}
          sub={`${t('dashboard.median')} · ${t('dashboard.p90')} ${formatMinutes(s.resolution.p90Minutes, t)} · ${t('dashboard.cases', { count: s.resolution.cases })}`}
        />
        <Tile
          name="resolutionRate"
          label={t('dashboard.resolutionRate')}
          value={percent(rr.rate)}
          sub={`${ratio(rr)} · ${t('dashboard.target', { target: percent(rr.target) })}`}
          {...(rr.meetsTarget === null ? {} : { tone: rr.meetsTarget ? 'good' : 'bad' })}
        />
        <Tile name="fcr" label={t('dashboard.fcr')} value={percent(s.firstContactResolution.rate)} sub={ratio(s.firstContactResolution)} />
        <Tile name="repeatRate" label={t('dashboard.repeatRate')} value={percent(s.repeatComplaintRate.rate)} sub={ratio(s.repeatComplaintRate)} />
        <Tile name="escalationRate" label={t('dashboard.escalationRate')} value={percent(s.escalationRate.rate)} sub={ratio(s.escalationRate)} />
        <Tile
          name="per10k"
          label={t('dashboard.per10k')}
          value={s.complaintsPer10kCustomers.value === null ? '—' : s.complaintsPer10kCustomers.value.toFixed(1)}
          sub={`${s.complaintsPer10kCustomers.complaints} / ${s.complaintsPer10kCustomers.activeCustomers}`}
        />
      </div>
      <div className="dash-grid">
        <section className="card">
          <h2>{t('dashboard.sla')}</h2>
          <table className="table sla">
            <thead>
              <tr>
                <th>{t('dashboard.target2')}</th>
                <th className="num">{t('dashboard.met')}</th>
                <th className="num">{t('dashboard.breached')}</th>
                <th className="num">{t('dashboard.share')}</th>
              </tr>
            </thead>
            <tbody>
              {s.sla.map((x) => (
                <tr key={x.kind} data-kind={x.kind}>
                  <td>{pick(x.label, lang)}</td>
                  <td className="num">{x.met}</td>
                  <td className="num">{x.breached}</td>
                  <td className="num">
                    <span className="bar" style={{ ['--w' as string]: `${Math.round((x.metShare ?? 0) * 100)}%` }} />
                    {percent(x.metShare)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {volumes.map(([dim, title, rows]) => (
          <section className="card" key={dim}>
            <h2>{title}</h2>
            <table className="table volumes" data-dim={dim}>
              <thead>
                <tr>
                  <th>{t('dashboard.key')}</th>
                  <th className="num">{t('dashboard.count')}</th>
                  <th className="num">{t('dashboard.ratio')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.key ?? '-'} data-key={r.key ?? ''}>
                    <td>{label(dim, r)}</td>
                    <td className="num">{r.count}</td>
                    <td className="num">
                      <span className="bar" style={{ ['--w' as string]: `${Math.round(r.share * 100)}%` }} />
                      {percent(r.share)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </>
  );
}
