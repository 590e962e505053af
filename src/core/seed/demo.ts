import type { Ctx } from '../context.ts';
import { seedBase, type BaseSeed } from './base-seed.ts';

export const DEMO_PASSWORD = 'serviceloop-demo';

/** Base organisation plus demo history. (The bulk demo history generator plugs in here.) */
export async function loadDemo(ctx: Ctx, opts: { log?: (s: string) => void } = {}): Promise<BaseSeed> {
  const base = await seedBase(ctx, DEMO_PASSWORD);
  opts.log?.('demo organisation created');
  return base;
}
