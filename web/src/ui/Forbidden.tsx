import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** A page the user's role may not see: say so plainly, and offer the way back. */
export function Forbidden({ title, message }: { title: string; message: string }) {
  const { t } = useTranslation();
  return (
    <div className="card notice forbidden" role="alert">
      <h1>{title}</h1>
      <p>{message}</p>
      <Link to="/">{t('app.backToQueue')}</Link>
    </div>
  );
}
