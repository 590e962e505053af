import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * Errors fastify answers before any route or handler (an undecodable URL, a request the HTTP
 * parser refuses), in the same `{error: {code, message}}` shape as every other error.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_BAD_URL') {
    void reply.status(400).send({ error: { code: 'bad_url', message: 'The URL is not valid: a %-escape in it does not decode to UTF-8 text.' } });
    return;
  }
  void reply.status(err.statusCode ?? 400).send({ error: { code: 'bad_request', message: err.message } });
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request was not received in time.'],
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'The request headers are too large.'],
};

/** The HTTP parser's refusals (a Content-Length that does not match the body, a malformed line) on the raw socket. */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'malformed_request', 'The request is not valid HTTP (a malformed line or header, or a Content-Length that does not match the body).'];
  const body = JSON.stringify({ error: { code, message } });
  this.log.trace({ err }, 'client error');
  if (socket.writable)
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy(err);
}
