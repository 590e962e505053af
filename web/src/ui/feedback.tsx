import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';

export function Loading() {
  const { t } = useTranslation();
  return <p className="muted loading">{t('app.loading')}</p>;
}

/** An API error as the user should read it: the server's message (its code beside it, small). */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error" role="alert">
      <span className="error-message">{message}</span>
      {code && <code className="error-code">{code}</code>}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}
