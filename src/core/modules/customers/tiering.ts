import type { CustomerTier } from './customers.service.ts';
import type { ProfileSettings } from './profile.schemas.ts';

export interface Valued {
  id: string;
  value: number;
}

/**
 * The tier each customer's value earns (the 80/20 rule; the rule as profile.schemas.ts states it).
 * Ranked by value, highest first, ties by id. With N ranked customers and total value V:
 * - the first ceil(N × vipPercent / 100) with value > 0 are vip;
 * - of the others, one is key while the values ranked before it add up to less than
 *   V × keyValuePercent / 100 (so the customers that together make up the top 80% of the value,
 *   including the one that crosses the line), and its own value is > 0;
 * - everyone else is normal.
 */
export function tiersByValue(customers: Valued[], s: Pick<ProfileSettings, 'vipPercent' | 'keyValuePercent'>): Map<string, CustomerTier> {
  const ranked = [...customers].sort((a, b) => b.value - a.value || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const total = ranked.reduce((sum, c) => sum + Math.max(0, c.value), 0);
  const vipCount = Math.ceil((ranked.length * s.vipPercent) / 100);
  const keyLine = (total * s.keyValuePercent) / 100;
  const tiers = new Map<string, CustomerTier>();
  let before = 0;
  ranked.forEach((c, i) => {
    const tier: CustomerTier = c.value <= 0 ? 'normal' : i < vipCount ? 'vip' : before < keyLine ? 'key' : 'normal';
    tiers.set(c.id, tier);
    before += Math.max(0, c.value);
  });
  return tiers;
}
