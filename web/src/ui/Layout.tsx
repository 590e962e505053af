import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useNavigate } from 'react-router';
import type { Me } from '../modules/auth/api.ts';
import { useLogout } from '../modules/auth/hooks.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** The top bar (navigation by permission, language, who is logged in) above the page. */
export function Layout({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const logout = useLogout();
  const can = (p: string) => (me.permissions as string[]).includes(p);
  return (
    <div className="shell">
      <header className="topbar">
        <NavLink to="/" className="brand">
          ServiceLoop <small>{t('app.tagline')}</small>
        </NavLink>
        <nav>
          {can('case.read') && (
            <NavLink to="/" end>
              {t('nav.queue')}
            </NavLink>
          )}
          {can('case.create') && <NavLink to="/cases/new">{t('nav.newCase')}</NavLink>}
          {can('consultation.read') && <NavLink to="/consultations">{t('nav.consultations')}</NavLink>}
          {can('problem.read') && <NavLink to="/problems">{t('problems.nav')}</NavLink>}
          {can('followup.read') && <NavLink to="/followups">{t('followups.nav')}</NavLink>}
          {can('knowledge.read') && <NavLink to="/knowledge">{t('knowledge.nav')}</NavLink>}
          {can('analytics.read') && <NavLink to="/dashboard">{t('nav.dashboard')}</NavLink>}
          {(can('survey.report') || can('survey.recovery')) && <NavLink to="/surveys">{t('surveys.nav')}</NavLink>}
          {(can('quality.inspect') || can('quality.plan.read') || can('quality.flags.read')) && <NavLink to="/quality" end>{t('quality.nav')}</NavLink>}
          {can('quality.appeal') && <NavLink to="/quality/mine">{t('quality.navMine')}</NavLink>}
          {can('case.import') && <NavLink to="/import">{t('import.nav')}</NavLink>}
          {can('settings.read') && <NavLink to="/settings/classification">{t('nav.settings')}</NavLink>}
          {can('routing.read') && <NavLink to="/settings/routing">{t('nav.routing')}</NavLink>}
        </nav>
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
      <main className="page">
        <Outlet />
      </main>
    </div>
  );
}
