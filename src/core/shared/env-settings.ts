/**
 * Settings from the environment (tuning knobs such as SL_TIMER_POLL_MS, switches such as
 * SECURE_COOKIES): unset or empty gives the fallback, anything that is not such a value stops the
 * process with a message naming the variable, rather than running with NaN (a timer every NaN ms
 * fires at once, forever) or with a switch silently left off (SECURE_COOKIES=true).
 */
const rawOf = (name: string): string | undefined => {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? undefined : raw;
};

export function msFromEnv<F extends number | null>(name: string, fallback: F, min = 0): number | F {
  const raw = rawOf(name);
  if (raw === undefined) return fallback;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < min) throw new Error(`${name} must be a number of milliseconds, ${min} or more (got "${raw}")`);
  return ms;
}

/** A whole number, 1 or more (a batch size). */
export function countFromEnv(name: string, fallback: number): number {
  const raw = rawOf(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number, 1 or more (got "${raw}")`);
  return n;
}

/** On or off: `1` or `true`, `0` or `false` (any case). */
export function switchFromEnv(name: string, fallback: boolean): boolean {
  const raw = rawOf(name);
  if (raw === undefined) return fallback;
  const v = raw.trim().toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new Error(`${name} must be 1 or 0 (true or false) (got "${raw}")`);
}

/** A number of whole days, 0 or more; 0 (like unset) gives the fallback. */
export function daysFromEnv(name: string, fallback: number): number {
  const raw = rawOf(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of days, 0 or more (0: the default, ${fallback}) (got "${raw}")`);
  return n === 0 ? fallback : n;
}

/** A TCP port, 1 to 65535 (0, any free one, only with allowAny); unset gives null (the listener is off). */
export function portFromEnv(name: string, allowAny = false): number | null {
  const raw = rawOf(name);
  if (raw === undefined) return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < (allowAny ? 0 : 1) || n > 65535) throw new Error(`${name} must be a port number, ${allowAny ? 0 : 1} to 65535 (got "${raw}")`);
  return n;
}

/** A comma-separated list of values each `valid` accepts (trimmed, empty items dropped); unset gives []. */
export function listFromEnv(name: string, valid: (item: string) => boolean, what: string): string[] {
  const raw = rawOf(name);
  if (raw === undefined) return [];
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.find((i) => !valid(i));
  if (items.length === 0 || bad !== undefined) throw new Error(`${name} must be ${what}, comma-separated (got "${raw}")`);
  return items;
}
