import type { Ctx } from '../../core/context.ts';
import { ingestEmail, MAX_MESSAGE_BYTES, trustedAuthservFromEnv } from '../../core/modules/channels/index.ts';
import { recordAuditNow } from '../../core/modules/audit/index.ts';
import { DomainError } from '../../core/shared/errors.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

/**
 * The email channel's HTTP way in, for a mail gateway (an MTA's pipe, a cloud mail service's
 * webhook): the raw message as the body, `Content-Type: message/rfc822`. The same intake as the
 * SMTP listener (modules/channels): 201 with the new case; 200 when the mail was threaded into a
 * case as a customer reply, or was taken in before (same Message-ID; header `idempotent-replayed`);
 * an automatic mail (out-of-office, bounce) 200 `noted` (an internal entry on its case); a bounce
 * answering no case 200 `ignored` (logged at warn); an out-of-office answering none 201 `created` (no acknowledgement); 4xx `{error:{code,message}}` for a message that can never become a case (no From, too large,
 * not mail); 503 with Retry-After when the database could not take it: send it again.
 */
export function channelRoutes(app: ZApp, ctx: Ctx): void {
  // read when the app is built: a bad SL_EMAIL_TRUSTED_AUTHSERV stops the start naming it
  const trustedAuthserv = trustedAuthservFromEnv();
  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit: MAX_MESSAGE_BYTES }, (_req, body, done) => done(null, body));
  app.post(
    '/api/v1/channels/email/inbound',
    {
      config: { permission: 'channel.ingest' },
      bodyLimit: MAX_MESSAGE_BYTES,
      schema: {
        tags: ['channels'],
        summary: 'Take in a raw email (Content-Type: message/rfc822): a new case, or a customer reply threaded into its case',
        description:
          'Threading: In-Reply-To/References naming a mail sent or received for a case, or a case number [SL-YYYYMMDD-NNNN] in the subject from the case\'s own contact address when a trusted Authentication-Results header (SL_EMAIL_TRUSTED_AUTHSERV) reports dmarc=pass or an aligned dkim=pass. The same Message-ID twice makes one case. Answers {outcome: created|threaded|duplicate|noted|ignored, case: {id, number, status} | null, messageKey}. Automatic mail (Auto-Submitted, bounces) never makes a customer reply: it is noted internally on the case it answers; an automatic reply answering no case makes a case without an acknowledgement; a bounce answering no case is ignored (logged).',
      },
    },
    async (req, reply) => {
      const isMail = /^message\/rfc822\b/i.test(req.headers['content-type'] ?? '');
      // (an empty body reaches no parser)
      const raw = Buffer.isBuffer(req.body) ? req.body : isMail && req.body == null ? Buffer.alloc(0) : null;
      if (!raw) throw new DomainError('unsupported_media_type', 'Send the raw message as the body, with Content-Type: message/rfc822.', 415);
      const r = await ingestEmail(ctx, raw, { ip: req.ip, trustedAuthserv, log: req.log });
      // who handed it over (the intake itself is recorded as the email channel's)
      await recordAuditNow(ctx, { actor: actor(req), action: 'channel.email_inbound', ...(r.case ? { targetType: 'case', targetId: r.case.id } : {}), after: { outcome: r.outcome, messageKey: r.messageKey } });
      if (r.outcome === 'duplicate') void reply.header('idempotent-replayed', 'true');
      return reply.status(r.outcome === 'created' ? 201 : 200).send(r);
    },
  );
}
