import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';
import { useCan } from '../modules/auth/hooks.ts';
import { CASE_TYPES, CHANNELS, COMPLAINT_GRADES, PRIORITIES } from '../modules/cases/api.ts';
import { useCategories } from '../modules/cases/hooks.ts';
import { teamName, useTeams } from '../modules/collaboration/components/Consultations.tsx';
import { createRule, CUSTOMER_TIERS, deleteRule, LANGUAGES, listRules, ROUTING_STRATEGIES, simulate, updateRule } from '../modules/routing/api.ts';
import type { NewRoutingRule, RoutingRuleView, RoutingSimulation, SimulateRoutingInput } from '../types.ts';
import { Badge } from '../ui/Badge.tsx';
import { EnumOptions } from '../ui/EnumOptions.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';

const KEY = ['routing', 'rules'] as const;
type Conditions = RoutingRuleView['conditions'];
type CondKey = keyof Conditions;

/** Each condition: its values and how they are labelled (categories: by the API's list). */
const FIXED: Array<{ key: Exclude<CondKey, 'categoryIds'>; values: readonly string[]; prefix: string }> = [
  { key: 'types', values: CASE_TYPES, prefix: 'type' },
  { key: 'channels', values: CHANNELS, prefix: 'channel' },
  { key: 'languages', values: LANGUAGES, prefix: 'routing.language' },
  { key: 'customerTiers', values: CUSTOMER_TIERS, prefix: 'routing.tier' },
  { key: 'priorities', values: PRIORITIES, prefix: 'priority' },
  { key: 'complaintGrades', values: COMPLAINT_GRADES, prefix: 'grade' },
];
const COND_KEYS: CondKey[] = ['types', 'categoryIds', 'channels', 'languages', 'customerTiers', 'priorities', 'complaintGrades'];

/** The routing rules (SPEC 3, 分派): leads read them and simulate (routing.read); the admin changes them (routing.write). */
export function RoutingPage() {
  const { t } = useTranslation();
  const can = useCan();
  const allowed = can('routing.read');
  const q = useQuery({ queryKey: KEY, queryFn: listRules, enabled: allowed });
  if (!allowed || (q.error instanceof ApiError && q.error.status === 403)) return <Forbidden title={t('routing.forbiddenTitle')} message={t('routing.forbidden')} />;
  const writable = can('routing.write');
  return (
    <section className="routing settings">
      <h1>{t('routing.title')}</h1>
      <p className="muted">{t('routing.intro')}</p>
      {!writable && (
        <p className="muted read-only" role="note">
          {t('routing.readOnly')}
        </p>
      )}
      {q.isPending ? <Loading /> : q.error ? <ErrorMessage error={q.error} onRetry={() => void q.refetch()} /> : <Rules rules={q.data} writable={writable} />}
      <Simulate />
    </section>
  );
}

function useLabels() {
  const { t, i18n } = useTranslation();
  const categories = useCategories().data;
  const teams = useTeams().data;
  const category = (id: string) => {
    const c = categories?.find((x) => x.id === id);
    return c ? (i18n.language === 'en' ? c.nameEn : c.name) : id;
  };
  const cond = (key: CondKey, v: string) => (key === 'categoryIds' ? category(v) : t(`${FIXED.find((f) => f.key === key)!.prefix}.${v}`, { defaultValue: v }));
  const team = (id: string | null) => (id ? teamName(teams, id, id, i18n.language) : '—');
  return { cond, team };
}

/** The rules in the order they are tried, with what the admin may do to each. */
function Rules({ rules, writable }: { rules: RoutingRuleView[]; writable: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const labels = useLabels();
  const [editing, setEditing] = useState<string | null>(null); // a rule's id, 'new', or none
  const [confirming, setConfirming] = useState<string | null>(null);
  const done = () => qc.invalidateQueries({ queryKey: KEY });
  const change = useMutation({
    mutationFn: async (steps: Array<{ id: string; patch: Parameters<typeof updateRule>[1] }>) => {
      for (const s of steps) await updateRule(s.id, s.patch);
    },
    onSettled: done,
  });
  const remove = useMutation({ mutationFn: deleteRule, onSuccess: () => setConfirming(null), onSettled: done });
  // up/down: the rule takes its neighbour's place (positions swapped; equal ones are pulled apart)
  const move = (i: number, by: -1 | 1) => {
    const a = rules[i]!;
    const b = rules[i + by]!;
    const pa = b.position === a.position ? Math.max(0, a.position + by) : b.position;
    change.mutate([
      { id: a.id, patch: { position: pa } },
      ...(b.position === a.position ? [] : [{ id: b.id, patch: { position: a.position } }]),
    ]);
  };
  return (
    <div className="card">
      <h2 id="rules-title">{t('routing.rules')}</h2>
      {rules.length === 0 ? (
        <p className="muted">{t('routing.noRules')}</p>
      ) : (
        <table className="table rules" aria-labelledby="rules-title">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('routing.name')}</th>
              <th scope="col">{t('routing.conditions')}</th>
              <th scope="col">{t('routing.team')}</th>
              <th scope="col">{t('routing.strategy')}</th>
              <th scope="col">{t('routing.state')}</th>
              {writable && <th scope="col">{t('routing.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {rules.map((r, i) => (
              <tr key={r.id} data-rule={r.id} className={r.enabled ? undefined : 'muted'}>
                <td>{i + 1}</td>
                <th scope="row" className="rule-name">
                  {r.name}
                </th>
                <td className="rule-conditions">
                  {COND_KEYS.filter((k) => r.conditions[k]?.length).map((k) => (
                    <div key={k}>
                      <span className="muted">
                        {t(`routing.cond.${k}`)}
                        {i18n.language === 'en' ? ': ' : '：'}
                      </span>
                      {r.conditions[k]!.map((v) => labels.cond(k, v)).join('、')}
                    </div>
                  ))}
                  {!COND_KEYS.some((k) => r.conditions[k]?.length) && <span className="muted">{t('routing.everyCase')}</span>}
                </td>
                <td>{labels.team(r.teamId)}</td>
                <td className="rule-strategy">
                  {t(`routing.strategies.${r.strategy}`)}
                  {r.requiredSkills.length > 0 && <div className="muted small">{t('routing.skillsList', { skills: r.requiredSkills.join('、') })}</div>}
                  {r.matchLanguage && <div className="muted small">{t('routing.matchLanguage')}</div>}
                  {r.maxOpenPerAgent !== null && <div className="muted small">{t('routing.capOf', { n: r.maxOpenPerAgent })}</div>}
                </td>
                <td>
                  <Badge kind={r.enabled ? 'enabled' : 'disabled'}>{r.enabled ? t('routing.enabled') : t('routing.disabled')}</Badge>
                </td>
                {writable && (
                  <td className="rule-actions">
                    <div className="row-buttons">
                      <button type="button" className="secondary" aria-label={t('routing.moveUp', { name: r.name })} disabled={i === 0 || change.isPending} onClick={() => move(i, -1)}>
                        ↑
                      </button>
                      <button type="button" className="secondary" aria-label={t('routing.moveDown', { name: r.name })} disabled={i === rules.length - 1 || change.isPending} onClick={() => move(i, 1)}>
                        ↓
                      </button>
                      <button type="button" className="secondary" data-do="toggle" disabled={change.isPending} onClick={() => change.mutate([{ id: r.id, patch: { enabled: !r.enabled } }])}>
                        {r.enabled ? t('routing.disable') : t('routing.enable')}
                      </button>
                      <button type="button" className="secondary" data-do="edit" onClick={() => setEditing(r.id)}>
                        {t('routing.edit')}
                      </button>
                      {confirming === r.id ? (
                        <span role="group" aria-label={t('routing.confirmDelete', { name: r.name })} className="confirm">
                          <span>{t('routing.confirmDelete', { name: r.name })}</span>
                          <button type="button" className="danger" data-do="confirm-delete" disabled={remove.isPending} onClick={() => remove.mutate(r.id)}>
                            {t('routing.yesDelete')}
                          </button>
                          <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                            {t('consultations.cancel')}
                          </button>
                        </span>
                      ) : (
                        <button type="button" className="danger" data-do="delete" onClick={() => setConfirming(r.id)}>
                          {t('routing.delete')}
                        </button>
                      )}
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorMessage error={change.error ?? remove.error} />
      {writable &&
        (editing ? (
          <RuleForm key={editing} rule={rules.find((r) => r.id === editing) ?? null} onDone={() => setEditing(null)} />
        ) : (
          <div>
            <button type="button" data-do="new-rule" onClick={() => setEditing('new')}>
              {t('routing.newRule')}
            </button>
          </div>
        ))}
    </div>
  );
}

interface Draft {
  name: string;
  teamId: string;
  strategy: string;
  enabled: boolean;
  conditions: Record<CondKey, string[]>;
  skills: string;
  matchLanguage: boolean;
  cap: string;
}

const toDraft = (r: RoutingRuleView | null): Draft => ({
  name: r?.name ?? '',
  teamId: r?.teamId ?? '',
  strategy: r?.strategy ?? 'none',
  enabled: r?.enabled ?? true,
  conditions: Object.fromEntries(COND_KEYS.map((k) => [k, [...(r?.conditions[k] ?? [])]])) as Record<CondKey, string[]>,
  skills: r?.requiredSkills.join(', ') ?? '',
  matchLanguage: r?.matchLanguage ?? false,
  cap: r?.maxOpenPerAgent === null || r?.maxOpenPerAgent === undefined ? '' : String(r.maxOpenPerAgent),
});

/** A rule's form (new or an existing one): conditions as checkboxes, an omitted one matching every case. */
function RuleForm({ rule, onDone }: { rule: RoutingRuleView | null; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const teams = useTeams().data ?? [];
  const categories = useCategories().data ?? [];
  const [d, setD] = useState<Draft>(() => toDraft(rule));
  const save = useMutation({
    mutationFn: (body: NewRoutingRule) => {
      if (!rule) return createRule(body);
      const { position: _p, ...patch } = body;
      return updateRule(rule.id, patch);
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: KEY });
      onDone();
    },
  });
  const toggle = (k: CondKey, v: string, on: boolean) => setD({ ...d, conditions: { ...d.conditions, [k]: on ? [...d.conditions[k], v] : d.conditions[k].filter((x) => x !== v) } });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const conditions = Object.fromEntries(COND_KEYS.filter((k) => d.conditions[k].length > 0).map((k) => [k, d.conditions[k]]));
    const agentPicked = d.strategy !== 'none';
    save.mutate({
      name: d.name,
      teamId: d.teamId,
      strategy: d.strategy as NewRoutingRule['strategy'],
      enabled: d.enabled,
      conditions,
      // with strategy none no agent is picked: the agent options are left out (the API refuses them)
      requiredSkills: agentPicked ? d.skills.split(/[,，、]/).map((s) => s.trim()).filter(Boolean) : [],
      matchLanguage: agentPicked && d.matchLanguage,
      maxOpenPerAgent: agentPicked && d.cap.trim() ? Number(d.cap) : null,
    });
  };
  const options: Array<{ key: CondKey; values: Array<{ v: string; label: string }> }> = [
    ...FIXED.slice(0, 1).map((f) => ({ key: f.key, values: f.values.map((v) => ({ v, label: t(`${f.prefix}.${v}`) })) })),
    { key: 'categoryIds', values: categories.map((c) => ({ v: c.id, label: i18n.language === 'en' ? c.nameEn : c.name })) },
    ...FIXED.slice(1).map((f) => ({ key: f.key, values: f.values.map((v) => ({ v, label: t(`${f.prefix}.${v}`) })) })),
  ];
  return (
    <form className="settings-form rule-form" onSubmit={submit} aria-labelledby="rule-form-title">
      <h3 id="rule-form-title">{rule ? t('routing.editRule', { name: rule.name }) : t('routing.newRule')}</h3>
      <div className="grid2">
        <label>
          {t('routing.name')} *
          <input name="ruleName" required maxLength={200} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />
        </label>
        <label>
          {t('routing.team')} *
          <select name="ruleTeam" required value={d.teamId} onChange={(e) => setD({ ...d, teamId: e.target.value })}>
            <option value="">{t('consultations.chooseTeam')}</option>
            {teams.map((x) => (
              <option key={x.id} value={x.id}>
                {i18n.language === 'en' && x.nameEn ? x.nameEn : x.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted small">{t('routing.conditionsHint')}</p>
      {options.map((o) => (
        <fieldset key={o.key} className="checks" data-condition={o.key}>
          <legend>{t(`routing.cond.${o.key}`)}</legend>
          {o.values.map(({ v, label }) => (
            <label key={v} className="check">
              <input type="checkbox" name={`${o.key}`} value={v} checked={d.conditions[o.key].includes(v)} onChange={(e) => toggle(o.key, v, e.target.checked)} />
              {label}
            </label>
          ))}
        </fieldset>
      ))}
      <div className="grid2">
        <label>
          {t('routing.strategy')}
          <select name="ruleStrategy" value={d.strategy} onChange={(e) => setD({ ...d, strategy: e.target.value })} aria-describedby="strategy-hint">
            <EnumOptions values={ROUTING_STRATEGIES} prefix="routing.strategies" />
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="ruleEnabled" checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.target.checked })} />
          {t('routing.enabled')}
        </label>
      </div>
      <p id="strategy-hint" className="muted small">
        {t(`routing.strategyHint.${d.strategy}`)}
      </p>
      {d.strategy !== 'none' && (
        <div className="grid2">
          <label>
            {t('routing.requiredSkills')}
            <input name="ruleSkills" placeholder={t('routing.skillsPlaceholder')} value={d.skills} onChange={(e) => setD({ ...d, skills: e.target.value })} />
          </label>
          <label>
            {t('routing.cap')}
            <input name="ruleCap" type="number" min={1} max={10000} step={1} value={d.cap} onChange={(e) => setD({ ...d, cap: e.target.value })} />
          </label>
          <label className="check">
            <input type="checkbox" name="ruleMatchLanguage" checked={d.matchLanguage} onChange={(e) => setD({ ...d, matchLanguage: e.target.checked })} />
            {t('routing.matchLanguage')}
          </label>
        </div>
      )}
      <ErrorMessage error={save.error} />
      <div className="row-buttons">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? t('settings.saving') : t('routing.saveRule')}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t('consultations.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The dry run: a would-be case's facts; the rule it matches, the agent it would go to, and why the others would not. */
function Simulate() {
  const { t, i18n } = useTranslation();
  const categories = useCategories().data ?? [];
  const labels = useLabels();
  const [f, setF] = useState<Record<string, string>>({});
  const run = useMutation({ mutationFn: simulate });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = Object.fromEntries(Object.entries(f).filter(([, v]) => v)) as SimulateRoutingInput;
    run.mutate(body);
  };
  const field = (name: keyof SimulateRoutingInput, label: string, children: ReactNode) => (
    <label key={name}>
      {label}
      <select name={`sim-${name}`} value={f[name] ?? ''} onChange={(e) => setF({ ...f, [name]: e.target.value })}>
        <option value="">{t('routing.notGiven')}</option>
        {children}
      </select>
    </label>
  );
  return (
    <form className="card settings-form simulate" onSubmit={submit} aria-labelledby="simulate-title">
      <h2 id="simulate-title">{t('routing.simulate')}</h2>
      <p className="muted small">{t('routing.simulateHint')}</p>
      <div className="grid2">
        {field('type', t('case.type'), <EnumOptions values={CASE_TYPES} prefix="type" />)}
        {field(
          'categoryId',
          t('case.category'),
          categories.map((c) => (
            <option key={c.id} value={c.id}>
              {i18n.language === 'en' ? c.nameEn : c.name}
            </option>
          )),
        )}
        {field('channel', t('routing.cond.channels'), <EnumOptions values={CHANNELS} prefix="channel" />)}
        {field('language', t('routing.cond.languages'), <EnumOptions values={LANGUAGES} prefix="routing.language" />)}
        {field('customerTier', t('routing.cond.customerTiers'), <EnumOptions values={CUSTOMER_TIERS} prefix="routing.tier" />)}
        {field('priority', t('routing.cond.priorities'), <EnumOptions values={PRIORITIES} prefix="priority" />)}
        {field('complaintGrade', t('routing.cond.complaintGrades'), <EnumOptions values={COMPLAINT_GRADES} prefix="grade" />)}
      </div>
      <div>
        <button type="submit" disabled={run.isPending}>
          {run.isPending ? t('actions.working') : t('routing.runSimulation')}
        </button>
      </div>
      <ErrorMessage error={run.error} />
      {run.data && <SimulationResult r={run.data} team={labels.team} />}
    </form>
  );
}

function SimulationResult({ r, team }: { r: RoutingSimulation; team: (id: string | null) => string }) {
  const { t } = useTranslation();
  const picked = r.candidates.find((c) => c.id === r.assigneeId);
  if (!r.rule)
    return (
      <p className="simulation-result" role="status" data-rule="">
        {t('routing.noMatch')}
      </p>
    );
  return (
    <div className="simulation-result" role="status" data-rule={r.rule.id}>
      <p>
        {t('routing.matched', { name: r.rule.name, team: team(r.teamId), strategy: t(`routing.strategies.${r.rule.strategy}`) })}
      </p>
      <p className="simulation-pick" data-assignee={r.assigneeId ?? ''}>
        <strong>{picked ? t('routing.wouldGo', { name: picked.name }) : t('routing.toQueue')}</strong>
      </p>
      {r.candidates.length > 0 && (
        <table className="table candidates" aria-label={t('routing.candidates')}>
          <thead>
            <tr>
              <th scope="col">{t('routing.agent')}</th>
              <th scope="col">{t('routing.role')}</th>
              <th scope="col">{t('routing.openCases')}</th>
              <th scope="col">{t('routing.verdict')}</th>
            </tr>
          </thead>
          <tbody>
            {r.candidates.map((c) => (
              <tr key={c.id} data-candidate={c.id} data-excluded={c.excluded ?? ''}>
                <th scope="row">{c.name}</th>
                <td>{t(`auth.roles.${c.role}`, { defaultValue: c.role })}</td>
                <td>{c.openCases}</td>
                <td>{c.id === r.assigneeId ? t('routing.picked') : c.excluded ? t(`routing.excluded.${c.excluded}`) : t('routing.eligible')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
