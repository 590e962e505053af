import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useLogin } from '../modules/auth/hooks.ts';
import { sessionEndedNotice } from '../ui/drafts.ts';
import { ErrorMessage } from '../ui/feedback.tsx';
import { LanguageSwitch } from '../ui/LanguageSwitch.tsx';
import './portal.css';

/** The customers' login (the same session login as staff); a staff account lands in the workspace. */
export function PortalLoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [ended] = useState(sessionEndedNotice);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate(
      { email, password },
      { onSuccess: (r) => void navigate(r.user.role !== 'customer' ? '/' : from?.startsWith('/portal') && from !== '/portal/login' ? from : '/portal', { replace: true }) },
    );
  };
  return (
    <div className="login-wrap portal">
      <form className="card login portal-login" onSubmit={submit}>
        <div className="login-head">
          <h1>
            ServiceLoop <small>{t('portal.title')}</small>
          </h1>
          <LanguageSwitch />
        </div>
        <h2>{t('portal.login.title')}</h2>
        <p className="muted">{t('portal.login.intro')}</p>
        {ended && (
          <p className="notice-line" role="status">
            {t('auth.sessionEnded')}
          </p>
        )}
        <label>
          {t('auth.email')}
          <input name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('auth.password')}
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorMessage error={login.error} />
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? t('auth.submitting') : t('portal.login.submit')}
        </button>
        <p className="muted small">{t('portal.login.hint')}</p>
        <p className="small">
          <a href="/">{t('portal.footer.home')}</a> · <a href="/app/login">{t('portal.login.staff')}</a>
        </p>
      </form>
    </div>
  );
}
