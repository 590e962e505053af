import { z } from 'zod';

/** The API contract of the privacy rights (SPEC 10). */
export const customerIdParams = z.strictObject({ id: z.string().min(1).max(64) });
export const eraseBody = z.strictObject({
  /** Why (the request, its reference): recorded in the audit log with the counts. */
  reason: z.string().trim().min(1).max(500),
});
