import nodemailer from 'nodemailer';
import type { Ctx } from '../../context.ts';
import type { OutboxTopic } from './outbox.ts';
import { hasDigest, hasTemplate, langOf, renderDigest, renderPlain, renderTemplate, type RenderOptions, type RenderedMail } from './templates.ts';

/** pino-compatible (Fastify's app.log fits), so the server log gets the worker's lines. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const consoleLogger: Logger = {
  info: (obj, msg) => console.log(msg ?? '', obj),
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};

/** One claimed outbox row, as a transport sees it. */
export interface OutboxEnvelope {
  id: string;
  topic: string;
  payload: Record<string, unknown>;
  caseId: string | null;
  /** Failed attempts before this one. */
  attempts: number;
}

/** Delivers one message or throws; a DeliveryError with permanent=true is not retried. */
export interface Transport {
  send(m: OutboxEnvelope): Promise<void>;
  close?(): void | Promise<void>;
}

export type Transports = Partial<Record<OutboxTopic, Transport>>;

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export const permanentError = (message: string): DeliveryError => new DeliveryError(message, true);

// ---------------------------------------------------------------------------------------------
// Mail senders: where a rendered mail goes (an SMTP server, or the log when there is none).

export interface OutgoingMail extends RenderedMail {
  to: string[];
  /** Stable per outbox message, so a receiver can drop a duplicate after a crash mid-send. */
  messageId: string;
  headers: Record<string, string>;
}

export interface MailSender {
  readonly kind: 'smtp' | 'log';
  /** The From address (its domain names the Message-IDs). */
  readonly from: string;
  deliver(m: OutgoingMail): Promise<void>;
  close?(): void;
}

export interface SmtpOptions {
  /** smtp://user:pass@host:port, smtps://... (nodemailer connection URL). */
  url: string;
  from: string;
  /** Pooled connections (default 2). */
  maxConnections?: number;
}

/** Sends through an SMTP server with a small connection pool; a rejected recipient is an error. */
export function smtpSender(o: SmtpOptions): MailSender {
  const transporter = nodemailer.createTransport({
    url: o.url,
    pool: true,
    maxConnections: o.maxConnections ?? 2,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    kind: 'smtp',
    from: o.from,
    async deliver(m) {
      const info = await transporter.sendMail({
        from: o.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        headers: m.headers,
      });
      const rejected = (info.rejected ?? []).map(String);
      if (rejected.length) throw new DeliveryError(`SMTP server rejected ${rejected.join(', ')}: ${info.response ?? ''}`.trim(), false);
    },
    close: () => transporter.close(),
  };
}

/** No mail server configured: the rendered mail goes to the server log and counts as sent. */
export function logSender(log: Logger, from = 'ServiceLoop <no-reply@serviceloop.local>'): MailSender {
  return {
    kind: 'log',
    from,
    async deliver(m) {
      log.info(
        { mail: { to: m.to, subject: m.subject, messageId: m.messageId, outboxId: m.headers['X-ServiceLoop-Outbox-Id'] }, text: m.text },
        'outbox: mail not sent (SMTP_URL is not set), logged instead',
      );
    },
  };
}

const domainOf = (from: string): string => /@([^>\s]+)/.exec(from)?.[1] ?? 'serviceloop.local';
// The email channel threads a customer's reply by this form (message-ids.ts, outboxIdOfMessageId): change both together.
const messageIdFor = (sender: MailSender, outboxId: string, part?: string) =>
  `<${outboxId}${part ? `.${part}` : ''}@${domainOf(sender.from)}>`;

function recipients(v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x): x is string => typeof x === 'string' && x.includes('@')).map((x) => x.trim());
}

const asVars = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

// ---------------------------------------------------------------------------------------------
// Topic transports.

/** topic `email`: payload {to, template, locale, vars}, rendered from templates.ts. */
export function emailTransport(sender: MailSender, render: RenderOptions = {}): Transport {
  return {
    async send(m) {
      const to = recipients(m.payload.to);
      const template = m.payload.template;
      if (to.length === 0) throw permanentError('email payload has no valid "to" address');
      if (typeof template !== 'string' || !hasTemplate(template)) throw permanentError(`unknown mail template "${String(template)}"`);
      const vars = asVars(m.payload.vars);
      const mail = renderTemplate(template, m.payload.locale, vars, render);
      const headers: Record<string, string> = { 'X-ServiceLoop-Outbox-Id': m.id, 'X-ServiceLoop-Template': template };
      if (typeof vars.number === 'string') headers['X-ServiceLoop-Case'] = vars.number;
      // RFC 3834: keeps vacation responders from answering system mail (a staff reply is not one).
      if (template !== 'case_reply') headers['Auto-Submitted'] = 'auto-generated';
      await sender.deliver({ ...mail, to, messageId: messageIdFor(sender, m.id), headers });
    },
    close: () => sender.close?.(),
  };
}

/**
 * topic `notify`: a staff notification, payload {userIds, kind, template?, caseId, title, body, vars}. For
 * now it is emailed to the users (active ones with an address), each in their own language: by
 * the template named by `kind` (sla_warning, sla_breach, escalation...) when there is one, else
 * the given title and body. (`template`, when given, takes precedence over `kind`.) A digest has
 * {userIds, kind, template, items, total} instead: one mail about `total` cases, listing `items`
 * (each one case's vars, as `vars` of a single notification).
 */
export function notifyTransport(ctx: Ctx, sender: MailSender, render: RenderOptions = {}): Transport {
  return {
    async send(m) {
      const p = m.payload;
      const ids = (Array.isArray(p.userIds) ? p.userIds : []).filter((x): x is string => typeof x === 'string');
      if (ids.length === 0) throw permanentError('notify payload has no userIds');
      const kind = typeof p.template === 'string' ? p.template : typeof p.kind === 'string' ? p.kind : '';
      const title = typeof p.title === 'string' ? p.title : '';
      const body = typeof p.body === 'string' ? p.body : '';
      const templated = hasTemplate(kind);
      const items = Array.isArray(p.items) ? p.items.map(asVars) : null;
      if (items && (items.length === 0 || !hasDigest(kind))) throw permanentError(`notify digest "${kind}" has no items or no digest template`);
      if (!templated && !title) throw permanentError(`notify "${kind}" has no template and no title`);

      const users = await ctx.db.selectFrom('users').select(['id', 'email', 'locale']).where('id', 'in', ids).where('active', '=', 1).execute();
      const withMail = users.filter((u) => u.email.includes('@'));
      if (withMail.length === 0) throw permanentError(`notify: none of the users ${ids.join(', ')} is active with an email address`);

      const caseId = typeof p.caseId === 'string' ? p.caseId : m.caseId;
      let vars = asVars(p.vars);
      if (!items && caseId && vars.number === undefined) {
        const c = await ctx.db.selectFrom('cases').select(['number', 'subject']).where('id', '=', caseId).executeTakeFirst();
        if (c) vars = { number: c.number, subject: c.subject, ...vars };
      }

      // One mail per language, so each reader gets their own.
      const byLang = new Map<string, string[]>();
      for (const u of withMail) byLang.set(langOf(u.locale), [...(byLang.get(langOf(u.locale)) ?? []), u.email]);
      for (const [lang, to] of byLang) {
        const total = items && typeof p.total === 'number' ? p.total : (items?.length ?? 1);
        const mail = items
          ? renderDigest(kind, lang, items, total, render)
          : templated
            ? renderTemplate(kind, lang, { ...vars, title, body }, render)
            : renderPlain(title, body, lang);
        const headers: Record<string, string> = { 'X-ServiceLoop-Outbox-Id': m.id, 'X-ServiceLoop-Notify': kind || 'message', 'Auto-Submitted': 'auto-generated' };
        if (items) headers['X-ServiceLoop-Digest'] = String(total);
        else if (typeof vars.number === 'string') headers['X-ServiceLoop-Case'] = vars.number;
        await sender.deliver({ ...mail, to, messageId: messageIdFor(sender, m.id, lang), headers });
      }
    },
  };
}

export interface TransportEnv {
  SMTP_URL?: string | undefined;
  MAIL_FROM?: string | undefined;
  MAIL_ORG_NAME?: string | undefined;
}

/**
 * The transports of a running server: email and notify over SMTP when SMTP_URL is set, else into
 * the log (so the demo works without a mail server). sms and webhook have none yet: their
 * messages fail with "no transport configured" instead of pretending to be sent. A webhook
 * transport added later gets only webhooks that passed the consent register (a webhook is a third
 * party: the worker checks payload.consent, see privacy's enqueueWithConsent and assertConsent).
 */
export function transportsFromEnv(ctx: Ctx, env: TransportEnv, log: Logger = consoleLogger): Transports {
  const from = env.MAIL_FROM || 'ServiceLoop <no-reply@serviceloop.local>';
  const sender = env.SMTP_URL ? smtpSender({ url: env.SMTP_URL, from }) : logSender(log, from);
  const render: RenderOptions = { timeZone: ctx.config.timeZone, orgName: env.MAIL_ORG_NAME || undefined };
  return { email: emailTransport(sender, render), notify: notifyTransport(ctx, sender, render) };
}
