import type { FastifyInstance } from 'fastify';
import { wellFormedText } from '../../core/shared/unicode.ts';

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** A parsed JSON value with every lone UTF-16 surrogate in its strings (keys too) replaced by U+FFFD. */
export function wellFormed(v: unknown): unknown {
  if (typeof v === 'string') return wellFormedText(v);
  if (Array.isArray(v)) return v.map(wellFormed);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [wellFormed(k) as string, wellFormed(x)]));
  return v;
}

/**
 * Request bodies: fastify's own JSON parser (with its prototype-poisoning checks), and then text
 * made well-formed. A UTF-8 body cannot hold half of a surrogate pair, but a JSON escape can
 * ("\ud800"); stored as it is, SQLite writes bytes that are not UTF-8 and PostgreSQL refuses it
 * inside JSON. The walk only runs when the raw body has such an escape.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    parse(req, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      done(null, SURROGATE_ESCAPE.test(body as string) ? wellFormed(value) : value);
    });
  });
}
