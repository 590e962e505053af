import { useTranslation } from 'react-i18next';
import { Badge } from '../../../ui/Badge.tsx';

/** A problem record's status as a badge. */
export function ProblemStatus({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge kind={`problem-${status}`}>
      <span className="problem-status" data-status={status}>
        {t(`problems.status.${status}`, { defaultValue: status })}
      </span>
    </Badge>
  );
}

/** The root cause's category (人员, 流程, 系统, 产品, 政策). */
export function CauseCategory({ category }: { category: string | null }) {
  const { t } = useTranslation();
  if (!category) return <span className="muted">{t('problems.noCause')}</span>;
  return <Badge kind="type">{t(`problems.cause.${category}`, { defaultValue: category })}</Badge>;
}
