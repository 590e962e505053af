/**
 * How many pages one intake writes to SQLite's WAL, and into which tables and indexes: creates
 * 2,000 warm-up cases, then 2,000 more with `concurrency` callers at once (so batches of about
 * that size) with checkpoints off, and reads the page numbers from the WAL's frame headers.
 *   node --import tsx bench/tools/wal-pages.ts [concurrency=8]
 * TOP=N prints the N largest owners (default 30).
 * (2026-12-04: 59.3 pages per case alone, 16.3 in batches of 8, 7.6 in batches of 32; the
 * commit's fsync and the checkpoints scale with them.)
 */
import { sql } from 'kysely';
import { openCtx } from '../../src/core/bootstrap.ts';
import { createCase } from '../../src/core/modules/cases/index.ts';
import { actorOf } from '../../src/core/modules/users/index.ts';
import { seedBase } from '../../src/core/seed/base-seed.ts';
import { intakeBody, Rng } from '../synthetic.ts';
import { rmSync } from 'node:fs';

const file = '/tmp/wal/w.db';
rmSync('/tmp/wal', { recursive: true, force: true });
const { ctx, dbh } = await openCtx({ url: `sqlite:${file}`, config: { scryptCost: 1024 } });
const seed = await seedBase(ctx, 'password-123456');
const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', seed.users.agent!.id).executeTakeFirstOrThrow();
const actor = actorOf(user, '127.0.0.1');
const rng = new Rng(1);
const conc = Number(process.argv[2] ?? 8);
const warm = async (n: number) => { for (let i = 0; i < n; i += conc) await Promise.all(Array.from({ length: conc }, () => createCase(ctx, intakeBody(rng) as never, actor))); };
await warm(2000);
await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(ctx.db);
await sql`PRAGMA wal_autocheckpoint = 0`.execute(ctx.db);
const n = 2000;
await warm(n);
const r = await sql<{ busy: number; log: number; checkpointed: number }>`PRAGMA wal_checkpoint(PASSIVE)`.execute(ctx.db);
console.log(`concurrency ${conc}: ${n} cases, WAL frames ${r.rows[0]!.log}, ${(r.rows[0]!.log / n).toFixed(1)} pages per case`);

// Which tables and indexes the frames belong to: page numbers from the WAL's frame headers,
// owners from dbstat (read before the WAL is checkpointed).
{
  const { readFileSync } = await import('node:fs');
  const Database = (await import('better-sqlite3')).default;
  const wal = readFileSync(`${file}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const counts = new Map<number, number>();
  for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
    const pg = wal.readUInt32BE(off);
    counts.set(pg, (counts.get(pg) ?? 0) + 1);
  }
  const db = new Database(file, { readonly: true });
  const owner = new Map<number, string>();
  for (const r of db.prepare('SELECT name, pageno FROM dbstat').all() as Array<{ name: string; pageno: number }>) owner.set(r.pageno, r.name);
  const by = new Map<string, number>();
  let total = 0;
  for (const [pg, c] of counts) {
    const name = owner.get(pg) ?? (pg === 1 ? 'header' : 'free/other');
    by.set(name, (by.get(name) ?? 0) + c);
    total += c;
  }
  console.log(`${total} frames by owner (per case):`);
  for (const [name, c] of [...by].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 30))) console.log(`  ${(c / n).toFixed(2).padStart(6)}  ${name}`);
  db.close();
}
await dbh.close();
