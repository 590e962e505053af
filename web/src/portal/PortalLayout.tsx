import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useLogout, useMe } from '../modules/auth/hooks.ts';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { LanguageSwitch } from '../ui/LanguageSwitch.tsx';
import './portal.css';

/**
 * The customer portal's frame: a customer's session (else the portal's login, and back after it;
 * staff go to their workspace), the top bar (my requests, a new one, language, log out).
 */
export function PortalLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const logout = useLogout();
  if (me.isPending) return <Loading />;
  if (me.error) {
    if ('status' in me.error && me.error.status === 401) return <Navigate to="/portal/login" replace state={{ from: location.pathname + location.search }} />;
    return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  }
  if (me.data.user.role !== 'customer') return <Navigate to="/" replace />;
  return (
    <div className="shell portal">
      <header className="topbar portal-topbar">
        <Link to="/portal" className="brand">
          ServiceLoop <small>{t('portal.title')}</small>
        </Link>
        <nav>
          <NavLink to="/portal" end>
            {t('portal.nav.requests')}
          </NavLink>
          <NavLink to="/portal/new">{t('portal.nav.new')}</NavLink>
          <NavLink to="/portal/products">{t('portal.nav.products')}</NavLink>
          <a href="/help">{t('portal.nav.help')}</a>
        </nav>
        <div className="topbar-right">
          <LanguageSwitch />
          <span className="who" title={me.data.user.email}>
            {me.data.user.name}
          </span>
          <button type="button" className="secondary" disabled={logout.isPending} onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/portal/login') })}>
            {t('portal.nav.logout')}
          </button>
        </div>
      </header>
      <main className="page portal-page">
        <Outlet />
      </main>
      <footer className="portal-footer muted small">
        <a href="/">{t('portal.footer.home')}</a> · <a href="/commitments">{t('portal.footer.commitments')}</a>
      </footer>
    </div>
  );
}
