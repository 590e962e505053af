import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../api.ts';
import { useDraft } from '../ui/drafts.ts';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { formatTime } from '../ui/format.ts';
import { attachmentHref, confirmResolved, getRequest, readFile, reopenRequest, sendFile, sendReply, type PortalCaseDetail } from './api.ts';

type Detail = PortalCaseDetail;
type Event = Detail['timeline'][number];

/** One of the customer's requests: what they sent, the public conversation, the promises and the next step. */
export function RequestPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const submitted = (useLocation().state as { submitted?: boolean } | null)?.submitted === true;
  const q = useQuery({ queryKey: ['portal', 'request', id], queryFn: () => getRequest(id) });
  if (q.isPending) return <Loading />;
  if (q.error) {
    if (q.error instanceof ApiError && q.error.status === 404)
      return (
        <section className="card portal-not-found" data-code="case_not_found">
          <h1>{t('portal.detail.notFound')}</h1>
          <p className="muted">{t('portal.detail.notFoundHint')}</p>
          <Link to="/portal">{t('portal.detail.back')}</Link>
        </section>
      );
    return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  }
  const d = q.data;
  const c = d.case;
  return (
    <section className="portal-request" data-status={c.status}>
      <p className="small">
        <Link to="/portal">← {t('portal.detail.back')}</Link>
      </p>
      {submitted && <Submitted d={d} />}
      <div className="page-head">
        <div>
          <h1 className="case-subject">{c.subject}</h1>
          <p className="muted">
            <span className="case-number">{c.number}</span> · {t('portal.detail.received', { time: formatTime(c.receivedAt, document.documentElement.lang) })}
          </p>
        </div>
        <Badge kind={c.status}>{t(`portal.status.${c.status}`)}</Badge>
      </div>
      <p className="status-explained">{t(`portal.statusExplained.${c.status}`)}</p>
      {c.erased && <p className="notice-line erased-banner">{t('portal.detail.erased')}</p>}
      <Promises d={d} />
      {c.status === 'resolved' && !c.erased && <Decide d={d} />}
      {c.resolution.solution && (
        <div className="card portal-resolution">
          <h2>{t('portal.detail.resolution')}</h2>
          {c.resolution.cause && (
            <p>
              <strong>{t('portal.detail.cause')}:</strong> {c.resolution.cause}
            </p>
          )}
          <p className="prewrap">{c.resolution.solution}</p>
          {c.resolution.compensation && (
            <p>
              <strong>{t('portal.detail.compensation')}:</strong> {c.resolution.compensation}
            </p>
          )}
        </div>
      )}
      <div className="card">
        <h2>{t('portal.detail.conversation')}</h2>
        <Conversation caseId={c.id} events={d.timeline} />
      </div>
      {c.status !== 'closed' && !c.erased && <ReplyBox d={d} />}
      {c.status === 'closed' && !c.erased && <p className="muted">{t('portal.detail.closedHint')}</p>}
    </section>
  );
}

/** Just submitted: the case number and the response time committed in the acknowledgement (SPEC 1). */
function Submitted({ d }: { d: Detail }) {
  const { t, i18n } = useTranslation();
  const ack = d.timeline.find((e) => e.type === 'acknowledged')?.data;
  return (
    <div className="portal-ack" role="status">
      <strong>{t('portal.ack.title', { number: d.case.number })}</strong>
      {ack?.firstResponseDueAt && <div>{t('portal.ack.firstResponse', { time: formatTime(ack.firstResponseDueAt, i18n.language) })}</div>}
      {ack?.resolutionDueAt && <div>{t('portal.ack.resolution', { time: formatTime(ack.resolutionDueAt, i18n.language) })}</div>}
    </div>
  );
}

/** What was promised (first response, resolution) and whether it was kept. */
function Promises({ d }: { d: Detail }) {
  const { t, i18n } = useTranslation();
  if (d.commitments.length === 0) return null;
  return (
    <div className="card portal-promises">
      <h2>{t('portal.promise.title')}</h2>
      <ul>
        {d.commitments.map((p, i) => (
          <li key={i} data-kind={p.kind} data-state={p.state}>
            <span>{t(`portal.promise.kind.${p.kind}`)}</span>{' '}
            <span className="muted">{p.dueAt ? t('portal.promise.by', { time: formatTime(p.dueAt, i18n.language) }) : t('portal.promise.paused')}</span>{' '}
            <Badge kind={p.state === 'met' ? 'resolved' : p.state === 'missed' ? 'breached' : 'open'}>{t(`portal.promise.state.${p.state}`)}</Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}

function useRefresh(id: string) {
  const qc = useQueryClient();
  return () => Promise.all([qc.invalidateQueries({ queryKey: ['portal', 'request', id] }), qc.invalidateQueries({ queryKey: ['portal', 'requests'] })]);
}

/** A resolved request: confirm it is solved (the case closes), or say it is not (it reopens, with the reason). */
function Decide({ d }: { d: Detail }) {
  const { t } = useTranslation();
  const refresh = useRefresh(d.case.id);
  const [reason, setReason, clearReason] = useDraft(`portal:${d.case.id}:reopen`, '');
  const [comment, setComment] = useState('');
  const [reopening, setReopening] = useState(false);
  const confirm = useMutation({ mutationFn: () => confirmResolved(d.case.id, comment), onSuccess: refresh });
  const reopen = useMutation({
    mutationFn: () => reopenRequest(d.case.id, reason),
    onSuccess: async () => {
      clearReason();
      await refresh();
    },
  });
  const doReopen = (e: FormEvent) => {
    e.preventDefault();
    reopen.mutate();
  };
  return (
    <div className="card portal-decide">
      <h2>{t('portal.decide.title')}</h2>
      <p>{t('portal.decide.intro')}</p>
      <label>
        {t('portal.decide.comment')}
        <input name="confirmComment" value={comment} maxLength={5_000} onChange={(e) => setComment(e.target.value)} />
      </label>
      <div className="row-buttons">
        <button type="button" data-step="confirm" disabled={confirm.isPending} onClick={() => confirm.mutate()}>
          {t('portal.decide.confirm')}
        </button>
        <button type="button" className="secondary" data-step="reopen" onClick={() => setReopening(true)}>
          {t('portal.decide.notSolved')}
        </button>
      </div>
      <ErrorMessage error={confirm.error} />
      {(reopening || reason) && (
        <form className="portal-reopen" onSubmit={doReopen}>
          <label>
            {t('portal.decide.reason')} *
            <textarea name="reopenReason" required rows={3} maxLength={5_000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <ErrorMessage error={reopen.error} />
          <button type="submit" disabled={reopen.isPending}>
            {t('portal.decide.reopen')}
          </button>
        </form>
      )}
    </div>
  );
}

/** The reply box, with files: the reply first, then each file (each its own public entry). */
function ReplyBox({ d }: { d: Detail }) {
  const { t } = useTranslation();
  const refresh = useRefresh(d.case.id);
  const [body, setBody, clearBody, kept] = useDraft(`portal:${d.case.id}:reply`, '');
  const [files, setFiles] = useState<File[]>([]);
  const [inputKey, setInputKey] = useState(0);
  const send = useMutation({
    mutationFn: async () => {
      if (body.trim()) await sendReply(d.case.id, body);
      for (const f of files) await sendFile(d.case.id, await readFile(f));
    },
    onSuccess: async () => {
      clearBody();
      setFiles([]);
      setInputKey((k) => k + 1);
      await refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (body.trim() || files.length) send.mutate();
  };
  return (
    <form className="card portal-reply" onSubmit={submit}>
      <h2>{t('portal.reply.title')}</h2>
      {kept && (
        <p className="muted small draft-kept" role="status">
          {t('actions.draftKept')}
        </p>
      )}
      <label>
        <span className="sr-only">{t('portal.reply.title')}</span>
        <textarea name="reply" rows={4} maxLength={20_000} placeholder={t('portal.reply.placeholder')} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      <label>
        {t('portal.form.files')}
        <input key={inputKey} name="replyFiles" type="file" multiple onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
      </label>
      <ErrorMessage error={send.error} />
      <button type="submit" disabled={send.isPending || (!body.trim() && files.length === 0)}>
        {send.isPending ? t('portal.reply.sending') : t('portal.reply.send')}
      </button>
    </form>
  );
}

function Conversation({ caseId, events }: { caseId: string; events: Event[] }) {
  const { t, i18n } = useTranslation();
  return (
    <ol className="timeline portal-timeline">
      {events.map((e) => (
        <li key={e.id} className={`event portal-event by-${e.by}`} data-type={e.type}>
          <div className="event-head">
            <strong className="event-type">{t(`portal.event.${e.type}`, { defaultValue: t('portal.event.other') })}</strong>
            <span className="muted">{t(`portal.by.${e.by}`)}</span>
            <time className="muted">{formatTime(e.createdAt, i18n.language)}</time>
          </div>
          {e.type === 'acknowledged' && e.data.firstResponseDueAt && (
            <div className="event-detail muted">{t('portal.ack.firstResponse', { time: formatTime(e.data.firstResponseDueAt, i18n.language) })}</div>
          )}
          {e.type === 'closed' && e.data.reason && <div className="event-detail muted">{t(`closeReason.${e.data.reason}`, { defaultValue: e.data.reason })}</div>}
          {e.data.attachmentId && (
            <div className="event-detail">
              <a className="download" href={attachmentHref(caseId, e.data.attachmentId)} download={e.data.filename ?? true}>
                {e.data.filename ?? t('case.download')}
              </a>
            </div>
          )}
          {e.body && <div className="event-body">{e.body}</div>}
        </li>
      ))}
    </ol>
  );
}
