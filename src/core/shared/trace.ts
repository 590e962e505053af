/**
 * Opt-in timing trace, for finding where the intake path's time goes (docs/performance.md,
 * bench/tools/batch-trace.ts). With SL_TRACE_MS set to a number of ms, every span at least that
 * long is written to stderr as one `[trace] {json}` line; its `t` is performance.now() at the
 * span's start, so lines of one process line up. Unset, a span costs one boolean test.
 */
import { msFromEnv } from './env-settings.ts';

const minMs = msFromEnv('SL_TRACE_MS', null);

export const tracing = minMs !== null;

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function trace(kind: string, start: number, end: number, fields: Record<string, number | string> = {}): void {
  if (minMs === null || end - start < minMs) return;
  process.stderr.write(`[trace] ${JSON.stringify({ kind, t: round(start), ms: round(end - start), ...fields })}\n`);
}
