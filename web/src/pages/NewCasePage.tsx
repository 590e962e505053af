import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useCan } from '../modules/auth/hooks.ts';
import { NewCaseForm } from '../modules/cases/components/NewCaseForm.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';

/** Log a case (case.create): a role without it (an inspector, say) is told so, not shown a form the API refuses. */
export function NewCasePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  if (!can('case.create')) return <Forbidden title={t('newCase.forbiddenTitle')} message={t('newCase.forbidden')} />;
  return (
    <section className="narrow">
      <h1>{t('newCase.title')}</h1>
      <NewCaseForm onCreated={(id) => void navigate(`/cases/${id}`)} />
    </section>
  );
}
