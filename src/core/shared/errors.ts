/**
 * An expected domain failure: a code the client can act on and a message a person can read.
 * Services throw it (so the surrounding transaction rolls back); the HTTP error handler maps
 * `status` to the response. Anything else thrown is a bug and becomes a 500.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503 = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string): DomainError =>
  new DomainError(`${what}_not_found`, `No ${what.replace(/_/g, ' ')} with id ${id}.`, 404);

export const forbidden = (message = 'You are not allowed to do this.'): DomainError =>
  new DomainError('forbidden', message, 403);

export const conflict = (code: string, message: string, details?: unknown): DomainError =>
  new DomainError(code, message, 409, details);

export const invalid = (code: string, message: string, details?: unknown): DomainError =>
  new DomainError(code, message, 422, details);
