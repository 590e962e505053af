import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { NewCaseForm } from '../modules/cases/components/NewCaseForm.tsx';

export function NewCasePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <section className="narrow">
      <h1>{t('newCase.title')}</h1>
      <NewCaseForm onCreated={(id) => void navigate(`/cases/${id}`)} />
    </section>
  );
}
