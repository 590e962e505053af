import { simpleParser, type ParsedMail } from 'mailparser';
import { z } from 'zod';
import { DomainError, invalid } from '../../shared/errors.ts';
import { sha256 } from '../../shared/ids.ts';

/**
 * A raw RFC 5322 message as the email channel uses it: who sent it, what it says (without the
 * quoted mail it answers and the signature), its files, and the ids that tie it to a thread.
 */
export interface ParsedEmail {
  /** The Message-ID without angle brackets; without one, `sha256:<hash of the raw bytes>` (a retry resends the same bytes). */
  key: string;
  messageId: string | null;
  from: { name: string; address: string };
  subject: string;
  /** The text, quoted reply and signature stripped; the whole text when that leaves nothing. */
  text: string;
  /** The whole text as sent (kept beside the stripped one: nothing a customer sends is lost). */
  fullText: string;
  html: string | null;
  /** The Date header when it is present and parses, else null. */
  date: number | null;
  /** In-Reply-To first, then References from the newest back: the order a thread is looked up in. */
  refs: string[];
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
  /**
   * A mail sent by a machine (RFC 3834): an out-of-office or other automatic reply, or a bounce (a
   * delivery report). It never becomes a case or a customer's reply: a case would send it an
   * acknowledgement (a mail loop with a responder that ignores our Auto-Submitted), and a reply
   * would reopen a case or resume its timers on a robot's word.
   */
  automatic: 'auto_reply' | 'bounce' | null;
  /**
   * The topmost block of Authentication-Results headers (RFC 8601): the consecutive ones from the
   * first, which the mail server in front adds on top. Whose they are (authserv-id) is judged by
   * senderAuthenticated; one lower down (below another header) may be the sender's own forgery.
   */
  authResults: AuthResults[];
}

export interface AuthResults {
  /** Lower case. */
  authservId: string;
  results: Array<{ method: string; result: string; props: Record<string, string> }>;
}

export interface ParseOptions {
  /** The SMTP reverse path (MAIL FROM), when the listener knows it: '' (a null path, `<>`) is a bounce. */
  envelopeFrom?: string | null | undefined;
}

/** An authserv-id as SL_EMAIL_TRUSTED_AUTHSERV names it: a host name (mx.example.com). */
export const AUTHSERV_ID = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** One Authentication-Results header's value: `authserv-id [version]; method=result ptype.prop=value ...; ...` (comments dropped). */
export function parseAuthResults(value: string): AuthResults | null {
  let v = value.replace(/\r?\n[ \t]+/g, ' ');
  for (let i = 0; i < 5 && /\([^()]*\)/.test(v); i++) v = v.replace(/\([^()]*\)/g, ' ');
  const [head, ...rest] = v.split(';');
  const authservId = (head ?? '').trim().split(/\s+/)[0]?.replace(/^"|"$/g, '').toLowerCase() ?? '';
  if (!authservId) return null;
  const results: AuthResults['results'] = [];
  for (const part of rest) {
    const m = /^\s*([a-z0-9_-]+)(?:\/[0-9]+)?\s*=\s*([a-z0-9_-]+)(.*)$/is.exec(part);
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const p of m[3]!.matchAll(/([a-z0-9_-]+\.[a-z0-9_-]+)\s*=\s*("[^"]*"|[^\s;]+)/gi)) props[p[1]!.toLowerCase()] ??= p[2]!.replace(/^"|"$/g, '').toLowerCase();
    results.push({ method: m[1]!.toLowerCase(), result: m[2]!.toLowerCase(), props });
  }
  return { authservId, results };
}

/** The consecutive Authentication-Results headers from the first one down (any other header ends the block). */
function topAuthResults(mail: ParsedMail): AuthResults[] {
  const out: AuthResults[] = [];
  let started = false;
  for (const h of mail.headerLines) {
    if (h.key !== 'authentication-results') {
      if (started) break;
      continue;
    }
    started = true;
    const r = parseAuthResults(h.line.slice(h.line.indexOf(':') + 1));
    if (r) out.push(r);
  }
  return out;
}

/**
 * Whether the mail server in front vouches for the From address: among the topmost
 * Authentication-Results headers, one by a trusted authserv-id reports `dmarc=pass` (for this From
 * domain, when it names it), or `dkim=pass` with `header.d` the From domain or a parent of it. No
 * trusted id, or no pass: not authenticated (From can be anything a sender writes).
 */
export function senderAuthenticated(mail: Pick<ParsedEmail, 'from' | 'authResults'>, trusted: readonly string[]): boolean {
  const domain = mail.from.address.slice(mail.from.address.lastIndexOf('@') + 1).toLowerCase();
  if (!domain || trusted.length === 0) return false;
  const ids = new Set(trusted.map((t) => t.toLowerCase()));
  return mail.authResults.some(
    (ar) =>
      ids.has(ar.authservId) &&
      ar.results.some((r) => {
        if (r.result !== 'pass') return false;
        if (r.method === 'dmarc') return r.props['header.from'] === undefined || r.props['header.from'] === domain;
        if (r.method !== 'dkim') return false;
        const d = r.props['header.d'];
        return d !== undefined && d.includes('.') && (domain === d || domain.endsWith(`.${d}`));
      }),
  );
}

/** The largest message taken in (the HTTP body and the SMTP SIZE limit): ten 10 MB files' worth is refused by the attachment limit anyway. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

const MAX_SUBJECT = 300;
const MAX_TEXT = 20_000;
const MAX_HTML = 100_000;
const MAX_NAME = 200;
const MIME = /^[\w.+-]+\/[\w.+-]+$/;

const emailAddress = z.email().max(254);

/** `<abc@host>` -> `abc@host` (ids are compared without brackets and surrounding blanks). */
export const bareId = (id: string): string => id.trim().replace(/^<+/, '').replace(/>+$/, '').trim();

/** How a Message-ID is stored and looked up (case_email_messages.message_id): bare, or hashed when very long. */
export const keyOfId = (bare: string): string => (bare.length <= 400 ? bare : `sha256:${sha256(bare)}`);

const idList = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.match(/<[^<>\s]+>/g) ?? (s.trim() ? [s] : [])).map(bareId).filter(Boolean);

const truncate = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * The new part of a mail's text: everything from the first line that opens a quoted earlier mail
 * (`On … wrote:`, `在 … 写道：`, `-----Original Message-----`, an Outlook `From:` header block), or
 * from the signature delimiter (`-- `), is dropped, and so are `>` quoted lines. Simple rules:
 * what they miss stays in (more text, never less); an empty result gives the whole text back.
 */
export function stripQuotedAndSignature(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (line === '-- ' || line === '--') break; // RFC 3676 signature delimiter
    if (/^-{2,}\s*(Original Message|Forwarded message|原始邮件|原始郵件|转发的邮件)\s*-{2,}$/i.test(t)) break;
    if (/^On\b.{0,300}\bwrote:$/i.test(t) || (/^On\b/i.test(t) && /\bwrote:$/i.test(`${t} ${(lines[i + 1] ?? '').trim()}`))) break;
    if (/^在.{0,300}(写道|寫道)[:：]?$/.test(t)) break;
    // Outlook: a "From:" line followed by Sent/Date/To/Subject lines (English or Chinese)
    if (/^(From|发件人|寄件者)\s*[:：]/i.test(t) && /^(Sent|Date|To|Subject|发送时间|收件人|主题|日期)\s*[:：]/i.test((lines[i + 1] ?? '').trim())) break;
    if (/^>/.test(t)) continue;
    kept.push(line);
  }
  const out = kept.join('\n').trim();
  return out || text.trim();
}

const headerText = (mail: ParsedMail, name: string): string => {
  const v = mail.headers.get(name);
  return typeof v === 'string' ? v.trim().toLowerCase() : v && typeof v === 'object' && 'value' in v && typeof v.value === 'string' ? v.value.toLowerCase() : '';
};

function automaticOf(mail: ParsedMail, envelopeFrom: string | null | undefined): ParsedEmail['automatic'] {
  const from = mail.from?.value[0]?.address?.toLowerCase() ?? '';
  // a bounce: a null reverse path (RFC 5321 4.5.5), a delivery report, or MAILER-DAEMON (postmaster@ is a person's mailbox too)
  if (envelopeFrom === '' || headerText(mail, 'content-type') === 'multipart/report' || /^mailer-daemon@/.test(from)) return 'bounce';
  const auto = headerText(mail, 'auto-submitted');
  if ((auto && auto !== 'no') || mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond') || /^(auto_reply|bulk|junk)$/.test(headerText(mail, 'precedence')))
    return 'auto_reply';
  return null;
}

/** A bounce names the mail it returns only inside the report (the returned headers): its Message-IDs there. */
function returnedIds(raw: Buffer): string[] {
  const text = raw.toString('latin1');
  return [...text.matchAll(/^Message-ID:\s*<([^<>\s]+)>/gim)].map((m) => m[1]!).slice(0, 20);
}

function fromOf(mail: ParsedMail): { name: string; address: string } {
  const first = mail.from?.value.flatMap((a) => (a.group ? a.group : [a])).find((a) => a.address);
  const address = first?.address?.trim().toLowerCase();
  if (!address) throw invalid('email_no_sender', 'The message has no From address: there is no one to answer.');
  if (!emailAddress.safeParse(address).success) throw invalid('email_bad_sender', `The From address "${truncate(address, 80)}" is not an email address that can be answered.`);
  const name = (first?.name ?? '').replace(/\s+/g, ' ').trim();
  return { name: truncate(name || address.split('@')[0]!, MAX_NAME), address };
}

/** Parses a raw message; a DomainError (4xx) for one that can never become a case. */
export async function parseEmail(raw: Buffer, o: ParseOptions = {}): Promise<ParsedEmail> {
  if (raw.length === 0) throw invalid('email_empty', 'The message is empty.');
  if (raw.length > MAX_MESSAGE_BYTES) throw new DomainError('email_too_large', `The message is larger than ${MAX_MESSAGE_BYTES} bytes.`, 413);
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (err) {
    throw invalid('email_unparseable', `The message could not be parsed as RFC 5322 mail: ${(err as Error).message}`);
  }
  // a message has a header block: a body of text without one is not mail
  if (mail.headerLines.length === 0) throw invalid('email_unparseable', 'The message has no headers: it is not an RFC 5322 mail.');
  const automatic = automaticOf(mail, o.envelopeFrom);
  let from: ParsedEmail['from'];
  try {
    from = fromOf(mail);
  } catch (err) {
    if (!automatic) throw err;
    from = { name: 'mail system', address: '' }; // a bounce may name no sender: nobody is answered anyway
  }
  const messageId = mail.messageId ? bareId(mail.messageId) || null : null;
  const key = messageId ? keyOfId(messageId) : `sha256:${sha256(raw)}`;
  const hasDate = mail.headerLines.some((h) => h.key === 'date');
  const date = hasDate && mail.date && Number.isFinite(mail.date.getTime()) ? mail.date.getTime() : null;
  const subject = truncate((mail.subject ?? '').replace(/\s+/g, ' ').trim(), MAX_SUBJECT);
  const fullText = (mail.text ?? '').trim();
  const text = truncate(stripQuotedAndSignature(fullText), MAX_TEXT);
  const html = typeof mail.html === 'string' && mail.html.length <= MAX_HTML ? mail.html : null;
  const refs = [...idList(mail.inReplyTo), ...idList(mail.references).reverse(), ...(automatic === 'bounce' ? returnedIds(raw) : [])].filter((r) => r !== messageId);
  const attachments = mail.attachments.map((a, i) => ({
    filename: truncate((a.filename ?? '').trim() || `attachment-${i + 1}${a.contentType === 'message/rfc822' ? '.eml' : ''}`, 255),
    contentType: MIME.test(a.contentType) && a.contentType.length <= 127 ? a.contentType : 'application/octet-stream',
    content: a.content,
  }));
  return { key, messageId, from, subject, text, fullText, html, date, refs: [...new Set(refs)], attachments, automatic, authResults: topAuthResults(mail) };
}
