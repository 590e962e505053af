import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError } from '../../core/shared/errors.ts';
import { TRANSIENT_MESSAGES, transientDbFailure } from '../../core/db/transient-errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

/** One mapping from errors to `{error: {code, message, details}}` and the right status. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => {
        const keys = (v.params as { keys?: unknown } | undefined)?.keys;
        return {
          path: [err.validationContext ?? 'body', ...v.instancePath.split('/').filter(Boolean)].join('.'),
          message: v.message,
          code: v.keyword,
          ...(Array.isArray(keys) ? { keys } : {}),
        };
      });
      const first = details[0];
      return reply.status(400).send({
        error: { code: 'validation_failed', message: first ? `${first.path}: ${first.message}` : 'The request is not valid.', details },
      });
    }
    if (err instanceof DomainError) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[err.code] ?? (status === 429 ? 'rate_limited' : err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? 'invalid_json' : 'bad_request');
      return reply.status(status).send({ error: { code, message: err.message } });
    }
    const transient = transientDbFailure(err);
    if (transient) {
      req.log.warn({ err }, transient);
      return reply.status(503).header('retry-after', '1').send({ error: { code: transient, message: TRANSIENT_MESSAGES[transient] } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side; nothing was half-saved. Try again.' } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: { code: 'route_not_found', message: `No route ${req.method} ${req.url.split('?')[0]}.` } }),
  );
}
