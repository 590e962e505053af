import { z } from 'zod';
import { ROLES } from './roles.ts';

/** The contract of a new user, for the API and the CLI alike. */
export const userPassword = z.string().min(10, 'at least 10 characters').max(200);
export const newUserBody = z.strictObject({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  password: userPassword.optional(),
  teamId: z.string().max(64).nullable().optional(),
  customerId: z.string().max(64).nullable().optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
  skills: z.array(z.string().max(50)).max(50).optional(),
  languages: z.array(z.string().max(10)).max(20).optional(),
  post: z.string().trim().min(1).max(40).nullable().optional(),
});
