import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router';
import type { Me } from '../modules/auth/api.ts';
import { useLogout } from '../modules/auth/hooks.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** The top bar (language, who is logged in) above the page, and beside it the navigation by permission, in groups. */
export function Layout({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const logout = useLogout();
  const can = (p: string) => (me.permissions as string[]).includes(p);
  const groups: Array<{ key: string; links: Array<{ to: string; label: string; show: boolean; end?: boolean }> }> = [
    {
      key: 'workspace',
      links: [
        { to: '/', label: 'nav.queue', show: can('case.read'), end: true },
        { to: '/cases/new', label: 'nav.newCase', show: can('case.create') },
        { to: '/consultations', label: 'nav.consultations', show: can('consultation.read') },
        { to: '/followups', label: 'followups.nav', show: can('followup.read') },
        { to: '/knowledge', label: 'knowledge.nav', show: can('knowledge.read') },
      ],
    },
    {
      key: 'customers',
      links: [
        { to: '/customers', label: 'customerProfiles.nav', show: can('customer.read') },
        { to: '/campaigns', label: 'campaigns.nav', show: can('campaign.read') },
        { to: '/service', label: 'fieldservice.nav', show: can('fieldservice.read') },
      ],
    },
    {
      key: 'quality',
      links: [
        { to: '/quality', label: 'quality.nav', show: can('quality.inspect') || can('quality.plan.read') || can('quality.flags.read'), end: true },
        { to: '/quality/mine', label: 'quality.navMine', show: can('quality.appeal') },
        { to: '/surveys', label: 'surveys.nav', show: can('survey.report') || can('survey.recovery') },
        { to: '/scorecards', label: 'scorecards.nav', show: can('scorecard.read') },
        { to: '/supervision', label: 'supervision.nav', show: can('supervision.read') },
        { to: '/training', label: 'training.nav', show: can('training.read') },
      ],
    },
    {
      key: 'analysis',
      links: [
        { to: '/dashboard', label: 'nav.dashboard', show: can('analytics.read') },
        { to: '/reports', label: 'reports.nav', show: can('report.read') },
        { to: '/problems', label: 'problems.nav', show: can('problem.read') },
      ],
    },
    {
      key: 'admin',
      links: [
        { to: '/import', label: 'import.nav', show: can('case.import') },
        { to: '/settings/classification', label: 'nav.settings', show: can('settings.read') },
        { to: '/settings/routing', label: 'nav.routing', show: can('routing.read') },
      ],
    },
  ];
  return (
    <div className="shell staff">
      <header className="topbar">
        <NavLink to="/" className="brand">
          ServiceLoop <small>{t('app.tagline')}</small>
        </NavLink>
        <div className="topbar-right">
          <LanguageSwitch />
          <span className="who" title={me.user.email}>
            {me.user.name} · {t(`auth.roles.${me.user.role}`)}
          </span>
          <button type="button" className="secondary" disabled={logout.isPending} onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login') })}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <aside className="sidebar">
        <nav className="side" aria-label={t('nav.label')}>
          {groups.map((g) => {
            const shown = g.links.filter((l) => l.show);
            return (
              shown.length > 0 && (
                <div className="nav-group" data-group={g.key} key={g.key}>
                  <div className="nav-group-title">{t(`nav.groups.${g.key}`)}</div>
                  {shown.map((l) => (
                    <NavLink key={l.to} to={l.to} end={l.end ?? false}>
                      {t(l.label)}
                    </NavLink>
                  ))}
                </div>
              )
            );
          })}
        </nav>
      </aside>
      <main className="page">
        <Outlet />
      </main>
    </div>
  );
}
