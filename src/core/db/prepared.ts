import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import { REUSE_MARK } from './fast-insert.ts';

type Db = Kysely<Database>;

const SENTINEL = '\u0000sl-param-';

/**
 * A Kysely query built and compiled once per dialect and then run with new parameter values.
 * Building and compiling a query costs more than running a point lookup on SQLite (~20-40 µs
 * against ~5-10 µs), so the lookups every intake makes use this. `build` receives placeholders
 * in place of the parameters and must use each where it would use the value (as a plain value,
 * not in a condition that depends on it). Marked REUSE_MARK: PostgreSQL prepares it once per connection.
 */
export function prepared<P extends unknown[], R>(build: (db: Db, ...params: P) => Compilable<R>): (db: Db, ...params: P) => Promise<R[]> {
  const byAdapter = new WeakMap<object, { sql: string; slots: Array<number | { value: unknown }> }>();
  return async (db, ...params) => {
    const adapter = db.getExecutor().adapter;
    let plan = byAdapter.get(adapter);
    if (!plan) {
      const placeholders = params.map((_, i) => `${SENTINEL}${i}`) as unknown as P;
      const compiled = build(db, ...placeholders).compile();
      const slots = compiled.parameters.map((p) =>
        typeof p === 'string' && p.startsWith(SENTINEL) ? Number(p.slice(SENTINEL.length)) : { value: p },
      );
      plan = { sql: REUSE_MARK + compiled.sql, slots };
      byAdapter.set(adapter, plan);
    }
    const values = plan.slots.map((s) => (typeof s === 'number' ? params[s] : s.value));
    return (await db.executeQuery<R>(CompiledQuery.raw(plan.sql, values) as CompiledQuery<R>)).rows;
  };
}
