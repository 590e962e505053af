import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';
import { useCan } from '../modules/auth/hooks.ts';
import { PRIORITIES } from '../modules/cases/api.ts';
import { getClassificationSettings, LEVELS, notMonotonicCells, putClassificationSettings } from '../modules/settings/api.ts';
import type { ClassificationSettings } from '../types.ts';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';

const KEY = ['settings', 'classification'] as const;
type Matrix = ClassificationSettings['priorityMatrix'];

/** The classification settings (SPEC 2): every staff role reads them (settings.read); an admin changes them (settings.write). */
export function SettingsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const allowed = can('settings.read');
  const q = useQuery({ queryKey: KEY, queryFn: getClassificationSettings, enabled: allowed });
  if (!allowed || (q.error instanceof ApiError && q.error.status === 403)) return <Forbidden title={t('settings.forbiddenTitle')} message={t('settings.forbidden')} />;
  return (
    <section className="narrow settings">
      <h1>{t('settings.title')}</h1>
      <p className="muted">{t('settings.intro')}</p>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        // the form starts from the settings as read, and keeps what the user made of them (saved or not)
        <SettingsForm initial={q.data} writable={can('settings.write')} />
      )}
    </section>
  );
}

function SettingsForm({ initial, writable }: { initial: ClassificationSettings; writable: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [matrix, setMatrix] = useState<Matrix>(initial.priorityMatrix);
  const [days, setDays] = useState(String(initial.repeatWindowDays));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: putClassificationSettings,
    onSuccess: (s) => {
      setSaved(true);
      qc.setQueryData(KEY, s);
    },
  });
  const level = (n: number) => t(`case.levels.${n}`);
  const cellName = (i: number, j: number) => t('settings.cell', { impact: t(`settings.levels.${i + 1}`), urgency: t(`settings.levels.${j + 1}`) });
  // the refusal of a matrix where a more serious or urgent case gets a lower priority, naming both cells (as sent)
  const sent = save.variables?.priorityMatrix;
  const bad = save.error instanceof ApiError && save.error.code === 'matrix_not_monotonic' && sent ? notMonotonicCells(sent, save.error.details) : null;
  const badMessage = bad
    ? t('settings.notMonotonic', { cell: cellName(...bad.cell), p: sent![bad.cell[0]]![bad.cell[1]], more: cellName(...bad.more), moreP: sent![bad.more[0]]![bad.more[1]] })
    : null;
  const isBad = (i: number, j: number) => !!bad && ((bad.cell[0] === i && bad.cell[1] === j) || (bad.more[0] === i && bad.more[1] === j));

  const setCell = (i: number, j: number, p: string) => {
    setSaved(false);
    setMatrix((m) => m.map((row, a) => (a === i ? row.map((x, b) => (b === j ? p : x)) : row)) as Matrix);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate({ priorityMatrix: matrix, repeatWindowDays: Number(days) });
  };
  return (
    <form className="card settings-form" onSubmit={submit}>
      {!writable && (
        <p className="muted read-only" role="note">
          {t('settings.readOnly')}
        </p>
      )}
      <h2 id="matrix-title">{t('settings.matrix')}</h2>
      <table className="table matrix" aria-labelledby="matrix-title">
        <thead>
          <tr>
            <th scope="col">
              {t('settings.corner')}
            </th>
            {LEVELS.map((u) => (
              <th key={u} scope="col">
                {t('settings.urgencyLevel', { level: level(u) })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {LEVELS.map((imp, i) => (
            <tr key={imp}>
              <th scope="row">
                {t('settings.impactLevel', { level: level(imp) })}
              </th>
              {LEVELS.map((urg, j) => (
                <td key={urg} className={isBad(i, j) ? 'cell-bad' : undefined} data-cell={`${imp}-${urg}`}>
                  {writable ? (
                    <select name={`cell-${imp}-${urg}`} aria-label={cellName(i, j)} aria-invalid={isBad(i, j) || undefined} value={matrix[i]![j]} onChange={(e) => setCell(i, j, e.target.value)}>
                      {PRIORITIES.map((p) => (
                        <option key={p} value={p}>
                          {t(`priority.${p}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <Badge kind={matrix[i]![j]!}>{t(`priority.${matrix[i]![j]}`)}</Badge>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <label className="days">
        {t('settings.repeatWindow')}
        <input
          name="repeatWindowDays"
          type="number"
          min={1}
          max={3650}
          step={1}
          required
          readOnly={!writable}
          aria-describedby="repeat-hint"
          value={days}
          onChange={(e) => {
            setSaved(false);
            setDays(e.target.value);
          }}
        />
      </label>
      <p id="repeat-hint" className="muted small">
        {t('settings.repeatWindowHint')}
      </p>
      <ErrorMessage error={save.error} message={badMessage} />
      {saved && (
        <p className="ok-line" role="status">
          {t('settings.saved')}
        </p>
      )}
      {writable && (
        <div>
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? t('settings.saving') : t('settings.save')}
          </button>
        </div>
      )}
    </form>
  );
}
