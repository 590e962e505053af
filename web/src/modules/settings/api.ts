import { api } from '../../api.ts';
import type { ClassificationSettings } from '../../types.ts';

/** The run-time classification settings (SPEC 2): GET (settings.read) and PUT (settings.write, admins). */
export const getClassificationSettings = () => api<ClassificationSettings>('/api/v1/settings/classification');
export const putClassificationSettings = (body: Partial<ClassificationSettings>) => api<ClassificationSettings>('/api/v1/settings/classification', { method: 'PUT', body });

export const LEVELS = [1, 2, 3] as const;

/**
 * The cell the API's `matrix_not_monotonic` refusal is about, and the more serious one beside it
 * that has the lower priority: its details name the latter ({impact, urgency}, 1 = high); the
 * former is the first cell, in the API's order (rows, then columns), that the latter outranks:
 * the one to its right (less urgent) if that has the higher priority, else the one below it.
 */
export function notMonotonicCells(m: string[][], details: unknown): { cell: [number, number]; more: [number, number] } | null {
  const d = details as { impact?: unknown; urgency?: unknown } | null;
  if (typeof d?.impact !== 'number' || typeof d.urgency !== 'number') return null;
  const [a, b] = [d.impact - 1, d.urgency - 1];
  const rank = (i: number, j: number) => Number(m[i]?.[j]?.slice(1) ?? NaN);
  if (!(rank(a, b) > 0)) return null;
  const outranked = (i: number, j: number) => i < 3 && j < 3 && rank(a, b) > rank(i, j);
  const cell: [number, number] | null = outranked(a, b + 1) ? [a, b + 1] : outranked(a + 1, b) ? [a + 1, b] : null;
  return cell ? { cell, more: [a, b] } : null;
}
