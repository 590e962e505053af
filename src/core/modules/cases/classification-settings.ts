import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { invalid } from '../../shared/errors.ts';
import { readSetting, writeSetting } from '../settings/index.ts';
import { DEFAULT_PRIORITY_MATRIX, PRIORITIES, type PriorityMatrix } from './case.ts';

/**
 * The classification's configurable parts (SPEC 2): the priority matrix (impact × urgency ->
 * P1..P4) and the repeat-complaint window. A change applies to cases classified from then on (new
 * ones and reclassifications); cases already classified keep their priority.
 */
export interface ClassificationSettings {
  priorityMatrix: PriorityMatrix;
  repeatWindowDays: number;
}

const KEY = 'classification';
const priority = z.enum(PRIORITIES);
const row = z.tuple([priority, priority, priority]);
export const classificationSettingsSchema = z.strictObject({
  /** [impact-1][urgency-1]: rows high, medium, low impact; columns high, medium, low urgency. */
  priorityMatrix: z.tuple([row, row, row]),
  repeatWindowDays: z.number().int().min(1).max(3650),
});

export const defaultClassificationSettings = (ctx: Ctx): ClassificationSettings => ({
  priorityMatrix: DEFAULT_PRIORITY_MATRIX,
  repeatWindowDays: ctx.config.repeatWindowDays,
});

/** Pass the transaction when inside one (SQLite). */
export const classificationSettings = (ctx: Ctx, db: Kysely<Database> = ctx.db): Promise<ClassificationSettings> =>
  readSetting(ctx, KEY, classificationSettingsSchema, defaultClassificationSettings(ctx), db);

const rank = (p: string) => Number(p.slice(1));

/**
 * Higher impact or urgency never gives a lower priority: a matrix where a more serious, or more
 * urgent, case would wait longer than a lesser one is refused, naming the cell.
 */
function assertMonotonic(m: PriorityMatrix): void {
  const LEVEL = ['high', 'medium', 'low'];
  const cell = (i: number, j: number) => `impact ${LEVEL[i]} × urgency ${LEVEL[j]}`;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      // the cell above (higher impact) and the one to the left (higher urgency) are more serious
      for (const [a, b] of [[i - 1, j], [i, j - 1]] as const) {
        if (a < 0 || b < 0 || rank(m[a]![b]!) <= rank(m[i]![j]!)) continue;
        throw invalid(
          'matrix_not_monotonic',
          `${cell(i, j)} is ${m[i]![j]}, but ${cell(a, b)}, more serious or more urgent, is ${m[a]![b]}: a more serious or urgent case must not get a lower priority.`,
          { impact: a + 1, urgency: b + 1 },
        );
      }
}

/** The patch applied to the settings as stored now (read in the write's transaction, not the cache). */
export function updateClassificationSettings(ctx: Ctx, patch: Partial<ClassificationSettings>, actor: Actor): Promise<ClassificationSettings> {
  return writeSetting(ctx, KEY, (current) => {
    const stored = classificationSettingsSchema.safeParse(current);
    const next = { ...(stored.success ? stored.data : defaultClassificationSettings(ctx)), ...patch };
    assertMonotonic(next.priorityMatrix);
    return next;
  }, actor);
}
