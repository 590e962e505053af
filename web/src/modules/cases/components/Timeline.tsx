import { useTranslation } from 'react-i18next';
import type { CaseEventView } from '../../../types.ts';
import { formatTime } from '../../../ui/format.ts';

/** What an event's data adds to its line: a status change, a close reason, a resolution's cause. */
function detailOf(e: CaseEventView, t: (k: string, o?: Record<string, unknown>) => string): string | null {
  const d = e.data ?? {};
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
  if (e.type === 'status_changed' && s('from') && s('to')) return `${t(`status.${s('from')}`)} → ${t(`status.${s('to')}`)}`;
  if (e.type === 'closed' && s('reason')) return t(`closeReason.${s('reason')}`);
  if (e.type === 'resolved' && s('cause')) return `${t('case.cause')}: ${s('cause')}`;
  if (e.type === 'reclassified' && d.after && typeof d.after === 'object')
    return Object.entries(d.after as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
  return null;
}

/** Who sent a mail noted on the case, when it was not the case's contact (`data.sender`, as the API gives it). */
function senderOf(e: CaseEventView): string | null {
  const s = e.data?.sender;
  if (!s || typeof s !== 'object') return null;
  const { name, email } = s as { name?: unknown; email?: unknown };
  const n = typeof name === 'string' ? name.trim() : '';
  const m = typeof email === 'string' ? email.trim() : '';
  return n && m ? `${n} <${m}>` : n || m || null;
}

/** The API's download of an attachment event's file (GET /api/v1/cases/:id/attachments/:attachmentId). */
function attachmentHref(caseId: string, e: CaseEventView): string | null {
  const a = e.data?.attachmentId;
  return e.type === 'attachment' && typeof a === 'string' ? `/api/v1/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(a)}` : null;
}

/** The case's history, oldest first: public entries (the customer sees them) and internal ones, told apart. */
export function Timeline({ caseId, events, userName }: { caseId: string; events: CaseEventView[]; userName: (id: string | null) => string | null }) {
  const { t, i18n } = useTranslation();
  if (events.length === 0) return <p className="muted">{t('case.noEvents')}</p>;
  return (
    <ol className="timeline">
      {events.map((e) => {
        const who = e.actorKind === 'customer' ? t('case.customerSide') : e.actorKind === 'system' ? t('case.system') : (userName(e.actorId) ?? '');
        const detail = detailOf(e, t);
        const sender = senderOf(e);
        const href = attachmentHref(caseId, e);
        const filename = typeof e.data?.filename === 'string' ? e.data.filename : null;
        return (
          <li key={e.id} className={`event event-${e.visibility}`} data-type={e.type}>
            <div className="event-head">
              <span className={`tag tag-${e.visibility}`}>{e.visibility === 'public' ? t('case.public') : t('case.internal')}</span>
              <strong className="event-type">{t(`event.${e.type}`, { defaultValue: e.type })}</strong>
              {who && <span className="muted">{who}</span>}
              <time className="muted">{formatTime(e.createdAt, i18n.language)}</time>
            </div>
            {sender && (
              <div className="event-sender muted">
                {t('case.sentBy')}: {sender}
              </div>
            )}
            {detail && <div className="event-detail muted">{detail}</div>}
            {href ? (
              <div className="event-detail">
                <a className="download" href={href} download={filename ?? true}>
                  {filename ?? t('case.download')}
                </a>
              </div>
            ) : (
              e.type === 'attachment' && filename && <div className="event-detail muted">{filename}</div>
            )}
            {e.body && <div className="event-body">{e.body}</div>}
          </li>
        );
      })}
    </ol>
  );
}
