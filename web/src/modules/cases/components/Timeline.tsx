import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { CaseEventView } from '../../../types.ts';
import { formatTime } from '../../../ui/format.ts';

/** What an event's data adds to its line: a status change, a close reason, a resolution's cause. */
function detailOf(e: CaseEventView, t: (k: string, o?: Record<string, unknown>) => string): string | null {
  const d = e.data && typeof e.data === 'object' ? e.data : {};
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
  if (e.type === 'status_changed' && s('from') && s('to')) return `${t(`status.${s('from')}`, { defaultValue: s('from') })} → ${t(`status.${s('to')}`, { defaultValue: s('to') })}`;
  if (e.type === 'closed' && s('reason')) return t(`closeReason.${s('reason')}`, { defaultValue: s('reason') });
  if (e.type === 'resolved' && s('cause')) return `${t('case.cause')}: ${s('cause')}`;
  // a consultation (SPEC 3): the team asked; an answer within the team's limit or late
  if (e.type.startsWith('consultation_') && s('teamName')) {
    const team = t('consultations.asked', { team: s('teamName') });
    if (e.type === 'consultation_answered' && typeof d.withinLimit === 'boolean') return `${team} · ${t(`consultations.state.${d.withinLimit ? 'answered' : 'answered_late'}`)}`;
    return team;
  }
  if (e.type === 'routed' && s('ruleName')) return t('routing.byRule', { name: s('ruleName') });
  // an article of the knowledge base used in answering (modules/knowledge): its title as it was then
  if (e.type === 'knowledge_article_used' && s('articleTitle')) return s('articleTitle');
  // an offline record brought in by a bulk import (modules/channels/import): its row, and the channel the record named
  if (e.type === 'imported' && typeof d.row === 'number') return [t('import.event', { row: d.row }), s('sourceChannel'), s('externalRef')].filter(Boolean).join(' · ');
  if (e.type === 'reclassified' && d.after && typeof d.after === 'object')
    return Object.entries(d.after as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ');
  return null;
}

/**
 * An event's name: its label in the reader's language; for a type this app does not know yet
 * (the API gains event types as the product grows), a generic "other event (type)" line.
 */
export const eventLabel = (type: string, t: TFunction): string => t(`event.${type}`, { defaultValue: t('event.unknown', { type: String(type) }) });

/** Who sent a mail noted on the case, when it was not the case's contact (`data.sender`, as the API gives it). */
function senderOf(e: CaseEventView): string | null {
  const s = e.data && typeof e.data === 'object' ? e.data.sender : null;
  if (!s || typeof s !== 'object') return null;
  const { name, email } = s as { name?: unknown; email?: unknown };
  const n = typeof name === 'string' ? name.trim() : '';
  const m = typeof email === 'string' ? email.trim() : '';
  return n && m ? `${n} <${m}>` : n || m || null;
}

/** The API's download of an attachment event's file (GET /api/v1/cases/:id/attachments/:attachmentId). */
function attachmentHref(caseId: string, e: CaseEventView): string | null {
  const a = e.data && typeof e.data === 'object' ? e.data.attachmentId : null;
  return e.type === 'attachment' && typeof a === 'string' ? `/api/v1/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(a)}` : null;
}

/** The case's history, oldest first: public entries (the customer sees them) and internal ones, told apart. */
export function Timeline({ caseId, events, userName }: { caseId: string; events: CaseEventView[]; userName: (id: string | null) => string | null }) {
  const { t } = useTranslation();
  if (events.length === 0) return <p className="muted">{t('case.noEvents')}</p>;
  return (
    <ol className="timeline">
      {events.map((e) => (
        <EventBoundary key={e.id} fallback={<GenericEvent e={e} />}>
          <EventLine caseId={caseId} e={e} userName={userName} />
        </EventBoundary>
      ))}
    </ol>
  );
}

/** An event as a plain line (its type, when), for one whose full line failed to render. */
function GenericEvent({ e }: { e: CaseEventView }) {
  const { t, i18n } = useTranslation();
  return (
    <li className={`event event-${e.visibility === 'public' ? 'public' : 'internal'}`} data-type={String(e.type)} data-generic="">
      <div className="event-head">
        <strong className="event-type">{t('event.unknown', { type: String(e.type) })}</strong>
        <time className="muted">{formatTime(typeof e.createdAt === 'number' ? e.createdAt : null, i18n.language)}</time>
      </div>
    </li>
  );
}

/** Keeps one event's failure to render to that event: it shows as a generic line, the timeline stays. */
class EventBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

function EventLine({ caseId, e, userName }: { caseId: string; e: CaseEventView; userName: (id: string | null) => string | null }) {
  const { t, i18n } = useTranslation();
  const who = e.actorKind === 'customer' ? t('case.customerSide') : e.actorKind === 'system' ? t('case.system') : (userName(e.actorId) ?? '');
  const detail = detailOf(e, t);
  const sender = senderOf(e);
  const href = attachmentHref(caseId, e);
  const filename = typeof e.data?.filename === 'string' ? e.data.filename : null;
  const known = i18n.exists(`event.${e.type}`);
  return (
    <li className={`event event-${e.visibility}`} data-type={e.type} {...(known ? {} : { 'data-generic': '' })}>
      <div className="event-head">
        <span className={`tag tag-${e.visibility}`}>{e.visibility === 'public' ? t('case.public') : t('case.internal')}</span>
        <strong className="event-type">{eventLabel(e.type, t)}</strong>
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
      {typeof e.body === 'string' && e.body && <div className="event-body">{e.body}</div>}
    </li>
  );
}
