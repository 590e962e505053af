import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../core/shared/errors.ts';
import { storableValue, UNSTORABLE_ESCAPE } from '../../core/shared/unicode.ts';

/** Valid JSON that the prototype-poisoning check refused: say so, rather than "not valid JSON". */
function forbiddenKey(body: string): DomainError | null {
  try {
    JSON.parse(body);
  } catch {
    return null;
  }
  return new DomainError('forbidden_json_key', 'The body has a key that is not allowed ("__proto__", or "constructor" holding "prototype").', 400);
}

/**
 * Request bodies: fastify's own JSON parser (with its prototype-poisoning checks), and then text
 * both databases can store. A UTF-8 body cannot hold NUL or half of a surrogate pair, but a JSON
 * escape can ("\u0000", "\ud800"); they become U+FFFD (shared/unicode.ts). The walk only runs
 * when the raw body has such an escape.
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    parse(req, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(forbiddenKey(body as string) ?? err, undefined);
      done(null, UNSTORABLE_ESCAPE.test(body as string) ? storableValue(value) : value);
    });
  });
}
