import { describe, expect, it } from 'vitest';
import { CredentialCache } from './credential-cache.ts';

describe('CredentialCache', () => {
  it('forgets an entry once it is ttlMs old', () => {
    let now = 1000;
    const c = new CredentialCache<string>(100, 10, () => now);
    c.set('k', 'v', c.generation);
    now += 99;
    expect(c.get('k')).toBe('v');
    now += 1;
    expect(c.get('k')).toBeUndefined();
  });

  it('does not remember what was read before a clear', () => {
    const c = new CredentialCache<string>(60_000, 10, () => 0);
    const readAt = c.generation;
    c.clear(); // a change committed while the lookup was on its way
    c.set('k', 'stale', readAt);
    expect(c.get('k')).toBeUndefined();
    c.set('k', 'fresh', c.generation);
    expect(c.get('k')).toBe('fresh');
  });

  it('keeps nothing with ttlMs 0, and starts over when full', () => {
    const off = new CredentialCache<string>(0, 10, () => 0);
    off.set('k', 'v', off.generation);
    expect(off.get('k')).toBeUndefined();
    const small = new CredentialCache<number>(60_000, 2, () => 0);
    for (const k of ['a', 'b', 'c']) small.set(k, 1, small.generation);
    expect([small.get('a'), small.get('b'), small.get('c')]).toEqual([undefined, undefined, 1]);
  });
});
