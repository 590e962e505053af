import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Ctx } from '../../context.ts';
import { transientDbFailure } from '../../db/transient-errors.ts';
import { DomainError } from '../../shared/errors.ts';
import { countFromEnv, listFromEnv, portFromEnv } from '../../shared/env-settings.ts';
import { consoleLogger, type Logger } from '../notifications/index.ts';
import { ingestEmail, type IngestOptions, type IngestResult } from './email-intake.ts';
import { MAX_MESSAGE_BYTES } from './email-parse.ts';
import { trustedAuthservFromEnv } from './email-threading.ts';

export interface SmtpInboundSettings {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  /** The domains mail is taken for (lower case); a recipient elsewhere is refused at RCPT. */
  domains: string[];
  /** The most SMTP connections at once (a further one is answered 421); default 20. */
  maxClients?: number;
  /** The most messages being taken in at once (a further one is answered 451: try again); default 10. */
  maxIngests?: number;
  /** The authserv-ids whose Authentication-Results are believed (SL_EMAIL_TRUSTED_AUTHSERV); default none. */
  trustedAuthserv?: string[];
}

export const DEFAULT_SMTP_MAX_CLIENTS = 20;
export const DEFAULT_SMTP_MAX_INGESTS = 10;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * SL_SMTP_INBOUND_PORT (unset: no listener), SL_SMTP_INBOUND_HOST (127.0.0.1: behind the mail
 * server that faces the internet), SL_SMTP_INBOUND_DOMAINS (required with the port),
 * SL_SMTP_INBOUND_MAX_CLIENTS (20) and SL_EMAIL_TRUSTED_AUTHSERV (email-threading.ts). A bad value
 * stops the start with a message naming it, as the other settings do.
 */
export function smtpInboundSettingsFromEnv(): SmtpInboundSettings | null {
  const port = portFromEnv('SL_SMTP_INBOUND_PORT');
  const maxClients = countFromEnv('SL_SMTP_INBOUND_MAX_CLIENTS', DEFAULT_SMTP_MAX_CLIENTS);
  const trustedAuthserv = trustedAuthservFromEnv();
  const domains = listFromEnv('SL_SMTP_INBOUND_DOMAINS', (d) => DOMAIN.test(d), 'domain names (support.example.com)').map((d) => d.toLowerCase());
  const host = process.env.SL_SMTP_INBOUND_HOST?.trim() || '127.0.0.1';
  if (port === null) return null;
  if (domains.length === 0) throw new Error('SL_SMTP_INBOUND_DOMAINS must name the domain(s) mail is taken for when SL_SMTP_INBOUND_PORT is set (support.example.com)');
  return { host, port, domains, maxClients, trustedAuthserv };
}

export interface SmtpInboundOptions extends SmtpInboundSettings {
  log?: Logger;
  /** The largest message taken (SMTP SIZE); default MAX_MESSAGE_BYTES. */
  maxBytes?: number;
  /** What a message becomes (tests replace it to see the replies to failures). */
  ingest?: (ctx: Ctx, raw: Buffer, o: IngestOptions) => Promise<IngestResult>;
}

export interface SmtpInbound {
  readonly port: number;
  /** Stops taking connections, waits for the messages being taken in, then closes the rest. */
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message.replace(/[\r\n]+/g, ' ').slice(0, 400)), { responseCode: code });

/**
 * The SMTP listener of the email channel: mail to any address of the configured domains becomes a
 * case or a reply (email-intake.ts). 250 is answered only once that is committed, so an accepted
 * mail is never lost: on a failure of the database (or any failure that is not the message's) the
 * answer is 451 and the sending server keeps the mail and tries again; a message that can never
 * become a case (no sender, too large, not mail) gets 554 and the sender a bounce saying why.
 * No AUTH or STARTTLS: it listens on loopback behind the organisation's mail server, which does
 * TLS, spam and virus filtering and relays to it.
 */
export async function startSmtpInbound(ctx: Ctx, o: SmtpInboundOptions): Promise<SmtpInbound> {
  const log = o.log ?? consoleLogger;
  const ingest = o.ingest ?? ingestEmail;
  const domains = new Set(o.domains.map((d) => d.toLowerCase()));
  const maxBytes = o.maxBytes ?? MAX_MESSAGE_BYTES;
  const inFlight = new Set<Promise<unknown>>();
  const maxIngests = o.maxIngests ?? DEFAULT_SMTP_MAX_INGESTS;
  const trustedAuthserv = o.trustedAuthserv ?? [];
  const server = new SMTPServer({
    name: o.domains[0],
    banner: 'ServiceLoop email channel',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    size: maxBytes,
    closeTimeout: 5_000,
    maxRecipients: 100,
    maxClients: o.maxClients ?? DEFAULT_SMTP_MAX_CLIENTS,
    onRcptTo(address, _session, cb) {
      const domain = address.address.slice(address.address.lastIndexOf('@') + 1).toLowerCase();
      if (!domains.has(domain)) return cb(smtpError(550, `5.7.1 <${address.address}>: relay access denied; this server takes mail for ${[...domains].join(', ')} only`));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes <= maxBytes) chunks.push(c); // past the limit it is read to its end and dropped
      });
      stream.on('error', (err) => cb(smtpError(451, `4.3.0 the message was not received whole (${err.message}); try again`)));
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > maxBytes) return cb(smtpError(552, `5.3.4 the message is larger than ${maxBytes} bytes`));
        // the intake holds the message in memory and a database connection: a bounded number at once
        if (inFlight.size >= maxIngests) return cb(smtpError(451, '4.3.2 too many messages being taken in at once; try again later'));
        const mailFrom = session.envelope.mailFrom;
        const envelopeFrom = mailFrom ? mailFrom.address : null;
        const work = ingest(ctx, Buffer.concat(chunks), { ip: session.remoteAddress, envelopeFrom, trustedAuthserv, log }).then(
          (r) => cb(null, `2.0.0 ${r.outcome}: ${r.case ? `case ${r.case.number}` : 'a bounce that answers no case'}`),
          (err: unknown) => {
            if (err instanceof DomainError) return cb(smtpError(554, `5.6.0 ${err.code}: ${err.message}`));
            const transient = transientDbFailure(err);
            if (transient) log.warn({ err }, `email channel: ${transient}, the sender is asked to try again`);
            else log.error({ err }, 'email channel: a message failed; the sender is asked to try again');
            cb(smtpError(451, `4.3.0 ${transient ?? 'temporary failure'}: not taken in, please try again later`));
          },
        );
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'email channel: SMTP listener error'));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      await Promise.allSettled([...inFlight]);
      await closed;
    },
  };
}
