import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '../../../types.ts';
import { formatTime } from '../../../ui/format.ts';
import { useCategories } from '../hooks.ts';

const Row = ({ label, children }: { label: string; children: ReactNode }) => (
  <>
    <dt>{label}</dt>
    <dd>{children ?? '—'}</dd>
  </>
);

/** The case's record: what the customer asked, who they are (masked as the API gives it), its classification and outcome. */
export function CaseFields({ c, userName }: { c: CaseView; userName: (id: string | null) => string | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const category = useCategories().data?.find((x) => x.id === c.categoryId);
  const r = c.resolution;
  return (
    <>
      <section className="card">
        <h2>{t('case.description')}</h2>
        <p className="prewrap">{c.description}</p>
        {c.request && (
          <>
            <h3>{t('case.request')}</h3>
            <p className="prewrap">{c.request}</p>
          </>
        )}
      </section>
      <section className="card">
        <div className="cols">
          <div>
            <h2>{t('case.contact')}</h2>
            <dl className="fields">
              <Row label={t('case.name')}>{c.contact.name}</Row>
              <Row label={t('case.phone')}>{c.contact.phone}</Row>
              <Row label={t('case.email')}>{c.contact.email}</Row>
              <Row label={t('case.channel')}>{t(`channel.${c.channel}`, { defaultValue: c.channel })}</Row>
              <Row label={t('case.receivedAt')}>{formatTime(c.receivedAt, lang)}</Row>
              <Row label={t('case.owner')}>{userName(c.ownerId) ?? (c.ownerId ? '…' : null)}</Row>
            </dl>
          </div>
          <div>
            <h2>{t('case.classification')}</h2>
            <dl className="fields">
              <Row label={t('case.type')}>{t(`type.${c.type}`, { defaultValue: c.type })}</Row>
              <Row label={t('case.category')}>{category ? (lang === 'en' ? category.nameEn : category.name) : null}</Row>
              <Row label={t('case.priority')}>
                {t(`priority.${c.priority}`, { defaultValue: c.priority })} ({t('case.impact')} {t(`case.levels.${c.impact}`)} · {t('case.urgency')} {t(`case.levels.${c.urgency}`)})
              </Row>
              {c.complaintGrade && <Row label={t('case.complaintGrade')}>{t(`grade.${c.complaintGrade}`)}</Row>}
              {c.serviceKind && <Row label={t('case.serviceKind')}>{t(`serviceKind.${c.serviceKind}`)}</Row>}
              {c.isRepeat && <Row label={t('case.repeat')}>{t('app.yes')}</Row>}
              {c.sensitive && <Row label={t('case.sensitive')}>{t('app.yes')}</Row>}
              {c.reopenCount > 0 && <Row label={t('case.reopenCount')}>{c.reopenCount}</Row>}
            </dl>
          </div>
        </div>
      </section>
      {(r.cause || r.solution || c.closeReason) && (
        <section className="card resolution">
          <h2>{t('case.resolution')}</h2>
          <dl className="fields">
            {r.cause && <Row label={t('case.cause')}>{r.cause}</Row>}
            {r.solution && <Row label={t('case.solution')}>{r.solution}</Row>}
            {r.compensation && <Row label={t('case.compensation')}>{r.compensation}</Row>}
            {r.correctiveAction && <Row label={t('case.correctiveAction')}>{r.correctiveAction}</Row>}
            {c.closeReason && <Row label={t('case.closeReason')}>{t(`closeReason.${c.closeReason}`)}</Row>}
          </dl>
        </section>
      )}
    </>
  );
}
