import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';
import { errorText } from '../i18n/api-errors.ts';

export function Loading() {
  const { t } = useTranslation();
  return <p className="muted loading">{t('app.loading')}</p>;
}

/**
 * An API error as the user should read it: its code's message in the UI's language (the server's
 * own message for a code this app has no words for), its code beside it, small. `message`, when
 * given, is used instead (a page that can say more, naming what the server's details point at).
 */
export function ErrorMessage({ error, onRetry, message: given }: { error: unknown; onRetry?: () => void; message?: string | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : null;
  const message = given ?? errorText(error, t);
  return (
    <div className="error" role="alert" data-code={code ?? undefined}>
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
