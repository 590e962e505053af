import { z } from 'zod';
import { DAY_MS, GROUP_BYS } from './summary.service.ts';

/** The longest period a summary may cover (a period's values are sorted in memory). */
export const MAX_PERIOD_DAYS = 1100;

/** GET /api/v1/analytics/summary: `from` and `to` (epoch ms, [from, to)) or `days` up to now (default 30). */
export const summaryQuery = z
  .strictObject({
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(1).optional(),
    days: z.coerce.number().int().min(1).max(MAX_PERIOD_DAYS).optional(),
    groupBy: z.enum(GROUP_BYS).optional(),
  })
  .superRefine((q, ctx) => {
    const explicit = q.from !== undefined || q.to !== undefined;
    if (explicit && q.days !== undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: 'give either from and to, or days' });
    if (explicit && (q.from === undefined || q.to === undefined)) ctx.addIssue({ code: 'custom', path: [q.from === undefined ? 'from' : 'to'], message: 'from and to go together' });
    if (q.from !== undefined && q.to !== undefined) {
      if (q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
      else if (q.to - q.from > MAX_PERIOD_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a period of at most ${MAX_PERIOD_DAYS} days` });
    }
  });
