import { describe, expect, it } from 'vitest';
import { transientDbFailure } from './transient-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('transientDbFailure', () => {
  it('knows a lock or deadlock from PostgreSQL and SQLite as busy', () => {
    for (const code of ['55P03', '40P01', '40001', '57014', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']) {
      expect(transientDbFailure(withCode(code)), code).toBe('database_busy');
    }
  });

  it('knows a lost or refused connection as unavailable', () => {
    for (const code of ['08006', '08001', '57P01', '53300', 'ECONNREFUSED', 'ECONNRESET']) {
      expect(transientDbFailure(withCode(code)), code).toBe('database_unavailable');
    }
    expect(transientDbFailure(new Error('Connection terminated unexpectedly'))).toBe('database_unavailable');
  });

  it('looks through the errors that wrap one', () => {
    const wrapped = new Error('the rows of a batch opened ahead were not written', { cause: new Error('outer', { cause: withCode('55P03') }) });
    expect(transientDbFailure(wrapped)).toBe('database_busy');
  });

  it('leaves a request\'s own failures and bugs alone', () => {
    for (const code of ['23505', '23503', '22P02', 'SQLITE_CONSTRAINT_UNIQUE', 'ERR_INVALID_ARG_TYPE']) {
      expect(transientDbFailure(withCode(code)), code).toBeNull();
    }
    expect(transientDbFailure(new TypeError('x is undefined'))).toBeNull();
    expect(transientDbFailure('a string')).toBeNull();
    expect(transientDbFailure(null)).toBeNull();
  });
});
