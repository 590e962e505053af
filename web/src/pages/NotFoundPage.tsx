import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <div className="card notice">
      <h1>{t('app.notFound')}</h1>
      <Link to="/">{t('app.backToQueue')}</Link>
    </div>
  );
}
