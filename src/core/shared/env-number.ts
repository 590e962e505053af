/**
 * Numbers from the environment (tuning knobs such as SL_TIMER_POLL_MS): unset or empty gives the
 * fallback, anything that is not such a number stops the process with a message naming the
 * variable, rather than running with NaN (a timer every NaN ms fires at once, forever).
 */
export function msFromEnv<F extends number | null>(name: string, fallback: F, min = 0): number | F {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < min) throw new Error(`${name} must be a number of milliseconds, ${min} or more (got "${raw}")`);
  return ms;
}

/** A whole number, 1 or more (a batch size). */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number, 1 or more (got "${raw}")`);
  return n;
}
